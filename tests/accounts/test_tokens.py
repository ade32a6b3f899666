"""API tokens: `Authorization: Token <key>`, revoked when the password changes, the person or a membership is
deactivated or removed, and optionally expiring after API_TOKEN_LIFETIME_HOURS."""

import datetime as dt
import threading

import pytest
from django.contrib.auth.forms import PasswordChangeForm
from django.db import close_old_connections
from rest_framework.test import APIClient

from ipmarket.accounts import services
from ipmarket.accounts.models import ApiToken, User
from tests.accounts.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
ME = "/api/v1/organisations/?mine=1"  # answers 200 to anyone; 401 for a refused token
PASSWORD = "pw-12345-test"


def token_for(api, username, password=PASSWORD) -> str:
    response = api.post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def assert_credentials_refused(response):
    """The token endpoint refuses the credentials themselves (no field named: not a malformed request)."""
    assert response.status_code == 400 and list(response.json()) == ["non_field_errors"], response.content


def status_with(token) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(ME).status_code


@pytest.fixture
def alice(enterprise):
    return member_of(enterprise, role="admin", username="alice")


def test_token_is_stable_and_authenticates(api, alice):
    token = token_for(api, "alice")
    assert token_for(api, "alice") == token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    mine = client.get(ME).json()["results"]
    assert [o["id"] for o in mine] == [alice.memberships.get().organisation_id]


def test_password_change_through_the_service_revokes_the_token(api, alice):
    token = token_for(api, "alice")
    services.user_set_password(user=alice, password="a-new-long-password-42", by=alice)
    assert status_with(token) == 401
    assert not ApiToken.objects.filter(user=alice).exists()
    assert_credentials_refused(api.post(TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json"))
    assert status_with(token_for(api, "alice", "a-new-long-password-42")) == 200


def test_password_change_form_and_set_password_anywhere_revoke_the_token(api, alice):
    token = token_for(api, "alice")
    form = PasswordChangeForm(
        alice, {"old_password": PASSWORD, "new_password1": "x-Y-z-98765-q", "new_password2": "x-Y-z-98765-q"}
    )
    assert form.is_valid(), form.errors
    form.save()  # what the Wagtail account page and Django's password-change view do
    assert status_with(token) == 401 and not ApiToken.objects.exists()
    token = token_for(api, "alice", "x-Y-z-98765-q")
    alice.refresh_from_db()
    alice.set_password("another-pass-123")
    alice.save(update_fields=["password"])
    assert status_with(token) == 401


def test_password_changed_behind_the_models_back_still_refuses_the_token(api, alice):
    token = token_for(api, "alice")
    other = UserFactory()
    other.set_password("zz-top-secret-1")
    User.objects.filter(pk=alice.pk).update(password=User.objects.get(pk=other.pk).password)  # no save()
    assert ApiToken.objects.filter(user=alice).exists()
    assert status_with(token) == 401
    assert not ApiToken.objects.filter(user=alice).exists()  # deleted when refused


def test_wagtail_account_page_password_change_revokes_the_token(api, client):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    token = token_for(api, "boss")
    client.force_login(boss)
    form = {
        "name_email-first_name": "Boss",
        "name_email-last_name": "Wang",
        "name_email-email": "boss@example.com",
        "locale-preferred_language": "",
        "locale-current_time_zone": "",
        "theme-theme": "system",
        "theme-contrast": "system",
        "theme-density": "default",
        "theme-keyboard_shortcuts": "on",
        "password-old_password": PASSWORD,
        "password-new_password1": "Brand-new-pass-77",
        "password-new_password2": "Brand-new-pass-77",
    }
    response = client.post("/admin/account/", form)
    assert response.status_code == 302
    boss.refresh_from_db()
    assert boss.check_password("Brand-new-pass-77")
    assert status_with(token) == 401


def test_deactivating_the_person_revokes_the_token(api, alice, platform_person):
    token = token_for(api, "alice")
    services.user_deactivate(user=alice, by=platform_person)
    assert not ApiToken.objects.filter(user=alice).exists()
    assert status_with(token) == 401
    assert_credentials_refused(api.post(TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json"))


def test_deactivating_or_removing_a_membership_revokes_the_token(api, alice, enterprise, platform_person):
    token = token_for(api, "alice")
    services.membership_set(organisation=enterprise, user=alice, role="admin", is_active=False, by=platform_person)
    assert status_with(token) == 401
    services.membership_set(organisation=enterprise, user=alice, role="admin", by=platform_person)
    token = token_for(api, "alice")
    services.membership_remove(membership=alice.memberships.get(), by=platform_person)
    assert status_with(token) == 401


def test_who_may_set_whose_password(alice, platform_person):
    from django.core.exceptions import PermissionDenied

    stranger = member_of(OrganisationFactory(), role="admin")
    with pytest.raises(PermissionDenied):
        services.user_set_password(user=alice, password="Takeover-pass-1", by=stranger)
    boss = UserFactory(is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.user_set_password(user=boss, password="Takeover-pass-1", by=platform_person)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(user=boss, by=platform_person)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(user=alice, by=stranger)
    services.user_set_password(user=alice, password="Reset-by-platform-1", by=platform_person)
    alice.refresh_from_db()
    assert alice.check_password("Reset-by-platform-1")


def test_token_lifetime(api, alice, settings):
    settings.API_TOKEN_LIFETIME_HOURS = 2
    token = token_for(api, "alice")
    assert status_with(token) == 200
    ApiToken.objects.filter(key=token).update(created=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2, seconds=1))
    assert status_with(token) == 401
    assert not ApiToken.objects.filter(key=token).exists()
    fresh = token_for(api, "alice")
    assert fresh != token and status_with(fresh) == 200
    settings.API_TOKEN_LIFETIME_HOURS = 0  # no expiry
    ApiToken.objects.filter(key=fresh).update(created=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert status_with(fresh) == 200


def test_an_expired_token_is_replaced_not_returned(api, alice, settings):
    settings.API_TOKEN_LIFETIME_HOURS = 1
    token = token_for(api, "alice")
    ApiToken.objects.filter(key=token).update(created=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3))
    fresh = token_for(api, "alice")
    assert fresh != token and status_with(fresh) == 200 and status_with(token) == 401


@pytest.mark.django_db(transaction=True)
def test_parallel_token_requests_get_one_token():
    org = OrganisationFactory()
    member_of(org, username="racer")
    barrier = threading.Barrier(4)
    answers = []

    def ask():
        try:
            barrier.wait()
            response = APIClient().post(TOKEN_URL, {"username": "racer", "password": PASSWORD}, format="json")
            answers.append((response.status_code, response.json().get("token")))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for status, _ in answers] == [200] * 4
    assert len({token for _, token in answers}) == 1
    assert ApiToken.objects.count() == 1


def test_a_client_sending_its_revoked_token_can_sign_in_again(api, alice):
    token = token_for(api, "alice")
    services.user_set_password(user=alice, password="a-new-long-password-42", by=alice)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")  # the old header, still sent
    fresh = token_for(api, "alice", "a-new-long-password-42")
    assert fresh != token and status_with(fresh) == 200
