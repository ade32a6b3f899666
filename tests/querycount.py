"""Query-count baselines (as NetBox keeps them): the number of SQL queries of each list endpoint and page,
stored per app in `tests/<app>/query_counts.json` under a stable key such as
"GET /api/v1/listings/ as enterprise member".

`Baselines(__file__).check(key, request, rows=…, grow=…)` (or `check_many({key: request, …}, rows=…,
grow=…)` for several callers on the same rows):

1. sends the request once to warm the caches (content types, the CMS chrome, translations), then measures
   a second request under `CaptureQueriesContext`: the counts are those of a warm request;
2. calls `grow()` (more rows of what the page lists), warms up and measures again and requires the same
   number of queries: a count that grows with the rows is an N+1. `rows(response)` says how many items the
   response shows, so that the growth is checked to be visible to the caller (otherwise equal counts
   would prove nothing);
3. compares the count with the baseline; with `QUERY_COUNTS_UPDATE=1` in the environment it writes the
   count into the JSON file instead (sorted keys, indent 2, trailing newline) and passes. The growth check
   of step 2 applies in both modes: a page with an N+1 gets no baseline.

See docs/quality.md, "Query-count baselines".
"""

import fcntl
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ipmarket.accounts.services import api_token_issue

ENV = "QUERY_COUNTS_UPDATE"
ROOT = Path(__file__).resolve().parent.parent
SHOWN = 60  # queries listed in a failure message


def updating() -> bool:
    return os.environ.get(ENV) == "1"


def _shape(sql: str) -> str:
    """A query with its literals replaced, so that the same query for another row counts as the same."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"\((?:\?, )*\?\)", "(…)", sql)


def _listing(queries: list[dict]) -> str:
    lines = [f"  {i + 1}. {q['sql'][:300]}" for i, q in enumerate(queries[:SHOWN])]
    if len(queries) > SHOWN:
        lines.append(f"  … and {len(queries) - SHOWN} more")
    return "\n".join(lines)


def _repeated(few: list[dict], many: list[dict]) -> str:
    """The query shapes that ran more often with more rows: where the N+1 is."""
    before, after = Counter(_shape(q["sql"]) for q in few), Counter(_shape(q["sql"]) for q in many)
    grown = [(after[s] - before[s], s) for s in after if after[s] > before[s]]
    return "\n".join(f"  +{n} × {s[:300]}" for n, s in sorted(grown, reverse=True)[:20]) or "  (none by shape)"


class Baselines:
    """The baselines of one app: `tests/<app>/query_counts.json`, next to the test module."""

    def __init__(self, test_file: str):
        self.module = Path(test_file).resolve()
        self.path = self.module.with_name("query_counts.json")

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(ROOT))
        except ValueError:
            return str(path)

    def _how_to_update(self) -> str:
        module, path = self._relative(self.module), self._relative(self.path)
        return f"QUERY_COUNTS_UPDATE=1 pytest {module} (then review the diff of {path})"

    def load(self) -> dict[str, int]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def record(self, counts: dict[str, int]) -> None:
        """Write these counts, keeping the others (locked: parallel workers update the same file)."""
        with open(self.path, "a+", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            text = f.read()
            stored = json.loads(text) if text.strip() else {}
            stored.update(counts)
            f.seek(0)
            f.truncate()
            f.write(json.dumps(stored, indent=2, sort_keys=True, ensure_ascii=False) + "\n")

    def check(
        self,
        key: str,
        request: Callable[[], object],
        *,
        rows: Callable[[object], int] | None = None,
        grow: Callable[[], None] | None = None,
        status: int = 200,
    ) -> int:
        """Measure `request()` (a response of the test client) and hold it to the baseline `key`.

        `grow()` adds rows of what the response lists; `rows(response)` counts the items it shows. Both
        or neither: without them only the baseline is checked (a page whose queries cannot depend on rows).
        Returns the number of queries."""
        return self.check_many({key: request}, rows=rows, grow=grow, status=status)[key]

    def check_many(
        self,
        requests: dict[str, Callable[[], object]],
        *,
        rows: Callable[[object], int] | None = None,
        grow: Callable[[], None] | None = None,
        status: int = 200,
    ) -> dict[str, int]:
        """`check` for several requests (e.g. one list as several callers) on the same rows, grown once:
        the data is built once for all of them. Returns the number of queries of each key."""
        assert (rows is None) == (grow is None), "give both rows= and grow=, or neither"

        def measured(key):
            # What rendering costs: the page cache is off (a hit costs no query: tests/test_page_cache.py).
            with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as ctx:
                response = requests[key]()
            assert response.status_code == status, (
                f"{key}: status {response.status_code}, expected {status}: {response.content[:1000]!r}"
            )
            return response, ctx.captured_queries

        before = {}
        for key in requests:
            measured(key)  # warm-up
            before[key] = measured(key)
        if grow is not None:
            grow()
            for key, (response, queries) in before.items():
                shown = rows(response)
                measured(key)  # warm-up again: a cache the new rows invalidated is refilled, not counted
                response, more = measured(key)
                shown_after = rows(response)
                assert shown_after > shown, (
                    f"{key}: the response shows {shown_after} items after grow(), {shown} before: the added rows "
                    "are not visible to this caller, so the query count proves nothing"
                )
                assert len(more) == len(queries), (
                    f"{key}: {len(queries)} queries for {shown} items, {len(more)} for {shown_after}: the count "
                    f"grows with the rows (N+1). Queries that ran more often:\n{_repeated(queries, more)}\n"
                    f"All queries with more rows:\n{_listing(more)}"
                )
        counts = {key: len(queries) for key, (_response, queries) in before.items()}
        if updating():
            self.record(counts)
            return counts
        baselines = self.load()
        problems = []
        for key, count in counts.items():
            if key not in baselines:
                problems.append(
                    f"No query-count baseline for {key!r} in {self._relative(self.path)} (this request makes "
                    f"{count} queries). Record it with:\n  {self._how_to_update()}"
                )
            elif count != baselines[key]:
                problems.append(
                    f"{key}: {count} queries, the baseline says {baselines[key]}. If the change is intended, "
                    f"update with:\n  {self._how_to_update()}\nThe {count} queries:\n{_listing(before[key][1])}"
                )
        assert not problems, "\n\n".join(problems)
        return counts


def count_links(pattern: str) -> Callable[[object], int]:
    """`rows=` for an HTML page: the number of distinct links matching the regular expression."""
    compiled = re.compile(pattern)

    def rows(response) -> int:
        return len(set(compiled.findall(response.content.decode())))

    return rows


def api_count(response) -> int:
    """`rows=` for a paginated API list: the items of this page."""
    return len(response.json()["results"])


def api_length(response) -> int:
    """`rows=` for an unpaginated API list."""
    return len(response.json())


def api_as(user) -> APIClient:
    """An API client sending the person's token (None: anonymous)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
    return client


def page_as(user) -> Client:
    """A browser client signed in as the person (None: anonymous)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
