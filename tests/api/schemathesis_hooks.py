"""Schemathesis hooks for tests/api/test_schemathesis.py (loaded through `hooks` in schemathesis.toml).

Rules that tie one query parameter to another cannot be written in OpenAPI 3.0, so the generator is taught
them here instead (Schemathesis' advice for a "validation mismatch"): a schema-valid request that breaks
one is not generated as valid data. Invalid data is left alone, and the rules themselves are tested in
tests/search/test_search_api.py.
"""

import schemathesis

MAX_WINDOW = 10_000  # search.queries.MAX_WINDOW: results go this deep at most (page × page_size)


def _number(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _breaks_a_search_rule(path: str, query: dict) -> bool:
    if _number(query.get("page"), 1) * _number(query.get("page_size"), 20) > MAX_WINDOW:
        return True  # deeper than the result window: 400 on `page`
    if path == "/api/v1/search/firms/" and "near" not in query:
        return "radius_km" in query or query.get("sort") == "distance"  # both need a point: 400
    return False


@schemathesis.hook.apply_to(path_regex=r"^/api/v1/search/(firms|ip)/$")
def filter_case(ctx, case) -> bool:
    """Valid search parameters keep to the rules between parameters."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return True
    return not _breaks_a_search_rule(case.operation.path, case.query or {})
