"""Register facts (docs/security.md): the owner corrects them only while nothing holds the asset, a dispute
flag the platform raised is cleared only by the platform, platform people correct the register at any time,
and every change is recorded."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money

from ipmarket.assets import services
from ipmarket.assets.models import AssetEvent, Patent, Trademark
from ipmarket.market import services as market
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory

pytestmark = pytest.mark.django_db
PATENTS, TRADEMARKS = "/api/v1/patents/", "/api/v1/trademarks/"


def _published(asset, by, deal_type="non_exclusive_license"):
    term = None if deal_type == "assignment" else 24
    listing = market.listing_create(
        by=by, asset=asset, deal_type=deal_type, price=Money("100000", "CNY"), term_months=term
    )
    return market.listing_publish(listing=listing, by=by)


def pledged(p):
    patent = PatentFactory(owner=p.borrower)
    services.asset_pledge(asset=patent, pledgee=p.bank)
    return patent


def in_submitted_application(p, make_app):
    return make_app("submitted").assets.get().patent


def on_the_market(p):
    patent = PatentFactory(owner=p.borrower)
    _published(patent, p.owner)
    return patent


def in_an_open_deal(p):
    patent = PatentFactory(owner=p.borrower)
    listing = _published(patent, p.owner)
    buyer = member_of(OrganisationFactory(kind="enterprise"))
    market.inquiry_create(listing=listing, by=buyer, message="请问可否许可？")
    return patent


SITUATIONS = {
    "pledged": pledged,
    "submitted_application": in_submitted_application,
    "on_the_market": on_the_market,
    "open_deal": in_an_open_deal,
}


@pytest.fixture(params=list(SITUATIONS))
def held(request, parties, make_app):
    """A patent of the borrower held by something (each situation once)."""
    make = SITUATIONS[request.param]
    return make(parties, make_app) if make is in_submitted_application else make(parties)


def _changes():
    today = timezone.localdate()
    return [
        {"legal_status": "lapsed"},
        {"annual_fee_paid_until": (today + timedelta(days=700)).isoformat()},
        {"co_owners": [OrganisationFactory(kind="enterprise").pk]},
        {"ownership_disputed": True},
        {"grant_date": "2020-07-01"},
    ]


def test_owner_cannot_change_register_facts_of_a_held_patent(api, parties, held):
    api.force_authenticate(parties.owner)
    stored = Patent.objects.get(pk=held.pk)
    for change in _changes():
        response = api.patch(f"{PATENTS}{held.pk}/", {**change, "title": "顺带改个名称"}, format="json")
        body = response.json()
        assert response.status_code == 400 and body["code"] == "asset_committed", (change, body)
        assert body["detail"]
        now = Patent.objects.get(pk=held.pk)
        assert (now.legal_status, now.annual_fee_paid_until, now.grant_date, now.ownership_disputed, now.title) == (
            stored.legal_status,
            stored.annual_fee_paid_until,
            stored.grant_date,
            stored.ownership_disputed,
            stored.title,
        ), change  # the whole PATCH is refused: nothing half-applied
        assert not now.co_owners.exists()
    assert not AssetEvent.objects.filter(patent=held, source="owner").exists()


def test_owner_still_edits_the_descriptive_fields_of_a_held_patent(api, parties, held):
    api.force_authenticate(parties.owner)
    same_facts = {"legal_status": held.legal_status, "annual_fee_paid_until": held.annual_fee_paid_until.isoformat()}
    response = api.patch(
        f"{PATENTS}{held.pk}/",
        {"title": "新名称", "abstract": "新摘要", "ipc_codes": ["G06F 17/30"], "internal_notes": "备注", **same_facts},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "新名称" and response.json()["ipc_codes"] == ["G06F 17/30"]
    assert not AssetEvent.objects.filter(patent=held, source="owner").exists()  # descriptive: not recorded


def test_owner_changes_register_facts_of_a_free_patent_and_each_change_is_recorded(api, enterprise, enterprise_admin):
    patent = PatentFactory(owner=enterprise)
    partner = OrganisationFactory(kind="enterprise")
    api.force_authenticate(enterprise_admin)
    paid_until = timezone.localdate() + timedelta(days=500)
    response = api.patch(
        f"{PATENTS}{patent.pk}/",
        {"annual_fee_paid_until": paid_until.isoformat(), "co_owners": [partner.pk], "title": "新名称"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    events = {e.field: e for e in AssetEvent.objects.filter(patent=patent)}
    assert set(events) == {"annual_fee_paid_until", "co_owners"}
    fee = events["annual_fee_paid_until"]
    assert (fee.before, fee.after) == (patent.annual_fee_paid_until.isoformat(), paid_until.isoformat())
    assert (fee.by, fee.source, fee.reason) == (enterprise_admin, "owner", "edit")
    assert (events["co_owners"].before, events["co_owners"].after) == ([], [partner.pk])


def test_platform_corrects_a_pledged_patent_and_it_is_recorded(api, parties, platform_person):
    patent = pledged(parties)
    api.force_authenticate(platform_person)
    response = api.patch(f"{PATENTS}{patent.pk}/", {"legal_status": "invalidated"}, format="json")
    assert response.status_code == 200, response.json()
    assert Patent.objects.get(pk=patent.pk).legal_status == "invalidated"
    event = AssetEvent.objects.get(patent=patent, field="legal_status")
    assert (event.before, event.after, event.by, event.source) == (
        "granted",
        "invalidated",
        platform_person,
        "platform",
    )


def test_a_dispute_flag_raised_by_the_platform_is_cleared_only_by_the_platform(api, enterprise, enterprise_admin):
    platform = member_of(OrganisationFactory(kind="platform"), role="admin")
    patent = PatentFactory(owner=enterprise)
    api.force_authenticate(platform)
    body = api.patch(f"{PATENTS}{patent.pk}/", {"ownership_disputed": True}, format="json").json()
    assert body["ownership_disputed"] is True and body["ownership_disputed_by_platform"] is True
    api.force_authenticate(enterprise_admin)
    response = api.patch(f"{PATENTS}{patent.pk}/", {"ownership_disputed": False, "title": "x"}, format="json")
    assert response.status_code == 403
    assert Patent.objects.get(pk=patent.pk).ownership_disputed is True
    assert Patent.objects.get(pk=patent.pk).title == patent.title
    # The owner's other edits are still theirs while the platform's flag stands.
    assert api.patch(f"{PATENTS}{patent.pk}/", {"title": "新名称"}, format="json").status_code == 200
    api.force_authenticate(platform)
    body = api.patch(f"{PATENTS}{patent.pk}/", {"ownership_disputed": False}, format="json").json()
    assert body["ownership_disputed"] is False and body["ownership_disputed_by_platform"] is False
    sources = list(AssetEvent.objects.filter(patent=patent, field="ownership_disputed").values_list("source", "after"))
    assert sorted(sources) == [("platform", False), ("platform", True)]


def test_the_owner_clears_a_dispute_they_declared_but_not_while_the_asset_is_held(api, parties):
    trademark = TrademarkFactory(owner=parties.borrower)
    api.force_authenticate(parties.owner)
    body = api.patch(f"{TRADEMARKS}{trademark.pk}/", {"ownership_disputed": True}, format="json").json()
    assert body["ownership_disputed"] is True and body["ownership_disputed_by_platform"] is False
    services.asset_pledge(asset=trademark, pledgee=parties.bank)
    response = api.patch(f"{TRADEMARKS}{trademark.pk}/", {"ownership_disputed": False}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "asset_committed"
    services.asset_release_pledge(asset=trademark)
    response = api.patch(f"{TRADEMARKS}{trademark.pk}/", {"ownership_disputed": False}, format="json")
    assert response.status_code == 200 and Trademark.objects.get(pk=trademark.pk).ownership_disputed is False


@pytest.mark.parametrize(
    "change",
    [{"status": "cancelled"}, {"mark_name": "新商标"}, {"nice_classes": [9, 35]}, {"registration_date": "2019-01-02"}],
)
def test_trademark_register_facts_follow_the_same_rule(api, parties, change):
    trademark = TrademarkFactory(owner=parties.borrower)
    _published(trademark, parties.owner, deal_type="assignment")
    api.force_authenticate(parties.owner)
    response = api.patch(f"{TRADEMARKS}{trademark.pk}/", {**change, "goods_services": "改"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "asset_committed"
    assert Trademark.objects.get(pk=trademark.pk).goods_services == trademark.goods_services
    same = api.patch(
        f"{TRADEMARKS}{trademark.pk}/", {"nice_classes": [42, 9, 9], "goods_services": "改"}, format="json"
    )
    assert same.status_code == 200, same.json()  # the same classes in another order: no change of fact


def test_the_nightly_refresh_records_its_changes_in_a_few_queries():
    today = timezone.localdate()

    def run(n):
        lapsing = [PatentFactory(annual_fee_paid_until=today - timedelta(days=200)) for _ in range(n)]
        marks = [TrademarkFactory() for _ in range(n)]
        Trademark.objects.filter(pk__in=[m.pk for m in marks]).update(expiry_date=today - timedelta(days=200))
        with CaptureQueriesContext(connection) as ctx:
            counts = services.assets_refresh_statuses(today=today)
        assert counts == {"patents_expired": 0, "patents_lapsed": n, "trademarks_expired": n}
        events = AssetEvent.objects.filter(patent__in=lapsing)
        assert events.count() == n
        assert {(e.field, e.before, e.after, e.source, e.by_id) for e in events} == {
            ("legal_status", "granted", "lapsed", "system", None)
        }
        assert AssetEvent.objects.filter(trademark__in=marks, field="status", after="expired").count() == n
        return len(ctx)

    assert run(2) == run(25)


def test_an_assignment_is_recorded():
    patent = PatentFactory()
    partner = OrganisationFactory()
    patent.co_owners.add(partner)
    buyer = OrganisationFactory()
    services.asset_assign(asset=patent, to=buyer)
    events = {e.field: (e.before, e.after, e.source, e.reason) for e in AssetEvent.objects.filter(patent=patent)}
    assert events == {
        "owner": (patent.owner_id, buyer.pk, "system", "assignment"),
        "co_owners": ([partner.pk], [], "system", "assignment"),
    }
