"""The services of IP protection, thought through as a hostile party would: someone else's patent, a listing
one is no party to, the wrong side of a case, a wrong state, a partner of another case, a bank named as
mediator, a decision number taken twice."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ipmarket.accounts.models import Organisation
from ipmarket.core.errors import GuardFailed, InvalidTransition
from ipmarket.disputes import selectors, services, workflow
from ipmarket.disputes.models import Dispute, DisputeEvent, Document, Outcome, Share
from tests.accounts.factories import OrganisationFactory, member_of, valid_credit_code
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.disputes.factories import PDF, dispute, fresh, upload
from tests.market.factories import ListingFactory, deal_in

FACTS = "对方销售的产品落入我司专利的保护范围。"
REMEDY = "停止侵权。"


def today():
    return timezone.localdate()


def create(w, **fields):
    fields.setdefault("by", w.owner)
    fields.setdefault("kind", "infringement")
    fields.setdefault("facts", FACTS)
    fields.setdefault("remedy", REMEDY)
    fields.setdefault("assets", [w.patent])
    if "respondent_name" not in fields and "respondent_credit_code" not in fields:
        fields.setdefault("respondent", w.respondent)
    return services.dispute_create(**fields)


# --- filing -----------------------------------------------------------------------------------------


def test_only_an_enterprise_member_files(w):
    bank_person = member_of(OrganisationFactory(kind="bank"))
    for person in (w.platform, w.mediator, w.judge, w.bureau_person, bank_person):
        with pytest.raises(PermissionDenied):
            create(w, by=person)
    assert not Dispute.objects.exists()


def test_a_member_files_only_for_an_enterprise_it_belongs_to(w):
    with pytest.raises(PermissionDenied):
        create(w, claimant=w.other)
    d = create(w, claimant=w.claimant)
    assert d.claimant == w.claimant and d.state == "filed" and d.created_by == w.owner


def test_only_own_assets_may_be_named(w):
    for theirs in (PatentFactory(owner=w.other), TrademarkFactory(owner=w.respondent)):
        with pytest.raises(GuardFailed) as excinfo:
            create(w, assets=[w.patent, theirs])
        assert excinfo.value.code == "not_owner"
    assert not Dispute.objects.exists()  # nothing half-written


def test_a_co_owner_may_file_about_the_asset(w):
    shared = PatentFactory(owner=w.other)
    shared.co_owners.add(w.claimant)
    d = create(w, assets=[shared, shared])  # named twice, recorded once
    assert [item.asset for item in d.assets.all()] == [shared]


def test_the_claim_needs_an_asset_listing_or_deal(w):
    with pytest.raises(ValidationError) as excinfo:
        create(w, assets=[])
    assert "assets" in excinfo.value.message_dict


def test_a_listing_only_if_its_seller_or_a_buyer(w):
    foreign = ListingFactory(patent=PatentFactory(owner=w.other))
    with pytest.raises(GuardFailed) as excinfo:
        create(w, assets=[], listing=foreign)
    assert excinfo.value.code == "not_party"
    own = ListingFactory(patent=w.patent, created_by=w.owner)
    d = create(w, assets=[], listing=own)
    assert d.listing == own and [item.asset for item in d.assets.all()] == [w.patent]


def test_a_deal_only_if_a_party_to_it(w):
    listing = ListingFactory(patent=PatentFactory(owner=w.other))
    deal = deal_in("negotiating", listing)
    with pytest.raises(GuardFailed) as excinfo:
        create(w, assets=[], deal=deal)
    assert excinfo.value.code == "not_party"
    mine = deal_in("negotiating", listing, buyer_person=w.owner)
    d = create(w, assets=[], deal=mine)  # the buyer of someone else's asset
    assert d.deal == mine and d.listing == listing
    other_listing = ListingFactory(patent=w.patent, created_by=w.owner)
    with pytest.raises(GuardFailed) as excinfo:
        create(w, assets=[], deal=mine, listing=other_listing)
    assert excinfo.value.code == "deal_listing"


def test_the_respondent_is_required(w):
    with pytest.raises(ValidationError) as excinfo:
        services.dispute_create(by=w.owner, kind="infringement", facts=FACTS, remedy=REMEDY, assets=[w.patent])
    assert "respondent" in excinfo.value.message_dict


def test_a_respondent_credit_code_is_validated(w):
    with pytest.raises(ValidationError) as excinfo:
        create(w, respondent_name="某公司", respondent_credit_code="91510000ABCDEFGHIJ")
    assert "respondent_credit_code" in excinfo.value.message_dict


def test_a_credit_code_in_the_directory_names_that_organisation(w):
    d = create(
        w, respondent_name="随便写的名字", respondent_credit_code=w.respondent.unified_social_credit_code.lower()
    )
    assert d.respondent == w.respondent and d.respondent_name == w.respondent.name
    code = valid_credit_code(987654321)
    outside = create(w, respondent_name=" 某某贸易有限公司 ", respondent_credit_code=code)
    assert outside.respondent is None
    assert (outside.respondent_name, outside.respondent_credit_code) == ("某某贸易有限公司", code)


def test_the_respondent_cannot_be_the_claimant(w):
    for who in ({"respondent": w.claimant}, {"respondent_credit_code": w.claimant.unified_social_credit_code}):
        with pytest.raises(GuardFailed) as excinfo:
            create(w, **who)
        assert excinfo.value.code == "respondent_is_claimant"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"facts": "  "}, "facts"),
        ({"remedy": ""}, "remedy"),
        ({"facts": "事" * 5001}, "facts"),
        ({"remedy": "赔" * 2001}, "remedy"),
        ({"kind": "defamation"}, "kind"),
        ({"respondent_name": "名" * 201}, "respondent_name"),
    ],
)
def test_facts_remedy_kind_and_lengths(w, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        create(w, **fields)
    assert field in excinfo.value.message_dict
    assert not Dispute.objects.exists()


# --- sides and states -------------------------------------------------------------------------------


def call(w, action, d, by):
    """The action with plausible arguments, by `by`."""
    args = {
        "accept": {"route": "mediation", "mediator": w.mediation},
        "transfer": {"bureau": w.bureau},
        "dismiss": {"note": "不予受理。"},
        "record_failure": {"referred_to": w.court},
        "record_decision": {"number": f"资知执罚〔2026〕{d.pk}号", "decided_on": today()},
        "close": {"note": "执法结束。"},
        "share": {"partner": w.court},
        "post_outcome": {"reference": "(2026)川20民初1号", "result": "判决停止侵权。"},
    }.get(action, {})
    return workflow.ACTIONS[action].service(dispute=d, by=by, **args)


# (action, the state it is tried in, the people it is refused to)
WRONG_PEOPLE = [
    ("accept", "filed", ["owner", "respondent_person", "mediator", "judge", "stranger"]),
    ("transfer", "filed", ["owner", "mediator", "bureau_person", "stranger"]),
    ("dismiss", "filed", ["owner", "respondent_person", "stranger"]),
    ("consent", "in_mediation", ["owner", "mediator", "platform", "stranger"]),
    ("decline", "in_mediation", ["owner", "mediator", "platform", "stranger"]),
    ("extend", "in_mediation", ["owner", "respondent_person", "judge", "stranger"]),
    ("record_agreement", "consented", ["owner", "respondent_person", "platform", "judge"]),
    ("record_failure", "in_mediation", ["owner", "respondent_person", "platform", "judge"]),
    ("record_decision", "under_investigation", ["owner", "respondent_person", "mediator", "bureau_person"]),
    ("close", "under_investigation", ["owner", "respondent_person", "mediator", "stranger"]),
    ("withdraw", "filed", ["respondent_person", "platform", "mediator", "stranger"]),
    ("share", "filed", ["owner", "respondent_person", "judge", "stranger"]),
    ("post_outcome", "referred", ["owner", "respondent_person", "platform", "arbitrator", "stranger"]),
]


@pytest.mark.parametrize(("action", "state", "people"), WRONG_PEOPLE, ids=[a for a, _s, _p in WRONG_PEOPLE])
def test_the_wrong_person_is_refused(w, action, state, people):
    d = dispute(w, state)
    if action == "record_agreement":
        services.document_upload(dispute=d, by=w.mediator, kind="agreement", upload=upload("协议.pdf"))
    before = (fresh(d).state, DisputeEvent.objects.filter(dispute=d).count())
    for name in people:
        with pytest.raises(PermissionDenied):
            call(w, action, d, getattr(w, name))
    assert (fresh(d).state, DisputeEvent.objects.filter(dispute=d).count()) == before


# (action, a state it cannot start from, the right person)
WRONG_STATES = [
    ("accept", "in_mediation", "platform"),
    ("transfer", "under_investigation", "platform"),
    ("dismiss", "resolved", "platform"),
    ("consent", "filed", "respondent_person"),
    ("decline", "under_investigation", "respondent_person"),
    ("extend", "under_investigation", "platform"),
    ("record_agreement", "under_investigation", "mediator"),
    ("record_failure", "referred", "mediator"),
    ("record_decision", "in_mediation", "platform"),
    ("close", "in_mediation", "platform"),
    ("withdraw", "referred", "owner"),
    ("post_outcome", "filed", "judge"),
]


@pytest.mark.parametrize(("action", "state", "person"), WRONG_STATES, ids=[a for a, _s, _p in WRONG_STATES])
def test_a_wrong_state_is_an_invalid_transition_with_the_allowed_actions(w, action, state, person):
    d = dispute(w, state)
    if action == "post_outcome":
        services.dispute_share(dispute=d, by=w.platform, partner=w.court)
    with pytest.raises(InvalidTransition) as excinfo:
        call(w, action, d, getattr(w, person))
    assert excinfo.value.state == fresh(d).state
    assert excinfo.value.allowed == workflow.allowed_actions(fresh(d))
    assert action not in excinfo.value.allowed


def test_finished_cases_allow_only_sharing(w):
    for state in ("dismissed", "withdrawn"):
        assert workflow.allowed_actions(dispute(w, state)) == ["share"]


# --- routing and mediation --------------------------------------------------------------------------


def test_accepting_into_mediation_needs_an_active_mediation_organisation(w):
    d = dispute(w)
    bank = OrganisationFactory(kind="bank")
    closed = OrganisationFactory(kind="mediation", is_active=False)
    for org in (bank, w.court, closed):
        with pytest.raises(GuardFailed) as excinfo:
            services.dispute_accept(dispute=d, by=w.platform, route="mediation", mediator=org)
        assert excinfo.value.code == "mediator_kind"
    with pytest.raises(ValidationError):
        services.dispute_accept(dispute=d, by=w.platform, route="mediation")
    with pytest.raises(ValidationError):
        services.dispute_accept(dispute=d, by=w.platform, route="court")
    assert fresh(d).state == "filed" and fresh(d).mediator is None


def test_accepting_into_mediation_sets_the_time_limit(w):
    d = services.dispute_accept(dispute=dispute(w), by=w.platform, route="mediation", mediator=w.mediation)
    d = fresh(d)
    assert d.state == "in_mediation" and d.route == "mediation" and d.mediator == w.mediation
    assert d.accepted_on == today()
    assert d.mediation_due == today() + timedelta(days=settings.DISPUTE_MEDIATION_DAYS)
    assert d.respondent_consent == Dispute.Consent.PENDING and not d.mediation_extended


def test_accepting_into_enforcement(w):
    d = fresh(services.dispute_accept(dispute=dispute(w), by=w.platform, route="enforcement"))
    assert (d.state, d.route, d.mediation_due, d.accepted_on) == ("under_investigation", "enforcement", None, today())


def test_the_time_limit_is_extended_once_by_platform_or_mediator(w):
    d = dispute(w, "in_mediation")
    due = fresh(d).mediation_due
    services.dispute_extend(dispute=d, by=w.mediator)
    assert fresh(d).mediation_due == due + timedelta(days=settings.DISPUTE_MEDIATION_EXTENSION_DAYS)
    assert fresh(d).mediation_extended
    for person in (w.mediator, w.platform):
        with pytest.raises(GuardFailed) as excinfo:
            services.dispute_extend(dispute=d, by=person)
        assert excinfo.value.code == "already_extended"
    other = dispute(w, "in_mediation")
    services.dispute_extend(dispute=other, by=w.platform)
    assert fresh(other).mediation_extended


def test_consent_once_then_decline_sends_the_case_back_to_routing(w):
    d = dispute(w, "consented")
    assert fresh(d).respondent_consent == "consented"
    with pytest.raises(GuardFailed) as excinfo:
        services.dispute_consent(dispute=d, by=w.respondent_person)
    assert excinfo.value.code == "already_consented"
    with pytest.raises(GuardFailed) as excinfo:  # an answer given: a failed mediation is the mediator's to record
        services.dispute_decline(dispute=d, by=w.respondent_person)
    assert excinfo.value.code == "already_consented"
    assert fresh(d).state == "in_mediation"
    other = dispute(w, "in_mediation")
    services.dispute_decline(dispute=other, by=w.respondent_person)
    other = fresh(other)
    assert (other.state, other.respondent_consent, other.mediator, other.mediation_due) == (
        "filed",
        "declined",
        None,
        None,
    )
    assert "accept" in workflow.allowed_actions(other, w.platform)


def test_an_agreement_needs_consent_and_the_uploaded_agreement(w):
    d = dispute(w, "in_mediation")
    services.document_upload(dispute=d, by=w.mediator, kind="agreement", upload=upload("协议.pdf"))
    with pytest.raises(GuardFailed) as excinfo:
        services.dispute_record_agreement(dispute=d, by=w.mediator)
    assert excinfo.value.code == "no_consent"
    consented = dispute(w, "consented")
    with pytest.raises(GuardFailed) as excinfo:
        services.dispute_record_agreement(dispute=consented, by=w.mediator)
    assert excinfo.value.code == "agreement_missing"
    services.document_upload(dispute=consented, by=w.mediator, kind="agreement", upload=upload("协议.pdf"))
    services.dispute_record_agreement(dispute=consented, by=w.mediator, judicial_confirmation=True)
    done = fresh(consented)
    assert (done.state, done.judicial_confirmation, done.ended_on) == ("resolved", True, today())


def test_a_failure_refers_to_a_court_or_arbitration_with_every_document(w):
    d = dispute(w, "in_mediation")
    evidence = services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload())
    theirs = services.document_upload(dispute=d, by=w.respondent_person, kind="evidence", upload=upload("答辩.pdf"))
    for wrong in (w.bureau, w.mediation, w.respondent, OrganisationFactory(kind="arbitration", is_active=False)):
        with pytest.raises(GuardFailed) as excinfo:
            services.dispute_record_failure(dispute=d, by=w.mediator, referred_to=wrong)
        assert excinfo.value.code == "referred_to_kind"
    services.dispute_record_failure(dispute=d, by=w.mediator, referred_to=w.arbitration)
    d = fresh(d)
    assert (d.state, d.referred_to) == ("referred", w.arbitration)
    share = Share.objects.get(dispute=d, partner=w.arbitration)
    assert set(share.documents.all()) == {evidence, theirs}
    assert d in selectors.disputes_visible_to(w.arbitrator)


# --- enforcement ------------------------------------------------------------------------------------


def test_a_decision_is_recorded_once(w):
    d = dispute(w, "under_investigation")
    services.dispute_record_decision(
        dispute=d, by=w.platform, number="资知执罚〔2026〕1号", decided_on=today(), decision="罚款5万元", public=True
    )
    d = fresh(d)
    assert (d.state, d.decision_number, d.decided_on, d.decision_public) == (
        "under_investigation",
        "资知执罚〔2026〕1号",
        today(),
        True,
    )
    with pytest.raises(GuardFailed) as excinfo:
        services.dispute_record_decision(dispute=d, by=w.platform, number="资知执罚〔2026〕2号", decided_on=today())
    assert excinfo.value.code == "decision_recorded"


def test_a_decision_number_is_unique_across_cases(w):
    first, second = dispute(w, "under_investigation"), dispute(w, "under_investigation")
    services.dispute_record_decision(dispute=first, by=w.platform, number="资知执罚〔2026〕7号", decided_on=today())
    with pytest.raises(GuardFailed) as excinfo:
        services.dispute_record_decision(
            dispute=second, by=w.platform, number=" 资知执罚〔2026〕7号 ", decided_on=today()
        )
    assert excinfo.value.code == "decision_number_taken"
    assert fresh(second).decision_number == ""


def test_a_decision_is_not_dated_in_the_future_nor_before_acceptance(w):
    d = dispute(w, "under_investigation")
    for day in (today() + timedelta(days=1), today() - timedelta(days=1)):
        with pytest.raises(ValidationError) as excinfo:
            services.dispute_record_decision(dispute=d, by=w.platform, number="资知执罚〔2026〕9号", decided_on=day)
        assert "decided_on" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.dispute_record_decision(dispute=d, by=w.platform, number="  ", decided_on=today())
    assert fresh(d).decision_number == ""


def test_closing_needs_a_note(w):
    d = dispute(w, "under_investigation")
    with pytest.raises(GuardFailed) as excinfo:
        services.dispute_close(dispute=d, by=w.platform, note=" ")
    assert excinfo.value.code == "note_required"
    with pytest.raises(GuardFailed):
        services.dispute_dismiss(dispute=dispute(w), by=w.platform, note="")
    services.dispute_close(dispute=d, by=w.platform, note="责令停止侵权，结案。")
    assert (fresh(d).state, fresh(d).ended_on) == ("resolved", today())


def test_a_claimant_cannot_withdraw_after_the_decision(w):
    d = dispute(w, "under_investigation")
    services.dispute_record_decision(dispute=d, by=w.platform, number="资知执罚〔2026〕3号", decided_on=today())
    with pytest.raises(GuardFailed) as excinfo:
        services.dispute_withdraw(dispute=d, by=w.owner)
    assert excinfo.value.code == "decision_recorded"
    assert fresh(d).state == "under_investigation"


# --- transfer, sharing, outcomes --------------------------------------------------------------------


def test_transfer_only_to_a_bureau_which_is_given_the_case(w):
    d = dispute(w)
    evidence = services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload())
    for wrong in (w.court, w.mediation, w.other, OrganisationFactory(kind="bureau", is_active=False)):
        with pytest.raises(GuardFailed) as excinfo:
            services.dispute_transfer(dispute=d, by=w.platform, bureau=wrong)
        assert excinfo.value.code == "bureau_kind"
    services.dispute_transfer(dispute=d, by=w.platform, bureau=w.bureau)
    d = fresh(d)
    assert (d.state, d.bureau) == ("transferred", w.bureau)
    assert list(Share.objects.get(dispute=d, partner=w.bureau).documents.all()) == [evidence]
    assert selectors.dispute_for(w.bureau_person, d.pk) == d


def test_share_only_with_partner_kinds(w):
    d = dispute(w)
    for wrong in (w.other, w.respondent, OrganisationFactory(kind="bank"), OrganisationFactory(kind="platform")):
        with pytest.raises(GuardFailed) as excinfo:
            services.dispute_share(dispute=d, by=w.platform, partner=wrong)
        assert excinfo.value.code == "partner_kind"
    assert not Share.objects.exists()
    for partner in (w.court, w.arbitration, w.mediation, w.bureau):
        services.dispute_share(dispute=d, by=w.platform, partner=partner)
    assert Share.objects.filter(dispute=d).count() == 4


def test_share_only_this_cases_documents(w):
    a, b = dispute(w), dispute(w)
    foreign = services.document_upload(dispute=b, by=w.owner, kind="evidence", upload=upload())
    with pytest.raises(GuardFailed) as excinfo:
        services.dispute_share(dispute=a, by=w.platform, partner=w.court, documents=[foreign])
    assert excinfo.value.code == "document_not_in_case"
    assert not Share.objects.filter(dispute=a).exists()


def test_post_outcome_only_by_a_partner_shared_with(w):
    d = dispute(w, "referred")  # referred to w.court
    with pytest.raises(PermissionDenied):  # not shared with the arbitration commission
        services.dispute_post_outcome(dispute=d, by=w.arbitrator, reference="仲裁1号", result="裁决")
    with pytest.raises(PermissionDenied):  # naming a partner one is not
        services.dispute_post_outcome(
            dispute=d, by=w.judge, reference="(2026)川20民初1号", result="判决", partner=w.arbitration
        )
    with pytest.raises(ValidationError):
        services.dispute_post_outcome(dispute=d, by=w.judge, reference="", result="判决")
    services.dispute_post_outcome(dispute=d, by=w.judge, reference="(2026)川20民初1号", result="判决停止侵权。")
    d = fresh(d)
    assert d.state == "resolved"
    assert Outcome.objects.get(dispute=d).partner == w.court


def test_an_outcome_from_a_partner_the_case_was_not_referred_to_leaves_it_open(w):
    d = dispute(w, "referred")
    services.dispute_share(dispute=d, by=w.platform, partner=w.arbitration)
    services.dispute_post_outcome(dispute=d, by=w.arbitrator, reference="仲裁1号", result="不予受理")
    assert fresh(d).state == "referred"


def test_a_partner_of_one_case_cannot_act_on_another(w):
    a, b = dispute(w, "referred"), dispute(w, "under_investigation")
    services.dispute_share(dispute=a, by=w.platform, partner=w.arbitration)
    with pytest.raises(PermissionDenied):
        services.dispute_post_outcome(dispute=b, by=w.arbitrator, reference="仲裁2号", result="裁决")
    assert b not in selectors.disputes_visible_to(w.arbitrator)
    with pytest.raises(Exception) as excinfo:
        selectors.dispute_for(w.arbitrator, b.pk)
    assert excinfo.typename == "Http404"


# --- who sees what ----------------------------------------------------------------------------------


def test_the_respondent_sees_the_case_only_once_accepted(w):
    d = dispute(w)
    assert d not in selectors.disputes_visible_to(w.respondent_person)
    for outsider in (w.stranger, w.judge, w.mediator, w.bureau_person):
        assert d not in selectors.disputes_visible_to(outsider)
    assert d in selectors.disputes_visible_to(w.owner) and d in selectors.disputes_visible_to(w.platform)
    services.dispute_accept(dispute=d, by=w.platform, route="mediation", mediator=w.mediation)
    assert d in selectors.disputes_visible_to(w.respondent_person)
    assert d in selectors.disputes_visible_to(w.mediator)
    assert d not in selectors.disputes_visible_to(w.stranger)


def test_documents_visible_per_role(w):
    d = dispute(w, "in_mediation")
    mine = services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload())
    theirs = services.document_upload(dispute=d, by=w.respondent_person, kind="evidence", upload=upload("答辩.pdf"))
    agreement = services.document_upload(dispute=d, by=w.mediator, kind="agreement", upload=upload("协议.pdf"))
    services.dispute_share(dispute=d, by=w.platform, partner=w.court, documents=[mine])
    later = services.document_upload(dispute=d, by=w.owner, kind="other", upload=upload("补充.pdf"))

    def seen(person):
        return set(selectors.documents_visible_to(person, fresh(d)))

    assert seen(w.platform) == seen(w.mediator) == {mine, theirs, agreement, later}
    assert seen(w.owner) == {mine, agreement, later}
    assert seen(w.respondent_person) == {theirs, agreement}
    assert seen(w.judge) == {mine}  # what was shared, not what came later
    assert selectors.is_partner_only(w.judge, fresh(d))
    assert not selectors.is_partner_only(w.owner, fresh(d))


def test_document_upload_rules(w):
    d = dispute(w)
    with pytest.raises(PermissionDenied):  # the respondent does not see the case yet
        services.document_upload(dispute=d, by=w.respondent_person, kind="evidence", upload=upload())
    with pytest.raises(PermissionDenied):
        services.document_upload(dispute=d, by=w.owner, kind="agreement", upload=upload())
    with pytest.raises(PermissionDenied):
        services.document_upload(dispute=d, by=w.stranger, kind="evidence", upload=upload())
    with pytest.raises(PermissionDenied):
        services.document_upload(dispute=d, by=w.owner, kind="decision", upload=upload())
    with pytest.raises(ValidationError):
        services.document_upload(dispute=d, by=w.owner, kind="secret", upload=upload())
    with pytest.raises(GuardFailed) as excinfo:
        services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload("a.txt", b"plain text here"))
    assert excinfo.value.code == "document_type"
    with pytest.raises(GuardFailed) as excinfo:
        services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload("a.pdf", b""))
    assert excinfo.value.code == "document_empty"
    assert services.document_kinds_for(w.owner, d) == ["evidence", "other"]
    assert services.document_kinds_for(w.respondent_person, d) == []
    doc = services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload())
    assert (doc.organisation_id, doc.uploaded_by, doc.size, doc.content_type) == (
        w.claimant.pk,
        w.owner,
        len(PDF),
        "application/pdf",
    )
    ended = dispute(w, "withdrawn")
    with pytest.raises(InvalidTransition):
        services.document_upload(dispute=ended, by=w.owner, kind="evidence", upload=upload())
    investigated = dispute(w, "under_investigation")
    services.document_upload(dispute=investigated, by=w.platform, kind="decision", upload=upload("决定书.pdf"))
    assert services.document_kinds_for(w.respondent_person, investigated) == ["evidence", "other"]


def test_every_action_writes_an_event_with_actor_and_organisation(w):
    d = dispute(w, "resolved")
    events = list(DisputeEvent.objects.filter(dispute=d).order_by("pk"))
    assert [(e.action, e.actor, e.organisation_id) for e in events] == [
        ("file", w.owner, w.claimant.pk),
        ("accept", w.platform, w.platform.memberships.get().organisation_id),
        ("consent", w.respondent_person, w.respondent.pk),
        ("upload", w.mediator, w.mediation.pk),
        ("record_agreement", w.mediator, w.mediation.pk),
    ]
    assert [(e.from_state, e.to_state) for e in events] == [
        ("", "filed"),
        ("filed", "in_mediation"),
        ("in_mediation", "in_mediation"),
        ("in_mediation", "in_mediation"),
        ("in_mediation", "resolved"),
    ]
    referred = dispute(w, "referred")
    services.dispute_post_outcome(dispute=referred, by=w.judge, reference="(2026)川20民初2号", result="驳回")
    last = DisputeEvent.objects.filter(dispute=referred).latest("pk")
    assert (last.action, last.actor, last.organisation_id, last.to_state) == (
        "post_outcome",
        w.judge,
        w.court.pk,
        "resolved",
    )
    services.record_access(dispute=referred, by=w.judge, what="packet")
    seen = DisputeEvent.objects.filter(dispute=referred).latest("pk")
    assert (seen.action, seen.organisation_id, seen.note) == ("viewed", w.court.pk, "packet")


def test_sessions_and_steps_by_the_right_side(w):
    d = dispute(w, "in_mediation")
    with pytest.raises(PermissionDenied):
        services.session_record(dispute=d, by=w.platform, held_on=today(), summary="第一次调解")
    with pytest.raises(ValidationError):
        services.session_record(dispute=d, by=w.mediator, held_on=today() + timedelta(days=1), summary="x")
    services.session_record(dispute=d, by=w.mediator, held_on=today(), summary="双方到场，分歧在赔偿金额。")
    with pytest.raises(InvalidTransition):
        services.step_record(dispute=d, by=w.platform, taken_on=today(), kind="inspection", summary="现场检查")
    investigated = dispute(w, "under_investigation")
    with pytest.raises(PermissionDenied):
        services.step_record(dispute=investigated, by=w.owner, taken_on=today(), kind="inspection", summary="x")
    assert DisputeEvent.objects.filter(dispute=d, action="session", actor=w.mediator).count() == 1


def test_an_organisation_of_every_new_kind_exists():
    assert {"mediation", "arbitration", "court", "bureau"} <= set(Organisation.Kind.values)
    assert set(Document.Kind.values) == {"evidence", "agreement", "decision", "other"}


def test_another_mediation_organisation_cannot_act_on_the_case(w):
    d = dispute(w, "consented")
    rival = member_of(OrganisationFactory(kind="mediation"))
    services.document_upload(dispute=d, by=w.mediator, kind="agreement", upload=upload("协议.pdf"))
    for act in (
        lambda: services.dispute_extend(dispute=d, by=rival),
        lambda: services.dispute_record_agreement(dispute=d, by=rival),
        lambda: services.dispute_record_failure(dispute=d, by=rival, referred_to=w.court),
        lambda: services.session_record(dispute=d, by=rival, held_on=today(), summary="冒名记录"),
        lambda: services.document_upload(dispute=d, by=rival, kind="agreement", upload=upload("伪造.pdf")),
    ):
        with pytest.raises(PermissionDenied):
            act()
    assert d not in selectors.disputes_visible_to(rival)
    assert fresh(d).state == "in_mediation"
