"""What staff decided about possible duplicates: merges (kept for good, to be explained afterwards)
and pairs judged to be different records (so they are not offered again)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from stakeholders.models.registry import Organization, Person


class RecordKind(models.TextChoices):
    ORGANIZATION = "organization", _("organization")
    PERSON = "person", _("person")


class MergeRecord(models.Model):
    """One merge: which record survived, which was merged into it, who did it, why, and exactly what
    moved (links per relation, fields taken from the merged record, links dropped as repeats)."""

    reason = models.TextField(_("why they are the same"))
    details = models.JSONField(default=dict, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged by")
    )
    merged_at = models.DateTimeField(_("merged on"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-merged_at", "-id"]

    def __str__(self):
        return f"{self.merged} → {self.kept}"

    @property
    def moved(self) -> dict:
        return self.details.get("moved", {})

    @property
    def fields_taken(self) -> list:
        return self.details.get("fields", [])

    @property
    def dropped(self) -> list:
        return self.details.get("dropped", [])


class OrganizationMerge(MergeRecord):
    kept = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="merges", verbose_name=_("record kept")
    )
    merged = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="merge", verbose_name=_("record merged into it")
    )

    class Meta(MergeRecord.Meta):
        verbose_name = _("organization merge")
        verbose_name_plural = _("organization merges")
        constraints = [models.CheckConstraint(name="organization_merge_two_records", condition=~Q(kept=F("merged")))]


class PersonMerge(MergeRecord):
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges", verbose_name=_("record kept"))
    merged = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="merge", verbose_name=_("record merged into it")
    )

    class Meta(MergeRecord.Meta):
        verbose_name = _("person merge")
        verbose_name_plural = _("person merges")
        constraints = [models.CheckConstraint(name="person_merge_two_records", condition=~Q(kept=F("merged")))]


class DistinctPair(models.Model):
    """Two records that look alike but staff judged to be different: not offered as duplicates again."""

    kind = models.CharField(max_length=12, choices=RecordKind.choices)
    first_id = models.PositiveIntegerField()
    second_id = models.PositiveIntegerField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pair judged different")
        verbose_name_plural = _("pairs judged different")
        constraints = [
            models.UniqueConstraint(fields=["kind", "first_id", "second_id"], name="distinct_pair_once"),
            models.CheckConstraint(name="distinct_pair_ordered", condition=Q(first_id__lt=F("second_id"))),
        ]

    def __str__(self):
        return f"{self.kind} {self.first_id} ≠ {self.second_id}"

    @classmethod
    def record(cls, kind, a_id, b_id, user):
        first, second = sorted((a_id, b_id))
        pair, _created = cls.objects.get_or_create(
            kind=kind, first_id=first, second_id=second, defaults={"decided_by": user}
        )
        return pair


class DuplicateCandidate(models.Model):
    """A pair of records of one site whose names look alike (found by stakeholders.duplicates, kept so
    that the "possible duplicates" page reads a short list instead of comparing every pair each time)."""

    kind = models.CharField(max_length=12, choices=RecordKind.choices)
    site = models.ForeignKey("mapping_portal.PilotSite", on_delete=models.CASCADE, related_name="+")
    first_id = models.PositiveIntegerField()
    second_id = models.PositiveIntegerField()
    score = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["kind", "site", "-score"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "first_id", "second_id"], name="duplicate_candidate_once"),
            models.CheckConstraint(name="duplicate_candidate_ordered", condition=Q(first_id__lt=F("second_id"))),
        ]

    def __str__(self):
        return f"{self.kind} {self.first_id} ~ {self.second_id} ({self.score:.2f})"


class DuplicateScan(models.Model):
    """Up to when a site's records of one kind were compared: later changes are compared on the next visit."""

    kind = models.CharField(max_length=12, choices=RecordKind.choices)
    site = models.ForeignKey("mapping_portal.PilotSite", on_delete=models.CASCADE, related_name="+")
    checked_until = models.DateTimeField(null=True)
    # With checked_until, where the last scan stopped: (updated_at, id) of the last record compared.
    last_id = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "site"], name="duplicate_scan_once")]

    def __str__(self):
        return f"{self.kind} {self.site_id} {self.checked_until}"
