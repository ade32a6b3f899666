"""PostgreSQL: a request that waits for a row lock longer than `lock_timeout` answers 503 with Retry-After
(JSON under /api/, a page elsewhere), never a 500 nor an endless wait."""

import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection, connections

from ipmarket.accounts.models import User
from ipmarket.assets.models import Trademark
from tests.accounts.factories import member_of
from tests.assets.factories import TrademarkFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lock_timeout_is_in_the_connection_options():
    assert f"lock_timeout={settings.DATABASE_LOCK_TIMEOUT * 1000}" in connection.settings_dict["OPTIONS"]["options"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == f"{settings.DATABASE_LOCK_TIMEOUT}s"


@pytest.fixture
def lock_timeout_one_second():
    """The test's connection (the one the requests use) reconnected with a lock_timeout of 1 s."""
    options = connection.settings_dict["OPTIONS"]
    configured = options["options"]
    configured_timeout = f"lock_timeout={settings.DATABASE_LOCK_TIMEOUT * 1000}"
    assert configured_timeout in configured
    options["options"] = configured.replace(configured_timeout, "lock_timeout=1000")
    connection.close()
    yield
    options["options"] = configured
    connection.close()


@contextmanager
def row_locked_elsewhere(model, pk):
    """Another connection holds the row's lock in an open transaction (SELECT … FOR UPDATE)."""
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            # Without a lock timeout on the request's side the test fails after 15 s instead of hanging.
            cursor.execute("SET idle_in_transaction_session_timeout = '15s'")
            cursor.execute(f'SELECT id FROM "{model._meta.db_table}" WHERE id = %s FOR UPDATE', [pk])
            assert cursor.fetchone() == (pk,)
        yield
    finally:
        other.rollback()
        other.close()


def test_an_api_write_waiting_for_a_locked_row_is_a_503_with_retry_after(api, enterprise, lock_timeout_one_second):
    trademark = TrademarkFactory(owner=enterprise)
    api.force_authenticate(member_of(enterprise, role="admin"))
    url = f"/api/v1/trademarks/{trademark.pk}/"
    with row_locked_elsewhere(Trademark, trademark.pk):
        started = time.monotonic()
        response = api.patch(url, {"goods_services": "技术咨询"}, format="json")
        waited = time.monotonic() - started
    assert response.status_code == 503, response.content[:500]
    assert response.json()["code"] == "busy" and response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert 0.9 <= waited < 5  # gave up after the lock timeout, not at once and not after minutes
    assert Trademark.objects.get(pk=trademark.pk).goods_services != "技术咨询"
    # Once the lock is released the same request goes through.
    assert api.patch(url, {"goods_services": "技术咨询"}, format="json").status_code == 200


def test_a_page_waiting_for_a_locked_row_is_a_503_page(client, enterprise, lock_timeout_one_second):
    person = member_of(enterprise, role="admin", username="locked_out_by_a_lock")
    with row_locked_elsewhere(User, person.pk):  # signing in writes last_login
        response = client.post("/accounts/login/", {"username": person.username, "password": "pw-12345-test"})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    assert "<main" in response.content.decode()
