"""Delete imports left unfinished for longer than IMPORT_RETENTION_DAYS, with their files.

Each upload purges too; this command is for cron (daily), so that files nobody returns to do not wait
for the next upload.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from stakeholders.importing import purge_unfinished


class Command(BaseCommand):
    help = "Delete imports left unfinished (never imported) for more than IMPORT_RETENTION_DAYS, with their files."

    def handle(self, *args, **options):
        purged = purge_unfinished()
        self.stdout.write(
            f"{purged} unfinished import(s) older than {settings.IMPORT_RETENTION_DAYS} days deleted with their files."
        )
