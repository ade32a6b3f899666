"""Every search query of the project: the Elasticsearch ones, and the database fallback that answers
the same questions in the same shape when Elasticsearch is unreachable (`"backend": "database"`)."""

import hashlib
import logging
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import NotFoundError, TransportError
from elasticsearch_dsl import Q as EQ
from elasticsearch_dsl import Search

from ipmarket.accounts.models import Organisation
from ipmarket.assets.identifiers import normalise_ipc
from ipmarket.assets.models import Patent, Trademark
from ipmarket.market.models import Listing

from .builders import PUBLIC_LISTING_STATUSES
from .client import get_client
from .indexes import alias

logger = logging.getLogger(__name__)

MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window: deeper pages answer 400
FACET_SIZE = 50
HIGHLIGHT = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "number_of_fragments": 1, "fragment_size": 80}
UNAVAILABLE = (ESConnectionError, NotFoundError, TransportError)


class DeepPage(ValueError):
    """The page asked for lies beyond the result window."""


@dataclass(frozen=True)
class FirmQuery:
    q: str = ""
    kind: str = ""
    city: str = ""
    service: str = ""
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    sort: str = "relevance"  # or "distance"
    page: int = 1
    page_size: int = 20

    def check_window(self) -> None:
        if self.page * self.page_size > MAX_WINDOW:
            raise DeepPage(f"Results go as deep as {MAX_WINDOW}; narrow the search instead of paging further.")


@dataclass(frozen=True)
class IPQuery:
    q: str = ""
    type: str = ""
    deal_type: str = ""
    ipc: str = ""
    city: str = ""
    kind: str = ""  # invention, utility_model, design, trademark
    status: str = ""  # legal status of a patent, status of a trademark
    page: int = 1
    page_size: int = 20

    check_window = FirmQuery.check_window


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _km_from(near: tuple[float, float]):
    """`km_between(near, row's location)` as an SQL expression (the math functions exist on PostgreSQL, and
    Django registers them on SQLite), so the fallback filters, sorts and pages in the database."""
    lat0, lon0 = math.radians(near[0]), math.radians(near[1])
    lat = Radians(Cast("latitude", FloatField()))
    lon = Radians(Cast("longitude", FloatField()))
    h = Power(Sin((lat - lat0) / 2), 2) + math.cos(lat0) * Cos(lat) * Power(Sin((lon - lon0) / 2), 2)
    return 6371.0 * 2 * ASin(Sqrt(h), output_field=FloatField())


def _facets(aggs, names) -> dict:
    return {name: [{"key": b.key, "count": b.doc_count} for b in getattr(aggs, name).values.buckets] for name in names}


def _with_fallback(es_search, db_search, query):
    query.check_window()
    try:
        return es_search(query)
    except UNAVAILABLE as exc:
        logger.warning("search: Elasticsearch unavailable (%s); answering from the database", exc.__class__.__name__)
        return db_search(query)


# --- firms ---------------------------------------------------------------------------------------


FIRM_FACETS = {"kind": "kind", "city": "city", "service": "services"}
# What a firm in the results carries (`search.results.Firm`): the only `_source` fields fetched.
FIRM_SOURCE = ["name", "name_en", "kind", "city", "location", "services"]
FIRM_HIGHLIGHT = ("name", "description", "service_names")
FIRM_TEXT = ["name^4", "name.std^2", "name_en^3", "service_names^1.5", "description", "address"]


def _firm_facet_filters(query: FirmQuery) -> dict:
    values = {"kind": query.kind, "city": query.city, "service": query.service}
    return {name: EQ("term", **{FIRM_FACETS[name]: value}) for name, value in values.items() if value}


def _preference(prefix: str, query) -> str:
    """The same string for the same question: it goes to the same shard copies, whose request cache has
    the answer (a custom preference; never one starting with `_`, which Elasticsearch reserves)."""
    return f"{prefix}-{hashlib.blake2b(repr(query).encode(), digest_size=8).hexdigest()}"


def firm_search(query: FirmQuery) -> Search:
    """The one Elasticsearch request that answers a page of firms: hits, exact count and facets.

    Kept lean: every filter is in filter context (no scoring, cacheable by the node's query cache); the text
    query, the only one that ranks, is there only when there is text; `_source` holds just the fields of a
    result; facets are plain `terms` aggregations, wrapped in a `filter` aggregation only when another facet
    is active; highlights only with text; and the whole answer is eligible for the shard request cache, with
    a preference that sends the same question to the same shard copies."""
    filters = [EQ("term", is_active=True)]
    if query.near and query.radius_km:
        lat, lon = query.near
        filters.append(EQ("geo_distance", distance=f"{query.radius_km}km", location={"lat": lat, "lon": lon}))
    if query.q:
        main = EQ(
            "bool",
            must=[
                EQ(
                    "multi_match",
                    query=query.q,
                    fields=FIRM_TEXT,
                    minimum_should_match="75%",  # most of the query's bigrams, not any one of them
                )
            ],
            filter=filters,
            should=[EQ("match_phrase", name={"query": query.q, "boost": 3})],
        )
    else:
        main = EQ("bool", filter=filters)  # nothing to rank: constant score
    # Every match is visited by the aggregations anyway, so the exact total costs nothing more.
    search = Search(index=alias("organisations")).query(main).source(FIRM_SOURCE).extra(track_total_hits=True)
    facet_filters = _firm_facet_filters(query)
    if facet_filters:  # narrows the hits, not the facets
        search = search.post_filter(EQ("bool", filter=list(facet_filters.values())))
    for name, es_field in FIRM_FACETS.items():
        others = [f for other, f in facet_filters.items() if other != name]
        if others:  # "how many if I chose this": the other active facets narrow this one's counts
            bucket = search.aggs.bucket(name, "filter", filter=EQ("bool", filter=others))
            bucket.bucket("values", "terms", field=es_field, size=FACET_SIZE)
        else:
            search.aggs.bucket(name, "terms", field=es_field, size=FACET_SIZE)
    if query.sort == "distance" and query.near:
        lat, lon = query.near
        search = search.sort({"_geo_distance": {"location": {"lat": lat, "lon": lon}, "order": "asc", "unit": "km"}})
    elif query.q:
        search = search.sort("_score", "name.raw")
    else:
        search = search.sort("name.raw")
    if query.q:  # without text there is nothing to mark
        search = search.highlight(*FIRM_HIGHLIGHT, **HIGHLIGHT)
    start = (query.page - 1) * query.page_size
    # No `filter_path`: trimming the answer costs the node more (≈0.3 ms a request) than the bytes it saves.
    return search[start : start + query.page_size].params(request_cache=True, preference=_preference("firms", query))


def _buckets(agg: dict) -> list[dict]:
    """A facet's buckets, from a `terms` aggregation or the one inside its `filter` aggregation."""
    return [{"key": b["key"], "count": b["doc_count"]} for b in agg.get("values", agg)["buckets"]]


def firms_es(query: FirmQuery) -> dict:
    answer = firm_search(query).using(get_client()).execute().to_dict()
    results = []
    for hit in answer["hits"]["hits"]:
        source = hit["_source"]
        location = source.get("location")
        item = {
            "id": int(hit["_id"]),
            "name": source["name"],
            "name_en": source.get("name_en", ""),
            "kind": source["kind"],
            "city": source["city"],
            "location": location,
            "services": list(source.get("services", [])),
        }
        if query.near and location:
            item["distance_km"] = round(km_between(query.near, (location["lat"], location["lon"])), 2)
        if "highlight" in hit:
            item["highlight"] = hit["highlight"]
        results.append(item)
    aggregations = answer["aggregations"]
    return {
        "backend": "elasticsearch",
        "count": answer["hits"]["total"]["value"],
        "results": results,
        "facets": {name: _buckets(aggregations[name]) for name in FIRM_FACETS},
    }


def _firm_rows(query: FirmQuery, *, skip: str | None = None):
    """Organisations matching everything but the facet named `skip` (for that facet's counts)."""
    qs = Organisation.objects.filter(is_active=True)
    if query.q:
        qs = qs.filter(
            Q(name__icontains=query.q)
            | Q(name_en__icontains=query.q)
            | Q(description__icontains=query.q)
            | Q(services__name__icontains=query.q)
        )
    if query.kind and skip != "kind":
        qs = qs.filter(kind=query.kind)
    if query.city and skip != "city":
        qs = qs.filter(city=query.city)
    if query.service and skip != "service":
        qs = qs.filter(services__code=query.service)
    if query.near and query.radius_km:
        lat, lon = query.near
        dlat = query.radius_km / 111.0
        dlon = query.radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
        qs = qs.filter(
            latitude__gte=Decimal(f"{lat - dlat:.6f}"),
            latitude__lte=Decimal(f"{lat + dlat:.6f}"),
            longitude__gte=Decimal(f"{lon - dlon:.6f}"),
            longitude__lte=Decimal(f"{lon + dlon:.6f}"),
        )  # the bounding box (indexable), then the exact distance
        qs = qs.alias(distance_km=_km_from(query.near)).filter(distance_km__lte=query.radius_km)
    return qs.distinct()


def firms_db(query: FirmQuery) -> dict:
    """The same answer as `firms_es` from the database: matching, counting, sorting, paging and facet counts
    all in SQL (the matches are a subquery, never a list of ids in Python)."""
    matching = Organisation.objects.filter(pk__in=_firm_rows(query).values("pk"))
    count = matching.count()
    if query.sort == "distance" and query.near:
        order = [F("distance").asc(nulls_last=True), "name", "pk"]
        matching = matching.annotate(distance=_km_from(query.near))
    else:
        order = ["name", "pk"]
    start = (query.page - 1) * query.page_size
    page = (
        matching.order_by(*order)
        .prefetch_related("services")
        .only("pk", "name", "name_en", "kind", "city", "latitude", "longitude")[start : start + query.page_size]
    )
    results = []
    for org in page:
        location = {"lat": float(org.latitude), "lon": float(org.longitude)} if org.latitude is not None else None
        item = {
            "id": org.pk,
            "name": org.name,
            "name_en": org.name_en,
            "kind": org.kind,
            "city": org.city,
            "location": location,
            "services": sorted(s.code for s in org.services.all()),
        }
        if query.near and location:
            item["distance_km"] = round(km_between(query.near, (location["lat"], location["lon"])), 2)
        results.append(item)
    facets = {}
    for name, column in (("kind", "kind"), ("city", "city"), ("service", "services__code")):
        counts = (
            Organisation.objects.filter(pk__in=_firm_rows(query, skip=name).values("pk"))
            .exclude(**{f"{column}__isnull": True})
            .values(column)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", column)[:FACET_SIZE]
        )
        facets[name] = [{"key": c[column], "count": c["n"]} for c in counts]
    return {"backend": "database", "count": count, "results": results, "facets": facets}


def search_firms(query: FirmQuery) -> dict:
    return _with_fallback(firms_es, firms_db, query)


# --- patents and trademarks ----------------------------------------------------------------------


IP_FACETS = {"type": "type", "deal_type": "deal_types", "city": "city", "kind": "kind", "status": "status"}


def _ipc_query(prefix: str):
    code = normalise_ipc(prefix)
    return EQ("term", ipc_section=code) if len(code) == 1 else EQ("prefix", ipc=code)


def ip_es(query: IPQuery) -> dict:
    search = Search(using=get_client(), index=alias("ip")).extra(track_total_hits=True)
    filters = []
    if query.ipc:
        filters.append(_ipc_query(query.ipc))
    must = []
    if query.q:
        must.append(
            EQ(
                "multi_match",
                query=query.q,
                fields=["title^4", "title.std^2", "abstract", "owner_name^1.5", "number^6", "ipc^3"],
                minimum_should_match="75%",
            )
        )
    search = search.query(EQ("bool", must=must or [EQ("match_all")], filter=filters))
    values = {
        "type": query.type,
        "deal_type": query.deal_type,
        "city": query.city,
        "kind": query.kind,
        "status": query.status,
    }
    facet_filters = {name: EQ("term", **{IP_FACETS[name]: v}) for name, v in values.items() if v}
    if facet_filters:
        search = search.post_filter(EQ("bool", filter=list(facet_filters.values())))
    for name, es_field in IP_FACETS.items():
        others = [f for other, f in facet_filters.items() if other != name]
        bucket = search.aggs.bucket(name, "filter", filter=EQ("bool", filter=others) if others else EQ("match_all"))
        bucket.bucket("values", "terms", field=es_field, size=FACET_SIZE)
    search = search.sort("_score", "-updated_at") if query.q else search.sort("-updated_at")
    search = search.highlight("title", "abstract", "owner_name", **HIGHLIGHT)
    start = (query.page - 1) * query.page_size
    response = search[start : start + query.page_size].execute()
    results = []
    for hit in response.hits:
        item = _ip_item(hit.to_dict())
        if "highlight" in hit.meta:
            item["highlight"] = {name: list(parts) for name, parts in hit.meta.highlight.to_dict().items()}
        results.append(item)
    return {
        "backend": "elasticsearch",
        "count": response.hits.total.value,
        "results": results,
        "facets": _facets(response.aggregations, IP_FACETS),
    }


def _ip_item(doc: dict) -> dict:
    return {
        "id": doc["object_id"],
        "type": doc["type"],
        "name": doc["title"],
        "title": doc["title"],
        "number": doc["number"],
        "kind": doc["kind"],
        "status": doc["status"],
        "owner": doc["owner_id"],
        "owner_name": doc["owner_name"],
        "city": doc["city"],
        "location": doc.get("location"),
        "pledged": doc.get("pledged", False),
        "deal_types": doc.get("deal_types", []),
        "min_price": doc.get("min_price"),
    }


def _ip_rows(model, query: IPQuery, *, skip: str | None = None):
    is_patent = model is Patent
    qs = model.objects.filter(owner__is_active=True)  # an unlisted organisation's IP is not public
    if query.q:
        text = (
            Q(title__icontains=query.q) | Q(abstract__icontains=query.q) | Q(application_number__startswith=query.q)
            if is_patent
            else Q(mark_name__icontains=query.q) | Q(goods_services__icontains=query.q) | Q(registration_number=query.q)
        )
        qs = qs.filter(text | Q(owner__name__icontains=query.q))
    if query.ipc:
        if not is_patent:
            return qs.none()
        qs = qs.filter(classifications__code__startswith=normalise_ipc(query.ipc))
    if query.city and skip != "city":
        qs = qs.filter(owner__city=query.city)
    if query.kind and skip != "kind":
        if (query.kind == "trademark") == is_patent:
            return qs.none()
        if is_patent:
            qs = qs.filter(patent_type=query.kind)
    if query.status and skip != "status":
        qs = qs.filter(**{"legal_status" if is_patent else "status": query.status})
    if query.deal_type and skip != "deal_type":
        qs = qs.filter(listings__deal_type=query.deal_type, listings__status__in=PUBLIC_LISTING_STATUSES)
    return qs.distinct()


def ip_db(query: IPQuery) -> dict:
    models = [m for m, t in ((Patent, "patent"), (Trademark, "trademark")) if not query.type or query.type == t]
    querysets = [_ip_rows(m, query) for m in models]
    count = sum(qs.count() for qs in querysets)
    start = (query.page - 1) * query.page_size
    page, offset = [], start
    for qs in querysets:
        n = qs.count()
        if offset >= n:
            offset -= n
            continue
        rows = qs.select_related("owner").order_by("-updated_at", "-pk")[offset : offset + query.page_size - len(page)]
        page += list(rows)
        offset = 0
        if len(page) >= query.page_size:
            break
    listings = Listing.objects.filter(status__in=PUBLIC_LISTING_STATUSES).filter(
        Q(patent__in=[a for a in page if a.asset_type == "patent"])
        | Q(trademark__in=[a for a in page if a.asset_type == "trademark"])
    )
    deal_types: dict[tuple[str, int], set] = {}
    for listing in listings:
        key = (listing.asset_type, listing.patent_id or listing.trademark_id)
        deal_types.setdefault(key, set()).add(listing.deal_type)
    results = []
    for asset in page:
        is_patent = asset.asset_type == "patent"
        owner = asset.owner
        results.append(
            {
                "id": asset.pk,
                "type": asset.asset_type,
                "name": asset.name,
                "title": asset.name,
                "number": asset.application_number if is_patent else asset.registration_number,
                "kind": asset.patent_type if is_patent else "trademark",
                "status": asset.legal_status if is_patent else asset.status,
                "owner": owner.pk,
                "owner_name": owner.name,
                "city": owner.city,
                "location": {"lat": float(owner.latitude), "lon": float(owner.longitude)} if owner.latitude else None,
                "pledged": asset.pledged,
                "deal_types": sorted(deal_types.get((asset.asset_type, asset.pk), set())),
                "min_price": None,
            }
        )
    facets = {"type": [], "deal_type": [], "city": [], "kind": [], "status": []}
    for model, asset_type in ((Patent, "patent"), (Trademark, "trademark")):
        if query.type and query.type != asset_type:
            continue
        n = _ip_rows(model, query, skip="type").count()
        if n:
            facets["type"].append({"key": asset_type, "count": n})
    city_counts, deal_counts = Counter(), Counter()
    for model, asset_type in ((Patent, "patent"), (Trademark, "trademark")):
        if query.type and query.type != asset_type:
            continue
        for row in _ip_rows(model, query, skip="city").values("owner__city").annotate(n=Count("pk", distinct=True)):
            city_counts[row["owner__city"]] += row["n"]
        for row in (
            _ip_rows(model, query, skip="deal_type")
            .filter(listings__status__in=PUBLIC_LISTING_STATUSES)
            .values("listings__deal_type")
            .annotate(n=Count("pk", distinct=True))
        ):
            deal_counts[row["listings__deal_type"]] += row["n"]
    kind_counts, status_counts = Counter(), Counter()
    for model, asset_type in ((Patent, "patent"), (Trademark, "trademark")):
        if query.type and query.type != asset_type:
            continue
        if asset_type == "patent":
            for row in _ip_rows(model, query, skip="kind").values("patent_type").annotate(n=Count("pk", distinct=True)):
                kind_counts[row["patent_type"]] += row["n"]
        else:
            kind_counts["trademark"] += _ip_rows(model, query, skip="kind").count()
        column = "legal_status" if asset_type == "patent" else "status"
        for row in _ip_rows(model, query, skip="status").values(column).annotate(n=Count("pk", distinct=True)):
            status_counts[row[column]] += row["n"]
    facets["kind"] = [{"key": k, "count": v} for k, v in kind_counts.most_common(FACET_SIZE) if v]
    facets["status"] = [{"key": k, "count": v} for k, v in status_counts.most_common(FACET_SIZE)]
    facets["city"] = [{"key": k, "count": v} for k, v in city_counts.most_common(FACET_SIZE)]
    facets["deal_type"] = [{"key": k, "count": v} for k, v in deal_counts.most_common(FACET_SIZE)]
    facets["type"].sort(key=lambda f: -f["count"])
    return {"backend": "database", "count": count, "results": results, "facets": facets}


def search_ip(query: IPQuery) -> dict:
    return _with_fallback(ip_es, ip_db, query)


# --- suggestions ---------------------------------------------------------------------------------


def suggest_es(text: str, size: int = 8) -> dict:
    suggestions = []
    for kind in ("organisations", "ip"):
        search = Search(using=get_client(), index=alias(kind)).suggest(
            "names", text, completion={"field": "suggest", "size": size, "skip_duplicates": True}
        )
        search = search.source(["name", "kind", "title", "type", "object_id"])
        for option in search.execute().suggest.names[0].options:
            source = option._source
            if kind == "organisations":
                suggestions.append({"text": source.name, "kind": source.kind, "id": int(option._id)})
            else:
                suggestions.append({"text": source.title, "kind": source.type, "id": source.object_id})
    return {"backend": "elasticsearch", "suggestions": suggestions[: size * 2]}


def suggest_db(text: str, size: int = 8) -> dict:
    orgs = Organisation.objects.filter(is_active=True).filter(Q(name__icontains=text) | Q(name_en__istartswith=text))
    suggestions = [{"text": o.name, "kind": o.kind, "id": o.pk} for o in orgs.order_by("name")[:size]]
    suggestions += [
        {"text": p.title, "kind": "patent", "id": p.pk} for p in Patent.objects.filter(title__icontains=text)[:size]
    ]
    return {"backend": "database", "suggestions": suggestions[: size * 2]}


def suggest(text: str) -> dict:
    try:
        return suggest_es(text)
    except UNAVAILABLE:
        return suggest_db(text)
