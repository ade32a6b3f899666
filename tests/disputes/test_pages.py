"""The IP-protection pages (ipmarket/disputes/views.py): who may open each, filing through the form, the action
buttons of a case's page, the platform's overdue mediations, the cautions on listing pages and the public
decisions."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ipmarket.disputes import services
from ipmarket.disputes.models import Dispute, DisputeEvent
from search import indexes
from search.client import get_client
from tests.disputes.factories import PDF, dispute, fresh, upload
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db

LIST, NEW, DECISIONS = "/disputes/", "/disputes/new/", "/disputes/decisions/"


def page(d) -> str:
    return f"/disputes/{d.pk}/"


def action(d, name) -> str:
    return f"/disputes/{d.pk}/actions/{name}/"


def as_(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def decided(w, *, public=True, number="资知执罚〔2025〕1号", decision="责令停止侵权，罚款五万元。"):
    d = dispute(w, "under_investigation")
    services.dispute_record_decision(
        dispute=d, by=w.platform, number=number, decided_on=timezone.localdate(), decision=decision, public=public
    )
    return fresh(d)


# --- who may open what ------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in_except_on_the_public_decisions(w):
    d = decided(w)
    doc = services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload())
    for path in (LIST, NEW, page(d), f"{page(d)}documents/{doc.pk}/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), path
    response = Client().post(action(d, "close"), {"close-note": "结案"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Client().get(DECISIONS).status_code == 200
    assert Client().get(f"{DECISIONS}{d.pk}/").status_code == 200


def test_the_case_page_opens_for_its_people_and_is_hidden_from_strangers(w):
    d = dispute(w, "in_mediation")
    for user in (w.owner, w.respondent_person, w.mediator, w.platform):
        response = as_(user).get(page(d))
        assert response.status_code == 200, user
        assert 'data-dispute-state="in_mediation"' in response.content.decode()
    for user in (w.stranger, w.judge, w.bureau_person):
        assert as_(user).get(page(d)).status_code == 404, user
    # The respondent sees a case only once it is accepted.
    filed = dispute(w, "filed")
    assert as_(w.respondent_person).get(page(filed)).status_code == 404
    assert as_(w.owner).get(page(filed)).status_code == 200


def test_the_list_shows_each_person_their_cases(w):
    mine = dispute(w, "in_mediation")
    filed = dispute(w, "filed")
    assert f"/disputes/{mine.pk}/" in text(as_(w.owner).get(LIST))
    respondent = text(as_(w.respondent_person).get(LIST))
    assert f"/disputes/{mine.pk}/" in respondent and f"/disputes/{filed.pk}/" not in respondent
    assert f"/disputes/{mine.pk}/" in text(as_(w.mediator).get(LIST))
    stranger = as_(w.stranger).get(LIST)
    assert stranger.status_code == 200 and "/disputes/" + str(mine.pk) + "/" not in text(stranger)
    assert 'href="/disputes/new/"' in text(stranger)  # an enterprise's member may file
    assert 'href="/disputes/new/"' not in text(as_(w.mediator).get(LIST))
    # Platform people see every case and filter them by state.
    html = text(as_(w.platform).get(LIST, {"state": "filed"}))
    assert f"/disputes/{filed.pk}/" in html and f'/disputes/{mine.pk}/"' not in html.split("cases-heading")[1]


def test_only_enterprise_members_file_cases(w):
    assert as_(w.owner).get(NEW).status_code == 200
    for user in (w.mediator, w.judge, w.platform):
        assert as_(user).get(NEW).status_code == 403


def test_the_header_links_ip_protection_for_people_who_take_part(w):
    for user in (w.owner, w.mediator, w.judge, w.platform):
        assert 'href="/disputes/"' in text(as_(user).get(LIST)), user


# --- filing -----------------------------------------------------------------------------------------------


def test_filing_through_the_form_creates_the_case_with_its_evidence(w):
    response = as_(w.owner).post(
        NEW,
        {
            "claimant": w.claimant.pk,
            "kind": "infringement",
            "assets": [f"patent:{w.patent.pk}"],
            "respondent": w.respondent.pk,
            "facts": "对方销售侵权产品。",
            "remedy": "停止侵权。",
            "evidence": upload(),
        },
    )
    d = Dispute.objects.get(claimant=w.claimant)
    assert response.status_code == 302 and response["Location"] == page(d)
    assert d.state == "filed" and d.respondent == w.respondent
    assert [item.patent_id for item in d.assets.all()] == [w.patent.pk]
    assert d.documents.get().kind == "evidence"
    html = text(as_(w.owner).get(page(d)))
    assert "证据.pdf" in html and "对方销售侵权产品。" in html


def test_filing_against_a_party_outside_the_directory(w):
    response = as_(w.owner).post(
        NEW,
        {
            "claimant": w.claimant.pk,
            "kind": "counterfeit",
            "assets": [f"patent:{w.patent.pk}"],
            "respondent_name": "某某贸易有限公司",
            "facts": "假冒。",
            "remedy": "查处。",
        },
    )
    assert response.status_code == 302
    d = Dispute.objects.get(claimant=w.claimant)
    assert d.respondent is None and d.respondent_name == "某某贸易有限公司"


def test_a_refused_filing_shows_why_by_field_and_keeps_the_input(w):
    response = as_(w.owner).post(
        NEW, {"claimant": w.claimant.pk, "kind": "infringement", "facts": "对方销售侵权产品。", "remedy": ""}
    )
    assert response.status_code == 400
    html = text(response)
    assert 'id="id_assets_error"' in html and 'aria-describedby="id_remedy_helptext id_remedy_error"' in html
    assert 'id="id_respondent_error"' in html and "对方销售侵权产品。" in html
    # A bad file: the service refuses it and no case is left behind.
    response = as_(w.owner).post(
        NEW,
        {
            "claimant": w.claimant.pk,
            "kind": "infringement",
            "assets": [f"patent:{w.patent.pk}"],
            "respondent": w.respondent.pk,
            "facts": "对方销售侵权产品。",
            "remedy": "停止侵权。",
            "evidence": upload("x.exe", b"MZ\x90\x00not a document"),
        },
    )
    assert response.status_code == 400 and 'id="id_evidence_error"' in text(response)
    assert not Dispute.objects.filter(claimant=w.claimant).exists()


# --- actions ----------------------------------------------------------------------------------------------


def test_an_action_button_posts_and_moves_the_state(w):
    d = dispute(w, "filed")
    html = text(as_(w.platform).get(page(d)))
    assert f'action="{action(d, "accept")}"' in html and f'action="{action(d, "dismiss")}"' in html
    assert "<details" in html  # dismiss asks first, without JavaScript
    response = as_(w.platform).post(
        action(d, "accept"), {"accept-route": "mediation", "accept-mediator": w.mediation.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == page(d)
    assert fresh(d).state == "in_mediation" and fresh(d).mediator == w.mediation
    assert "The case was accepted." in text(response) or "受理" in text(response)
    # The respondent now answers from its page.
    html = text(as_(w.respondent_person).get(page(d)))
    assert f'action="{action(d, "consent")}"' in html
    as_(w.respondent_person).post(action(d, "consent"), {})
    assert fresh(d).respondent_consent == "consented"


def test_a_missing_input_is_shown_next_to_the_field(w):
    d = dispute(w, "filed")
    response = as_(w.platform).post(action(d, "dismiss"), {"dismiss-note": ""})
    assert response.status_code == 400
    assert 'id="id_dismiss-note_error"' in text(response) and fresh(d).state == "filed"


def test_a_wrong_persons_post_is_refused_with_a_message_and_no_change(w):
    d = dispute(w, "filed")
    response = as_(w.owner).post(action(d, "dismiss"), {"dismiss-note": "不受理"})
    assert response.status_code == 400
    assert 'class="message message-error"' in text(response) or "message-error" in text(response)
    assert fresh(d).state == "filed"
    assert not DisputeEvent.objects.filter(dispute=d, action="dismiss").exists()
    # A stranger cannot even see the case.
    assert as_(w.stranger).post(action(d, "dismiss"), {"dismiss-note": "x"}).status_code == 404
    assert fresh(d).state == "filed"


def test_sessions_steps_and_documents_from_the_page(w):
    d = dispute(w, "in_mediation")
    today = timezone.localdate().isoformat()
    response = as_(w.mediator).post(
        f"{page(d)}sessions/", {"session-held_on": today, "session-mode": "online", "session-summary": "双方陈述。"}
    )
    assert response.status_code == 302 and d.sessions.count() == 1
    response = as_(w.mediator).post(
        f"{page(d)}documents/", {"document-kind": "agreement", "document-file": upload("调解协议.pdf")}
    )
    assert response.status_code == 302 and d.documents.get().kind == "agreement"
    e = dispute(w, "under_investigation")
    response = as_(w.platform).post(
        f"{page(e)}steps/", {"step-taken_on": today, "step-kind": "inspection", "step-summary": "现场检查。"}
    )
    assert response.status_code == 302 and e.steps.count() == 1
    assert as_(w.owner).post(f"{page(e)}steps/", {"step-taken_on": today}).status_code == 400
    response = as_(w.owner).post(
        f"{page(e)}documents/", {"document-kind": "evidence", "document-file": upload("x.pdf", b"MZ")}
    )
    assert response.status_code == 400 and 'id="id_document-file_error"' in text(response)


def test_documents_are_served_to_those_who_may_read_them_and_reads_are_recorded(w):
    d = dispute(w, "in_mediation")
    doc = services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload())
    url = f"{page(d)}documents/{doc.pk}/"
    response = as_(w.mediator).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert as_(w.respondent_person).get(url).status_code == 404  # the claimant's own evidence
    assert as_(w.stranger).get(url).status_code == 404
    assert DisputeEvent.objects.filter(dispute=d, action="viewed", actor=w.mediator).exists()


def test_a_partners_read_of_the_case_is_recorded(w):
    d = dispute(w, "in_mediation")
    services.dispute_share(dispute=d, by=w.platform, partner=w.court)
    assert as_(w.judge).get(page(d)).status_code == 200
    assert DisputeEvent.objects.filter(dispute=d, action="viewed", actor=w.judge, note="case record").exists()
    assert not DisputeEvent.objects.filter(dispute=d, action="viewed", actor=w.owner).exists()
    as_(w.owner).get(page(d))
    assert not DisputeEvent.objects.filter(dispute=d, action="viewed", actor=w.owner).exists()


# --- overdue mediations -----------------------------------------------------------------------------------


def test_the_platform_list_shows_overdue_mediations(w):
    late = dispute(w, "in_mediation")
    on_time = dispute(w, "in_mediation")
    # Time cannot be moved in these tests yet: the time limit is set in the past directly.
    Dispute.objects.filter(pk=late.pk).update(mediation_due=timezone.localdate() - timedelta(days=1))
    html = text(as_(w.platform).get(LIST))
    overdue = html.split('id="overdue-heading"')[1].split('id="cases-heading"')[0]
    assert f'data-overdue="{late.pk}"' in overdue and f'data-overdue="{on_time.pk}"' not in overdue
    assert 'class="row-overdue"' in html
    assert "data-overdue" in text(as_(w.platform).get(page(late)))
    assert 'id="overdue-heading"' not in text(as_(w.owner).get(LIST))


# --- cautions on the listing and asset pages --------------------------------------------------------------


def test_a_listing_under_an_accepted_case_says_so_until_the_case_ends(w):
    listing = ListingFactory(patent=w.patent)  # listed before the case is accepted
    url = f"/market/{listing.pk}/"
    assert "data-cautions" not in text(Client().get(url))
    d = dispute(w, "under_investigation", kind="infringement")
    html = text(Client().get(url))
    assert "data-cautions" in html and f"#{d.pk}" in html
    assert "data-cautions" in text(Client().get(f"/ip/patents/{w.patent.pk}/"))
    services.dispute_withdraw(dispute=d, by=w.owner)
    assert "data-cautions" not in text(Client().get(url))
    assert "data-cautions" not in text(Client().get(f"/ip/patents/{w.patent.pk}/"))


def test_an_accepted_ownership_case_cautions_the_listing(w):
    listing = ListingFactory(patent=w.patent)
    d = dispute(w, "in_mediation", kind="ownership")
    html = text(Client().get(f"/market/{listing.pk}/"))
    assert "data-cautions" in html and f"#{d.pk}" in html
    services.dispute_withdraw(dispute=d, by=w.owner)
    assert "data-cautions" not in text(Client().get(f"/market/{listing.pk}/"))


# --- public decisions -------------------------------------------------------------------------------------


@pytest.fixture
def decisions_index():
    """The decisions index built from the test's rows, dropped afterwards (the page searches it)."""
    yield lambda: indexes.rebuild("decisions")
    get_client().indices.delete(index=f"{indexes.alias('decisions')}-*", ignore_unavailable=True)


def test_the_public_decisions_page_lists_only_public_decisions(w, decisions_index):
    public = decided(w, number="资知执罚〔2025〕1号")
    private = decided(w, public=False, number="资知执罚〔2025〕2号")
    decisions_index()
    html = text(Client().get(DECISIONS))
    assert "资知执罚〔2025〕1号" in html and "资知执罚〔2025〕2号" not in html
    assert Client().get(f"{DECISIONS}{public.pk}/").status_code == 200
    assert Client().get(f"{DECISIONS}{private.pk}/").status_code == 404
    # The text filter.
    assert "资知执罚〔2025〕1号" in text(Client().get(DECISIONS, {"q": "罚款五万"}))
    assert "资知执罚〔2025〕1号" not in text(Client().get(DECISIONS, {"q": "没有这个"}))
