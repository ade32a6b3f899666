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
    assert not rules.patent_in_force(patent(), date(2030, 1, 1))  # the term has ended
    assert not rules.patent_in_force(patent(), date(2026, 12, 2))  # fees lapsed
    assert rules.patent_in_force(patent(), date(2026, 7, 1))  # overdue but in grace


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
