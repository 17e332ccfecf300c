"""Imports of organizations and people from a spreadsheet: the uploaded batch and its staged rows.

The uploaded file stays in Django's default storage (a private folder, never served) and the
state in these tables, so that any app server can take the next step of an import; the engine
that fills and commits them is `stakeholders.importing`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mapping_portal import access


class ImportBatchQuerySet(models.QuerySet):
    def for_user(self, user):
        """A batch belongs to whoever uploaded it; administrators see every batch. Those who may not
        import see none (their URLs answer 404)."""
        if not access.can_import_records(user):
            return self.none()
        if access.is_admin(user):
            return self
        return self.filter(created_by=user)


class ImportBatch(models.Model):
    """One uploaded file on its way from analysis (dry run) through the preview to the commit."""

    class Kind(models.TextChoices):
        ORGANIZATIONS = "organizations", _("organizations")
        PEOPLE = "people", _("people")

    class Status(models.TextChoices):
        ANALYSING = "analysing", _("being checked")
        READY = "ready", _("preview ready")
        FAILED = "failed", _("file refused")
        COMMITTED = "committed", _("imported")

    kind = models.CharField(_("what is imported"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ANALYSING)
    file = models.FileField(_("file"), upload_to="imports/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(max_length=10)
    file_size = models.PositiveBigIntegerField(default=0)
    # Text files: the encoding and delimiter found when the file was first read.
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    # Column index → field name; the original header; columns that mean nothing to the portal.
    columns = models.JSONField(default=dict)
    header = models.JSONField(default=list)
    ignored_columns = models.JSONField(default=list)
    message = models.TextField(_("message"), blank=True)
    # Rows of the file read so far (blank ones included): the next chunk starts after them.
    position = models.PositiveIntegerField(default=0)
    # Roughly how many rows the file has (lines of a CSV, the size an XLSX declares): for the progress bar.
    expected_rows = models.PositiveIntegerField(null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    create_count = models.PositiveIntegerField(_("new"), default=0)
    update_count = models.PositiveIntegerField(_("updates"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    duplicate_count = models.PositiveIntegerField(_("possible duplicates"), default=0)
    # What the registry looked like when the analysis started; the commit refuses if it changed.
    registry_stamp = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("uploaded on"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported on"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"#{self.pk} {self.original_name} ({self.get_kind_display()})"

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.READY and self.error_count == 0 and self.row_count > 0

    @property
    def progress(self) -> int:
        """Percent of the rows checked so far (an estimate while the analysis runs)."""
        if self.status != self.Status.ANALYSING:
            return 100
        if not self.expected_rows:
            return 0
        return min(99, round(100 * self.row_count / self.expected_rows))

    @property
    def change_reason(self) -> str:
        """What the history of every record it creates or changes says."""
        return f"Import #{self.pk}: {self.original_name}"[:100]


class ImportRow(models.Model):
    """One data row of a batch, as the analysis understood it: what will happen, and why not."""

    class Action(models.TextChoices):
        CREATE = "create", _("new")
        UPDATE = "update", _("update")
        UNCHANGED = "unchanged", _("unchanged")
        ERROR = "error", _("error")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))
    action = models.CharField(max_length=10, choices=Action.choices)
    label = models.CharField(max_length=300, blank=True)
    # Field name → value ready for the model (ids for references); only the cells that held something.
    data = models.JSONField(default=dict)
    # Field name → [current value, new value] as text, for updates.
    changes = models.JSONField(default=dict)
    # [{"column": "C “site”", "message": "…"}]
    errors = models.JSONField(default=list)
    # [{"id": 12, "name": "…", "row": null}] — similar records of the registry, or earlier rows of the file.
    matches = models.JSONField(default=list)
    has_matches = models.BooleanField(default=False)
    # The site and exact key that identify the record, to find repeats within the file.
    key = models.CharField(max_length=400, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="import_row_once")]
        indexes = [
            models.Index(fields=["batch", "action", "number"]),
            models.Index(fields=["batch", "has_matches", "number"]),
            models.Index(fields=["batch", "key"]),
        ]

    def __str__(self):
        return f"{self.batch_id}:{self.number} {self.action}"
