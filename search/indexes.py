"""The index lifecycle: versioned indexes behind an alias per kind, bulk rebuilds, single updates.

`<prefix>-organisations` and `<prefix>-ip` are aliases; each points at one index
`<alias>-<timestamp>`. A rebuild loads a new index in bulk and swaps the alias in one
atomic call, so searches never see a half-built index; the old index is then dropped.
"""

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from elasticsearch import NotFoundError, helpers

from . import builders, sources
from .client import get_client
from .documents import DecisionDocument, DemandDocument, IPDocument, OrganisationDocument


@dataclass(frozen=True)
class Kind:
    name: str
    document: type
    rows: Callable[[], Iterable]  # querysets of rows, each fed to `build`
    build: Callable


def _ip_rows():
    yield sources.patents()
    yield sources.trademarks()


def _build_ip(asset) -> dict:
    return builders.ip_document(asset, list(asset.listings.all()))


def _demand_rows():
    from . import demands  # search.demands imports this module

    yield demands.demands()


def _build_demand(demand) -> dict:
    from . import demands

    return demands.demand_document(demand)


def _decision_rows():
    from . import decisions  # search.decisions imports this module

    yield decisions.decisions()


def _build_decision(dispute) -> dict:
    from . import decisions

    return decisions.decision_document(dispute)


KINDS = {
    "organisations": Kind(
        "organisations", OrganisationDocument, lambda: [sources.organisations()], builders.organisation_document
    ),
    "ip": Kind("ip", IPDocument, _ip_rows, _build_ip),
    # The financing-demand registry's listed demands (search/demands.py).
    "demands": Kind("demands", DemandDocument, _demand_rows, _build_demand),
    # The enforcement decisions the bureau published (search/decisions.py).
    "decisions": Kind("decisions", DecisionDocument, _decision_rows, _build_decision),
}


# Bulk loading and index administration may take far longer than a search on a busy node (a refresh
# after loading 70,000 documents on two shared cores took over 10 s): they get their own timeout.
ADMIN_TIMEOUT = 300


def alias(kind: str) -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{kind}"


def index_body(kind: str) -> dict:
    return {
        "settings": {
            "number_of_shards": settings.ELASTICSEARCH_SHARDS,
            "number_of_replicas": settings.ELASTICSEARCH_REPLICAS,
        },
        "mappings": KINDS[kind].document._doc_type.mapping.to_dict(),
    }


def create_index(kind: str) -> str:
    name = f"{alias(kind)}-{timezone.now():%Y%m%d%H%M%S%f}"
    get_client().indices.create(index=name, body=index_body(kind), request_timeout=ADMIN_TIMEOUT)
    return name


def current_indexes(kind: str) -> list[str]:
    try:
        return sorted(get_client().indices.get_alias(name=alias(kind)))
    except NotFoundError:
        return []


def ensure_index(kind: str) -> str:
    """The alias exists (an empty index behind it if there was none), for the one-by-one sync path."""
    existing = current_indexes(kind)
    if existing:
        return existing[0]
    name = create_index(kind)
    get_client().indices.update_aliases(body={"actions": [{"add": {"index": name, "alias": alias(kind)}}]})
    return name


def documents(kind: str, chunk: int = 1000) -> Iterator[dict]:
    spec = KINDS[kind]
    for queryset in spec.rows():
        for row in queryset.iterator(chunk_size=chunk):
            yield spec.build(row)


def count_rows(kind: str) -> int:
    return sum(qs.count() for qs in KINDS[kind].rows())


def _actions(index: str, docs: Iterable[dict]) -> Iterator[dict]:
    for doc in docs:
        body = dict(doc)
        yield {"_index": index, "_id": body.pop("_id"), "_source": body}


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rebuild(kind: str, *, progress: Callable[[int], None] | None = None, threads: int = 2, chunk: int = 1000) -> int:
    """Load a new index in bulk, then point the alias at it and drop the old ones. Returns the number of
    documents. Documents are built from the database in this thread while up to `threads` bulk requests
    are in flight (replicas and refresh off while loading)."""
    client = get_client()
    name = create_index(kind)
    client.indices.put_settings(
        index=name, body={"index": {"refresh_interval": "-1", "number_of_replicas": 0}}, request_timeout=ADMIN_TIMEOUT
    )
    loaded = 0

    def send(actions: list[dict]) -> int:
        helpers.bulk(
            client, actions, chunk_size=len(actions), raise_on_error=True, refresh=False, request_timeout=ADMIN_TIMEOUT
        )
        return len(actions)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        in_flight = set()
        for actions in _chunks(_actions(name, documents(kind, chunk)), chunk):
            if len(in_flight) >= threads:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    count = future.result()
                    loaded += count
                    if progress:
                        progress(count)
            in_flight.add(pool.submit(send, actions))
        for future in in_flight:
            count = future.result()
            loaded += count
            if progress:
                progress(count)
    client.indices.put_settings(
        index=name,
        body={"index": {"refresh_interval": "1s", "number_of_replicas": settings.ELASTICSEARCH_REPLICAS}},
        request_timeout=ADMIN_TIMEOUT,
    )
    client.indices.refresh(index=name, request_timeout=ADMIN_TIMEOUT)
    old = current_indexes(kind)
    actions = [{"remove": {"index": index, "alias": alias(kind)}} for index in old]
    client.indices.update_aliases(
        body={"actions": [*actions, {"add": {"index": name, "alias": alias(kind)}}]}, request_timeout=ADMIN_TIMEOUT
    )
    for index in old:
        client.indices.delete(index=index, ignore_unavailable=True)
    # Indexes of this kind left by an interrupted rebuild are dropped too.
    for index in client.indices.get(index=f"{alias(kind)}-*", ignore_unavailable=True):
        if index != name:
            client.indices.delete(index=index, ignore_unavailable=True)
    return loaded


def put(kind: str, doc: dict) -> None:
    body = dict(doc)
    get_client().index(index=alias(kind), id=body.pop("_id"), body=body)


def remove(kind: str, doc_id: str) -> None:
    try:
        get_client().delete(index=alias(kind), id=doc_id)
    except NotFoundError:
        pass


def bulk_put_and_remove(kind: str, docs: Iterable[dict], remove_ids: Iterable[str]) -> None:
    actions = list(_actions(alias(kind), docs))
    actions += [{"_op_type": "delete", "_index": alias(kind), "_id": doc_id} for doc_id in remove_ids]
    if actions:
        helpers.bulk(get_client(), actions, raise_on_error=False, raise_on_exception=True)
