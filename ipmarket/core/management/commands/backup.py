"""`manage.py backup --output DIR`: the database, MEDIA_ROOT and PRIVATE_MEDIA_ROOT, with a manifest
(ipmarket/core/backups.py; `manage.py restore DIR` puts them back)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ipmarket.core import backups


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or a copy of SQLite), the media and the private documents into a new "
        "folder with a manifest of row counts and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="a new (or empty) folder to write the backup into")

    def handle(self, *args, **options):
        output = Path(options["output"])
        try:
            manifest = backups.backup(
                database=backups.Database.from_settings(settings.DATABASES["default"]),
                media_root=Path(settings.MEDIA_ROOT),
                private_root=Path(settings.PRIVATE_MEDIA_ROOT),
                output=output,
            )
        except backups.BackupError as e:
            raise CommandError(str(e)) from e
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Backed up {len(tables)} tables ({sum(tables.values())} rows), the media and the private documents "
            f"to {output}"
        )
