"""`manage.py seed_demo`: counts, places, valid codes, the demo people, idempotence."""

import math

import pytest
from django.core.management import call_command

from ipmarket.accounts.cities import cities
from ipmarket.accounts.demo import DEMO_PASSWORD, PEOPLE
from ipmarket.accounts.models import Membership, Organisation, User
from ipmarket.accounts.validators import validate_uscc

pytestmark = pytest.mark.django_db


def km_between(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--with-users", verbosity=0)


def test_organisations_of_every_kind_in_the_five_cities(seeded):
    assert Organisation.objects.count() >= 300
    for kind in Organisation.Kind.values:
        assert Organisation.objects.filter(kind=kind).exists(), kind
    for city in ("成都", "资阳", "德阳", "眉山", "绵阳"):
        for kind in Organisation.Kind.values:
            assert Organisation.objects.filter(kind=kind, city=city).exists(), (city, kind)


def test_codes_are_valid_and_places_within_15_km_of_their_city(seeded):
    for org in Organisation.objects.all():
        validate_uscc(org.unified_social_credit_code)
        centre = cities()[org.city]
        distance = km_between(float(org.latitude), float(org.longitude), float(centre.lat), float(centre.lon))
        assert distance <= 15.05, (org.name, distance)
    names = list(Organisation.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)


def test_demo_people_and_their_roles(seeded):
    expected = {
        "enterprise1": ("enterprise", "admin"),
        "enterprise2": ("enterprise", "admin"),
        "bank_officer1": ("bank", "officer"),
        "bank_approver1": ("bank", "approver"),
        "bank_officer2": ("bank", "officer"),
        "insurer1": ("insurer", "officer"),
        "fund1": ("risk_fund", "officer"),
        "appraiser1": ("appraiser", "officer"),
        "platform1": ("platform", "admin"),
    }
    for username, (kind, role) in expected.items():
        membership = Membership.objects.select_related("organisation", "user").get(user__username=username)
        assert (membership.organisation.kind, membership.role) == (kind, role), username
        assert membership.user.check_password(DEMO_PASSWORD)
    orgs = {u: Membership.objects.get(user__username=u).organisation for u in expected}
    assert orgs["enterprise1"] != orgs["enterprise2"]
    assert orgs["enterprise1"].city == "资阳"
    assert orgs["bank_officer1"] == orgs["bank_approver1"] != orgs["bank_officer2"]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)


def test_every_demo_person_can_sign_in_through_the_login_page(client, seeded):
    for username in ["admin", *PEOPLE]:
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        page = client.get("/").content.decode()
        assert "退出" in page, username
        client.post("/accounts/logout/")


def cms_counts():
    from wagtail.models import Locale, Page, Revision

    from cms.models import PartnerOrganisation, SiteSettings

    return (
        Page.objects.count(),
        Revision.objects.count(),
        Locale.objects.count(),
        PartnerOrganisation.objects.count(),
        SiteSettings.objects.count(),
    )


def test_second_run_adds_nothing_and_scale_adds_more(seeded):
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    pages = cms_counts()
    call_command("seed_demo", "--with-users", verbosity=0)
    assert (Organisation.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert cms_counts() == pages
    call_command("seed_demo", "--scale", "2", verbosity=0)
    assert Organisation.objects.count() >= 600


def test_without_users_outside_debug_creates_no_people(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()
    assert Organisation.objects.count() >= 300


def test_ip_and_listings(seeded):
    from django.utils import timezone

    from ipmarket.assets.identifiers import parse_application_number
    from ipmarket.assets.models import Patent, Trademark
    from ipmarket.market.guards import listing_refusal
    from ipmarket.market.models import Listing

    today = timezone.localdate()
    assert Patent.objects.count() >= 500 and Trademark.objects.count() >= 200
    for number, kind in Patent.objects.values_list("application_number", "patent_type"):
        assert parse_application_number(number)["patent_type"] == kind
    published = Listing.objects.filter(status="published").select_related("patent", "trademark")
    for deal_type in Listing.DealType.values:
        assert published.filter(deal_type=deal_type).count() >= 100, deal_type
    for listing in published:
        assert listing_refusal(listing, today) is None, (listing.pk, listing_refusal(listing, today).code)


def test_demo_enterprises_hold_unlisted_patents_and_published_listings(seeded):
    from django.utils import timezone

    from ipmarket.assets.models import Patent
    from ipmarket.market.models import Listing

    today = timezone.localdate()
    for username in ("enterprise1", "enterprise2"):
        org = Membership.objects.get(user__username=username).organisation
        free = [
            p
            for p in Patent.objects.filter(owner=org, patent_type="invention", legal_status="granted", pledged=False)
            if p.in_force(today) and not p.listings.exists()
        ]
        assert len(free) >= 5, username
        assert Listing.objects.filter(seller=org, status="published").count() >= 2, username


def test_cms_pages_in_chinese_with_english_home_and_guides(seeded):
    from wagtail.models import Site

    from cms.models import FaqPage, GuidePage, HomePage, NewsPage, PartnerOrganisation, PolicyPage, SiteSettings

    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage) and home.locale.language_code == "zh-hans"
    assert home.get_translation_or_none(home.locale.__class__.objects.get(language_code="en")).live
    news = NewsPage.objects.live().filter(locale=home.locale)
    assert news.count() >= 4 and all(article.tags.exists() for article in news)
    announcement = news.get(slug="ziyang-ip-pledge-risk-compensation")
    text = str(announcement.body)
    assert "资阳" in announcement.title and "质押" in announcement.title
    assert "银行贷款+保险+财政风险补偿" in text and "风险补偿资金承担40%" in text
    policy = PolicyPage.objects.live().get(locale=home.locale)
    assert policy.programme.slug == "ziyang-ip-pledge"
    guides = GuidePage.objects.live()
    assert sorted(g.slug for g in guides.filter(locale=home.locale)) == [
        "open-licensing-guide",
        "pledge-financing-guide",
    ]
    assert guides.filter(locale__language_code="en").count() == 2
    assert FaqPage.objects.live().filter(locale=home.locale).exists()
    assert PartnerOrganisation.objects.filter(kind="bank").exists()
    settings_row = SiteSettings.for_site(site)
    assert settings_row.contact_phone and settings_row.icp_number and settings_row.footer_text_en
