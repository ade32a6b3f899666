"""The catalogue's pages (financing/registry/products_views.py): the public catalogue in Chinese and English with
its filters and empty states, a product, the comparison, and a bank's own products with their forms."""

from decimal import Decimal

import pytest
from django.conf import settings
from djmoney.money import Money

from financing.registry.models import LoanProduct
from tests.accounts.factories import OrganisationFactory, member_of
from tests.querycount import page_as
from tests.registry.test_products_api import make_product

pytestmark = pytest.mark.django_db
CATALOGUE, MINE, NEW = "/financing/products/", "/financing/products/mine/", "/financing/products/new/"


@pytest.fixture
def bank(db):
    return OrganisationFactory(kind="bank", name="蜀商银行资阳分行", name_en="Shushang Bank Ziyang")


@pytest.fixture
def officer(bank):
    return member_of(bank, role="officer")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response) -> str:
    return response.content.decode()


def form_data(**fields) -> dict:
    values = {
        "name": "科创知识贷",
        "name_en": "Sci-tech IP Loan",
        "description": "",
        "min_amount": "500000",
        "max_amount": "8000000",
        "max_term_months": "24",
        "rate_min": "3.45",
        "rate_max": "4.5",
        "asset_kinds": ["invention", "trademark"],
        "cities": ["资阳"],
        "documents": "营业执照",
        "is_published": "on",
    }
    values.update(fields)
    return values


# --- the public catalogue ----------------------------------------------------------------------------------


def test_the_catalogue_in_chinese_and_in_english(bank):
    make_product(bank, name="知识贷", name_en="IP Loan", cities=[], asset_kinds=["invention", "trademark"])
    make_product(bank, name="未发布产品", is_published=False)
    page = page_as(None).get(CATALOGUE)
    assert page.status_code == 200
    body = text(page)
    assert "知识贷" in body and "未发布产品" not in body
    assert "¥500,000.00 – ¥5,000,000.00" in body and "3.5% – 4.5%" in body
    assert "发明专利、商标" in body and 'lang="zh-hans"' in body
    body = text(english(page_as(None)).get(CATALOGUE))
    assert "IP Loan" in body and "Every city" in body and "Invention patent" in body
    assert 'lang="en"' in body


def test_the_filters_and_the_empty_states(bank):
    make_product(bank, name="资阳专利贷", cities=["资阳"], asset_kinds=["invention"])
    make_product(bank, name="商标贷", cities=[], asset_kinds=["trademark"], max_term_months=12)
    client = english(page_as(None))
    body = text(client.get(CATALOGUE, {"asset_kind": "trademark"}))
    assert "商标贷" in body and "资阳专利贷" not in body
    body = text(client.get(CATALOGUE, {"city": "成都"}))
    assert "商标贷" in body and "资阳专利贷" not in body
    body = text(client.get(CATALOGUE, {"term": "24"}))
    assert "资阳专利贷" in body and "商标贷" not in body
    body = text(client.get(CATALOGUE, {"amount": "100"}))
    assert "No product matches these filters" in body
    body = text(client.get(CATALOGUE, {"term": "999", "bank": "abc"}))
    assert "was ignored" in body and "资阳专利贷" in body and "商标贷" in body
    LoanProduct.objects.all().delete()
    assert "No bank has published a loan product yet." in text(client.get(CATALOGUE))


def test_the_catalogue_paginates(bank):
    for i in range(21):
        make_product(bank, name=f"产品{i:02d}")
    client = page_as(None)
    assert "产品19" in text(client.get(CATALOGUE)) and "产品20" not in text(client.get(CATALOGUE))
    assert "产品20" in text(client.get(CATALOGUE, {"page": "2"}))


def test_a_product_page_and_the_comparison(bank):
    other = OrganisationFactory(kind="bank", name="锦城银行")
    a = make_product(bank, name="甲贷", documents="营业执照；专利证书")
    b = make_product(other, name="乙贷", cities=[], asset_kinds=["design"])
    hidden = make_product(other, name="丙贷", is_published=False)
    client = english(page_as(None))
    body = text(client.get(f"{CATALOGUE}{a.pk}/"))
    assert "甲贷" in body and "营业执照；专利证书" in body and "Change the product" not in body
    assert client.get(f"{CATALOGUE}{hidden.pk}/").status_code == 404
    assert client.get(f"{CATALOGUE}999999/").status_code == 404
    body = text(client.get(f"{CATALOGUE}compare/", {"p": [a.pk, b.pk, hidden.pk, "x"]}))
    assert "甲贷" in body and "乙贷" in body and "丙贷" not in body
    assert "Every city" in body and "Design" in body and "no longer in the catalogue" in body
    body = text(client.get(f"{CATALOGUE}compare/", {"p": [a.pk]}))
    assert "Tick two to four products" in body
    many = [make_product(bank, name=f"多{i}").pk for i in range(4)]
    body = text(client.get(f"{CATALOGUE}compare/", {"p": [a.pk, *many]}))
    assert "At most 4 products are compared" in body and "多3" not in body and "多2" in body
    assert "No product chosen." in text(client.get(f"{CATALOGUE}compare/"))


# --- the bank's products --------------------------------------------------------------------------------------


def test_only_bank_people_reach_the_bank_pages(bank):
    product = make_product(bank)
    assert page_as(None).get(MINE).status_code == 302  # to sign in
    enterprise_person = page_as(member_of(OrganisationFactory(kind="enterprise")))
    assert enterprise_person.get(MINE).status_code == 403
    assert enterprise_person.get(NEW).status_code == 403
    assert enterprise_person.post(NEW, form_data()).status_code == 403
    other_bank = page_as(member_of(OrganisationFactory(kind="bank")))
    assert other_bank.get(f"{CATALOGUE}{product.pk}/edit/").status_code == 403
    assert other_bank.post(f"{CATALOGUE}{product.pk}/delete/").status_code == 403
    hidden = make_product(bank, is_published=False)
    assert other_bank.get(f"{CATALOGUE}{hidden.pk}/edit/").status_code == 404
    assert LoanProduct.objects.count() == 2


def test_a_bank_creates_a_product_through_the_form(officer):
    client = page_as(officer)
    body = text(english(client).get(NEW))
    assert 'for="id_name"' in body and "Cities served" in body and "None ticked means every city." in body
    response = client.post(NEW, form_data())
    assert response.status_code == 302
    product = LoanProduct.objects.get()
    assert response.url == f"{CATALOGUE}{product.pk}/"
    assert product.rate_min == Decimal("0.0345") and product.rate_max == Decimal("0.045")
    assert product.min_amount == Money("500000", "CNY") and product.asset_kinds == ["invention", "trademark"]
    body = text(client.get(MINE))
    assert "Sci-tech IP Loan" in body and f"{CATALOGUE}{product.pk}/edit/" in body


def test_the_form_shows_each_refusal_on_its_field(officer):
    client = english(page_as(officer))
    response = client.post(NEW, form_data(min_amount="9000000", rate_min="5", asset_kinds=[], cities=["Atlantis"]))
    assert response.status_code == 400
    form = response.context["form"]
    assert {"asset_kinds", "cities"} <= set(form.errors)
    response = client.post(NEW, form_data(min_amount="9000000", rate_min="5"))
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"max_amount", "rate_max"}
    assert "The largest amount cannot be below the smallest amount." in text(response)
    assert 'role="alert"' in text(response)
    assert not LoanProduct.objects.exists()


def test_a_bank_edits_unpublishes_and_deletes_its_product(bank, officer):
    product = make_product(bank, name="旧名")
    client = page_as(officer)
    edit = f"{CATALOGUE}{product.pk}/edit/"
    form = client.get(edit).context["form"]
    assert form.initial["rate_min"] == Decimal("3.5") and form.initial["name"] == "旧名"
    response = client.post(edit, form_data(name="新名", is_published=""))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "新名" and not product.is_published
    assert page_as(None).get(f"{CATALOGUE}{product.pk}/").status_code == 404
    assert "新名" in text(client.get(f"{CATALOGUE}{product.pk}/"))
    delete = f"{CATALOGUE}{product.pk}/delete/"
    body = text(english(client).get(delete))
    assert "for good" in body and "<form" in body
    assert LoanProduct.objects.filter(pk=product.pk).exists()  # asking is not deleting
    assert client.post(delete).status_code == 302
    assert not LoanProduct.objects.filter(pk=product.pk).exists()
