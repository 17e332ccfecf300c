"""The registry's background jobs (mapping_portal.jobs): a big import's commit, and comparing a site's changed
records for possible duplicates. Registered on `hooks.job_work` by stakeholders/hooks.py."""

from mapping_portal import access, jobs
from mapping_portal.jobs import progress
from mapping_portal.models import PilotSite
from stakeholders import importing
from stakeholders.duplicates import pending_count, refresh_candidates
from stakeholders.models import ImportBatch


def commit_import(job):
    """The commit is one transaction: a worker killed part way leaves nothing, and the retry commits it all.
    A retry that finds the batch already imported by this job's earlier attempt has nothing left to do."""
    owner = job.owner
    batch = ImportBatch.objects.for_user(owner).filter(pk=job.params.get("batch")).first()
    if batch is None or not access.can_import_records(owner):
        raise jobs.Forbidden
    if batch.kind == ImportBatch.Kind.PEOPLE and not access.can_view_personal_data(owner):
        raise jobs.Forbidden
    if batch.status == ImportBatch.Status.COMMITTED and batch.committed_at and batch.committed_at >= job.created_at:
        return
    try:
        importing.commit(batch.pk, owner)
    except importing.ImportRefused as refusal:
        raise jobs.Refused(refusal.message) from refusal


def compare_duplicates(job):
    """Compare a site's changed records of one kind with the rest of the site, a batch at a time (each batch its
    own transaction: a batch done is kept, and a retry goes on from where the scan stopped)."""
    owner = job.owner
    site = PilotSite.objects.for_user(owner).filter(pk=job.params.get("site")).first()
    kind = job.params.get("kind")
    if site is None or not access.can_merge_records(owner):
        raise jobs.Forbidden
    total = pending_count(kind, site)
    progress.set_total(total)
    waiting = total
    while waiting:
        waiting = refresh_candidates(kind, site)
        progress.set_done(max(total - waiting, 0))
