"""`manage.py ensure_dirs`: make the folders the settings point at, which importing the settings never does.

VAR_DIR, the folder of a SQLite database, MEDIA_ROOT, PRIVATE_MEDIA_ROOT and the folders of the filesystem
Celery broker (kombu does not make them). Idempotent; `scripts/run.sh` runs it before anything else.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def required_dirs() -> list[Path]:
    """Every folder the current settings need to exist, in creation order, without repeats."""
    dirs = [Path(settings.VAR_DIR)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) != ":memory:":
        dirs.append(Path(database["NAME"]).parent)
    dirs += [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        dirs += [Path(options[key]) for key in BROKER_FOLDERS if options.get(key)]
    return list(dict.fromkeys(dirs))


class Command(BaseCommand):
    help = "Make the folders the settings point at (VAR_DIR, SQLite, media, filesystem broker)."
    requires_system_checks = []  # runs before the first migrate, on a fresh clone

    def handle(self, *args, **options):
        for path in required_dirs():
            if not path.is_dir():
                path.mkdir(parents=True, exist_ok=True)
                if options["verbosity"] >= 1:
                    self.stdout.write(f"Created {path}")
