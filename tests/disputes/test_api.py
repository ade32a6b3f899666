"""The REST API of IP protection (/api/v1/disputes/, /api/v1/enforcement-decisions/) through the real services:
filing, each action by the right person, the wrong one (403) and a stranger (404), wrong states (409),
documents and who reads them, sessions, steps, shares, outcomes, filters and the public decisions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ipmarket.disputes import services
from ipmarket.disputes.models import Dispute, DisputeEvent
from tests.accounts.factories import valid_credit_code
from tests.assets.factories import PatentFactory
from tests.disputes.factories import dispute, fresh, upload
from tests.market.factories import ListingFactory, deal_in

URL = "/api/v1/disputes/"
FACTS = "对方在电商平台销售的产品落入我司发明专利权利要求1的保护范围。"
REMEDY = "停止侵权，赔偿经济损失50万元。"


def as_(api, user):
    api.force_authenticate(user)
    return api


def act(api, user, d, name, body=None):
    return as_(api, user).post(f"{URL}{d.pk}/actions/{name}/", body or {}, format="json")


def body(w, **extra):
    return {"kind": "infringement", "facts": FACTS, "remedy": REMEDY, **extra}


# --- filing -----------------------------------------------------------------------------------------


def test_an_enterprise_member_files_a_case_about_its_own_patent(api, w):
    response = as_(api, w.owner).post(
        URL, body(w, assets=[{"type": "patent", "id": w.patent.pk}], respondent=w.respondent.pk), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["state"] == "filed" and data["kind"] == "infringement"
    assert data["claimant"] == w.claimant.pk and data["claimant_name"] == w.claimant.name
    assert data["respondent"] == w.respondent.pk and data["respondent_name"] == w.respondent.name
    assert data["assets"] == [
        {"type": "patent", "id": w.patent.pk, "title": w.patent.name, "number": w.patent.application_number}
    ]
    assert "withdraw" in data["allowed_actions"] and "accept" not in data["allowed_actions"]
    assert Dispute.objects.get(pk=data["id"]).events.filter(action="file").count() == 1


def test_only_the_claimants_own_assets_may_be_named(api, w):
    foreign = PatentFactory(owner=w.other)
    response = as_(api, w.owner).post(
        URL, body(w, assets=[{"type": "patent", "id": foreign.pk}], respondent=w.respondent.pk), format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "not_owner"
    response = as_(api, w.owner).post(
        URL, body(w, assets=[{"type": "patent", "id": 987654}], respondent=w.respondent.pk), format="json"
    )
    assert response.status_code == 400 and "assets" in response.json()
    response = as_(api, w.owner).post(URL, body(w, respondent=w.respondent.pk), format="json")
    assert response.status_code == 400 and "assets" in response.json()
    assert not Dispute.objects.exists()


def test_the_other_party_by_name_and_credit_code(api, w):
    assets = [{"type": "patent", "id": w.patent.pk}]
    code = valid_credit_code(987)
    response = as_(api, w.owner).post(
        URL, body(w, assets=assets, respondent_name="某某贸易有限公司", respondent_credit_code=code), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["respondent"] is None
    assert (data["respondent_name"], data["respondent_credit_code"]) == ("某某贸易有限公司", code)
    # A credit code of an organisation in the directory names that organisation.
    known = w.respondent.unified_social_credit_code
    response = as_(api, w.owner).post(
        URL, body(w, assets=assets, respondent_name="随便", respondent_credit_code=known), format="json"
    )
    assert response.status_code == 201 and response.json()["respondent"] == w.respondent.pk
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = as_(api, w.owner).post(
        URL, body(w, assets=assets, respondent_name="某某", respondent_credit_code=bad), format="json"
    )
    assert response.status_code == 400 and "respondent_credit_code" in response.json()
    response = as_(api, w.owner).post(URL, body(w, assets=assets, respondent=987654), format="json")
    assert response.status_code == 400 and "respondent" in response.json()
    response = as_(api, w.owner).post(URL, body(w, assets=assets), format="json")
    assert response.status_code == 400 and "respondent" in response.json()


def test_a_case_about_a_listing_or_a_deal_the_claimant_is_party_to(api, w):
    listing = ListingFactory(patent=PatentFactory(owner=w.claimant), created_by=w.owner)
    response = as_(api, w.owner).post(URL, body(w, listing=listing.pk, respondent=w.respondent.pk), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["listing"] == listing.pk
    assert response.json()["assets"][0]["id"] == listing.patent_id

    other_listing = ListingFactory()
    deal = deal_in("negotiating", other_listing, buyer_person=w.owner)
    response = as_(api, w.owner).post(URL, body(w, deal=deal.pk, respondent=w.respondent.pk), format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["deal"], response.json()["listing"]) == (deal.pk, other_listing.pk)

    # A deal of others is not seen (400 on the field); a listing of others is not the claimant's to name.
    strangers_deal = deal_in("negotiating", ListingFactory())
    response = as_(api, w.owner).post(URL, body(w, deal=strangers_deal.pk, respondent=w.respondent.pk), format="json")
    assert response.status_code == 400 and "deal" in response.json()
    response = as_(api, w.owner).post(
        URL, body(w, listing=ListingFactory().pk, respondent=w.respondent.pk), format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "not_party"


def test_only_enterprise_members_file_and_anonymous_callers_are_refused(api, w):
    assets = [{"type": "patent", "id": w.patent.pk}]
    response = as_(api, w.judge).post(URL, body(w, assets=assets, respondent=w.respondent.pk), format="json")
    assert response.status_code in (400, 403)
    api.force_authenticate(None)
    assert api.get(URL).status_code == 401
    assert api.post(URL, body(w, assets=assets), format="json").status_code == 401


# --- reading ----------------------------------------------------------------------------------------


def test_a_stranger_sees_no_case_and_bad_ids_are_404(api, w):
    d = dispute(w, "in_mediation")
    assert as_(api, w.stranger).get(URL).json()["count"] == 0
    assert as_(api, w.stranger).get(f"{URL}{d.pk}/").status_code == 404
    assert as_(api, w.owner).get(f"{URL}abc/").status_code == 404
    assert as_(api, w.owner).get(f"{URL}987654/").status_code == 404
    assert as_(api, w.owner).get(f"{URL}{d.pk}/").status_code == 200


def test_the_respondent_sees_the_case_once_accepted(api, w):
    d = dispute(w, "filed")
    assert as_(api, w.respondent_person).get(f"{URL}{d.pk}/").status_code == 404
    services.dispute_accept(dispute=d, by=w.platform, route="enforcement")
    response = as_(api, w.respondent_person).get(f"{URL}{d.pk}/")
    assert response.status_code == 200 and response.json()["state"] == "under_investigation"


def test_filters_and_mine(api, w):
    dispute(w, "filed")
    dispute(w, "in_mediation", kind="ownership")
    dispute(w, "dismissed")
    assert as_(api, w.platform).get(URL).json()["count"] == 3
    assert api.get(URL, {"state": "filed"}).json()["count"] == 1
    assert api.get(URL, {"kind": "ownership"}).json()["count"] == 1
    assert api.get(URL, {"state": "nonsense"}).status_code == 400
    assert api.get(URL, {"mine": "1"}).json()["count"] == 0  # platform people only supervise these
    assert as_(api, w.owner).get(URL, {"mine": "1"}).json()["count"] == 3
    assert as_(api, w.mediator).get(URL, {"mine": "true"}).json()["count"] == 1
    assert as_(api, w.respondent_person).get(URL, {"mine": "1"}).json()["count"] == 1  # the accepted one


def test_a_partners_read_is_recorded_and_a_partys_is_not(api, w):
    d = dispute(w, "referred")
    assert as_(api, w.owner).get(f"{URL}{d.pk}/").status_code == 200
    assert not d.events.filter(action="viewed").exists()
    assert as_(api, w.judge).get(f"{URL}{d.pk}/").status_code == 200
    event = d.events.get(action="viewed")
    assert (event.actor, event.organisation, event.note) == (w.judge, w.court, "case record")
    events = as_(api, w.owner).get(f"{URL}{d.pk}/events/").json()
    assert [e["action"] for e in events][:2] == ["file", "accept"]
    assert events[-1] == {
        "at": events[-1]["at"],
        "actor": w.judge.username,
        "organisation": w.court.pk,
        "organisation_name": w.court.name,
        "action": "viewed",
        "from_state": "referred",
        "to_state": "referred",
        "note": "case record",
    }


# --- actions ----------------------------------------------------------------------------------------

TODAY = "today"
# (state, action, who may, someone who sees the case but may not, body, state after)
ACTIONS = [
    ("filed", "accept", "platform", "owner", {"route": "enforcement"}, "under_investigation"),
    ("filed", "accept", "platform", "owner", {"route": "mediation", "mediator": "mediation"}, "in_mediation"),
    ("filed", "transfer", "platform", "owner", {"bureau": "bureau"}, "transferred"),
    ("filed", "dismiss", "platform", "owner", {"note": "不属于本局管辖。"}, "dismissed"),
    ("in_mediation", "consent", "respondent_person", "owner", {}, "in_mediation"),
    ("in_mediation", "decline", "respondent_person", "mediator", {}, "filed"),
    ("in_mediation", "extend", "mediator", "owner", {}, "in_mediation"),
    ("consented", "record_agreement", "mediator", "respondent_person", {"judicial_confirmation": True}, "resolved"),
    ("consented", "record_failure", "mediator", "owner", {"referred_to": "court"}, "referred"),
    ("under_investigation", "record_decision", "platform", "owner", {"number": "资市监处〔2026〕1号"}, None),
    ("under_investigation", "close", "platform", "owner", {"note": "已整改。"}, "resolved"),
    ("filed", "withdraw", "owner", "platform", {}, "withdrawn"),
    ("filed", "share", "platform", "owner", {"partner": "court"}, "filed"),
    (
        "referred",
        "post_outcome",
        "judge",
        "owner",
        {"reference": "（2026）川20民初1号", "result": "结案。"},
        "resolved",
    ),
]


def _body(w, raw):
    out = {}
    for key, value in raw.items():
        out[key] = getattr(w, value).pk if key in ("mediator", "bureau", "referred_to", "partner") else value
    if "number" in out:
        out.update(decided_on=timezone.localdate().isoformat(), decision="罚款5万元。", public=True)
    return out


@pytest.mark.parametrize(("state", "name", "right", "wrong", "raw", "after"), ACTIONS, ids=lambda v: str(v))
def test_each_action_by_the_right_person_the_wrong_one_and_a_stranger(api, w, state, name, right, wrong, raw, after):
    d = dispute(w, state)
    if name == "record_agreement":
        services.document_upload(dispute=d, by=w.mediator, kind="agreement", upload=upload("调解协议.pdf"))
    data = _body(w, raw)
    assert act(api, w.stranger, d, name, data).status_code == 404
    response = act(api, getattr(w, wrong), d, name, data)
    assert response.status_code == 403, response.json()
    assert fresh(d).state == d.state
    response = act(api, getattr(w, right), d, name, data)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == (after or state)
    assert fresh(d).events.filter(action=name).count() == 1


def test_an_action_from_a_wrong_state_is_409_with_the_allowed_ones(api, w):
    d = dispute(w, "dismissed")
    response = act(api, w.owner, d, "withdraw")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition" and response.json()["allowed"] == ["share"]
    assert act(api, w.platform, d, "nonsense").status_code == 404
    assert act(api, w.stranger, d, "nonsense").status_code == 404


def test_bodies_are_checked(api, w):
    d = dispute(w, "filed")
    response = act(api, w.platform, d, "accept", {"route": "mediation", "mediator": 987654})
    assert response.status_code == 400 and "mediator" in response.json()
    response = act(api, w.platform, d, "accept", {"route": "mediation", "mediator": w.court.pk})
    assert response.status_code == 400 and response.json()["code"] == "mediator_kind"
    response = act(api, w.platform, d, "accept", {"route": "mediation"})
    assert response.status_code == 400 and "mediator" in response.json()
    assert act(api, w.platform, d, "transfer", {}).status_code == 400
    response = act(api, w.platform, d, "share", {"partner": w.court.pk, "documents": [987654]})
    assert response.status_code == 400 and "documents" in response.json()
    response = act(api, w.platform, d, "dismiss", {"note": "  "})
    assert response.status_code == 400 and response.json()["code"] == "note_required"
    assert fresh(d).state == "filed"


def test_a_partner_posts_its_outcome_and_resolves_a_referred_case(api, w):
    d = dispute(w, "referred")
    body = {"reference": "（2026）川20民初88号", "result": "判决停止侵权，赔偿30万元。"}
    assert act(api, w.arbitrator, d, "post_outcome", body).status_code == 404  # not shared with it
    response = act(api, w.judge, d, "post_outcome", body)
    assert response.status_code == 200 and response.json()["state"] == "resolved"
    outcomes = as_(api, w.owner).get(f"{URL}{d.pk}/outcomes/").json()
    assert [(o["partner"], o["reference"], o["result"]) for o in outcomes] == [
        (w.court.pk, body["reference"], body["result"])
    ]


# --- documents --------------------------------------------------------------------------------------


def test_documents_upload_pdf_but_not_text(api, w):
    d = dispute(w, "filed")
    response = as_(api, w.owner).post(
        f"{URL}{d.pk}/documents/", {"kind": "evidence", "file": upload("侵权证据.pdf")}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["kind"], data["original_name"], data["content_type"]) == (
        "evidence",
        "侵权证据.pdf",
        "application/pdf",
    )
    assert data["download"] == f"/api/v1/disputes/{d.pk}/documents/{data['id']}/"
    text = SimpleUploadedFile("note.txt", b"just some text", content_type="text/plain")
    response = as_(api, w.owner).post(f"{URL}{d.pk}/documents/", {"kind": "evidence", "file": text}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "document_type"
    response = as_(api, w.owner).post(
        f"{URL}{d.pk}/documents/", {"kind": "decision", "file": upload()}, format="multipart"
    )
    assert response.status_code == 403
    assert (
        as_(api, w.stranger)
        .post(f"{URL}{d.pk}/documents/", {"kind": "evidence", "file": upload()}, format="multipart")
        .status_code
        == 404
    )


def _names(api, user, d):
    return sorted(doc["original_name"] for doc in as_(api, user).get(f"{URL}{d.pk}/documents/").json())


def test_who_reads_which_document(api, w):
    d = dispute(w, "in_mediation")
    mine = services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload("申请人证据.pdf"))
    services.document_upload(dispute=d, by=w.respondent_person, kind="evidence", upload=upload("被申请人证据.pdf"))
    assert _names(api, w.owner, d) == ["申请人证据.pdf"]
    assert _names(api, w.respondent_person, d) == ["被申请人证据.pdf"]
    assert _names(api, w.mediator, d) == ["申请人证据.pdf", "被申请人证据.pdf"]
    assert _names(api, w.platform, d) == ["申请人证据.pdf", "被申请人证据.pdf"]
    assert act(api, w.platform, d, "share", {"partner": w.court.pk, "documents": [mine.pk]}).status_code == 200
    assert _names(api, w.judge, d) == ["申请人证据.pdf"]
    theirs = d.documents.get(original_name="被申请人证据.pdf")
    assert as_(api, w.judge).get(f"{URL}{d.pk}/documents/{theirs.pk}/").status_code == 404
    assert as_(api, w.owner).get(f"{URL}{d.pk}/documents/{theirs.pk}/").status_code == 404

    response = as_(api, w.judge).get(f"{URL}{d.pk}/documents/{mine.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    event = DisputeEvent.objects.filter(dispute=d, action="viewed").last()
    assert (event.actor, event.note) == (w.judge, "document 申请人证据.pdf")


# --- sessions, steps, shares ------------------------------------------------------------------------


def test_the_mediator_records_sessions(api, w):
    d = dispute(w, "in_mediation")
    session = {"held_on": timezone.localdate().isoformat(), "mode": "online", "summary": "双方陈述意见。"}
    assert as_(api, w.owner).post(f"{URL}{d.pk}/sessions/", session, format="json").status_code == 403
    response = as_(api, w.mediator).post(f"{URL}{d.pk}/sessions/", session, format="json")
    assert response.status_code == 201, response.json()
    listed = as_(api, w.respondent_person).get(f"{URL}{d.pk}/sessions/").json()
    assert [(s["mode"], s["summary"], s["recorded_by"]) for s in listed] == [
        ("online", "双方陈述意见。", w.mediator.username)
    ]
    closed = dispute(w, "dismissed")
    response = as_(api, w.platform).post(f"{URL}{closed.pk}/sessions/", session, format="json")
    assert response.status_code == 403  # platform people do not record sessions


def test_the_bureau_records_investigation_steps(api, w):
    d = dispute(w, "under_investigation")
    step = {"taken_on": timezone.localdate().isoformat(), "kind": "inspection", "summary": "现场检查仓库。"}
    assert as_(api, w.owner).post(f"{URL}{d.pk}/steps/", step, format="json").status_code == 403
    response = as_(api, w.platform).post(f"{URL}{d.pk}/steps/", step, format="json")
    assert response.status_code == 201, response.json()
    assert [s["kind"] for s in as_(api, w.owner).get(f"{URL}{d.pk}/steps/").json()] == ["inspection"]
    filed = dispute(w, "filed")
    response = as_(api, w.platform).post(f"{URL}{filed.pk}/steps/", step, format="json")
    assert response.status_code == 409


def test_shares_platform_sees_every_grant_a_partner_its_own(api, w):
    d = dispute(w, "referred")  # shared with the court on referral
    services.dispute_share(dispute=d, by=w.platform, partner=w.arbitration)
    assert sorted(s["partner"] for s in as_(api, w.platform).get(f"{URL}{d.pk}/shares/").json()) == sorted(
        [w.court.pk, w.arbitration.pk]
    )
    assert [s["partner"] for s in as_(api, w.judge).get(f"{URL}{d.pk}/shares/").json()] == [w.court.pk]
    assert [s["partner"] for s in as_(api, w.arbitrator).get(f"{URL}{d.pk}/shares/").json()] == [w.arbitration.pk]
    assert as_(api, w.owner).get(f"{URL}{d.pk}/shares/").json() == []


# --- public decisions -------------------------------------------------------------------------------


def test_enforcement_decisions_are_public_and_only_the_published_ones(api, w):
    public = dispute(w, "under_investigation")
    private = dispute(w, "under_investigation")
    today = timezone.localdate()
    services.dispute_record_decision(
        dispute=public,
        by=w.platform,
        number="资市监知处〔2026〕7号",
        decided_on=today,
        decision="罚款5万元。",
        public=True,
    )
    services.dispute_record_decision(dispute=private, by=w.platform, number="资市监知处〔2026〕8号", decided_on=today)
    api.force_authenticate(None)
    response = api.get("/api/v1/enforcement-decisions/")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"][0] == {
        "id": public.pk,
        "number": "资市监知处〔2026〕7号",
        "decided_on": today.isoformat(),
        "kind": "infringement",
        "respondent_name": w.respondent.name,
        "decision": "罚款5万元。",
        "assets": [{"type": "patent", "number": w.patent.application_number, "title": w.patent.name}],
        "claimant_name": w.claimant.name,
    }
    assert api.get(f"/api/v1/enforcement-decisions/{public.pk}/").status_code == 200
    assert api.get(f"/api/v1/enforcement-decisions/{private.pk}/").status_code == 404
    assert api.get("/api/v1/enforcement-decisions/abc/").status_code == 404
    assert api.post("/api/v1/enforcement-decisions/", {}, format="json").status_code in (401, 405)
