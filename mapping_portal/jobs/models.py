"""A background job as its owner sees it: what they asked for, how far it is, the file it made or why it failed.

The queue itself is Procrastinate's (its own tables, `procrastinate_jobs`): a `Job` is the portal's side of one
queued task — who may see it, its progress, its result. The two are written in the same transaction when a job
is started (`mapping_portal.jobs.start`).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A job is its owner's alone: nobody else sees it, administrators included (its file may hold what
        only the owner's filters chose)."""
        from mapping_portal import access

        return self.filter(owner_id=user.pk) if access.can_run_jobs(user) else self.none()


class Job(models.Model):
    class Kind(models.TextChoices):
        DOWNLOAD = "download", _("File to download")
        IMPORT = "import", _("Import")
        DUPLICATES = "duplicates", _("Search for possible duplicates")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        # What went wrong, as a code: the message is shown in the language of whoever reads it, and never
        # as a stack trace.
        ERROR = (
            "error",
            _("Something went wrong while this was being done. Try again; if it fails again, tell an administrator."),
        )
        DATABASE = (
            "database",
            _("The database was not reachable while this was being done. Nothing was saved. Try again."),
        )
        FORBIDDEN = "forbidden", _("You no longer have access to what this was made from.")
        REFUSED = "refused", _("This could not be done: see the reason below.")
        EXPIRED = "expired", _("The file was deleted after its time on the server ran out. Ask for it again.")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("what"), max_length=255)
    # The owner's language when they asked: the file and any message are made in it.
    language = models.CharField(max_length=8)
    # A download is made by the same view that would have answered at once, run again in the worker as the owner.
    path = models.CharField(max_length=1000, blank=True)
    query = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure = models.CharField(max_length=20, choices=Failure.choices, blank=True)
    # For REFUSED: the reason, already in the owner's language (an import's own refusal message).
    reason = models.TextField(blank=True)
    file = models.FileField(max_length=255, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    # The queue's row (procrastinate_jobs.id) of the latest attempt.
    queue_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_recent"),
            models.Index(fields=["status", "expires_at"], name="job_expiry"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return None
        return min(99, self.done * 100 // self.total)

    @property
    def downloadable(self):
        return (
            self.kind == self.Kind.DOWNLOAD
            and self.status == self.Status.DONE
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

    @property
    def failure_message(self):
        return self.Failure(self.failure).label if self.failure else ""

    def expiry_from(self, moment):
        return moment + timedelta(hours=settings.JOB_FILE_HOURS)
