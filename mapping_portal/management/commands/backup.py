"""manage.py backup [--out FILE] [--database-url URL]: the database (pg_dump -Fc) and the uploads in one file.

Without --out the file is var/backups/portal-YYYYmmdd-HHMMSS.tar.gz. The database is the configured one (the
embedded server or DATABASE_URL) unless --database-url names another. See mapping_portal/backups.py.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mapping_portal import backups


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the uploaded files (MEDIA_ROOT) into one .tar.gz file."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="The file to write (default: var/backups/portal-<date>-<time>.tar.gz).")
        parser.add_argument("--database-url", help="Back up this database instead of the configured one.")

    def handle(self, *args, out, database_url, **options):
        output = Path(out) if out else backups.default_path()
        database = backups.Database.from_url(database_url) if database_url else None
        try:
            manifest = backups.backup(output, database)
        except (backups.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        media = (
            f"{manifest['media_files']} media files ({manifest['media_bytes']:,} bytes)"
            if manifest["media_on_disk"]
            else "no media (uploads are on object storage: back them up there)"
        )
        self.stdout.write(
            f"{output}: database {manifest['database']} (PostgreSQL {manifest['server_major']}, "
            f"dump {manifest['dump_bytes']:,} bytes), {media}."
        )
