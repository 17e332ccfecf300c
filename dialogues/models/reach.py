"""The reach summary: one row per person reached, kept by the database, so the results page reads
~200,000 narrow rows instead of grouping 1,000,000 attendance rows per person on every visit.

The rows are written only by the triggers of migration 0002_person_reach — on attendance, on an event's
status, kind, dates or site, on a person's merge and on the person's sex, birth year, home site and
Washington Group answers — so no code path (a view, the admin, an import, a merge, a shell) can leave
them stale. Python only reads them (dialogues.counting); the counting rules are the ones of
counting.PEOPLE_SQL, which still counts any filtered set of events live:

* a row per person and event site (``site`` set) and one across all sites (``site`` empty);
* a person is counted for the record kept when merged (their rows count for it before they move);
* first day = the first held event counted; age bands and disability at that day, from the person kept.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from mapping_portal.models import PilotSite
from stakeholders.models import Person


class PersonReach(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    site = models.ForeignKey(
        PilotSite,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("pilot site of the events"),
        help_text=_("Empty: the person across every site."),
    )
    first_day = models.DateField(_("first day"))
    completed = models.BooleanField(_("completed a training"))
    home_site = models.ForeignKey(
        PilotSite, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    sex = models.CharField(max_length=10)
    kyrgyz_band = models.CharField(max_length=10)
    un_band = models.CharField(max_length=10)
    disability = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("person reached")
        verbose_name_plural = _("people reached")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "site"], condition=models.Q(site__isnull=False), name="reach_once_per_site"
            ),
            models.UniqueConstraint(fields=["person"], condition=models.Q(site__isnull=True), name="reach_once"),
        ]
        indexes = [models.Index(fields=["site"], name="reach_site")]

    def __str__(self):
        return f"{self.person_id} @ {self.site_id or '*'}"


class ReachSpan(models.Model):
    """The reach of any period, kept by the database like PersonReach: one row per person counted and held event
    attended (as a participant), in each scope the results pages filter by — every site or the event's site, every
    kind or the event's kind — with, per person and scope in the order of the events' first days, the previous
    event's first day and the latest last day of the previous events. A person's first event within any dates is
    then one row, found through an index without grouping the attendance per person (dialogues.counting):

    * events starting within a..b (the reports page): start in a..b and previous start before a (or none);
    * events overlapping a..b (the dialogue results page): start ≤ b, end ≥ a, and previous ends before a.

    Rows with `trained` set are the same for the held trainings a person attended every day of (every kind,
    by site), so that "completed a training" among overlapping events is found the same way (among events
    starting within the dates, `next_completed` of the person's first row says it). Cells (home site, sex,
    age bands at the event's first day, disability) are those of the record kept. Written only by the triggers
    of migration 0002_person_reach (their functions extended by 0006_reach_span)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    site = models.ForeignKey(
        PilotSite,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("pilot site of the events"),
        help_text=_("Empty: the person across every site."),
    )
    kind = models.CharField(max_length=30, blank=True)  # empty: every kind
    trained = models.BooleanField()
    start_date = models.DateField()
    end_date = models.DateField()
    prev_start = models.DateField(null=True)
    prev_end = models.DateField(null=True)
    # The first day of the first training completed from this event on (in the same order and scope): a person
    # whose first event within a..b is this one completed a training starting within a..b if it is ≤ b.
    next_completed = models.DateField(null=True)
    home_site = models.ForeignKey(
        PilotSite, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, null=True, related_name="+"
    )
    sex = models.CharField(max_length=10)
    kyrgyz_band = models.CharField(max_length=10)
    un_band = models.CharField(max_length=10)
    disability = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("person reached")
        verbose_name_plural = _("people reached")
        indexes = [
            models.Index(
                fields=["kind", "trained", "site", "start_date"],
                include=[
                    "end_date",
                    "prev_start",
                    "prev_end",
                    "next_completed",
                    "person",
                    "home_site",
                    "sex",
                    "kyrgyz_band",
                    "un_band",
                    "disability",
                ],
                name="reach_span_scope",
            )
        ]

    def __str__(self):
        return f"{self.person_id} @ {self.site_id or '*'} {self.kind or '*'} {self.start_date}"
