import pytest
from rest_framework.test import APIClient

from tests.factories import OrganisationFactory, member_of


def pytest_collection_modifyitems(config, items):
    """Anything touching the database or a service is `integration`; tests/e2e is `e2e`."""
    for item in items:
        path = str(item.path)
        if "/tests/e2e/" in path:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.integration)
        elif item.get_closest_marker("django_db") or {"db", "transactional_db", "client", "live_server"} & set(
            getattr(item, "fixturenames", ())
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
