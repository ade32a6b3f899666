import pytest

from tests.disputes.factories import world


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Documents go to a private folder of the test, never to the repository's var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w(db):
    return world()
