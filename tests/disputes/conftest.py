import pytest

from tests.disputes.factories import world


@pytest.fixture
def w(db):
    return world()
