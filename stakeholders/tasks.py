"""The registry's periodic work for Procrastinate's worker (no cron needed)."""

from procrastinate.contrib.django import app

from mapping_portal.models import PilotSite
from stakeholders.duplicates import refresh_candidates
from stakeholders.importing import purge_unfinished
from stakeholders.models import RecordKind


@app.periodic(cron="41 3 * * *", periodic_id="purge_imports")
@app.task(name="purge_imports", queue="maintenance", queueing_lock="purge_imports")
def purge_imports(timestamp: int):
    """Imports left unfinished longer than IMPORT_RETENTION_DAYS go, with their files (personal data)."""
    purge_unfinished()


@app.periodic(cron="*/10 * * * *", periodic_id="compare_duplicates")
@app.task(name="compare_duplicates", queue="maintenance", queueing_lock="compare_duplicates", lock="duplicates")
def compare_duplicates(timestamp: int):
    """Records changed since the last comparison (an import, a command, an edit nobody followed up) are compared
    with the rest of their site, so that the possible-duplicates pages find no backlog."""
    for site in PilotSite.objects.all():
        for kind in RecordKind.values:
            while refresh_candidates(kind, site):
                pass
