"""`manage.py restore DIR`: a folder written by `manage.py backup` into the configured (empty) database and
media folders, then every table's row count checked against the manifest (ipmarket/core/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ipmarket.core import backups


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the configured database (which must be empty) and the MEDIA_ROOT and "
        "PRIVATE_MEDIA_ROOT folders, then check every table's row count against the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by `manage.py backup`")
        parser.add_argument(
            "--database-url",
            help="restore into this database instead of the configured one (e.g. postgres://user:pass@host/db)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the tables of a database that has some, and write over files in the media folders",
        )

    def handle(self, *args, **options):
        url = options["database_url"]
        database = (
            backups.Database.from_url(url) if url else backups.Database.from_settings(settings.DATABASES["default"])
        )
        connections.close_all()  # nothing of ours holds the database being replaced
        try:
            counts = backups.restore(
                folder=Path(options["folder"]),
                database=database,
                media_root=Path(settings.MEDIA_ROOT),
                private_root=Path(settings.PRIVATE_MEDIA_ROOT),
                force=options["force"],
            )
        except backups.BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            f"Restored {len(counts)} tables ({sum(counts.values())} rows, as in the manifest), the media and the "
            f"private documents from {options['folder']}"
        )
