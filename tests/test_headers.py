"""Security headers on every answer: a Content-Security-Policy without unsafe-inline (the Wagtail admin's
exception confined to /admin/), and the headers `check --deploy` asks for; the pages carry no inline script,
style or event handler that such a policy would block."""

from html.parser import HTMLParser

import pytest

from cms.demo import PROGRAMME_SLUG, seed_pages
from cms.statistics.services import statistics_refresh
from ipmarket.accounts.models import User
from ipmarket.assets.models import Patent
from ipmarket.market.models import Deal, Listing
from tests.accounts.factories import OrganisationFactory, UserFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.financing.factories import ProgrammeFactory, application, cast
from tests.market.factories import ListingFactory, deal_in

pytestmark = pytest.mark.django_db

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}  # data, never run


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


class InlineCode(HTMLParser):
    """What a policy without 'unsafe-inline' blocks: inline scripts, <style>, style="" and on…="" attributes."""

    def __init__(self):
        super().__init__()
        self.found, self._script = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in DATA_SCRIPT_TYPES:
            self._script = self.getpos()
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="{attrs[name]}"> at line {self.getpos()[0]}')

    def handle_data(self, data):
        if self._script and data.strip():
            self.found.append(f"inline <script> at line {self._script[0]}: {data.strip()[:80]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def assert_strict_policy(response, where):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"], where
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[directive], (where, directive)
        assert "'unsafe-eval'" not in directives[directive], (where, directive)
    assert directives["object-src"] == ["'none'"], where
    assert directives["base-uri"] == ["'self'"], where
    assert directives["form-action"] == ["'self'"], where
    assert directives["frame-ancestors"] == ["'none'"], where
    assert set(directives["img-src"]) == {"'self'", "data:"}, where
    assert "*" not in " ".join(sum(directives.values(), [])), where


def assert_security_headers(response, where):
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response["X-Frame-Options"] == "DENY", where


@pytest.fixture
def content(db, settings, tmp_path):
    """Content for every page, built with the factories: the site's page tree; listings of a third firm, of
    enterprise1 and of enterprise2, and enterprise2's deal on enterprise1's licence; enterprise1's draft and
    disbursed pledge loans; the superuser `admin`; the statistics computed from all of it."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"  # the valuation reports of the loans
    firm1 = OrganisationFactory(kind="enterprise", name="资阳天府智能装备有限公司")
    firm2 = OrganisationFactory(kind="enterprise", city="成都", name="成都蜀锦新材料科技有限公司")
    enterprise1 = member_of(firm1, role="admin", username="enterprise1")
    enterprise2 = member_of(firm2, role="admin", username="enterprise2")
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    ListingFactory(deal_type="assignment", price="880000.00")  # another firm's: enterprise1 may inquire
    licence = ListingFactory(patent=PatentFactory(owner=firm1), created_by=enterprise1)
    ListingFactory(patent=None, trademark=TrademarkFactory(owner=firm2), deal_type="exclusive_license")
    deal_in("negotiating", licence, buyer_person=enterprise2)
    parties = cast(owner=enterprise1)
    programme = ProgrammeFactory(slug=PROGRAMME_SLUG, risk_fund=parties.fund)
    application("draft", cast=parties, programme=programme, purpose="采购原材料")
    application("active", cast=parties, programme=programme, principal="5000000")
    seed_pages()
    statistics_refresh()


def test_pages_have_a_strict_policy_and_no_inline_code(client, content):
    listing = Listing.objects.filter(status="published").order_by("pk").first()
    patent = Patent.objects.order_by("pk").first()
    public = [
        "/",
        "/ip/",
        "/market/",
        "/firms/",
        f"/market/{listing.pk}/",
        f"/ip/patents/{patent.pk}/",
        "/statistics/",
        "/accounts/login/",
        "/api/docs/",
        "/no-such-page/",
    ]
    signed_in = ["/financing/", "/financing/applications/new/", "/inbox/", f"/market/{listing.pk}/"]
    for path in public:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert_strict_policy(response, path)
        assert_security_headers(response, path)
        assert inline_code(response.content.decode()) == [], path
    client.force_login(User.objects.get(username="enterprise1"))
    for path in signed_in:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert_strict_policy(response, path)
        assert inline_code(response.content.decode()) == [], path


def test_the_swagger_ui_script_is_served_separately(client):
    page = client.get("/api/docs/")
    assert inline_code(page.content.decode()) == []
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_only_the_pay_step_may_load_stripe(client, content):
    deal = Deal.objects.order_by("pk").first()
    client.force_login(
        User.objects.get(
            username="enterprise1"
            if deal.buyer.memberships.filter(user__username="enterprise1").exists()
            else "enterprise2"
        )
    )
    response = client.get(f"/market/deals/{deal.pk}/")
    assert response.status_code == 200
    directives = policy(response)
    assert "https://js.stripe.com" in directives["script-src"] and "'unsafe-inline'" not in directives["script-src"]
    assert "https://api.stripe.com" in directives["connect-src"]
    assert "https://js.stripe.com" not in policy(client.get("/market/"))["script-src"]


def test_the_wagtail_admin_alone_allows_inline_code(client, content):
    client.force_login(User.objects.get(username="admin"))
    response = client.get("/admin/")
    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" in directives["script-src"] and "'unsafe-inline'" in directives["style-src"]
    assert directives["frame-ancestors"] == ["'self'"]  # the page preview is a frame of the admin
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'self'"]
    assert_security_headers(response, "/admin/")
    # The prefix is /admin/ exactly: a public path that merely starts alike keeps the strict policy.
    assert_strict_policy(client.get("/administration-guide/"), "/administration-guide/")


def test_api_answers_and_errors_carry_the_headers(api):
    for path in ["/api/v1/listings/", "/api/v1/no-such-thing/", "/api/schema/", "/healthz"]:
        response = api.get(path)
        assert_strict_policy(response, path)
        assert_security_headers(response, path)
