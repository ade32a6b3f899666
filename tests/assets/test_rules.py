"""Annual fees, in-force, trademark renewal windows on a given day. Pure: no services."""

from datetime import date
from types import SimpleNamespace

import pytest

from ipmarket.assets import rules


@pytest.mark.parametrize(
    "today, state",
    [
        (date(2026, 1, 1), rules.FEE_PAID),
        (date(2026, 5, 2), rules.FEE_DUE_SOON),  # 30 days before 2026-06-01
        (date(2026, 6, 1), rules.FEE_DUE_SOON),  # the due date itself
        (date(2026, 6, 2), rules.FEE_OVERDUE),
        (date(2026, 12, 1), rules.FEE_OVERDUE),  # last day of the 6-month grace period
        (date(2026, 12, 2), rules.FEE_LAPSED),
    ],
)
def test_annual_fee_states(today, state):
    assert rules.annual_fee_state("granted", date(2026, 6, 1), today) == state


def test_fees_do_not_apply_before_grant():
    assert rules.annual_fee_state("pending", date(2026, 6, 1), date(2030, 1, 1)) == rules.FEE_NOT_APPLICABLE


def patent(**kw):
    base = dict(legal_status="granted", expiry_date=date(2030, 1, 1), annual_fee_paid_until=date(2026, 6, 1))
    return SimpleNamespace(asset_type="patent", **{**base, **kw})


def test_patent_in_force():
    assert rules.patent_in_force(patent(), date(2026, 1, 1))
    assert not rules.patent_in_force(patent(legal_status="pending"), date(2026, 1, 1))
    assert rules.patent_in_force(patent(), date(2026, 7, 1))  # overdue but in grace


# Each boundary alone: the other cause is kept far away, so the case fails only if its own rule is broken.
FEES_PAID_PAST_TERM = date(2031, 1, 1)  # fees paid beyond the 2030-01-01 term end: only the term can end it
TERM_FAR_AWAY = date(2040, 1, 1)  # the term runs long after the fees lapse: only the fees can end it


@pytest.mark.parametrize(
    "today, in_force",
    [
        (date(2029, 12, 31), True),  # the last day of the term
        (date(2030, 1, 1), False),  # the expiry date: the term has ended
    ],
)
def test_patent_term_end_boundary_with_fees_paid(today, in_force):
    paid = patent(annual_fee_paid_until=FEES_PAID_PAST_TERM)
    assert rules.annual_fee_state("granted", FEES_PAID_PAST_TERM, today) == rules.FEE_PAID
    assert rules.patent_in_force(paid, today) is in_force


@pytest.mark.parametrize(
    "today, in_force",
    [
        (date(2026, 12, 1), True),  # the last day of the six-month grace period after 2026-06-01
        (date(2026, 12, 2), False),  # the day after: fees lapsed
    ],
)
def test_patent_fee_grace_end_boundary_within_the_term(today, in_force):
    p = patent(expiry_date=TERM_FAR_AWAY)
    assert today < p.expiry_date
    assert rules.patent_in_force(p, today) is in_force
    assert rules.asset_in_force(p, today) is in_force


def trademark(**kw):
    base = dict(status="registered", expiry_date=date(2030, 3, 10))
    return SimpleNamespace(asset_type="trademark", **{**base, **kw})


@pytest.mark.parametrize(
    "today, in_force",
    [
        (date(2030, 3, 10), True),  # the expiry date is its last day in force
        (date(2030, 3, 11), False),  # the day after: in the renewal grace period, but no longer in force
        (date(2030, 9, 10), False),  # the last day of the renewal grace period
        (date(2030, 9, 11), False),
    ],
)
def test_trademark_expiry_boundary(today, in_force):
    assert rules.trademark_in_force(trademark(), today) is in_force
    assert rules.asset_in_force(trademark(), today) is in_force


def test_only_a_registered_trademark_is_in_force():
    for status in ("pending", "expired", "cancelled"):
        assert not rules.trademark_in_force(trademark(status=status), date(2026, 1, 1))


@pytest.mark.parametrize(
    "today, state",
    [
        (date(2029, 3, 9), rules.RENEWAL_NOT_DUE),
        (date(2029, 3, 10), rules.RENEWAL_OPEN),  # 12 months before expiry
        (date(2030, 3, 10), rules.RENEWAL_OPEN),
        (date(2030, 3, 11), rules.RENEWAL_GRACE_PERIOD),
        (date(2030, 9, 10), rules.RENEWAL_GRACE_PERIOD),
        (date(2030, 9, 11), rules.RENEWAL_TOO_LATE),
    ],
)
def test_trademark_renewal(today, state):
    expiry = rules.trademark_expiry(date(2020, 3, 10))
    assert expiry == date(2030, 3, 10)
    assert rules.trademark_renewal_state(expiry, today) == state
