"""`manage.py seed_demo [--scale N] [--with-users]`: idempotent demo data."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms import demo as cms_demo
from cms.statistics.demo import seed_targets
from cms.statistics.services import statistics_refresh
from financing import demo as financing_demo
from financing.models import Application, Programme
from financing.registry import demo as registry_demo
from financing.registry import products_demo
from financing.subsidies import demo as subsidies_demo
from ipmarket.accounts import demo as accounts_demo
from ipmarket.accounts.models import Membership, Organisation, User
from ipmarket.assets import demo as assets_demo
from ipmarket.assets.models import Patent, Trademark
from ipmarket.disputes import demo as disputes_demo
from ipmarket.market import demo as market_demo
from ipmarket.market.models import Deal, Listing
from ipmarket.payments.demo import seed_payout_accounts


class Command(BaseCommand):
    help = "Load demo data (idempotent). --scale N multiplies the counts."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiply the demo counts (default 1)")
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="create the demo people with password demo12345 (always under DEBUG)",
        )

    def step(self, label, fn, *args):
        started = time.monotonic()
        result = fn(*args)
        self.stdout.write(f"  {label}: {time.monotonic() - started:.1f}s")
        return result

    def handle(self, *args, scale, with_users, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        started = time.monotonic()
        self.stdout.write(f"seed_demo: scale {scale}")
        orgs = self.step("organisations", accounts_demo.seed_organisations, scale)
        fixed = [orgs["enterprise_a"], orgs["enterprise_b"]]
        self.step("patents and trademarks", assets_demo.seed_assets, scale, fixed)
        self.step("listings", market_demo.seed_listings, scale, fixed)
        self.step("payout accounts", seed_payout_accounts, Organisation.objects.filter(kind="enterprise"))
        programme = self.step("programme", financing_demo.seed_programme, orgs["fund"])
        self.step("loan products", products_demo.seed_products, orgs)
        if with_users or settings.DEBUG:
            people = self.step("people", accounts_demo.seed_people, orgs)
            self.step(
                "trademark renewal", assets_demo.seed_trademark_renewal, people["enterprise1"], orgs["enterprise_a"]
            )
            self.step("deals", market_demo.seed_deals, people, orgs)
            self.step("applications", financing_demo.seed_applications, programme, orgs, people)
            self.step("registry", registry_demo.seed_registry, programme, orgs, people)
            self.step("subsidies", subsidies_demo.seed_subsidies, programme, people)
            self.step("disputes", disputes_demo.seed_disputes, orgs, people)
        self.step("pages", cms_demo.seed_pages)
        self.step("targets", seed_targets)
        self.step("statistics", statistics_refresh)
        counts = {
            "organisations": Organisation.objects.count(),
            "people": User.objects.count(),
            "memberships": Membership.objects.count(),
            "patents": Patent.objects.count(),
            "trademarks": Trademark.objects.count(),
            "listings": Listing.objects.count(),
            "deals": Deal.objects.count(),
            "programmes": Programme.objects.count(),
            "applications": Application.objects.count(),
        }
        summary = " ".join(f"{k}={v}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"seed_demo done in {time.monotonic() - started:.1f}s: {summary}"))
