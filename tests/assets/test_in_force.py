""" "In force" is one rule (ipmarket/assets/rules.py): the database queries `Patent.objects.in_force()` and
`Trademark.objects.in_force()` select exactly the assets the per-object rule says are in force, on the last
day in force and on the day after, at the end of the term, of the fee grace period and of a trademark's
registration, month ends included (31 August + 6 months is 28 February)."""

import datetime as dt

import pytest

from ipmarket.assets import rules
from ipmarket.assets.models import Patent, Trademark
from ipmarket.assets.services import assets_refresh_statuses
from tests.assets.factories import PatentFactory, TrademarkFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
FAR = dt.date(2040, 1, 1)
# "Paid until" dates whose grace period ends mid-month, at a month's end, and on 29 February.
PAID_UNTIL = [
    dt.date(2026, 3, 15),
    dt.date(2025, 2, 28),  # + 6 months = 28 August: 29-31 August are past the grace period
    dt.date(2024, 8, 31),  # + 6 months = 28 February 2025
    dt.date(2023, 8, 30),  # + 6 months = 29 February 2024
    dt.date(2025, 8, 31),  # + 6 months = 28 February 2026
    dt.date(2024, 2, 29),  # + 6 months = 29 August 2024
]
EXPIRY = [dt.date(2027, 3, 15), dt.date(2026, 2, 28), dt.date(2028, 2, 29), dt.date(2026, 12, 31)]


def patent(*, expiry=FAR, paid_until=FAR, status=Patent.LegalStatus.GRANTED) -> Patent:
    p = PatentFactory()
    Patent.objects.filter(pk=p.pk).update(expiry_date=expiry, annual_fee_paid_until=paid_until, legal_status=status)
    return Patent.objects.get(pk=p.pk)


def trademark(*, expiry=FAR, status=Trademark.Status.REGISTERED) -> Trademark:
    t = TrademarkFactory()
    Trademark.objects.filter(pk=t.pk).update(expiry_date=expiry, status=status)
    return Trademark.objects.get(pk=t.pk)


def patents_in_force(on: dt.date) -> set[int]:
    return set(Patent.objects.in_force(on).values_list("pk", flat=True))


def trademarks_in_force(on: dt.date) -> set[int]:
    return set(Trademark.objects.in_force(on).values_list("pk", flat=True))


def days_around(day: dt.date, n: int = 4) -> list[dt.date]:
    return [day + k * DAY for k in range(-n, n + 1)]


def test_a_patent_is_in_force_on_the_day_before_its_expiry_date_and_not_on_it():
    patents = [patent(expiry=expiry) for expiry in EXPIRY]
    for p in patents:
        last = p.expiry_date - DAY
        assert rules.patent_in_force(p, last) and p.in_force(last) and p.pk in patents_in_force(last)
        assert not rules.patent_in_force(p, last + DAY) and not p.in_force(last + DAY)
        assert p.pk not in patents_in_force(last + DAY)
        for day in days_around(last):
            ids = {q.pk for q in patents}
            assert ids & patents_in_force(day) == {q.pk for q in patents if rules.patent_in_force(q, day)}, day


@pytest.mark.parametrize("paid_until", PAID_UNTIL, ids=str)
def test_a_patent_is_in_force_to_the_last_day_of_the_fee_grace_period_and_not_the_day_after(paid_until):
    p = patent(paid_until=paid_until)
    last = rules.annual_fee_lapse_date(paid_until)
    assert rules.annual_fee_state(p.legal_status, paid_until, last) == rules.FEE_OVERDUE
    assert rules.annual_fee_state(p.legal_status, paid_until, last + DAY) == rules.FEE_LAPSED
    assert rules.patent_in_force(p, last) and p.pk in patents_in_force(last)
    assert not rules.patent_in_force(p, last + DAY) and p.pk not in patents_in_force(last + DAY)


def test_the_fee_query_agrees_with_the_rule_on_every_day_around_each_grace_end():
    patents = [patent(paid_until=paid_until) for paid_until in PAID_UNTIL]
    ids = {p.pk for p in patents}
    for paid_until in PAID_UNTIL:
        for day in days_around(rules.annual_fee_lapse_date(paid_until)):
            assert ids & patents_in_force(day) == {p.pk for p in patents if rules.patent_in_force(p, day)}, day


def test_the_earliest_unlapsed_date_is_exactly_where_fees_stop_being_lapsed():
    for today in days_around(dt.date(2025, 8, 30), 40) + days_around(dt.date(2024, 3, 1), 40):
        cutoff = rules.earliest_unlapsed_paid_until(today)
        assert rules.annual_fee_state("granted", cutoff, today) != rules.FEE_LAPSED
        assert rules.annual_fee_state("granted", cutoff - DAY, today) == rules.FEE_LAPSED


def test_only_a_granted_patent_is_in_force_and_one_without_a_fee_date_is_not_refused_for_its_fees():
    on = dt.date(2026, 6, 1)
    granted = patent()
    no_fee_date = patent(paid_until=None)
    others = [patent(status=status) for status in ("pending", "lapsed", "expired", "invalidated")]
    assert patents_in_force(on) & {p.pk for p in [granted, no_fee_date, *others]} == {granted.pk, no_fee_date.pk}
    for p in [granted, no_fee_date, *others]:
        assert rules.patent_in_force(p, on) == (p.pk in patents_in_force(on))


def test_both_limits_at_once_and_the_default_day_is_today():
    on = dt.date(2026, 6, 1)
    both = patent(expiry=on + DAY, paid_until=on - rules.FEE_GRACE)  # last day of the term and of the grace
    assert rules.patent_in_force(both, on) and both.pk in patents_in_force(on)
    assert not rules.patent_in_force(both, on + DAY) and both.pk not in patents_in_force(on + DAY)
    fresh = PatentFactory()
    assert fresh.in_force() and Patent.objects.in_force().filter(pk=fresh.pk).exists()


@pytest.mark.parametrize("expiry", EXPIRY, ids=str)
def test_a_trademark_is_in_force_on_its_expiry_date_and_not_the_day_after(expiry):
    t = trademark(expiry=expiry)
    assert rules.trademark_in_force(t, expiry) and t.in_force(expiry) and t.pk in trademarks_in_force(expiry)
    assert not rules.trademark_in_force(t, expiry + DAY) and t.pk not in trademarks_in_force(expiry + DAY)


def test_a_trademark_in_its_renewal_grace_period_is_not_in_force_but_still_registered():
    t = trademark(expiry=dt.date(2026, 2, 28))
    grace_end = t.expiry_date + rules.RENEWAL_GRACE
    for day in (t.expiry_date + DAY, grace_end, grace_end + DAY):
        assert not rules.trademark_in_force(t, day) and t.pk not in trademarks_in_force(day)
    assert t.renewal_state(grace_end) == rules.RENEWAL_GRACE_PERIOD


def test_only_a_registered_trademark_is_in_force():
    on = dt.date(2026, 6, 1)
    registered = trademark()
    others = [trademark(status=status) for status in ("pending", "expired", "invalidated", "cancelled")]
    assert trademarks_in_force(on) & {t.pk for t in [registered, *others]} == {registered.pk}
    for t in [registered, *others]:
        assert rules.trademark_in_force(t, on) == (t.pk in trademarks_in_force(on))


def test_the_nightly_refresh_lapses_and_expires_on_the_rule_s_day_at_a_month_end():
    """31 August: fees paid until 28 February lapsed after 28 August; a mark that expired on 28 February is
    past its renewal grace after 28 August (subtracting six months from 29-31 August gives 28 February)."""
    p = patent(paid_until=dt.date(2025, 2, 28))
    t = trademark(expiry=dt.date(2025, 2, 28))
    assets_refresh_statuses(today=dt.date(2025, 8, 28))
    p.refresh_from_db()
    t.refresh_from_db()
    assert (p.legal_status, t.status) == ("granted", "registered")
    assert rules.trademark_renewal_state(t.expiry_date, dt.date(2025, 8, 29)) == rules.RENEWAL_TOO_LATE
    assets_refresh_statuses(today=dt.date(2025, 8, 29))
    p.refresh_from_db()
    t.refresh_from_db()
    assert (p.legal_status, t.status) == ("lapsed", "expired")
