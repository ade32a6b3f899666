"""Token and session auth, and the error shapes of the README."""

import pytest

from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_token_for_good_credentials_and_400_for_bad(api):
    UserFactory(username="alice")
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": "pw-12345-test"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    bad = api.post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["non_field_errors"]
    missing = api.post("/api/v1/auth/token/", {}, format="json")
    assert missing.status_code == 400 and {"username", "password"} <= set(missing.json())
    # The token authenticates: a write reaches the permission check (403), not 401.
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.post("/api/v1/organisations/", {}, format="json").status_code == 403


def test_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_session_auth_works(client):
    UserFactory(username="bob")
    assert client.login(username="bob", password="pw-12345-test")
    response = client.post("/api/v1/organisations/", {}, content_type="application/json")
    assert response.status_code == 403  # signed in, but not platform staff


def test_malformed_json_is_400_with_detail_and_code(api):
    response = api.post("/api/v1/auth/token/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error" and response.json()["detail"]


def test_unknown_api_path_is_json_404(client, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_organisations_cannot_be_deleted_through_the_api(api):
    org = OrganisationFactory()
    api.force_authenticate(UserFactory(username="carol", is_superuser=True))
    response = api.delete(f"/api/v1/organisations/{org.pk}/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_schema_and_docs_are_served_without_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/organisations/" in paths and all(p.startswith("/api/v1/") for p in paths)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html
