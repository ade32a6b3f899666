"""The loan-product catalogue's API, /api/v1/financing/products/ (financing/registry/products_api.py): public
reads, each bank writing its own products only, every rule of the service refused with a 400 on its field and
nothing half-written."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from financing.registry.models import LoanProduct
from financing.registry.products import product_create
from tests.accounts.factories import OrganisationFactory, member_of
from tests.querycount import api_as

pytestmark = pytest.mark.django_db
URL = "/api/v1/financing/products/"


def make_product(bank, *, by=None, **fields) -> LoanProduct:
    """A product of `bank` through the service (by a new member of the bank unless `by` is given)."""
    values = {
        "name": f"知识贷{LoanProduct.objects.count() + 1}",
        "min_amount": Decimal("500000"),
        "max_amount": Decimal("5000000"),
        "max_term_months": 36,
        "rate_min": Decimal("0.035"),
        "rate_max": Decimal("0.045"),
        "asset_kinds": ["invention", "utility_model"],
        "cities": ["资阳"],
    }
    values.update(fields)
    return product_create(by=by or member_of(bank), bank=bank, **values)


def body(**fields) -> dict:
    values = {
        "name": "科创知识贷",
        "name_en": "Sci-tech IP Loan",
        "min_amount": {"amount": "500000.00", "currency": "CNY"},
        "max_amount": "8000000",
        "max_term_months": 24,
        "rate_min": "0.0345",
        "rate_max": "0.045",
        "asset_kinds": ["trademark", "invention", "invention"],
        "cities": ["资阳", "成都"],
        "documents": "营业执照；专利证书",
    }
    values.update(fields)
    return values


@pytest.fixture
def banks(db):
    bank_a = OrganisationFactory(kind="bank", name="蜀商银行资阳分行", name_en="Shushang Bank Ziyang")
    bank_b = OrganisationFactory(kind="bank", name="锦城银行成都分行", city="成都")
    return bank_a, bank_b


@pytest.fixture
def officer(banks):
    return member_of(banks[0], role="officer")


@pytest.fixture
def officer_b(banks):
    return member_of(banks[1], role="officer")


# --- reads -----------------------------------------------------------------------------------------------


def test_anyone_reads_the_published_products_with_the_fixed_fields(banks):
    bank_a, bank_b = banks
    shown = make_product(bank_a, name="甲产品", name_en="Product A")
    make_product(bank_b, name="乙未发布", is_published=False)
    response = api_as(None).get(URL)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [p["id"] for p in results] == [shown.pk]
    item = results[0]
    assert {
        "id",
        "bank",
        "name",
        "min_amount",
        "max_amount",
        "max_term_months",
        "rate_min",
        "rate_max",
        "asset_kinds",
        "cities",
        "documents",
        "name_en",
        "description",
        "bank_name",
    } <= set(item)
    assert item["bank"] == bank_a.pk and item["bank_name"] == "蜀商银行资阳分行"
    assert item["min_amount"] == {"amount": "500000.00", "currency": "CNY"}
    assert item["max_amount"] == {"amount": "5000000.00", "currency": "CNY"}
    assert (item["rate_min"], item["rate_max"]) == ("0.03500", "0.04500")
    assert item["asset_kinds"] == ["invention", "utility_model"] and item["cities"] == ["资阳"]
    assert api_as(None).get(f"{URL}{shown.pk}/").json()["name"] == "甲产品"


def test_an_unpublished_product_is_seen_by_its_bank_only(banks, officer, officer_b):
    hidden = make_product(banks[0], is_published=False)
    assert api_as(None).get(f"{URL}{hidden.pk}/").status_code == 404
    assert api_as(officer_b).get(f"{URL}{hidden.pk}/").status_code == 404
    assert api_as(member_of(OrganisationFactory())).get(f"{URL}{hidden.pk}/").status_code == 404
    assert api_as(officer).get(f"{URL}{hidden.pk}/").status_code == 200
    assert [p["id"] for p in api_as(officer).get(URL, {"mine": "1"}).json()["results"]] == [hidden.pk]


def test_the_filters(banks):
    bank_a, bank_b = banks
    zy = make_product(bank_a, name="A资阳", cities=["资阳"], asset_kinds=["invention"], max_term_months=12)
    everywhere = make_product(
        bank_a, name="B全省", cities=[], asset_kinds=["trademark", "design"], min_amount=Decimal("100000")
    )
    cd = make_product(
        bank_b, name="C成都", cities=["成都"], asset_kinds=["invention", "trademark"], max_amount=Decimal("20000000")
    )
    client = api_as(None)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["results"]]

    assert ids() == [zy.pk, everywhere.pk, cd.pk]  # bank, then name
    assert ids(bank=bank_b.pk) == [cd.pk]
    assert ids(asset_kind="invention") == [zy.pk, cd.pk]
    assert ids(asset_kind="trademark") == [everywhere.pk, cd.pk]
    assert ids(city="资阳") == [zy.pk, everywhere.pk]
    assert ids(city="成都") == [everywhere.pk, cd.pk]
    assert ids(amount="200000") == [everywhere.pk]
    assert ids(amount="500000") == [zy.pk, everywhere.pk, cd.pk]
    assert ids(amount="10000000") == [cd.pk]
    assert ids(term="13") == [everywhere.pk, cd.pk]
    assert ids(term="36") == [everywhere.pk, cd.pk]
    assert ids(term="37") == []
    assert ids(city="成都", asset_kind="invention", amount="600000.5") == [cd.pk]
    assert ids(city="", asset_kind="", amount="", term="") == [zy.pk, everywhere.pk, cd.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"asset_kind": "patent"},
        {"city": "Atlantis"},
        {"amount": "-1"},
        {"amount": "abc"},
        {"term": "0"},
        {"term": "361"},
        {"term": "1.5"},
        {"bank": "abc"},
        {"is_published": "maybe"},
    ],
)
def test_bad_filters_are_400(banks, params):
    response = api_as(None).get(URL, params)
    assert response.status_code == 400 and set(params) <= set(response.json()), response.content


# --- writes: who ------------------------------------------------------------------------------------------


def test_a_bank_member_creates_a_product_of_their_bank(banks, officer):
    response = api_as(officer).post(URL, body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["bank"] == banks[0].pk and data["is_published"] is True
    assert data["asset_kinds"] == ["invention", "trademark"]  # no repeats, in a fixed order
    assert data["cities"] == ["成都", "资阳"]
    product = LoanProduct.objects.get(pk=data["id"])
    assert product.min_amount == Money("500000", "CNY") and product.rate_min == Decimal("0.0345")


def test_anonymous_writes_are_401_and_people_of_no_bank_403(banks):
    product = make_product(banks[0])
    assert api_as(None).post(URL, body(), format="json").status_code == 401
    assert api_as(None).patch(f"{URL}{product.pk}/", {"name": "x"}, format="json").status_code == 401
    assert api_as(None).delete(f"{URL}{product.pk}/").status_code == 401
    for person in (member_of(OrganisationFactory(kind="enterprise")), member_of(OrganisationFactory(kind="insurer"))):
        client = api_as(person)
        assert client.post(URL, body(), format="json").status_code == 403
        assert client.post(URL, {"name": ""}, format="json").status_code == 403  # refused before the body is read
        assert client.patch(f"{URL}{product.pk}/", {"name": "x"}, format="json").status_code == 403
        assert client.delete(f"{URL}{product.pk}/").status_code == 403
    assert LoanProduct.objects.count() == 1


def test_another_bank_may_not_touch_a_product(banks, officer_b):
    published = make_product(banks[0], name="原名")
    unpublished = make_product(banks[0], is_published=False)
    client = api_as(officer_b)
    response = client.patch(f"{URL}{published.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_product_bank"
    assert client.patch(f"{URL}{published.pk}/", {"rate_min": "bad"}, format="json").status_code == 403
    assert client.put(f"{URL}{published.pk}/", body(), format="json").status_code == 403
    assert client.delete(f"{URL}{published.pk}/").status_code == 403
    assert client.patch(f"{URL}{unpublished.pk}/", {"name": "改名"}, format="json").status_code == 404
    assert client.delete(f"{URL}{unpublished.pk}/").status_code == 404
    # Naming another bank on create is refused too.
    response = client.post(URL, body(bank=banks[0].pk), format="json")
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.name == "原名" and LoanProduct.objects.count() == 2


def test_the_bank_edits_unpublishes_and_deletes_its_product(banks, officer):
    product = make_product(banks[0])
    client = api_as(officer)
    response = client.patch(f"{URL}{product.pk}/", {"rate_max": "0.05", "cities": []}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["rate_max"] == "0.05000" and response.json()["cities"] == []
    assert client.patch(f"{URL}{product.pk}/", {"is_published": False}, format="json").status_code == 200
    assert api_as(None).get(f"{URL}{product.pk}/").status_code == 404
    assert client.get(f"{URL}{product.pk}/").status_code == 200
    response = client.patch(f"{URL}{product.pk}/", {"bank": banks[1].pk}, format="json")
    assert response.status_code == 400 and "bank" in response.json()
    assert client.patch(f"{URL}{product.pk}/", {"bank": banks[0].pk}, format="json").status_code == 200
    assert client.delete(f"{URL}{product.pk}/").status_code == 204
    assert not LoanProduct.objects.exists()


def test_a_member_of_two_banks_names_the_bank(banks):
    person = member_of(banks[0])
    member_of_b = banks[1].memberships.create(user=person, role="officer")
    assert member_of_b.pk
    client = api_as(person)
    response = client.post(URL, body(), format="json")
    assert response.status_code == 400 and "bank" in response.json()
    response = client.post(URL, body(bank=banks[1].pk), format="json")
    assert response.status_code == 201 and response.json()["bank"] == banks[1].pk


# --- writes: the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"min_amount": "9000000"}, "max_amount"),  # min > max
        ({"min_amount": "0"}, "min_amount"),
        ({"min_amount": "-5"}, "min_amount"),
        ({"max_amount": {"amount": "8000000", "currency": "USD"}}, "max_amount"),
        ({"max_amount": 8000000.5}, "max_amount"),  # a float
        ({"max_amount": "1.001"}, "max_amount"),
        ({"max_term_months": 0}, "max_term_months"),
        ({"max_term_months": 361}, "max_term_months"),
        ({"max_term_months": "twelve"}, "max_term_months"),
        ({"rate_min": "0.05"}, "rate_max"),  # min > max
        ({"rate_min": "-0.01"}, "rate_min"),
        ({"rate_max": "1.5"}, "rate_max"),
        ({"rate_max": 0.04}, "rate_max"),  # a JSON number
        ({"rate_max": "0.123456"}, "rate_max"),
        ({"asset_kinds": []}, "asset_kinds"),
        ({"asset_kinds": ["patent"]}, "asset_kinds"),
        ({"asset_kinds": "invention"}, "asset_kinds"),
        ({"cities": ["Atlantis"]}, "cities"),
        ({"cities": [""]}, "cities"),
        ({"cities": "资阳"}, "cities"),
        ({"name": ""}, "name"),
        ({"name": "长" * 201}, "name"),
        ({"description": "长" * 5001}, "description"),
        ({"documents": "长" * 2001}, "documents"),
        ({"is_published": "perhaps"}, "is_published"),
        ({"bank": 987654321}, "bank"),
    ],
)
def test_each_rule_is_a_400_on_its_field_and_nothing_is_written(banks, officer, fields, field):
    response = api_as(officer).post(URL, body(**fields), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not LoanProduct.objects.exists()


def test_required_fields_on_create(banks, officer):
    response = api_as(officer).post(URL, {}, format="json")
    assert response.status_code == 400
    assert {"name", "min_amount", "max_amount", "max_term_months", "rate_min", "rate_max", "asset_kinds"} <= set(
        response.json()
    )


def test_an_edit_that_breaks_a_rule_changes_nothing(banks, officer):
    product = make_product(banks[0], name="原名")
    client = api_as(officer)
    response = client.patch(f"{URL}{product.pk}/", {"name": "新名", "max_amount": "100"}, format="json")
    assert response.status_code == 400 and "max_amount" in response.json()
    response = client.patch(f"{URL}{product.pk}/", {"name": "新名", "rate_min": "0.9"}, format="json")
    assert response.status_code == 400 and "rate_max" in response.json()
    product.refresh_from_db()
    assert product.name == "原名" and product.max_amount == Money("5000000", "CNY")


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = schema["paths"][URL]
    assert {} in operations["get"]["security"] and {} not in operations["post"]["security"]
    assert {"400", "401", "403"} <= set(operations["post"]["responses"])
    detail = schema["paths"][URL + "{id}/"]
    assert {"get", "put", "patch", "delete"} <= set(detail)
    assert {"403", "404"} <= set(detail["patch"]["responses"])
    names = {p["name"] for p in operations["get"]["parameters"]}
    assert {"bank", "asset_kind", "city", "amount", "term", "mine", "page", "page_size"} <= names
    components = schema["components"]["schemas"]

    def enum(prop):
        return components[prop["items"]["$ref"].rsplit("/", 1)[1]]["enum"]

    request = components["LoanProductRequest"]["properties"]
    assert enum(request["asset_kinds"]) == ["invention", "utility_model", "design", "trademark"]
    assert "资阳" in enum(request["cities"]) and "" not in enum(request["cities"])
    assert set(request["min_amount"]["oneOf"][0]["properties"]) == {"amount", "currency"}
    assert "pattern" in request["rate_max"] and "bank_name" not in request


def test_ids_that_are_not_ids_are_404_and_a_huge_text_is_refused(banks, officer):
    product = make_product(banks[0])
    client = api_as(officer)
    for bad in ["abc", "1.5", "-1", "0x1", "9" * 30, "%00"]:
        for method in ("get", "patch", "delete"):
            response = getattr(client, method)(f"{URL}{bad}/", {}, format="json")
            assert response.status_code == 404, (bad, method, response.status_code)
    response = client.patch(f"{URL}{product.pk}/", {"description": "长" * 1_000_000}, format="json")
    assert response.status_code == 413
    response = client.patch(f"{URL}{product.pk}/", {"description": "长" * 5000}, format="json")
    assert response.status_code == 200
    assert client.get(URL, {"page_size": "abc"}).status_code == 400
    assert client.get(URL, {"page": "99"}).status_code == 404
