"""The licence filing deadline's pure rules (ipmarket/market/filing.py): no database."""

from datetime import date

import pytest

from ipmarket.market import filing


@pytest.mark.parametrize(
    "effective, due",
    [
        (date(2026, 1, 31), date(2026, 4, 30)),  # April has 30 days
        (date(2026, 11, 30), date(2027, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), date(2026, 6, 30)),
        (date(2026, 5, 15), date(2026, 8, 15)),
        (date(2026, 10, 31), date(2027, 1, 31)),  # across the year's end
    ],
)
def test_due_three_calendar_months_later_clipped_to_the_month_end(effective, due):
    assert filing.due_on(effective) == due


def test_no_effective_day_no_due_day():
    assert filing.due_on(None) is None


EFFECTIVE = date(2026, 1, 31)  # due 2026-04-30


@pytest.mark.parametrize(
    "deal_type, deal_state, effective, today, expected",
    [
        ("assignment", "paid", EFFECTIVE, date(2026, 6, 1), filing.NOT_REQUIRED),
        ("non_exclusive_license", "cancelled", EFFECTIVE, date(2026, 6, 1), filing.NOT_REQUIRED),
        ("exclusive_license", "refunded", EFFECTIVE, date(2026, 6, 1), filing.NOT_REQUIRED),
        ("sole_license", "negotiating", None, date(2026, 6, 1), filing.NOT_EFFECTIVE),
        ("open_license", "accepted", None, date(2026, 6, 1), filing.NOT_EFFECTIVE),
        ("exclusive_license", "accepted", EFFECTIVE, date(2026, 4, 30), filing.PENDING),  # the due day itself
        ("exclusive_license", "paid", EFFECTIVE, date(2026, 5, 1), filing.OVERDUE),  # the day after
        ("non_exclusive_license", "recorded", EFFECTIVE, date(2026, 9, 1), filing.FILED),  # filed late: filed
        ("open_license", "released", EFFECTIVE, date(2026, 2, 1), filing.FILED),
    ],
)
def test_state(deal_type, deal_state, effective, today, expected):
    assert filing.state(deal_type, deal_state, effective, today) == expected


@pytest.mark.parametrize(
    "today, which",
    [
        (date(2026, 3, 30), None),  # 31 days before 30 April
        (date(2026, 3, 31), "30"),
        (date(2026, 4, 22), "30"),
        (date(2026, 4, 23), "7"),
        (date(2026, 4, 30), "7"),
        (date(2026, 5, 1), "overdue"),
        (date(2027, 5, 1), "overdue"),
    ],
)
def test_the_reminder_owed_on_a_day(today, which):
    assert filing.reminder_due(date(2026, 4, 30), today) == which
