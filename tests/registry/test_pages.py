"""The registry's pages (financing/registry/views.py): who may open each, the forms and their errors (by field,
never a 500), the actions of a demand's page for each role, and the choice that opens the pledge application."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from financing.models import Application
from financing.registry.models import Demand, DemandBatch, Interest
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.registry.factories import batch, demand, fresh, register

pytestmark = pytest.mark.django_db

HOME, DEMANDS, NEW = "/financing/registry/", "/financing/registry/demands/", "/financing/registry/demands/new/"
REVIEW, BATCHES, SEARCH = "/financing/registry/review/", "/financing/registry/batches/", "/financing/registry/search/"


def page(d) -> str:
    return f"/financing/registry/demands/{d.pk}/"


def as_(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- who may open what ------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(w):
    d = demand(w, "admitted")
    for path in (HOME, DEMANDS, NEW, page(d), f"{page(d)}edit/", REVIEW, BATCHES, f"{BATCHES}{w.batch.pk}/", SEARCH):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), path


def test_the_entry_sends_each_role_to_its_part(w):
    assert as_(w.owner).get(HOME)["Location"] == DEMANDS
    assert as_(w.platform).get(HOME)["Location"] == REVIEW
    assert as_(w.officer).get(HOME)["Location"] == SEARCH
    assert as_(w.underwriter).get(HOME).status_code == 403


def test_wrong_roles_are_refused(w):
    for path in (DEMANDS, NEW):
        assert as_(w.officer).get(path).status_code == 403
        assert as_(w.platform).get(path).status_code == 403
    for path in (REVIEW, BATCHES):
        assert as_(w.owner).get(path).status_code == 403
        assert as_(w.officer).get(path).status_code == 403
    assert as_(w.owner).get(SEARCH).status_code == 403
    assert as_(w.owner).get(f"{BATCHES}{w.batch.pk}/").status_code == 404
    assert as_(w.officer).post(f"{BATCHES}{w.batch.pk}/", {"action": "close"}).status_code == 404
    assert DemandBatch.objects.get(pk=w.batch.pk).is_open


def test_another_enterprise_gets_404_for_a_demand_and_its_edit_page(w):
    d = demand(w)
    stranger = as_(w.stranger)
    assert stranger.get(page(d)).status_code == 404
    assert stranger.get(f"{page(d)}edit/").status_code == 404
    assert stranger.post(page(d), {"action": "submit"}).status_code == 404
    assert fresh(d).state == "draft"
    assert as_(w.owner).get("/financing/registry/demands/999999/").status_code == 404


def test_banks_never_see_drafts_or_submitted_demands(w):
    for state in ("draft", "submitted"):
        d = demand(w, state)
        assert as_(w.officer).get(page(d)).status_code == 404
    assert as_(w.platform).get(page(demand(w))).status_code == 404  # a draft is the enterprise's alone


def test_a_demand_shown_to_bank_a_is_404_for_bank_b(w):
    d = demand(w, "admitted", banks=[w.bank])
    assert as_(w.officer).get(page(d)).status_code == 200
    assert as_(w.officer2).get(page(d)).status_code == 404
    response = as_(w.officer2).post(
        page(d),
        {
            "action": "register_interest",
            "register_interest-indicative_principal": "1000000",
            "register_interest-indicative_rate": "4",
        },
    )
    assert response.status_code == 404 and not Interest.objects.filter(demand=d).exists()


def test_the_bank_page_hides_the_enterprise_s_history_and_other_banks(w):
    d = demand(w, "admitted", contact_consent=True, contact_name="李华", contact_phone="13800000000")
    register(w, d, by=w.officer2, note="锦城银行的意向")
    body = text(as_(w.officer).get(page(d)))
    assert "锦城银行的意向" not in body and 'id="history-heading"' not in body
    assert "13800000000" in body  # the enterprise agreed to be contacted
    owner_body = text(as_(w.owner).get(page(d)))
    assert "锦城银行的意向" in owner_body and 'id="history-heading"' in owner_body


# --- the enterprise's list and form -------------------------------------------------------------------------


def test_the_list_shows_state_batch_and_interests(w):
    d = demand(w, "admitted")
    register(w, d)
    register(w, d, by=w.officer2)
    demand(w, "draft", assets=[PatentFactory(owner=w.borrower)])
    body = text(as_(w.owner).get(DEMANDS))
    assert f'href="{page(d)}"' in body and w.batch.name in body
    row = re.search(rf'href="{page(d)}".*?</tr>', body).group(0)
    assert 'class="num">2</td>' in row and "fin-state-admitted" in row


def test_the_empty_list_says_how_to_start(w):
    body = text(english(as_(w.owner)).get(DEMANDS))
    assert "No financing demands yet" in body and f'href="{NEW}"' in body


def form_data(w, asset, **changes) -> dict:
    data = {
        "enterprise": str(w.borrower.pk),
        "programme": str(w.programme.pk),
        "amount": "3000000",
        "term_months": "12",
        "industry": "C",
        "purpose": "购买检测设备",
        "assets": [f"{asset.asset_type}:{asset.pk}"],
        "audience": "all",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_enterprise_files_a_demand_through_the_form(w):
    patent = PatentFactory(owner=w.borrower)
    mark = TrademarkFactory(owner=w.borrower)
    client = as_(w.owner)
    form = text(client.get(NEW))
    assert f'value="patent:{patent.pk}"' in form and f'value="trademark:{mark.pk}"' in form
    response = client.post(
        NEW,
        form_data(
            w,
            patent,
            assets=[f"patent:{patent.pk}", f"trademark:{mark.pk}"],
            audience="chosen",
            banks=[str(w.bank2.pk)],
            contact_consent="on",
            contact_name="李华",
            contact_phone="13800000000",
        ),
    )
    d = Demand.objects.get(enterprise=w.borrower)
    assert response.status_code == 302 and response["Location"] == page(d)
    assert d.state == "draft" and d.amount.amount == Decimal("3000000") and not d.all_banks
    assert list(d.banks.all()) == [w.bank2] and d.assets.count() == 2 and d.contact_phone == "13800000000"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "lots"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"term_months": "0"}, "term_months"),
        ({"industry": "Z"}, "industry"),
        ({"assets": None}, "assets"),
        ({"assets": ["patent:999999"]}, "assets"),
        ({"audience": "chosen"}, "banks"),
        ({"contact_consent": "on"}, "contact_name"),
        ({"programme": "x"}, "programme"),
        ({"amount": "20000000"}, "amount"),  # above the programme maximum: the service's guard, on the field
        ({"term_months": "36"}, "term_months"),  # longer than the programme allows
    ],
)
def test_bad_input_is_shown_by_field(w, changes, field):
    patent = PatentFactory(owner=w.borrower)
    response = as_(w.owner).post(NEW, form_data(w, patent, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not Demand.objects.exists()


def test_another_enterprise_s_asset_cannot_be_offered(w):
    foreign = PatentFactory(owner=w.other_enterprise)
    response = as_(w.owner).post(NEW, form_data(w, foreign))
    assert response.status_code == 400 and response.context["form"].errors["assets"]


def test_editing_a_returned_demand_keeps_enterprise_and_programme(w):
    d = demand(w, "submitted")
    as_(w.platform).post(page(d), {"action": "return", "return-note": "请补充用途"})
    assert fresh(d).state == "returned"
    client = as_(w.owner)
    form = client.get(f"{page(d)}edit/")
    assert form.status_code == 200 and form.context["form"].initial["amount"] == Decimal("3000000.00")
    asset = d.assets.get().asset
    response = client.post(f"{page(d)}edit/", form_data(w, asset, amount="2500000", programme="999"))
    assert response.status_code == 302
    assert fresh(d).amount.amount == Decimal("2500000") and fresh(d).programme == w.programme


def test_a_listed_demand_cannot_be_edited(w):
    d = demand(w, "admitted")
    response = as_(w.owner).get(f"{page(d)}edit/")
    assert response.status_code == 302 and response["Location"] == page(d)


# --- the demand's page: actions per role ---------------------------------------------------------------------


def test_the_enterprise_submits_and_withdraws_from_the_page(w):
    d = demand(w)
    client = english(as_(w.owner))
    body = text(client.get(page(d)))
    assert 'name="action" value="submit"' in body and 'value="admit"' not in body
    assert "Credit estimate" in body and "Needs a valuation" in body
    assert client.post(page(d), {"action": "submit"}).status_code == 302
    assert fresh(d).state == "submitted"
    again = client.post(page(d), {"action": "submit"})  # a stale button: a message, not an error page
    assert again.status_code == 400 and "This is not possible now" in text(again)
    body = text(client.get(page(d)))
    assert 'data-confirm="Withdraw this demand?' in body
    client.post(page(d), {"action": "withdraw", "withdraw-note": "暂不需要"})
    assert fresh(d).state == "withdrawn"


def test_unknown_actions_are_refused_quietly(w):
    d = demand(w)
    response = as_(w.owner).post(page(d), {"action": "finance"})
    assert response.status_code == 400 and fresh(d).state == "draft"
    response = as_(w.owner).post(page(d), {"action": "admit", "admit-batch": str(w.batch.pk)})
    assert response.status_code == 400 and fresh(d).state == "draft"


def test_the_review_queue_lists_submitted_demands_oldest_first(w):
    first = demand(w, "submitted")
    second = demand(w, "submitted", assets=[PatentFactory(owner=w.borrower)])
    demand(w, "draft", assets=[PatentFactory(owner=w.borrower)])
    demand(w, "admitted", assets=[PatentFactory(owner=w.borrower)])
    body = text(as_(w.platform).get(REVIEW))
    links = re.findall(r'href="/financing/registry/demands/(\d+)/"', body)
    assert links == [str(first.pk), str(second.pk)]


def test_the_platform_admits_returns_and_rejects_with_notes(w):
    d = demand(w, "submitted")
    client = english(as_(w.platform))
    body = text(client.get(page(d)))
    assert "Admit to a registry batch" in body and w.batch.name in body
    missing = client.post(page(d), {"action": "admit", "admit-batch": ""})
    assert missing.status_code == 400 and fresh(d).state == "submitted"
    closed = batch(w, name="已关闭批次")
    closed.is_open = False
    closed.save()
    refused = client.post(page(d), {"action": "admit", "admit-batch": str(closed.pk)})
    assert refused.status_code == 400 and fresh(d).state == "submitted"  # not a choice of the form
    response = client.post(page(d), {"action": "admit", "admit-batch": str(w.batch.pk), "admit-note": "符合条件"})
    assert response.status_code == 302 and response["Location"] == REVIEW
    d = fresh(d)
    assert d.state == "admitted" and d.batch == w.batch

    other = demand(w, "submitted", assets=[PatentFactory(owner=w.borrower)])
    no_note = client.post(page(other), {"action": "return", "return-note": ""})
    assert no_note.status_code == 400 and no_note.context["actions"]
    form = next(a["form"] for a in no_note.context["actions"] if a["name"] == "return")
    assert form.errors["note"]
    client.post(page(other), {"action": "reject", "reject-note": "不符合条件"})
    assert fresh(other).state == "rejected"


def test_admission_is_blocked_without_an_open_batch(w):
    d = demand(w, "submitted")
    w.batch.is_open = False
    w.batch.save()
    body = text(english(as_(w.platform)).get(page(d)))
    assert "No registry batch of this programme is open" in body


def test_a_bank_registers_interest_with_errors_by_field(w):
    d = demand(w, "admitted")
    client = english(as_(w.officer))
    body = text(client.get(page(d)))
    assert "Register interest" in body and "At most 4.5%." in body
    for principal, rate, field in (("abc", "4", "indicative_principal"), ("1000000", "9", "indicative_rate")):
        response = client.post(
            page(d),
            {
                "action": "register_interest",
                "register_interest-indicative_principal": principal,
                "register_interest-indicative_rate": rate,
            },
        )
        assert response.status_code == 400
        assert response.context["interest_form"].errors[field]
    response = client.post(
        page(d),
        {
            "action": "register_interest",
            "register_interest-indicative_principal": "2500000",
            "register_interest-indicative_rate": "4.2",
            "register_interest-note": "可提供一年期贷款",
        },
    )
    assert response.status_code == 302
    interest = Interest.objects.get(demand=d)
    assert interest.bank == w.bank and interest.indicative_rate == Decimal("0.042")
    body = text(client.get(page(d)))
    assert "Registered: ¥2,500,000.00 at 4.2% a year" in body and 'value="register_interest"' not in body
    client.post(page(d), {"action": "withdraw_interest", "interest": str(interest.pk)})
    assert Interest.objects.get(pk=interest.pk).state == "withdrawn"


def test_choosing_an_interest_opens_the_draft_application(w):
    d = demand(w, "admitted")
    mine = register(w, d, principal="2800000", rate="0.04")
    other = register(w, d, by=w.officer2)
    client = english(as_(w.owner))
    body = text(client.get(page(d)))
    assert body.count('name="action" value="choose"') == 2
    response = client.post(
        page(d),
        {
            "action": "choose",
            "choose-interest": str(mine.pk),
            "choose-insurer": str(w.insurer.pk),
            "choose-appraiser": str(w.appraiser.pk),
        },
    )
    d = fresh(d)
    assert d.state == "matched" and d.application is not None
    assert response.status_code == 302 and response["Location"] == f"/financing/applications/{d.application_id}/"
    app = Application.objects.get(pk=d.application_id)
    assert app.principal.amount == Decimal("2800000") and app.term_months == 12 and app.lender == w.bank
    assert Interest.objects.get(pk=other.pk).state == "not_chosen"
    application_page = text(client.get(response["Location"]))
    assert "¥2,800,000.00" in application_page


def test_a_stale_choice_is_a_message_not_an_error_page(w):
    d = demand(w, "admitted")
    interest = register(w, d)
    as_(w.officer).post(page(d), {"action": "withdraw_interest", "interest": str(interest.pk)})
    response = english(as_(w.owner)).post(
        page(d),
        {
            "action": "choose",
            "choose-interest": str(interest.pk),
            "choose-insurer": str(w.insurer.pk),
            "choose-appraiser": str(w.appraiser.pk),
        },
    )
    assert response.status_code == 400 and fresh(d).state == "admitted"
    assert "no longer open" in text(response)


def test_a_choice_without_an_appraiser_is_a_field_error(w):
    d = demand(w, "admitted")
    interest = register(w, d)
    response = as_(w.owner).post(
        page(d), {"action": "choose", "choose-interest": str(interest.pk), "choose-insurer": str(w.insurer.pk)}
    )
    assert response.status_code == 400 and fresh(d).state == "admitted"
    assert response.context["choose_form"].errors["appraiser"]


# --- batches ------------------------------------------------------------------------------------------------


def test_batches_list_with_counts_and_exports(w):
    demand(w, "admitted")
    body = text(english(as_(w.platform)).get(BATCHES))
    assert w.batch.name in body
    assert f'href="/api/v1/financing/demand-batches/{w.batch.pk}/export/?format=xlsx"' in body
    assert f'href="/api/v1/financing/demand-batches/{w.batch.pk}/export/?format=csv"' in body
    row = re.search(rf"{w.batch.name}.*?</tr>", body).group(0)
    assert re.findall(r'class="num">(\d+)</td>', row) == ["1", "1", "0", "0"]


def test_the_platform_creates_and_closes_a_batch(w):
    client = as_(w.platform)
    data = {"programme": str(w.programme.pk), "name": "2027年第一批", "year": "2027", "number": "1"}
    response = client.post(BATCHES, data)
    created = DemandBatch.objects.get(name="2027年第一批")
    assert response.status_code == 302 and response["Location"] == f"{BATCHES}{created.pk}/"
    duplicate = client.post(BATCHES, data)
    assert duplicate.status_code == 400 and duplicate.context["form"].non_field_errors()
    bad = client.post(BATCHES, {**data, "year": "soon"})
    assert bad.status_code == 400 and bad.context["form"].errors["year"]
    client.post(f"{BATCHES}{created.pk}/", {"action": "close"})
    assert not DemandBatch.objects.get(pk=created.pk).is_open


def test_a_batch_page_lists_its_demands(w):
    d = demand(w, "admitted")
    body = text(as_(w.platform).get(f"{BATCHES}{w.batch.pk}/"))
    assert f'href="{page(d)}"' in body
    assert as_(w.platform).get(f"{BATCHES}999999/").status_code == 404


def test_pages_are_chinese_by_default_and_english_on_request(w):
    d = demand(w, "admitted")
    assert '<html lang="zh-hans">' in text(as_(w.owner).get(page(d)))
    body = text(english(as_(w.owner)).get(page(d)))
    assert '<html lang="en">' in body and "Credit estimate" in body
