"""The one Elasticsearch connection of the project (elasticsearch-dsl's registry)."""

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch_dsl import connections


def get_client() -> Elasticsearch:
    """The client for settings.ELASTICSEARCH_URL, created once per process and URL."""
    url = settings.ELASTICSEARCH_URL
    try:
        return connections.get_connection(url)
    except KeyError:
        return connections.create_connection(alias=url, hosts=[url], timeout=settings.ELASTICSEARCH_TIMEOUT)


def search_is_up() -> bool:
    """True when the cluster answers and is at least yellow (health check)."""
    health = get_client().cluster.health(request_timeout=2)
    return health["status"] in ("yellow", "green")
