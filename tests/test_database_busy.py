"""PostgreSQL: a request that waits for a row lock longer than `lock_timeout` answers 503 with Retry-After
(JSON under /api/, a page elsewhere), never a 500 nor an endless wait; so does a request while the database
cannot be reached (`unavailable`), whether the view or a middleware met it. tests/drills/test_postgres_restart.py
restarts a real (private) server under traffic."""

import socket
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, connections

from ipmarket.accounts.models import User
from ipmarket.assets.models import Trademark
from ipmarket.core.busy import BUSY, UNAVAILABLE, database_trouble
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


# --- a database that cannot be reached: 503 "unavailable" --------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connection_to(**overrides):
    """A connection of its own to the test database, with some settings changed (the default one untouched)."""
    return type(connections["default"])({**connection.settings_dict, **overrides}, alias="default")


@contextmanager
def database_unreachable():
    """The test's connection (the one the requests use) pointed at a port nothing listens on, then back."""
    settings_dict = connection.settings_dict
    port = settings_dict["PORT"]
    connection.close()
    settings_dict["PORT"] = str(closed_port())
    try:
        yield
    finally:
        settings_dict["PORT"] = port
        connection.close()


@pytest.mark.parametrize(
    ("sqlstate", "trouble"),
    [
        ("55P03", BUSY),  # lock_not_available (lock_timeout)
        ("57014", BUSY),  # query_canceled (statement_timeout)
        ("40P01", BUSY),  # deadlock_detected
        ("53300", BUSY),  # too_many_connections
        ("57P01", UNAVAILABLE),  # admin_shutdown: the server stops or restarts
        ("57P02", UNAVAILABLE),  # crash_shutdown
        ("57P03", UNAVAILABLE),  # cannot_connect_now: starting up or shutting down
        ("08006", UNAVAILABLE),  # connection_failure
        ("08001", UNAVAILABLE),  # sqlclient_unable_to_establish_sqlconnection
        ("55000", None),  # object_not_in_prerequisite_state: a bug, stays a 500
        ("42P01", None),  # undefined_table (a ProgrammingError)
        ("22012", None),  # division_by_zero (a DataError)
    ],
)
def test_what_the_database_said_decides_between_busy_unavailable_and_a_bug(sqlstate, trouble):
    """The driver's exception for each code, through Django's wrapper as any query raises it."""
    with pytest.raises(DatabaseError) as raised, connection.wrap_database_errors:
        raise psycopg.errors.lookup(sqlstate)("as the server says it")
    assert raised.value.__cause__.sqlstate == sqlstate
    assert database_trouble(raised.value) == trouble


def test_a_refused_connection_is_unavailable():
    unreachable = connection_to(PORT=str(closed_port()))
    with pytest.raises(OperationalError) as refused:
        unreachable.ensure_connection()
    assert refused.value.__cause__.sqlstate is None  # the driver's own error: nothing answered
    assert database_trouble(refused.value) == UNAVAILABLE


def test_a_session_the_server_ended_is_unavailable_and_so_is_its_closed_connection():
    """What a kept connection meets after a restart: the server ended its session (57P01), then it is closed."""
    ended = connection_to()
    try:
        ended.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [ended.connection.info.backend_pid])
        with pytest.raises(OperationalError) as terminated, ended.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert terminated.value.__cause__.sqlstate == "57P01"
        assert database_trouble(terminated.value) == UNAVAILABLE
        with pytest.raises(OperationalError) as closed, ended.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert database_trouble(closed.value) == UNAVAILABLE
    finally:
        ended.close()


def test_other_errors_are_not_troubles():
    with connection.cursor() as cursor, pytest.raises(DatabaseError) as missing:
        cursor.execute("SELECT * FROM no_such_table_here")
    assert database_trouble(missing.value) is None
    assert database_trouble(ValueError("database is locked")) is None
    assert database_trouble(None) is None


def test_an_api_request_while_the_database_is_unreachable_is_a_503_unavailable(api, enterprise):
    api.force_authenticate(member_of(enterprise, role="admin"))
    with database_unreachable():
        response = api.get("/api/v1/trademarks/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503, response.content[:500]
    assert response.json() == {
        "detail": "The service is temporarily unavailable. Please try again in a few seconds.",
        "code": "unavailable",
    }
    assert int(response["Retry-After"]) > 0
    assert api.get("/api/v1/trademarks/").status_code == 200  # back once it is reachable


def test_a_page_while_the_database_is_unreachable_is_the_503_page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with database_unreachable():
        response = client.get("/financing/products/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<main" in page and "temporarily unavailable" in page and "busy" not in page


def reads_the_signed_in_person(get_response):
    """A middleware that asks who is signed in before the view runs (the session and the user from the
    database), as a middleware may."""

    def middleware(request):
        request.user.is_authenticated  # noqa: B018 (evaluates the lazy user)
        return get_response(request)

    return middleware


@pytest.mark.parametrize(("path", "json"), [("/financing/products/", False), ("/api/v1/trademarks/", True)])
def test_an_unreachable_database_in_a_middleware_is_a_503_too(client, enterprise, settings, path, json):
    """Raised outside any view, the error reaches Django's handler500 (ipmarket.views.server_error)."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        f"{__name__}.reads_the_signed_in_person",
    )
    settings.MIDDLEWARE = middleware
    client.force_login(member_of(enterprise, role="admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.raise_request_exception = False
    with database_unreachable():
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    if json:
        assert response.json()["code"] == "unavailable" and response.json()["detail"]
    else:
        assert "temporarily unavailable" in response.content.decode()
    assert client.get(path).status_code == 200  # back once it is reachable
