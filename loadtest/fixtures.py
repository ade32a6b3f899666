"""What the load test's simulated people act on, read from the seeded demo data (`manage.py shell -c "from
loadtest.fixtures import dump; dump()"` prints it as one JSON line; loadtest/run.py writes it to a file for
the locustfile)."""

import json


def dump() -> None:
    from cms.models.news import NewsPage
    from financing.models import Application, Programme
    from ipmarket.accounts.cities import cities
    from ipmarket.accounts.models import Membership, Organisation
    from ipmarket.assets.models import Patent
    from ipmarket.market.models import Listing

    def org_of(username: str) -> int:
        return Membership.objects.filter(user__username=username).values_list("organisation_id", flat=True).first()

    enterprise1, enterprise2, bank = org_of("enterprise1"), org_of("enterprise2"), org_of("bank_officer1")
    programme = Programme.objects.get(slug="ziyang-ip-pledge")
    listed = Organisation.objects.filter(is_active=True)
    data = {
        "listings": list(
            Listing.objects.filter(status=Listing.Status.PUBLISHED).order_by("pk").values_list("pk", flat=True)[:300]
        ),
        # enterprise2 inquires about other sellers' listings
        "inquiry_listings": list(
            Listing.objects.filter(status=Listing.Status.PUBLISHED)
            .exclude(seller_id=enterprise2)
            .order_by("pk")
            .values_list("pk", flat=True)[:100]
        ),
        "firms": list(listed.order_by("pk").values_list("pk", flat=True)[:500]),
        "cities": [{"name": c.name, "lat": float(c.lat), "lon": float(c.lon)} for c in cities().values()],
        "news": [page.get_url() for page in NewsPage.objects.live().order_by("-pk")[:20]],
        "enterprise1_patents": list(
            Patent.objects.filter(owner_id=enterprise1, legal_status=Patent.LegalStatus.GRANTED)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "programme": programme.pk,
        "lender": bank,
        "insurer": org_of("insurer1"),
        "appraiser": org_of("appraiser1"),
        "bank_valued": list(
            Application.objects.filter(lender_id=bank, state=Application.State.VALUED).values_list("pk", flat=True)
        ),
        "bank_applications": list(
            Application.objects.filter(lender_id=bank)
            .exclude(state=Application.State.DRAFT)
            .order_by("-pk")
            .values_list("pk", flat=True)[:50]
        ),
    }
    print(json.dumps(data))
