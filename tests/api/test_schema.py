"""The schema says what the server does, and the server does what the schema says (the cases Schemathesis
found, pinned one by one; tests/api/test_schemathesis.py runs the fuzzer itself)."""

import re
from decimal import Decimal

import pytest
from rest_framework import serializers

from ipmarket.core.api.decimals import decimal_pattern
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.market.factories import ListingFactory

SAMPLES = [
    "",
    "0",
    "-0",
    "00",
    "0.0",
    ".5",
    "5.",
    "-5",
    "0.01",
    "0.001",
    "1",
    "1.0",
    "1.00001",
    "0.99999",
    "0.123456",
    "12",
    "123",
    "999999999999.99",
    "1000000000000",
    "00000000000001.5",
    "abc",
    "1.2.3",
    "-.5",
]


@pytest.mark.parametrize(
    "bounds",
    [
        {"min_value": Decimal("0.01"), "max_value": None, "max_digits": 16, "decimal_places": 2},
        {"min_value": Decimal("0"), "max_value": None, "max_digits": 16, "decimal_places": 2},
        {"min_value": Decimal("0"), "max_value": Decimal("0.99999"), "max_digits": 7, "decimal_places": 5},
        {"min_value": Decimal("0.00001"), "max_value": Decimal("1"), "max_digits": 7, "decimal_places": 5},
        {"min_value": Decimal("0.0001"), "max_value": Decimal("1"), "max_digits": 5, "decimal_places": 4},
    ],
)
def test_a_decimal_matches_its_pattern_exactly_when_drf_accepts_it(bounds):
    pattern = decimal_pattern(**bounds)
    field = serializers.DecimalField(**bounds)
    for text in SAMPLES:
        try:
            field.run_validation(text)
            accepted = True
        except serializers.ValidationError:
            accepted = False
        assert bool(re.fullmatch(pattern, text)) == accepted, (text, pattern)


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


@pytest.mark.django_db
def test_public_reads_say_a_token_is_optional_and_writes_that_it_is_needed(schema):
    paths = schema["paths"]
    for path in ["/api/v1/organisations/", "/api/v1/patents/{id}/", "/api/v1/trademarks/", "/api/v1/search/ip/"]:
        assert {} in paths[path]["get"]["security"], path
    assert {} in paths["/api/v1/auth/token/"]["post"]["security"]
    for path in ["/api/v1/patents/", "/api/v1/organisations/"]:
        assert {} not in paths[path]["post"]["security"], path
    assert {} not in paths["/api/v1/deals/"]["get"]["security"]


@pytest.mark.django_db
def test_every_operation_documents_its_error_answers(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        assert {"401", "503"} <= set(responses), (method, path)
        assert "WWW-Authenticate" in responses["401"]["headers"]
        assert "Retry-After" in responses["503"]["headers"]
        if "{" in path:
            assert "404" in responses, (method, path)
        if method != "get":
            assert {"400", "403"} <= set(responses), (method, path)
    assert "409" in schema["paths"]["/api/v1/financing/applications/{id}/actions/{action_name}/"]["post"]["responses"]
    assert "429" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "code"}


@pytest.mark.django_db
def test_nullable_columns_and_lists_are_documented_as_such(schema):
    application = schema["components"]["schemas"]["Application"]["properties"]
    assert application["appraised_value"]["nullable"] and application["premium"]["nullable"]
    assert schema["components"]["schemas"]["Patent"]["properties"]["annual_fee_lapse_date"]["nullable"]
    schedule = schema["paths"]["/api/v1/financing/applications/{id}/schedule/"]["get"]["responses"]["200"]
    assert schedule["content"]["application/json"]["schema"]["type"] == "array"


@pytest.mark.django_db
def test_bodies_are_json_and_uploads_multipart(schema):
    for path, method, operation in _operations(schema):
        if "requestBody" in operation:
            expected = ["multipart/form-data"] if path.endswith("/documents/") else ["application/json"]
            assert list(operation["requestBody"]["content"]) == expected, (method, path)


@pytest.mark.django_db
def test_page_size_is_a_whole_number(api):
    OrganisationFactory()
    for bad in ["abc", "0", "-1", "1.5", "null"]:
        assert api.get("/api/v1/organisations/", {"page_size": bad}).status_code == 400, bad
    assert api.get("/api/v1/organisations/", {"page_size": "500"}).status_code == 200  # counts as 100


@pytest.mark.django_db
def test_filters_are_strict_about_form_and_find_nothing_for_an_unknown_id(api):
    ListingFactory()
    api.force_authenticate(UserFactory())
    assert api.get("/api/v1/deals/", {"listing": "987654"}).json()["count"] == 0
    assert api.get("/api/v1/financing/applications/", {"programme": "987654"}).status_code == 200
    assert api.get("/api/v1/financing/programmes/", {"is_active": "null"}).status_code == 400
    assert api.get("/api/v1/financing/programmes/", {"is_active": "true"}).status_code == 200
    assert api.get("/api/v1/listings/", {"price_min": "-1"}).status_code == 400
    assert api.get("/api/v1/listings/", {"seller": "", "status": ""}).status_code == 200  # empty: no filter
    assert api.get("/api/v1/organisations/", {"service": "a\x00b"}).status_code == 400


@pytest.mark.django_db
def test_decimal_fields_take_strings_not_json_numbers(api):
    body = {"principal": "100000.00", "annual_rate": "0.04", "months": 12, "method": "equal_principal"}
    assert api.post("/api/v1/financing/quote/", body, format="json").status_code == 200
    response = api.post("/api/v1/financing/quote/", {**body, "annual_rate": 0}, format="json")
    assert response.status_code == 400 and "annual_rate" in response.json()


@pytest.mark.django_db
def test_search_parameters_are_read_as_the_schema_says(api):
    assert api.get("/api/v1/search/firms/", {"sort": ""}).status_code == 400  # not "not given"
    for near in ["30, 104", "1e1,2", "30.5,104.", "inf,0"]:
        assert api.get("/api/v1/search/firms/", {"near": near}).status_code == 400, near
    assert api.get("/api/v1/search/firms/", {"near": "-90,180", "radius_km": "5"}).status_code == 200
    assert api.get("/api/v1/search/suggest/", {"q": " "}).status_code == 200


@pytest.mark.django_db
def test_a_write_to_an_unknown_api_path_is_a_json_404(client):
    client.cookies["sessionid"] = "not-a-session"
    for method in (client.post, client.patch, client.put):
        response = method("/api/v1/patents/null/", {}, content_type="application/json")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
