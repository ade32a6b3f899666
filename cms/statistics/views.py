"""/statistics/ and /statistics/<table>.csv: both read the latest snapshot (one query); the page also reads
the history charts' part of every stored day (a second query)."""

import csv
from decimal import Decimal, InvalidOperation

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ipmarket.core.money import cny
from ipmarket.core.pagecache import cached_public_page

from . import selectors
from .tables import BUILDERS, build_tables
from .targets import history_charts, progress_rows


@require_safe
@cached_public_page("statistics", shows=("statistics",))  # the snapshot the refresh job writes
def statistics_page(request):
    snapshot = selectors.latest_snapshot()
    # The history is a second query, made only when there is a snapshot to show.
    history = selectors.history() if snapshot else []
    context = {
        "snapshot": snapshot,
        "totals": snapshot.figures["totals"] if snapshot else None,
        "tables": build_tables(snapshot.figures) if snapshot else [],
        "loans_disbursed_text": cny(snapshot.figures["totals"]["loans_disbursed"]) if snapshot else "",
        "targets": progress_rows(snapshot.figures) if snapshot else [],
        "history": history_charts(history, snapshot.figures) if snapshot else [],
    }
    return render(request, "statistics/statistics.html", context)


@require_safe
def statistics_csv(request, table: str):
    build = BUILDERS.get(table)
    if build is None:
        raise Http404("No such table.")
    snapshot = selectors.latest_snapshot()
    if snapshot is None:
        raise Http404("The statistics have not been computed yet.")
    data = build(snapshot.figures)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{snapshot.on:%Y%m%d}-{data.csv_name}"'
    response.write("\ufeff")  # byte order mark: Excel then reads the file as UTF-8 (Chinese names)
    writer = csv.writer(response)
    writer.writerows([_csv_safe(value) for value in row] for row in data.csv_rows())
    return response


def _csv_safe(value):
    """Text a spreadsheet would run as a formula (a name starting with =, +, - or @) is quoted with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        try:
            Decimal(value)
        except InvalidOperation:
            return "'" + value
    return value
