"""What a case does to the rest of the platform: the register's ownership-dispute flag (and what it blocks),
collateral alerts to the pledgee bank, and the cautions on asset and listing pages."""

import pytest
from django.core.exceptions import PermissionDenied

from financing import services as financing
from financing.models import CollateralAlert
from ipmarket.assets import cautions
from ipmarket.assets import services as asset_services
from ipmarket.assets.models import AssetEvent, Patent
from ipmarket.core.errors import GuardFailed
from ipmarket.disputes import notices, services
from ipmarket.disputes.models import DisputeEvent
from ipmarket.market import services as market
from tests.disputes.factories import dispute, upload
from tests.financing.factories import ProgrammeFactory, application, cast
from tests.market.factories import ListingFactory


def flagged(patent) -> bool:
    return Patent.objects.get(pk=patent.pk).ownership_disputed


def accept(w, d, route="mediation"):
    mediator = w.mediation if route == "mediation" else None
    return services.dispute_accept(dispute=d, by=w.platform, route=route, mediator=mediator)


# --- the ownership-dispute flag ---------------------------------------------------------------------


def test_accepting_an_ownership_case_flags_the_asset_as_the_platform(w):
    d = dispute(w, kind="ownership")
    assert not flagged(w.patent)  # filing alone changes nothing
    accept(w, d)
    patent = Patent.objects.get(pk=w.patent.pk)
    assert patent.ownership_disputed and patent.ownership_disputed_by_platform
    event = AssetEvent.objects.get(patent=patent, field="ownership_disputed")
    assert (event.reason, event.source, event.by, event.after) == ("dispute", "platform", w.platform, True)


def test_the_flag_blocks_listing_and_pledging(w):
    listing = ListingFactory(patent=w.patent, created_by=w.owner, status="draft")
    c = cast(owner=w.owner)
    app = application("prescreened", cast=c, programme=ProgrammeFactory(risk_fund=c.fund), assets=[w.patent])
    dispute(w, "in_mediation", kind="ownership")
    with pytest.raises(GuardFailed) as excinfo:
        market.listing_publish(listing=listing, by=w.owner)
    assert excinfo.value.code == "ownership_disputed"
    with pytest.raises(GuardFailed) as excinfo:
        financing.application_verify_ip(application=app, by=c.platform)
    assert excinfo.value.code == "ownership_disputed"


def test_the_owner_cannot_clear_the_platforms_flag(w):
    dispute(w, "under_investigation", kind="ownership")
    with pytest.raises(PermissionDenied):
        asset_services.patent_update(patent=Patent.objects.get(pk=w.patent.pk), by=w.owner, ownership_disputed=False)
    assert flagged(w.patent)


@pytest.mark.parametrize("end", ["withdraw", "close", "agreement", "outcome", "dismiss_after_decline"])
def test_the_end_of_the_case_clears_the_flag(w, end):
    if end == "withdraw":
        d = dispute(w, "in_mediation", kind="ownership")
        services.dispute_withdraw(dispute=d, by=w.owner)
    elif end == "close":
        d = dispute(w, "under_investigation", kind="ownership")
        services.dispute_close(dispute=d, by=w.platform, note="权属已查清。")
    elif end == "agreement":
        d = dispute(w, "consented", kind="ownership")
        assert flagged(w.patent)
        services.document_upload(dispute=d, by=w.mediator, kind="agreement", upload=upload("协议.pdf"))
        services.dispute_record_agreement(dispute=d, by=w.mediator)
    elif end == "outcome":
        d = dispute(w, "referred", kind="ownership")
        assert flagged(w.patent)  # still open while the court has it
        services.dispute_post_outcome(dispute=d, by=w.judge, reference="(2026)川20民初3号", result="确认权属")
    else:
        d = dispute(w, "in_mediation", kind="ownership")
        services.dispute_decline(dispute=d, by=w.respondent_person)
        services.dispute_dismiss(dispute=d, by=w.platform, note="当事人不同意调解，不予执法立案。")
    assert not flagged(w.patent)
    cleared = AssetEvent.objects.filter(patent=w.patent, field="ownership_disputed").latest("pk")
    assert (cleared.reason, cleared.source, cleared.after) == ("dispute", "platform", False)


def test_two_ownership_cases_the_flag_lasts_until_both_end(w):
    first = dispute(w, "under_investigation", kind="ownership")
    second = dispute(w, "in_mediation", kind="ownership")
    assert flagged(w.patent)
    services.dispute_close(dispute=first, by=w.platform, note="结案。")
    assert flagged(w.patent)
    services.dispute_withdraw(dispute=second, by=w.owner)
    assert not flagged(w.patent)
    assert AssetEvent.objects.filter(patent=w.patent, field="ownership_disputed").count() == 2


def test_an_infringement_case_does_not_flag(w):
    dispute(w, "under_investigation", kind="infringement")
    dispute(w, "in_mediation", kind="licence")
    assert not flagged(w.patent)


# --- pledged assets ---------------------------------------------------------------------------------


def test_a_case_on_a_pledged_asset_alerts_its_loan_once_and_tells_the_bank(w):
    c = cast(owner=w.owner)
    app = application("active", cast=c, programme=ProgrammeFactory(risk_fund=c.fund), assets=[w.patent])
    assert Patent.objects.get(pk=w.patent.pk).pledged
    d = dispute(w, "under_investigation", kind="infringement")
    alert = CollateralAlert.objects.get(application=app)
    assert (alert.reason, alert.asset_type, alert.asset_id) == ("disputed", "patent", w.patent.pk)
    dispute(w, "in_mediation", kind="ownership")  # a second case on the same asset: the same alert
    assert CollateralAlert.objects.filter(application=app).count() == 1
    accept_event = DisputeEvent.objects.get(dispute=d, action="accept")
    told = [n for n in notices.dispute_event_notices([accept_event.pk]) if n.kind == notices.DISPUTE_COLLATERAL]
    assert [(n.organisation_ids, n.params["application"], n.params["dispute"]) for n in told] == [
        ((c.bank.pk,), app.pk, d.pk)
    ]


def test_a_case_on_an_unpledged_asset_alerts_nobody(w):
    d = dispute(w, "in_mediation")
    accept_event = DisputeEvent.objects.get(dispute=d, action="accept")
    assert not [n for n in notices.dispute_event_notices([accept_event.pk]) if n.kind == notices.DISPUTE_COLLATERAL]
    assert not CollateralAlert.objects.exists()


# --- cautions on asset and listing pages ------------------------------------------------------------


def test_cautions_list_accepted_infringement_and_ownership_cases_only(w):
    for state in ("filed", "dismissed", "withdrawn"):
        dispute(w, state, kind="infringement")
    dispute(w, "in_mediation", kind="licence")
    assert cautions.of(w.patent) == []
    infringement = dispute(w, "under_investigation", kind="infringement")
    ownership = dispute(w, "in_mediation", kind="ownership")
    found = cautions.of(w.patent)
    assert len(found) == 2
    assert any(f"#{infringement.pk}" in sentence for sentence in found)
    assert any(f"#{ownership.pk}" in sentence for sentence in found)
    services.dispute_close(dispute=infringement, by=w.platform, note="结案。")
    assert [s for s in cautions.of(w.patent) if f"#{infringement.pk}" in s] == []


def test_a_transferred_case_neither_flags_nor_cautions_nor_keeps_the_flag(w):
    transferred = dispute(w, "transferred", kind="ownership")
    assert not flagged(w.patent) and cautions.of(w.patent) == []
    accepted = dispute(w, "under_investigation", kind="ownership")
    assert flagged(w.patent)
    services.dispute_close(dispute=accepted, by=w.platform, note="结案。")
    assert not flagged(w.patent)  # the transferred case never held it
    assert cautions.of(w.patent) == []
    services.dispute_post_outcome(dispute=transferred, by=w.bureau_person, reference="成知执〔2026〕1号", result="结案")
    assert not flagged(w.patent)
