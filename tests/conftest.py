import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import OrganisationFactory, member_of
from tests.browser import browser, page  # noqa: F401 (fixtures shared by every browser test)

# Fixtures that reach the database: requested directly or through another fixture (`fixturenames` is the closure).
# `django_db_setup` is asked for by fixtures that unblock the database themselves (e.g. tests/cms/conftest.py).
DATABASE_FIXTURES = {"db", "transactional_db", "client", "live_server", "django_db_setup"}


def _django_test_case_with_a_database(item) -> bool:
    """A Django test class (TestCase, TransactionTestCase, LiveServerTestCase, Wagtail's, …) that opens a
    database: it creates and drops a PostgreSQL test database whatever its fixtures say."""
    from django.test import SimpleTestCase

    cls = getattr(item, "cls", None)
    return isinstance(cls, type) and issubclass(cls, SimpleTestCase) and bool(cls.databases)


def pytest_collection_modifyitems(config, items):
    """Anything touching the database or a service is `integration`; tests/e2e is `e2e`."""
    for item in items:
        path = str(item.path)
        if "/tests/e2e/" in path:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.integration)
        elif (
            item.get_closest_marker("django_db")
            or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
            or _django_test_case_with_a_database(item)
        ):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def platform_person(db):
    return member_of(OrganisationFactory(kind="platform", name="平台运营中心"), role="admin", username="platformer")


@pytest.fixture
def enterprise(db):
    return OrganisationFactory(kind="enterprise", name="资阳测试科技有限公司")


@pytest.fixture
def enterprise_admin(enterprise):
    return member_of(enterprise, role="admin", username="ent_admin")


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker in a thread of this process (solo pool) on the real Redis broker,
    consuming the default queue; stopped after the test. Use with django_db(transaction=True)
    so that the worker's own connection sees the test's rows."""
    from celery.contrib.testing.worker import start_worker

    from ipmarket.celery import app

    app.control.purge()  # messages left by earlier tests name rows that no longer exist
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _no_page_cached_by_an_earlier_test():
    """A test's rows are rolled back, the pages it cached are not (ipmarket/core/pagecache.py): each test
    starts with none."""
    from ipmarket.core import pagecache

    pagecache.invalidate_all()
