"""`manage.py seed_demo [--scale N] [--with-users]`: idempotent demo data."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.pages import ensure_home_page
from ipmarket.accounts import demo as accounts_demo
from ipmarket.accounts.models import Membership, Organisation, User


class Command(BaseCommand):
    help = "Load demo data (idempotent). --scale N multiplies the counts."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiply the demo counts (default 1)")
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="create the demo people with password demo12345 (always under DEBUG)",
        )

    def handle(self, *args, scale, with_users, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        started = time.monotonic()
        self.stdout.write(f"seed_demo: scale {scale}")
        orgs = accounts_demo.seed_organisations(scale)
        if with_users or settings.DEBUG:
            accounts_demo.seed_people(orgs)
        ensure_home_page()
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo done in {time.monotonic() - started:.1f}s: "
                f"organisations={Organisation.objects.count()} people={User.objects.count()} "
                f"memberships={Membership.objects.count()}"
            )
        )
