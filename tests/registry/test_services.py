"""The registry's services: every guard, role and state, the attack cases first (another enterprise, a bank
the demand is not shown to, the wrong side, a stale choice)."""

from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from financing.registry import services
from financing.registry.models import Demand, DemandEvent, Interest
from ipmarket.assets.models import Patent
from ipmarket.core.errors import Conflict, GuardFailed, InvalidTransition
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.financing.factories import ProgrammeFactory, today
from tests.registry.factories import batch, demand, fresh, register


def code_of(excinfo) -> str:
    return excinfo.value.code


# --- create and update ------------------------------------------------------------------------------


def test_a_bank_member_or_an_outsider_cannot_file_a_demand(w):
    for person in (w.officer, w.platform, member_of(OrganisationFactory(kind="insurer"))):
        with pytest.raises(PermissionDenied):
            demand(w, by=person)
    assert not Demand.objects.exists()


def test_an_enterprise_cannot_offer_another_enterprises_ip(w):
    theirs = PatentFactory(owner=w.other_enterprise)
    with pytest.raises(GuardFailed) as excinfo:
        demand(w, assets=[theirs])
    assert code_of(excinfo) == "not_owner"
    assert not Demand.objects.exists()  # nothing half-written


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"amount": "10000001"}, "amount_above_programme_max"),
        ({"term_months": 13}, "term_too_long"),
    ],
)
def test_the_demand_fits_the_programme(w, fields, code):
    with pytest.raises(GuardFailed) as excinfo:
        demand(w, **fields)
    assert code_of(excinfo) == code


def test_the_amount_is_positive_and_the_term_at_least_a_month(w):
    with pytest.raises(ValidationError):
        demand(w, amount="0")
    with pytest.raises(ValidationError):
        demand(w, term_months=0)


def test_a_closed_programme_takes_no_demand(w):
    w.programme.is_active = False
    w.programme.save()
    with pytest.raises(GuardFailed) as excinfo:
        demand(w)
    assert code_of(excinfo) == "programme_closed"


def test_only_granted_patents_and_registered_trademarks_in_force_not_pledged(w):
    pending = PatentFactory(owner=w.borrower, legal_status="pending", grant_date=None, annual_fee_paid_until=None)
    lapsed_fees = PatentFactory(owner=w.borrower, annual_fee_paid_until=today() - relativedelta(years=1))
    refused_mark = TrademarkFactory(owner=w.borrower, status="invalidated")
    pledged = PatentFactory(owner=w.borrower)
    Patent.objects.filter(pk=pledged.pk).update(pledged=True)
    pledged.refresh_from_db()
    cases = [(pending, "asset_not_granted"), (lapsed_fees, "asset_not_granted"), (refused_mark, "asset_not_registered")]
    cases.append((pledged, "already_pledged"))
    for asset, code in cases:
        with pytest.raises(GuardFailed) as excinfo:
            demand(w, assets=[asset])
        assert code_of(excinfo) == code, asset
    assert demand(w, assets=[TrademarkFactory(owner=w.borrower)]).assets.count() == 1


def test_an_asset_in_a_live_pledge_application_is_refused(w):
    from tests.financing.factories import application

    patent = PatentFactory(owner=w.borrower)
    application("ip_verified", cast=w, programme=w.programme, assets=[patent])
    with pytest.raises(GuardFailed) as excinfo:
        demand(w, assets=[patent])
    assert code_of(excinfo) == "already_pledged"


def test_it_is_shown_only_to_active_banks(w):
    closed_bank = OrganisationFactory(kind="bank", is_active=False)
    for banks in ([w.insurer], [closed_bank]):
        with pytest.raises(GuardFailed) as excinfo:
            demand(w, banks=banks)
        assert code_of(excinfo) == "not_a_bank"
    d = demand(w, banks=[w.bank2])
    assert not d.all_banks and list(d.banks.all()) == [w.bank2]
    assert demand(w).all_banks


def test_consent_to_be_contacted_needs_a_contact(w):
    with pytest.raises(ValidationError):
        demand(w, contact_consent=True)
    d = demand(w, contact_consent=True, contact_name="张三", contact_phone="13800000000")
    assert d.contact_consent


def test_unknown_fields_are_refused(w):
    with pytest.raises(ValidationError):
        demand(w, admitted_on=today())


def test_only_its_enterprise_edits_a_draft_or_returned_demand(w):
    d = demand(w)
    for person in (w.stranger, w.officer, w.platform):
        with pytest.raises(PermissionDenied):
            services.demand_update(demand=d, by=person, purpose="改")
    d = services.demand_update(demand=d, by=w.owner, purpose="新的用途", banks=[w.bank2])
    assert fresh(d).purpose == "新的用途" and not fresh(d).all_banks
    services.demand_submit(demand=d, by=w.owner)
    with pytest.raises(GuardFailed) as excinfo:
        services.demand_update(demand=d, by=w.owner, purpose="再改")
    assert code_of(excinfo) == "not_editable"
    services.demand_return(demand=d, by=w.platform, note="请补充用途")
    services.demand_update(demand=d, by=w.owner, purpose="补充后的用途")
    assert fresh(d).purpose == "补充后的用途"


def test_an_update_the_programme_refuses_is_not_kept(w):
    d = demand(w)
    with pytest.raises(GuardFailed):
        services.demand_update(demand=d, by=w.owner, amount=Decimal("20000000"))
    assert fresh(d).amount.amount == Decimal("3000000")


# --- submit, admit, return, reject, withdraw ----------------------------------------------------------


def test_only_its_enterprise_submits_and_withdraws(w):
    d = demand(w)
    for person in (w.stranger, w.officer, w.platform):
        with pytest.raises(PermissionDenied):
            services.demand_submit(demand=d, by=person)
        with pytest.raises(PermissionDenied):
            services.demand_withdraw(demand=d, by=person)
    assert fresh(d).state == "draft"


def test_submitting_twice_is_a_conflict(w):
    d = demand(w, "submitted")
    with pytest.raises(InvalidTransition) as excinfo:
        services.demand_submit(demand=d, by=w.owner)
    assert "withdraw" in excinfo.value.allowed and "admit" in excinfo.value.allowed


def test_submit_checks_the_assets_again(w):
    patent = PatentFactory(owner=w.borrower)
    d = demand(w, assets=[patent])
    Patent.objects.filter(pk=patent.pk).update(legal_status="invalidated")
    with pytest.raises(GuardFailed) as excinfo:
        services.demand_submit(demand=d, by=w.owner)
    assert code_of(excinfo) == "asset_not_granted"
    assert fresh(d).state == "draft"


def test_platform_only_actions_refuse_the_enterprise_and_banks(w):
    d = demand(w, "submitted")
    for person in (w.owner, w.officer, w.stranger):
        with pytest.raises(PermissionDenied):
            services.demand_admit(demand=d, by=person, batch=w.batch)
        with pytest.raises(PermissionDenied):
            services.demand_return(demand=d, by=person, note="x")
        with pytest.raises(PermissionDenied):
            services.demand_reject(demand=d, by=person, note="x")
    assert fresh(d).state == "submitted"


def test_admission_dates_the_listing_for_twelve_months(w):
    d = demand(w, "admitted")
    assert d.batch == w.batch
    assert d.admitted_on == today()
    assert d.expires_on == today() + relativedelta(months=12)
    event = DemandEvent.objects.filter(demand=d, action="admit").get()
    assert (event.actor, event.from_state, event.to_state) == (w.platform, "submitted", "admitted")


def test_admission_needs_an_open_batch_of_the_demands_programme(w):
    d = demand(w, "submitted")
    other = batch(w, programme=ProgrammeFactory())
    with pytest.raises(GuardFailed) as excinfo:
        services.demand_admit(demand=d, by=w.platform, batch=other)
    assert code_of(excinfo) == "batch_programme"
    services.batch_close(batch=w.batch, by=w.platform)
    with pytest.raises(GuardFailed) as excinfo:
        services.demand_admit(demand=d, by=w.platform, batch=w.batch)
    assert code_of(excinfo) == "batch_closed"
    assert fresh(d).state == "submitted" and fresh(d).batch is None


def test_return_and_reject_need_a_reason(w):
    d = demand(w, "submitted")
    for service in (services.demand_return, services.demand_reject):
        with pytest.raises(GuardFailed) as excinfo:
            service(demand=d, by=w.platform, note="  ")
        assert code_of(excinfo) == "note_required"
    services.demand_reject(demand=d, by=w.platform, note="不符合条件")
    assert fresh(d).state == "rejected"
    assert DemandEvent.objects.get(demand=d, action="reject").note == "不符合条件"


def test_withdrawing_an_admitted_demand_declines_the_open_interests(w):
    d = demand(w, "admitted")
    interest = register(w, d)
    services.demand_withdraw(demand=d, by=w.owner)
    assert fresh(d).state == "withdrawn"
    interest.refresh_from_db()
    assert interest.state == Interest.State.NOT_CHOSEN


# --- interests ----------------------------------------------------------------------------------------


def test_a_bank_registers_interest_only_in_admitted_demands_shown_to_it(w):
    d = demand(w, "submitted", banks=[w.bank])
    with pytest.raises(PermissionDenied):
        register(w, d)  # not listed yet
    services.demand_admit(demand=d, by=w.platform, batch=w.batch)
    with pytest.raises(PermissionDenied):
        register(w, d, by=w.officer2)  # not shown to bank B
    for person in (w.owner, w.stranger, w.platform):
        with pytest.raises(PermissionDenied):
            register(w, d, by=person)
    interest = register(w, d)
    assert (interest.bank, interest.state) == (w.bank, "open")


def test_the_indicative_rate_is_positive_and_within_the_programmes_cap(w):
    d = demand(w, "admitted")
    for rate in ("0", "0.046"):  # the default cap is 4.5 %
        with pytest.raises(GuardFailed) as excinfo:
            register(w, d, rate=rate)
        assert code_of(excinfo) == "rate_above_cap"
    with pytest.raises(ValidationError):
        register(w, d, principal="0")
    assert not Interest.objects.exists()


def test_one_live_interest_per_bank(w):
    d = demand(w, "admitted")
    first = register(w, d)
    with pytest.raises(Conflict) as excinfo:
        register(w, d)
    assert code_of(excinfo) == "interest_exists"
    with pytest.raises(PermissionDenied):
        services.interest_withdraw(interest=first, by=w.officer2)
    services.interest_withdraw(interest=first, by=w.officer)
    with pytest.raises(Conflict):
        services.interest_withdraw(interest=first, by=w.officer)
    assert register(w, d).state == "open"  # a withdrawn interest can be registered afresh


def test_interest_after_the_demand_was_matched_is_a_conflict(w):
    d = demand(w, "matched")
    with pytest.raises(InvalidTransition):
        register(w, d, by=w.officer2)


# --- choose -------------------------------------------------------------------------------------------


def test_choosing_matches_the_demand_and_drafts_a_pledge_application(w):
    d = demand(w, "admitted", term_months=12, purpose="购置设备")
    a = register(w, d, principal="2500000", rate="0.0435")
    b = register(w, d, by=w.officer2)
    d = services.demand_choose(demand=d, by=w.owner, interest=a)
    assert d.state == "matched" and d.chosen_interest == a
    app = d.application
    assert app.state == "draft" and app.applicant == w.borrower and app.lender == w.bank
    assert app.principal.amount == Decimal("2500000") and app.annual_rate == Decimal("0.0435")
    assert app.term_months == 12 and app.purpose == "购置设备" and app.programme == w.programme
    assert app.insurer == w.insurer and app.appraiser == w.appraiser  # the only insurer, the panel appraiser
    assert {i.patent_id for i in app.assets.all()} == {i.patent_id for i in d.assets.all()}
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, b.state) == ("chosen", "not_chosen")


def test_only_the_enterprise_chooses(w):
    d = demand(w, "admitted")
    interest = register(w, d)
    for person in (w.stranger, w.officer, w.platform):
        with pytest.raises(PermissionDenied):
            services.demand_choose(demand=d, by=person, interest=interest)
    assert fresh(d).state == "admitted"


def test_a_stale_choice_is_a_conflict(w):
    d = demand(w, "admitted")
    interest = register(w, d)
    services.interest_withdraw(interest=interest, by=w.officer)
    with pytest.raises(Conflict) as excinfo:
        services.demand_choose(demand=d, by=w.owner, interest=interest)
    assert code_of(excinfo) == "interest_changed"
    other = demand(w, "admitted")
    foreign = register(w, other)
    with pytest.raises(Conflict):
        services.demand_choose(demand=d, by=w.owner, interest=foreign)
    live = register(w, d)
    services.demand_choose(demand=d, by=w.owner, interest=live)
    with pytest.raises(InvalidTransition):
        services.demand_choose(demand=d, by=w.owner, interest=live)
    assert fresh(d).state == "matched"


def test_choose_needs_an_insurer_when_there_are_several(w):
    OrganisationFactory(kind="insurer")
    d = demand(w, "admitted")
    interest = register(w, d)
    with pytest.raises(GuardFailed) as excinfo:
        services.demand_choose(demand=d, by=w.owner, interest=interest)
    assert code_of(excinfo) == "insurer_required"
    assert fresh(d).state == "admitted" and not fresh(d).application
    interest.refresh_from_db()
    assert interest.state == "open"  # nothing half-written
    d = services.demand_choose(demand=d, by=w.owner, interest=interest, insurer=w.insurer)
    assert d.application.insurer == w.insurer


def test_choose_needs_an_appraiser_when_the_panel_has_none(w):
    w.programme.panel.all().delete()
    d = demand(w, "admitted")
    interest = register(w, d)
    with pytest.raises(GuardFailed) as excinfo:
        services.demand_choose(demand=d, by=w.owner, interest=interest)
    assert code_of(excinfo) == "appraiser_required"
    d = services.demand_choose(demand=d, by=w.owner, interest=interest, appraiser=w.appraiser)
    assert d.application.appraiser == w.appraiser


# --- batches ------------------------------------------------------------------------------------------


def test_only_platform_people_create_and_close_batches(w):
    for person in (w.owner, w.officer):
        with pytest.raises(PermissionDenied):
            services.batch_create(by=person, programme=w.programme, name="x", year=2027, number=1)
        with pytest.raises(PermissionDenied):
            services.batch_close(batch=w.batch, by=person)
    with pytest.raises(Conflict) as excinfo:
        services.batch_create(by=w.platform, programme=w.programme, name="另一个", year=2026, number=2)
    assert code_of(excinfo) == "batch_exists"
    with pytest.raises(Conflict):
        services.batch_create(by=w.platform, programme=w.programme, name=w.batch.name, year=2030, number=9)
    services.batch_close(batch=w.batch, by=w.platform)
    with pytest.raises(Conflict):
        services.batch_close(batch=w.batch, by=w.platform)


def test_every_action_is_audited(w):
    d = demand(w, "matched")
    actions = list(DemandEvent.objects.filter(demand=d).values_list("action", "from_state", "to_state"))
    assert actions == [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("admit", "submitted", "admitted"),
        ("register_interest", "admitted", "admitted"),
        ("choose", "admitted", "matched"),
    ]
