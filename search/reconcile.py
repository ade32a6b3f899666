"""Compare the database with the index and repair the drift: documents missing from the index, stale
(older than the database), and extra (no longer in the database or no longer public)."""

from datetime import datetime

from django.db.models import Max
from elasticsearch import NotFoundError, helpers

from ipmarket.accounts.models import Organisation
from ipmarket.assets.models import Patent, Trademark

from . import builders, decisions, demands, indexes, sources
from .client import get_client

BATCH = 500


def _db_versions(kind: str) -> dict[str, datetime]:
    if kind == "organisations":
        return {str(pk): at for pk, at in Organisation.objects.filter(is_active=True).values_list("pk", "updated_at")}
    if kind == "demands":
        return demands.db_versions()
    if kind == "decisions":
        return decisions.db_versions()
    versions = {}
    for model, asset_type in ((Patent, "patent"), (Trademark, "trademark")):
        rows = (
            model.objects.filter(owner__is_active=True)
            .annotate(last_listing=Max("listings__updated_at"))
            .values_list("pk", "updated_at", "owner__updated_at", "last_listing")
        )
        for pk, updated, owner_updated, last_listing in rows:
            versions[builders.ip_document_id(asset_type, pk)] = max(
                t for t in (updated, owner_updated, last_listing) if t
            )
    return versions


def _index_versions(kind: str) -> dict[str, datetime]:
    indexes.ensure_index(kind)
    hits = helpers.scan(
        get_client(), index=indexes.alias(kind), query={"_source": ["updated_at"], "query": {"match_all": {}}}
    )
    return {hit["_id"]: datetime.fromisoformat(hit["_source"]["updated_at"]) for hit in hits}


def _build_many(kind: str, doc_ids: list[str]) -> list[dict]:
    if kind == "organisations":
        return [builders.organisation_document(o) for o in sources.organisations().filter(pk__in=doc_ids)]
    if kind == "demands":
        return demands.build_many(doc_ids)
    if kind == "decisions":
        return decisions.build_many(doc_ids)
    docs = []
    for asset_type, queryset in (("patent", sources.patents()), ("trademark", sources.trademarks())):
        pks = [d.split("-", 1)[1] for d in doc_ids if d.startswith(f"{asset_type}-")]
        docs += [builders.ip_document(a, list(a.listings.all())) for a in queryset.filter(pk__in=pks)]
    return docs


def reconcile(kind: str, *, repair: bool = True) -> dict[str, int]:
    database, index = _db_versions(kind), _index_versions(kind)
    missing = sorted(set(database) - set(index))
    extra = sorted(set(index) - set(database))
    stale = sorted(k for k in set(database) & set(index) if index[k] < database[k])
    if repair:
        todo = missing + stale
        for start in range(0, len(todo), BATCH):
            indexes.bulk_put_and_remove(kind, _build_many(kind, todo[start : start + BATCH]), [])
        for start in range(0, len(extra), BATCH):
            indexes.bulk_put_and_remove(kind, [], extra[start : start + BATCH])
        try:
            get_client().indices.refresh(index=indexes.alias(kind))
        except NotFoundError:
            pass
    return {"checked": len(database), "missing": len(missing), "stale": len(stale), "extra": len(extra)}


def reconcile_all(*, repair: bool = True) -> dict[str, int]:
    totals = {"checked": 0, "missing": 0, "stale": 0, "extra": 0}
    for kind in indexes.KINDS:
        for key, value in reconcile(kind, repair=repair).items():
            totals[key] += value
    return totals
