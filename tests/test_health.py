"""`GET /healthz` with every part up, and with search, broker or database down."""

import socket

import psycopg
import pytest

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unreachable_database_is_up() -> bool:
    """A real connection attempt to a PostgreSQL port nothing listens on."""
    with psycopg.connect(host="127.0.0.1", port=closed_port(), connect_timeout=1, user="x", dbname="x"):
        return True


def test_all_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "search": "ok", "broker": "ok"}}


def test_search_down_is_degraded_not_an_error(client, settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "search": "down", "broker": "ok"}}


def test_broker_down_is_degraded(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["checks"]["broker"] == "down"


def test_database_down_is_503(client, settings):
    settings.HEALTH_CHECKS = {**settings.HEALTH_CHECKS, "database": f"{__name__}.unreachable_database_is_up"}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down"
