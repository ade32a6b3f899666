"""Failed sign-ins are throttled by django-axes on the token endpoint, the sign-in page and the Wagtail admin
sign-in (per username and address): 429 with Retry-After, JSON for the API, a page otherwise. axes keeps
its attempts in the database, so each test starts clean (the test transaction)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings

from tests.accounts.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "pw-12345-test"
COOL_OFF = int(django_settings.AXES_COOLOFF_TIME.total_seconds())


@pytest.fixture
def alice(db):
    return member_of(OrganisationFactory(), username="alice")


def api_attempt(api, password, username="alice", **extra):
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def assert_wrong_password(response):
    """Refused for its credentials, before any lock-out: 400 naming no field (not a 429, not a field error)."""
    assert response.status_code == 400 and list(response.json()) == ["non_field_errors"], response.content


def test_the_limits_are_settings_with_the_documented_defaults():
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=15)
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "ipmarket.accounts.auth.SignInThrottleBackend"


def test_token_endpoint_locks_out_after_the_limit_with_json_429(api, alice):
    for _ in range(4):
        assert_wrong_password(api_attempt(api, "wrong"))
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 4  # axes saw the API attempts
    locked = api_attempt(api, "wrong")
    assert locked.status_code == 429
    right = api_attempt(api, PASSWORD)  # even the right password, while locked
    assert right.status_code == 429
    assert right["Retry-After"] == str(COOL_OFF)
    body = right.json()
    assert body["code"] == "throttled" and body["detail"] and "token" not in body


def test_lockout_is_per_username_and_address(api, alice):
    UserFactory(username="bob")
    for _ in range(5):
        api_attempt(api, "wrong")
    assert api_attempt(api, PASSWORD).status_code == 429
    assert api_attempt(api, PASSWORD, username="bob").status_code == 200  # another person, same address
    assert api_attempt(api, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 200  # same person, elsewhere


def test_lockout_ends_after_the_cool_off(api, alice):
    for _ in range(5):
        api_attempt(api, "wrong")
    assert api_attempt(api, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=COOL_OFF + 1))
    assert api_attempt(api, PASSWORD).status_code == 200


def test_a_success_resets_the_count(api, alice):
    for _ in range(4):
        api_attempt(api, "wrong")
    assert api_attempt(api, PASSWORD).status_code == 200
    for _ in range(4):
        assert_wrong_password(api_attempt(api, "wrong"))
    assert api_attempt(api, PASSWORD).status_code == 200


def assert_locked_page(response):
    assert response.status_code == 429
    assert response["Retry-After"] == str(COOL_OFF)
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html  # the site's own page, Chinese first
    assert 'name="password"' not in html


def test_sign_in_page_locks_out_with_a_429_page(client, alice):
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
        assert response.status_code == 200 and response.context["form"].errors
    assert_locked_page(client.post("/accounts/login/", {"username": "alice", "password": "wrong"}))
    assert_locked_page(client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}))
    assert "_auth_user_id" not in client.session


def test_wagtail_admin_sign_in_locks_out(client):
    admin = UserFactory(username="boss", is_superuser=True, is_staff=True)
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    assert_locked_page(response)
    assert_locked_page(client.post("/admin/login/", {"username": "boss", "password": PASSWORD}))
    assert "_auth_user_id" not in client.session
    assert admin.check_password(PASSWORD)


def test_failures_on_the_pages_and_the_api_add_up(api, client, alice):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    api_attempt(api, "wrong")
    assert_locked_page(client.post("/admin/login/", {"username": "alice", "password": "wrong"}))
    assert api_attempt(api, PASSWORD).status_code == 429


def test_limit_follows_the_setting(api, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert_wrong_password(api_attempt(api, "wrong"))
    assert api_attempt(api, "wrong").status_code == 429


def test_behind_a_proxy_the_address_is_the_header_the_proxy_sets(api, alice, settings):
    """Behind nginx every request comes from 127.0.0.1: with CLIENT_IP_HEADER the throttle counts per real
    client, so an attacker cannot lock a person out for everyone."""
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    for _ in range(5):
        api_attempt(api, "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert api_attempt(api, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9").status_code == 429
    assert api_attempt(api, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7").status_code == 200
    settings.CLIENT_IP_HEADER = ""  # without the setting the proxy's address is all there is
    for _ in range(5):
        api_attempt(api, "wrong", username="alice", REMOTE_ADDR="127.0.0.2", HTTP_X_REAL_IP="198.51.100.8")
    assert api_attempt(api, PASSWORD, REMOTE_ADDR="127.0.0.2", HTTP_X_REAL_IP="198.51.100.99").status_code == 429
