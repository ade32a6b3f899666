"""The text search of published decisions, filled at start-up by the search app (a higher layer: it indexes
the decisions in Elasticsearch and answers from the database when Elasticsearch is down, docs/search.md).
`decision_search(q, page, page_size) -> {"count", "results": [{"id", …}], "backend"}`."""

from collections.abc import Callable

decision_search: Callable | None = None


def register(function: Callable) -> None:
    global decision_search
    decision_search = function
