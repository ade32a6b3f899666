"""Published enforcement decisions in the search index (docs/disputes.md, "Decisions"): the document of a
decision the bureau marked public, the rows it is built from, and the public search with its database
fallback.

Only cases with a decision number and `decision_public` are indexed (`ipmarket.disputes.selectors
.public_decisions`, the one place that says what is public). The document carries what the public page shows:
the number, date, kind, the parties' names, the penalty or order and the assets' numbers and titles; never the
case's facts or documents.
"""

from dataclasses import dataclass

from django.db.models import Max, Q
from elasticsearch_dsl import Q as EQ
from elasticsearch_dsl import Search

from ipmarket.disputes.models import Dispute, DisputeAsset
from ipmarket.disputes.selectors import public_decisions

from .client import get_client
from .indexes import alias
from .queries import HIGHLIGHT, FirmQuery, _with_fallback

INDEX = "decisions"


# --- the document -----------------------------------------------------------------------------------


def decisions():
    """Published decisions with what their document needs (no query per document)."""
    return public_decisions()


def _assets(dispute) -> list:
    return [item.asset for item in dispute.assets.all()]


def version(dispute) -> str:
    """When the document last changed: the latest of the case, its parties and its assets."""
    stamps = [dispute.updated_at, dispute.claimant.updated_at]
    if dispute.respondent_id:
        stamps.append(dispute.respondent.updated_at)
    stamps += [asset.updated_at for asset in _assets(dispute)]
    return max(stamps).isoformat()


def decision_document(dispute) -> dict:
    assets = _assets(dispute)
    return {
        "_id": str(dispute.pk),
        "object_id": dispute.pk,
        "number": dispute.decision_number,
        "decided_on": dispute.decided_on.isoformat() if dispute.decided_on else None,
        "kind": dispute.kind,
        "claimant_name": dispute.claimant.name,
        "respondent_name": dispute.respondent_label,
        "decision": dispute.decision,
        "asset_numbers": [a.application_number if a.asset_type == "patent" else a.registration_number for a in assets],
        "asset_titles": [a.title if a.asset_type == "patent" else a.mark_name for a in assets],
        "updated_at": version(dispute),
    }


def build(doc_id: str) -> dict | None:
    """The document as the database has it now, or None when the decision is not public (or gone)."""
    try:
        pk = int(doc_id)
    except ValueError:
        return None
    dispute = decisions().filter(pk=pk).first()
    return decision_document(dispute) if dispute else None


def build_many(doc_ids) -> list[dict]:
    pks = [int(d) for d in doc_ids if str(d).isdigit()]
    return [decision_document(d) for d in decisions().filter(pk__in=pks)]


def db_versions() -> dict:
    """Each published decision's version (reconcile), in one query."""
    rows = (
        Dispute.objects.filter(pk__in=public_decisions().values("pk"))
        .annotate(
            last_patent=Max("assets__patent__updated_at"),
            last_trademark=Max("assets__trademark__updated_at"),
        )
        .values_list(
            "pk", "updated_at", "claimant__updated_at", "respondent__updated_at", "last_patent", "last_trademark"
        )
    )
    return {str(pk): max(t for t in stamps if t) for pk, *stamps in rows}


def organisation_decision_ids(organisation_id) -> list[str]:
    """The documents that carry an organisation's name (as claimant or respondent)."""
    rows = public_decisions().filter(Q(claimant_id=organisation_id) | Q(respondent_id=organisation_id))
    return [str(pk) for pk in rows.order_by().values_list("pk", flat=True)]


def asset_decision_ids(asset_type: str, pk) -> list[str]:
    """The documents that carry an asset's number and title."""
    items = DisputeAsset.objects.filter(
        **{f"{asset_type}_id": pk}, dispute__in=public_decisions().order_by().values("pk")
    )
    return [str(d) for d in items.values_list("dispute_id", flat=True).distinct()]


# --- the search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionQuery:
    q: str = ""
    page: int = 1
    page_size: int = 20

    check_window = FirmQuery.check_window


ORDER = ["-decided_on", "-object_id"]


def decisions_es(query: DecisionQuery) -> dict:
    search = Search(using=get_client(), index=alias(INDEX)).extra(track_total_hits=True)
    if query.q:
        words = EQ(
            "multi_match",
            query=query.q,
            fields=[
                "respondent_name^3",
                "respondent_name.std",
                "claimant_name^3",
                "claimant_name.std",
                "decision^2",
                "decision.std",
                "asset_titles^1.5",
                "asset_titles.std",
            ],
            minimum_should_match="75%",
        )
        numbers = [
            EQ("term", number={"value": query.q, "boost": 10}),
            EQ("match", **{"number.std": {"query": query.q, "operator": "and", "boost": 4}}),
            EQ("term", asset_numbers={"value": query.q, "boost": 6}),
        ]
        search = search.query(EQ("bool", should=[words, *numbers], minimum_should_match=1))
        search = search.sort("_score", *ORDER)
    else:
        search = search.query(EQ("match_all")).sort(*ORDER)
    search = search.highlight("decision", "respondent_name", "asset_titles", **HIGHLIGHT)
    start = (query.page - 1) * query.page_size
    response = search[start : start + query.page_size].execute()
    results = []
    for hit in response.hits:
        item = {"id": hit.object_id}
        if "highlight" in hit.meta:
            item["highlight"] = {name: list(parts) for name, parts in hit.meta.highlight.to_dict().items()}
        results.append(item)
    return {"backend": "elasticsearch", "count": response.hits.total.value, "results": results}


def _rows(query: DecisionQuery):
    qs = public_decisions()
    if query.q:
        q = query.q
        qs = qs.filter(
            Q(decision_number__icontains=q)
            | Q(decision__icontains=q)
            | Q(claimant__name__icontains=q)
            | Q(respondent__name__icontains=q)
            | Q(respondent_name__icontains=q)
            | Q(assets__patent__title__icontains=q)
            | Q(assets__patent__application_number=q)
            | Q(assets__trademark__mark_name__icontains=q)
            | Q(assets__trademark__registration_number=q)
        )
    return Dispute.objects.filter(pk__in=qs.order_by().values("pk"))


def decisions_db(query: DecisionQuery) -> dict:
    """The same answer as `decisions_es` from the database (substring matches), count and page in SQL."""
    matching = _rows(query)
    start = (query.page - 1) * query.page_size
    page = matching.order_by("-decided_on", "-pk").values_list("pk", flat=True)[start : start + query.page_size]
    return {"backend": "database", "count": matching.count(), "results": [{"id": pk} for pk in page]}


def search_decisions(q: str = "", page: int = 1, page_size: int = 20) -> dict:
    """Published decisions matching `q` (all of them when it is empty), newest first after relevance:
    `{"count", "results": [{"id", "highlight"?}], "backend": "elasticsearch" | "database"}`. Elasticsearch, or
    the database when it is unreachable. Raises `search.queries.DeepPage` (a ValueError) for a page beyond the
    result window."""
    query = DecisionQuery(q=(q or "").strip(), page=max(1, int(page or 1)), page_size=page_size)
    return _with_fallback(decisions_es, decisions_db, query)
