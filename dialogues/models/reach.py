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
    event's first day. A person's first event starting within any dates a..b is then one row — start in a..b,
    previous start before a or none — found through an index without grouping the attendance per person
    (dialogues.counting); whether they completed a training starting within the dates is `next_completed` ≤ b
    on that row. Events that started before the dates and still overlap them (the dialogue results page counts
    those) are few: dialogues.counting counts their people live and folds them in. Cells (home site, sex, age
    bands at the event's first day, disability) are those of the record kept. Written only by the triggers of
    migration 0002_person_reach (their functions extended by 0006_reach_span)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    site = models.ForeignKey(
        PilotSite,
        on_delete=models.CASCADE,
        db_index=False,  # the scope's index starts with the kind, then the site
        null=True,
        related_name="+",
        verbose_name=_("pilot site of the events"),
        help_text=_("Empty: the person across every site."),
    )
    kind = models.CharField(max_length=30, blank=True)  # empty: every kind
    start_date = models.DateField()
    prev_start = models.DateField(null=True)
    # The first day of the first training completed from this event on (in the same order and scope).
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
                fields=["kind", "site", "start_date"],
                include=[
                    "prev_start",
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
