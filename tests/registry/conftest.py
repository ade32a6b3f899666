import pytest

from tests.registry.factories import world


@pytest.fixture
def w(db):
    return world()
