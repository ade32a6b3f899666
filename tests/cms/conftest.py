import pytest
from django.core.cache import cache
from django.db import transaction

from cms import demo
from cms.models import HomePage
from financing.demo import seed_programme
from financing.models import Programme
from tests.accounts.factories import OrganisationFactory


@pytest.fixture(autouse=True)
def _fresh_chrome_cache():
    """The header/footer chrome is cached across requests (cms/chrome.py); each test starts without it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def _seeded_tree(django_db_setup, django_db_blocker):
    """The demo page tree, seeded once per module inside a transaction that is rolled back at its end
    (seeding publishes some twenty pages; each test still runs in its own savepoint)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            programme = seed_programme(OrganisationFactory(kind="risk_fund", name="资阳市知识产权质押融资风险补偿资金"))
            home = demo.seed_pages()
            yield home.pk, programme.pk
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def programme(_seeded_tree, db):
    return Programme.objects.get(pk=_seeded_tree[1])


@pytest.fixture
def site_pages(_seeded_tree, db):
    """The demo page tree (Chinese, English home and guides), partners and site settings."""
    return HomePage.objects.get(pk=_seeded_tree[0])
