"""A recorded licence's term is counted from the local day of its recordal (ipmarket/market/guards.py), the
same calendar as `today`: no database."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from ipmarket.market.guards import _licence_ended
from ipmarket.market.models import Deal, Listing


def licence(recorded_at: datetime, term_months: int | None = 12) -> Deal:
    return Deal(listing=Listing(term_months=term_months), recorded_at=recorded_at)


@pytest.mark.parametrize(
    "recorded_at, today, ended",
    [
        # 17:30 UTC on 1 January is 01:30 on 2 January in Asia/Shanghai: the year runs to 2 January.
        (datetime(2026, 1, 1, 17, 30, tzinfo=UTC), date(2027, 1, 1), False),
        (datetime(2026, 1, 1, 17, 30, tzinfo=UTC), date(2027, 1, 2), True),
        # Early in the UTC day, the local day is the same.
        (datetime(2026, 1, 1, 3, 0, tzinfo=UTC), date(2026, 12, 31), False),
        (datetime(2026, 1, 1, 3, 0, tzinfo=UTC), date(2027, 1, 1), True),
    ],
)
def test_the_term_runs_from_the_local_day_of_recordal(settings, recorded_at, today, ended):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
    assert _licence_ended(licence(recorded_at), today) is ended


def test_a_licence_without_a_term_never_ends():
    assert _licence_ended(licence(datetime(2000, 1, 1, tzinfo=UTC), None), date(2100, 1, 1)) is False
