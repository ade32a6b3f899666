"""`manage.py search_rebuild`: new versioned indexes, bulk-loaded with a progress bar, aliases swapped,
old indexes dropped."""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import indexes


class Command(BaseCommand):
    help = "Rebuild the search indexes from the database without downtime (alias swap)."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", choices=[*indexes.KINDS, []], help="which indexes (default all)")
        parser.add_argument("--threads", type=int, default=2, help="parallel bulk requests (default 2)")

    def handle(self, *args, kinds, threads, **options):
        for kind in kinds or list(indexes.KINDS):
            total = indexes.count_rows(kind)
            started = time.monotonic()
            with tqdm(total=total, desc=indexes.alias(kind), unit="doc", file=self.stderr, disable=None) as bar:
                loaded = indexes.rebuild(kind, progress=bar.update, threads=threads)
            seconds = time.monotonic() - started
            self.stdout.write(
                f"{indexes.alias(kind)}: {loaded} documents in {seconds:.1f}s ({loaded / max(seconds, 1e-9):.0f}/s)"
            )
