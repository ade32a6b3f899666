"""The IP of an unlisted (inactive) organisation is not public: neither Elasticsearch nor the database
fallback answers with it, and listing the owner again brings it back."""

import pytest

from ipmarket.accounts.models import Organisation
from search import indexes, sync
from search.client import get_client
from search.reconcile import reconcile
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory

from .test_sync_and_fallback import closed_port_url

IP = "/api/v1/search/ip/"
pytestmark = pytest.mark.django_db


def found(api, **params):
    get_client().indices.refresh(index=indexes.alias("ip"))
    return {(r["type"], r["id"]) for r in api.get(IP, params).json()["results"]}


def test_an_unlisted_owners_ip_leaves_the_index_and_the_fallback(api, rebuild, settings):
    owner = OrganisationFactory(name="隐身科技有限公司")
    patent = PatentFactory(owner=owner, title="一种隐身涂层")
    rebuild()
    assert found(api, q="隐身涂层") == {("patent", patent.pk)}
    owner.is_active = False
    owner.save()  # the save marks the owner's IP for re-indexing
    sync.process("ip", [f"patent-{patent.pk}"])
    assert found(api, q="隐身涂层") == set()
    drift = reconcile("ip", repair=False)
    assert (drift["missing"], drift["stale"], drift["extra"]) == (0, 0, 0)  # the index agrees it is gone
    settings.ELASTICSEARCH_URL = closed_port_url()
    body = api.get(IP, {"q": "隐身涂层"}).json()
    assert body["backend"] == "database" and body["count"] == 0
    Organisation.objects.filter(pk=owner.pk).update(is_active=True)
    body = api.get(IP, {"q": "隐身涂层"}).json()
    assert [r["id"] for r in body["results"]] == [patent.pk]
