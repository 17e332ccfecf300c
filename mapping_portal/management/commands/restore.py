"""manage.py restore FILE [--force] [--database-url URL] [--no-media]: put a `manage.py backup` file back.

The database goes into the configured one (the embedded server or DATABASE_URL) unless --database-url names
another, the uploads into MEDIA_ROOT. A database that already holds tables, or a MEDIA_ROOT that holds files, is
refused unless --force. See mapping_portal/backups.py.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mapping_portal import backups


class Command(BaseCommand):
    help = "Restore a backup file (manage.py backup) into the configured database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .tar.gz written by manage.py backup.")
        parser.add_argument(
            "--force", action="store_true", help="Replace what a non-empty database and MEDIA_ROOT hold."
        )
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the configured one (the media still go to MEDIA_ROOT).",
        )
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")

    def handle(self, *args, file, force, database_url, no_media, **options):
        database = backups.Database.from_url(database_url) if database_url else None
        try:
            manifest = backups.restore(Path(file), database, force=force, media=not no_media)
        except (backups.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        target = database.name if database else backups.Database.from_settings().name
        media = "" if no_media or not backups.media_on_disk() else f" and {manifest['media_files']} media files"
        self.stdout.write(f"Restored {file} (made {manifest['created']}) into {target}{media}.")
