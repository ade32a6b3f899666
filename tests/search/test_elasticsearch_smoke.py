"""The Elasticsearch node the project runs against: default flavour and the cjk analyzer."""

import uuid

import pytest
from django.conf import settings

from search.client import get_client

pytestmark = pytest.mark.integration


def test_node_is_default_flavour_7x():
    info = get_client().info()
    assert info["version"]["build_flavor"] == "default"
    assert info["version"]["number"].startswith("7.")


def test_cjk_analyzer_makes_bigrams():
    client = get_client()
    index = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-smoke-{uuid.uuid4().hex[:8]}"
    client.indices.create(
        index=index,
        body={
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": {"properties": {"name": {"type": "text", "analyzer": "cjk"}}},
        },
    )
    try:
        result = client.indices.analyze(index=index, body={"field": "name", "text": "资阳市知识产权"})
        assert [t["token"] for t in result["tokens"]] == ["资阳", "阳市", "市知", "知识", "识产", "产权"]
    finally:
        client.indices.delete(index=index)
