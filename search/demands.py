"""The financing-demand registry in the search index (docs/registry.md, "Search and pages"): the amount bands,
the document of a listed demand, the rows it is built from, and the banks' search with its database fallback.

Only listed demands (admitted, matched, financed) are indexed. Who may see one is part of the document
(`all_banks`, `bank_ids`), and a bank's search filters on it in the main query, so a demand not shown to the
bank is neither among its results nor in its facet counts. Facets (city, industry, IP kind, amount band) are
counted like the other searches': each with the other active facet filters (`search.queries`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from elasticsearch_dsl import Q as EQ
from elasticsearch_dsl import Search

from financing.registry.models import Demand, DemandAsset

from .client import get_client
from .indexes import alias
from .queries import FACET_SIZE, HIGHLIGHT, FirmQuery, _facets, _with_fallback

INDEX = "demands"
MILLION = Decimal("1000000")

# The amount bands of the registry: (key, lowest amount included, highest amount excluded, label). The one
# place they are written: the index, the database fallback and the pages read them from here.
AMOUNT_BANDS = [
    ("lt1m", None, 1 * MILLION, _("Under ¥1 million")),
    ("1m-5m", 1 * MILLION, 5 * MILLION, _("¥1–5 million")),
    ("5m-10m", 5 * MILLION, 10 * MILLION, _("¥5–10 million")),
    ("ge10m", 10 * MILLION, None, _("¥10 million and more")),
]
BAND_LABELS = {key: label for key, _low, _high, label in AMOUNT_BANDS}
IP_KINDS = ("invention", "utility_model", "design", "trademark")


def amount_band(amount: Decimal) -> str:
    """The band of an amount: lower bounds are included, upper bounds excluded (¥1,000,000 is in "1m-5m")."""
    for key, low, high, _label in AMOUNT_BANDS:
        if (low is None or amount >= low) and (high is None or amount < high):
            return key
    raise ValueError(amount)  # the bands cover every amount; unreachable


def band_q(key: str, field: str = "amount") -> Q:
    """The database filter of a band."""
    for band, low, high, _label in AMOUNT_BANDS:
        if band == key:
            q = Q()
            if low is not None:
                q &= Q(**{f"{field}__gte": low})
            if high is not None:
                q &= Q(**{f"{field}__lt": high})
            return q
    raise KeyError(key)


# --- the document -----------------------------------------------------------------------------------


def demands():
    """Listed demands with what their document needs (no query per document)."""
    return (
        Demand.objects.filter(state__in=Demand.LISTED)
        .select_related("enterprise")
        .prefetch_related(
            Prefetch("assets", queryset=DemandAsset.objects.select_related("patent", "trademark")),
            "banks",
        )
    )


def version(demand) -> str:
    """When the document last changed: the latest of the demand and its enterprise (name and city)."""
    return max(demand.updated_at, demand.enterprise.updated_at).isoformat()


def demand_document(demand) -> dict:
    assets = list(demand.assets.all())
    enterprise = demand.enterprise
    return {
        "_id": str(demand.pk),
        "object_id": demand.pk,
        "state": demand.state,
        "enterprise_id": enterprise.pk,
        "enterprise_name": enterprise.name,
        "enterprise_name_en": enterprise.name_en,
        "city": enterprise.city,
        "industry": demand.industry,
        "ip_kinds": sorted({a.kind for a in assets}),
        "asset_names": [a.asset.name for a in assets],
        "asset_numbers": [
            a.patent.application_number if a.patent_id else a.trademark.registration_number for a in assets
        ],
        "amount": str(demand.amount.amount),  # a decimal string: Elasticsearch coerces it
        "amount_band": amount_band(demand.amount.amount),
        "term_months": demand.term_months,
        "purpose": demand.purpose,
        "all_banks": demand.all_banks,
        "bank_ids": [] if demand.all_banks else sorted(b.pk for b in demand.banks.all()),
        "programme_id": demand.programme_id,
        "batch_id": demand.batch_id,
        "admitted_on": demand.admitted_on.isoformat() if demand.admitted_on else None,
        "updated_at": version(demand),
    }


def build(doc_id: str) -> dict | None:
    """The document as the database has it now, or None when the demand is not listed (or gone)."""
    try:
        pk = int(doc_id)
    except ValueError:
        return None
    demand = demands().filter(pk=pk).first()
    return demand_document(demand) if demand else None


def build_many(doc_ids) -> list[dict]:
    pks = [int(d) for d in doc_ids if str(d).isdigit()]
    return [demand_document(d) for d in demands().filter(pk__in=pks)]


def db_versions() -> dict:
    """Each listed demand's version (reconcile)."""
    rows = Demand.objects.filter(state__in=Demand.LISTED).values_list("pk", "updated_at", "enterprise__updated_at")
    return {str(pk): max(updated, enterprise_updated) for pk, updated, enterprise_updated in rows}


def enterprise_demand_ids(enterprise_id) -> list[str]:
    """The documents that carry an enterprise's name and city."""
    listed = Demand.objects.filter(enterprise_id=enterprise_id, state__in=Demand.LISTED)
    return [str(pk) for pk in listed.values_list("pk", flat=True)]


# --- the search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemandQuery:
    q: str = ""
    city: str = ""
    industry: str = ""
    ip_kind: str = ""
    band: str = ""
    page: int = 1
    page_size: int = 20
    # The banks whose demands the caller sees; None: every listed demand (platform people).
    bank_ids: tuple[int, ...] | None = ()

    check_window = FirmQuery.check_window


FACETS = {"city": "city", "industry": "industry", "ip_kind": "ip_kinds", "band": "amount_band"}


def _visibility(query: DemandQuery):
    filters = [EQ("terms", state=list(Demand.LISTED))]
    if query.bank_ids is not None:
        filters.append(
            EQ(
                "bool",
                should=[EQ("term", all_banks=True), EQ("terms", bank_ids=list(query.bank_ids))],
                minimum_should_match=1,
            )
        )
    return filters


def demands_es(query: DemandQuery) -> dict:
    search = Search(using=get_client(), index=alias(INDEX)).extra(track_total_hits=True)
    must = []
    if query.q:
        must.append(
            EQ(
                "multi_match",
                query=query.q,
                fields=[
                    "enterprise_name^4",
                    "enterprise_name.std^2",
                    "enterprise_name_en^2",
                    "asset_names^1.5",
                    "asset_names.std",
                    "asset_numbers^6",
                    "purpose",
                ],
                minimum_should_match="75%",
            )
        )
    search = search.query(EQ("bool", must=must or [EQ("match_all")], filter=_visibility(query)))
    values = {"city": query.city, "industry": query.industry, "ip_kind": query.ip_kind, "band": query.band}
    facet_filters = {name: EQ("term", **{FACETS[name]: v}) for name, v in values.items() if v}
    if facet_filters:
        search = search.post_filter(EQ("bool", filter=list(facet_filters.values())))
    for name, es_field in FACETS.items():
        others = [f for other, f in facet_filters.items() if other != name]
        bucket = search.aggs.bucket(name, "filter", filter=EQ("bool", filter=others) if others else EQ("match_all"))
        bucket.bucket("values", "terms", field=es_field, size=FACET_SIZE)
    order = ["-admitted_on", "-object_id"]
    search = search.sort("_score", *order) if query.q else search.sort(*order)
    search = search.highlight("enterprise_name", "purpose", "asset_names", **HIGHLIGHT)
    start = (query.page - 1) * query.page_size
    response = search[start : start + query.page_size].execute()
    results = []
    for hit in response.hits:
        item = {"id": hit.object_id}
        if "highlight" in hit.meta:
            item["highlight"] = {name: list(parts) for name, parts in hit.meta.highlight.to_dict().items()}
        results.append(item)
    return {
        "backend": "elasticsearch",
        "count": response.hits.total.value,
        "results": results,
        "facets": _facets(response.aggregations, FACETS),
    }


def _rows(query: DemandQuery, *, skip: str | None = None):
    """Listed demands the caller sees that match everything but the facet named `skip`."""
    qs = Demand.objects.filter(state__in=Demand.LISTED)
    if query.bank_ids is not None:
        qs = qs.filter(Q(all_banks=True) | Q(banks__in=query.bank_ids))
    if query.q:
        qs = qs.filter(
            Q(enterprise__name__icontains=query.q)
            | Q(enterprise__name_en__icontains=query.q)
            | Q(purpose__icontains=query.q)
            | Q(assets__patent__title__icontains=query.q)
            | Q(assets__patent__application_number=query.q)
            | Q(assets__trademark__mark_name__icontains=query.q)
            | Q(assets__trademark__registration_number=query.q)
        )
    if query.city and skip != "city":
        qs = qs.filter(enterprise__city=query.city)
    if query.industry and skip != "industry":
        qs = qs.filter(industry=query.industry)
    if query.ip_kind and skip != "ip_kind":
        if query.ip_kind == "trademark":
            qs = qs.filter(assets__trademark__isnull=False)
        else:
            qs = qs.filter(assets__patent__patent_type=query.ip_kind)
    if query.band and skip != "band":
        qs = qs.filter(band_q(query.band))
    return Demand.objects.filter(pk__in=qs.values("pk"))


def _buckets(counts: dict) -> list[dict]:
    ordered = sorted(((k, n) for k, n in counts.items() if k and n), key=lambda kn: (-kn[1], kn[0]))
    return [{"key": k, "count": n} for k, n in ordered[:FACET_SIZE]]


def demands_db(query: DemandQuery) -> dict:
    """The same answer as `demands_es` from the database, every count and page in SQL."""
    matching = _rows(query)
    count = matching.count()
    start = (query.page - 1) * query.page_size
    page = matching.order_by("-admitted_on", "-pk").values_list("pk", flat=True)[start : start + query.page_size]
    results = [{"id": pk} for pk in page]
    facets = {}
    for name, column in (("city", "enterprise__city"), ("industry", "industry")):
        rows = _rows(query, skip=name).values(column).annotate(n=Count("pk", distinct=True))
        facets[name] = _buckets({row[column]: row["n"] for row in rows})
    kinds = _rows(query, skip="ip_kind").aggregate(
        **{
            kind: Count(
                "pk",
                distinct=True,
                filter=Q(assets__trademark__isnull=False)
                if kind == "trademark"
                else Q(assets__patent__patent_type=kind),
            )
            for kind in IP_KINDS
        }
    )
    facets["ip_kind"] = _buckets(kinds)
    bands = _rows(query, skip="band").aggregate(
        **{f"band_{i}": Count("pk", filter=band_q(key)) for i, (key, *_rest) in enumerate(AMOUNT_BANDS)}
    )
    facets["band"] = _buckets({key: bands[f"band_{i}"] for i, (key, *_rest) in enumerate(AMOUNT_BANDS)})
    return {"backend": "database", "count": count, "results": results, "facets": facets}


def search_demands(query: DemandQuery) -> dict:
    """Elasticsearch, or the database when it is unreachable (`"backend"` says which answered)."""
    return _with_fallback(demands_es, demands_db, query)
