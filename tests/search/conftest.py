import pytest

from search import indexes
from search.client import get_client


@pytest.fixture
def rebuild():
    """Rebuild both indexes from the test's database rows (call after creating them)."""

    def run():
        for kind in indexes.KINDS:
            indexes.rebuild(kind)

    return run


@pytest.fixture(autouse=True)
def _drop_test_indexes():
    yield
    client = get_client()
    for kind in indexes.KINDS:
        try:
            client.indices.delete(index=f"{indexes.alias(kind)}-*", ignore_unavailable=True)
        except Exception:  # Elasticsearch down in a fallback test
            pass
