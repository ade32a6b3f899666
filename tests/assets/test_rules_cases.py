"""ipmarket.assets.rules: the edges the other rule tests leave open (lapsed patents' fees, the "earliest date"
helpers the database queries compare with, month ends). Pure: no services."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta

from ipmarket.assets import rules

DAY = timedelta(days=1)


def test_the_lapse_date_is_six_months_after_paid_until_clipped_to_the_month_end():
    assert rules.annual_fee_lapse_date(date(2026, 6, 1)) == date(2026, 12, 1)
    assert rules.annual_fee_lapse_date(date(2024, 8, 31)) == date(2025, 2, 28)
    assert rules.annual_fee_lapse_date(date(2023, 8, 31)) == date(2024, 2, 29)
    assert rules.annual_fee_lapse_date(None) is None


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 1, 1), rules.FEE_PAID),
        (date(2026, 6, 1), rules.FEE_DUE_SOON),
        (date(2026, 6, 2), rules.FEE_OVERDUE),
        (date(2026, 12, 2), rules.FEE_LAPSED),
    ],
)
def test_a_lapsed_patent_still_has_a_fee_state(today, state):
    # Fees run from the grant: a patent recorded as lapsed keeps the state its "paid until" date gives it.
    assert rules.annual_fee_state("lapsed", date(2026, 6, 1), today) == state


@pytest.mark.parametrize("status", ["pending", "rejected", "withdrawn", "expired", "", "Granted", "LAPSED"])
def test_fees_apply_only_to_granted_and_lapsed_patents(status):
    assert rules.annual_fee_state(status, date(2026, 6, 1), date(2026, 12, 2)) == rules.FEE_NOT_APPLICABLE


def test_no_paid_until_date_means_no_fee_state():
    assert rules.annual_fee_state("granted", None, date(2026, 1, 1)) == rules.FEE_NOT_APPLICABLE


def test_due_soon_starts_thirty_days_before_the_due_date():
    assert rules.annual_fee_state("granted", date(2026, 6, 1), date(2026, 5, 1)) == rules.FEE_PAID
    assert rules.annual_fee_state("granted", date(2026, 6, 1), date(2026, 5, 2)) == rules.FEE_DUE_SOON


def patent(status="granted", paid_until=date(2026, 6, 1)):
    return SimpleNamespace(legal_status=status, annual_fee_paid_until=paid_until)


@pytest.mark.parametrize(
    ("today", "unpaid"),
    [
        (date(2026, 1, 1), False),  # paid
        (date(2026, 6, 1), False),  # due soon: not yet unpaid
        (date(2026, 6, 2), True),  # overdue
        (date(2026, 12, 2), True),  # lapsed
    ],
)
def test_fees_unpaid_means_overdue_or_lapsed(today, unpaid):
    assert rules.fees_unpaid(patent(), today) is unpaid


def test_fees_of_a_patent_not_granted_are_never_unpaid():
    assert rules.fees_unpaid(patent(status="pending"), date(2030, 1, 1)) is False
    assert rules.fees_unpaid(patent(paid_until=None), date(2030, 1, 1)) is False
    assert rules.fees_unpaid(patent(status="lapsed"), date(2026, 12, 2)) is True


@pytest.mark.parametrize(
    ("today", "earliest"),
    [
        (date(2026, 12, 1), date(2026, 6, 1)),
        (date(2026, 12, 2), date(2026, 6, 2)),
        # 28 Aug … 31 Aug 2024 + 6 months all give 28 Feb 2025: all of them are still in their grace period.
        (date(2025, 2, 28), date(2024, 8, 28)),
        (date(2025, 3, 1), date(2024, 9, 1)),
        (date(2024, 2, 29), date(2023, 8, 29)),
        (date(2024, 3, 1), date(2023, 9, 1)),
    ],
)
def test_earliest_unlapsed_paid_until_examples(today, earliest):
    assert rules.earliest_unlapsed_paid_until(today) == earliest


@pytest.mark.parametrize(
    ("today", "earliest"),
    [
        (date(2030, 9, 10), date(2030, 3, 10)),
        (date(2030, 9, 11), date(2030, 3, 11)),
        (date(2025, 2, 28), date(2024, 8, 28)),
        (date(2024, 2, 29), date(2023, 8, 29)),
    ],
)
def test_earliest_renewable_expiry_examples(today, earliest):
    assert rules.earliest_renewable_expiry(today) == earliest


def every_day(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += DAY


# Two years with a leap day, every month end, and every length of month.
DAYS = list(every_day(date(2023, 12, 1), date(2025, 3, 31)))


def test_earliest_unlapsed_paid_until_is_the_exact_boundary_of_the_lapsed_state():
    for today in DAYS:
        earliest = rules.earliest_unlapsed_paid_until(today)
        assert rules.annual_fee_state("granted", earliest, today) != rules.FEE_LAPSED, today
        assert rules.annual_fee_state("granted", earliest - DAY, today) == rules.FEE_LAPSED, today
        # ... and it stays so: a later date is never lapsed, an earlier one always is.
        assert rules.annual_fee_state("granted", earliest + 3 * DAY, today) != rules.FEE_LAPSED, today
        assert rules.annual_fee_state("granted", earliest - 3 * DAY, today) == rules.FEE_LAPSED, today


def test_earliest_renewable_expiry_is_the_exact_boundary_of_too_late():
    for today in DAYS:
        earliest = rules.earliest_renewable_expiry(today)
        assert rules.trademark_renewal_state(earliest, today) != rules.RENEWAL_TOO_LATE, today
        assert rules.trademark_renewal_state(earliest - DAY, today) == rules.RENEWAL_TOO_LATE, today


def earliest_by_counting(today: date, grace: relativedelta) -> date:
    """The first day d, counting up from a day that is too early, with today <= d + grace."""
    day = today - grace - timedelta(days=10)
    assert day + grace < today
    while day + grace < today:
        day += DAY
    return day


@pytest.mark.parametrize(
    "grace",
    [
        rules.FEE_GRACE,
        rules.RENEWAL_GRACE,
        rules.RENEWAL_WINDOW,
        # Graces with days after the months: `today - grace` can land after the earliest date, which the
        # helper must then walk back from (1 March - (1 month + 1 day) is 31 January, but 28 January + 1 month
        # + 1 day is already 1 March).
        relativedelta(months=1, days=1),
        relativedelta(years=1, months=1, days=3),
    ],
)
def test_earliest_within_is_the_first_day_whose_grace_reaches_today(grace):
    for today in DAYS:
        assert rules._earliest_within(today, grace) == earliest_by_counting(today, grace), today


def test_earliest_within_walks_back_when_subtracting_the_grace_overshoots():
    today, grace = date(2025, 3, 1), relativedelta(months=1, days=1)
    assert today - grace == date(2025, 1, 31)
    assert date(2025, 1, 28) + grace == today  # 28 February + 1 day
    assert date(2025, 1, 27) + grace < today
    assert rules._earliest_within(today, grace) == date(2025, 1, 28)


def test_renewal_grace_ends_six_months_after_expiry_at_a_month_end():
    # 31 August + 6 months is 28 February (29 in a leap year).
    assert rules.trademark_renewal_state(date(2024, 8, 31), date(2025, 2, 28)) == rules.RENEWAL_GRACE_PERIOD
    assert rules.trademark_renewal_state(date(2024, 8, 31), date(2025, 3, 1)) == rules.RENEWAL_TOO_LATE
    assert rules.trademark_renewal_state(date(2023, 8, 31), date(2024, 2, 29)) == rules.RENEWAL_GRACE_PERIOD


def test_a_trademark_lasts_ten_years_from_registration():
    assert rules.trademark_expiry(date(2020, 3, 10)) == date(2030, 3, 10)
    assert rules.trademark_expiry(date(2016, 2, 29)) == date(2026, 2, 28)


def test_a_patent_is_in_force_until_the_day_before_its_expiry_date():
    granted = SimpleNamespace(
        asset_type="patent", legal_status="granted", expiry_date=date(2030, 1, 1), annual_fee_paid_until=None
    )
    assert rules.patent_in_force(granted, date(2029, 12, 31))
    assert not rules.patent_in_force(granted, date(2030, 1, 1))
    lapsed = SimpleNamespace(**{**vars(granted), "legal_status": "lapsed", "annual_fee_paid_until": date(2029, 1, 1)})
    assert not rules.patent_in_force(lapsed, date(2028, 1, 1))
    assert not rules.asset_in_force(lapsed, date(2028, 1, 1))


@pytest.mark.parametrize(
    ("asset_type", "last_day"),
    [("patent", date(2030, 6, 14)), ("trademark", date(2030, 6, 15))],
)
def test_the_last_day_of_term_of_a_patent_is_the_day_before_its_expiry_date_of_a_trademark_the_day_itself(
    asset_type, last_day
):
    asset = SimpleNamespace(asset_type=asset_type, expiry_date=date(2030, 6, 15))
    assert rules.last_day_of_term(asset) == last_day
    assert rules.outlasts(asset, last_day)  # a loan maturing on the last day of the term: covered
    assert not rules.outlasts(asset, last_day + timedelta(days=1))
    assert rules.outlasts(asset, last_day - timedelta(days=1))
