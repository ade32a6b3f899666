"""Fixtures of the subsidy tests: the parties and programme of tests/financing/conftest.py, and `loan`, a
disbursed loan moved back in time whose first instalments are repaid through the real services (on their due
dates, or late), with its subsidies computed."""

from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from financing import services as financing
from financing.models import RepaymentPeriod
from financing.subsidies.services import subsidies_compute
from tests.financing.conftest import (  # noqa: F401 (fixtures)
    make_app,
    outsiders,
    parties,
    private_media,
    programme,
    shift_loan,
)
from tests.financing.factories import fresh, today

SUBSIDIES = "/api/v1/financing/subsidies/"


def repay(app, officer, *, periods=(), late=()):
    """Pay each of `periods` in full on its due date (or, for those in `late`, two days after it: late for the
    subsidy, within the programme's three days of grace, so no penalty interest is owed)."""
    for number in periods:
        period = RepaymentPeriod.objects.get(application=app, period=number)
        paid_on = period.due_date + relativedelta(days=2 if number in late else 0)
        owed = period.principal + period.interest - period.paid_principal - period.paid_interest
        financing.application_record_repayment(application=app, by=officer, amount=owed, paid_on=paid_on)


@pytest.fixture
def loan(parties, make_app):  # noqa: F811 (the fixtures imported above)
    """`loan(paid=(1, 2, 3), late=(), months_ago=4, compute=True, **options)`: a 12-month equal-principal loan of
    5,000,000 at 4.5 % insured at 2 % (premium 100,000.00), disbursed `months_ago` months ago."""

    def make(paid=(1, 2, 3), late=(), months_ago=4, compute=True, **options):
        options = {"principal": "5000000", "premium_rate": "0.02", **options}
        app = make_app("active", **options)
        app = shift_loan(app, today() - relativedelta(months=months_ago))
        repay(app, parties.officer, periods=paid, late=late)
        if compute:
            subsidies_compute(application=app)
        return fresh(app)

    return make


def amounts(qs) -> list[Decimal]:
    return [s.amount for s in qs.order_by("kind", "period")]
