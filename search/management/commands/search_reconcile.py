"""`manage.py search_reconcile`: compare database and index, repair drift, print the counts."""

from django.core.management.base import BaseCommand

from search.reconcile import reconcile_all


class Command(BaseCommand):
    help = "Compare the database with the search index and repair missing, stale and extra documents."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count only, repair nothing")

    def handle(self, *args, dry_run, **options):
        counts = reconcile_all(repair=not dry_run)
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
