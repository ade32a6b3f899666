"""Each table of the statistics page against known rows: what is counted, what is left out, exact figures."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cms.statistics import compute
from ipmarket.accounts.models import Organisation
from ipmarket.assets import rules
from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.models import Patent, Trademark
from ipmarket.market.models import Listing
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db

_serial = itertools.count(700000)


def today():
    return timezone.localdate()


def by_city(rows):
    return {r["city"]: r for r in rows}


def test_invention_patents_per_10k_residents_use_the_census_population_and_only_patents_in_force():
    ziyang = OrganisationFactory(city="资阳")
    chengdu = OrganisationFactory(city="成都")
    elsewhere = OrganisationFactory(city="攀枝花")  # not in the census file
    for _ in range(3):
        PatentFactory(owner=ziyang)
    PatentFactory(owner=chengdu)
    PatentFactory(owner=elsewhere)
    # Not counted: lapsed, pending, expired by term, fees unpaid past the grace period, not an invention.
    PatentFactory(owner=ziyang, legal_status="lapsed")
    PatentFactory(owner=ziyang, legal_status="pending", grant_date=None, annual_fee_paid_until=None)
    PatentFactory(owner=ziyang, filing_date=dt.date(2004, 1, 5), grant_date=dt.date(2006, 1, 5))  # term ended 2024
    PatentFactory(owner=ziyang, annual_fee_paid_until=today() - relativedelta(months=7))
    PatentFactory(
        owner=ziyang, patent_type="utility_model", application_number=make_application_number(2019, "2", next(_serial))
    )

    rows = compute.patents_by_city(today())
    cities = by_city(rows)

    assert cities["资阳"] == {"city": "资阳", "population": 2308631, "count": 3, "per_10k": "0.0130"}
    # 3 × 10,000 / 2,308,631 = 0.012995… → 0.0130
    assert Decimal(cities["资阳"]["per_10k"]) == (Decimal(30000) / Decimal(2308631)).quantize(Decimal("0.0001"))
    assert cities["成都"] == {"city": "成都", "population": 20937757, "count": 1, "per_10k": "0.0005"}
    assert cities["德阳"] == {"city": "德阳", "population": 3456161, "count": 0, "per_10k": "0.0000"}
    assert cities["攀枝花"] == {"city": "攀枝花", "population": None, "count": 1, "per_10k": None}
    assert len(rows) == 13  # the twelve census cities and the one outside it
    assert rows[0]["city"] == "资阳"  # highest ratio first


def test_fees_overdue_but_within_the_grace_period_still_count():
    PatentFactory(owner=OrganisationFactory(city="眉山"), annual_fee_paid_until=today() - relativedelta(months=2))
    assert by_city(compute.patents_by_city(today()))["眉山"]["count"] == 1


def test_valid_trademarks_are_registered_and_within_their_term():
    ziyang, chengdu = OrganisationFactory(city="资阳"), OrganisationFactory(city="成都")
    TrademarkFactory(owner=ziyang)
    TrademarkFactory(owner=ziyang)
    TrademarkFactory(owner=chengdu)
    TrademarkFactory(owner=ziyang, status="expired")
    TrademarkFactory(owner=ziyang, status="pending")
    TrademarkFactory(owner=ziyang, status="cancelled")
    TrademarkFactory(owner=chengdu, registration_date=today() - relativedelta(years=10, days=1))  # term over

    assert compute.trademarks_by_city(today()) == [{"city": "资阳", "count": 2}, {"city": "成都", "count": 1}]


def test_in_force_counts_an_asset_on_its_last_day_and_not_the_day_after():
    """The counting querysets agree with `rules` on each boundary day (patent term, fee grace, trademark expiry)."""
    day = dt.date(2027, 3, 15)  # mid-month: six months back and forth land on the same day of the month
    paid_far = dt.date(2040, 1, 1)

    def patent(expiry=None, paid_until=paid_far):
        p = PatentFactory(annual_fee_paid_until=paid_until)
        if expiry:
            Patent.objects.filter(pk=p.pk).update(expiry_date=expiry)
        return Patent.objects.get(pk=p.pk)

    def trademark(expiry):
        t = TrademarkFactory()
        Trademark.objects.filter(pk=t.pk).update(expiry_date=expiry)
        return Trademark.objects.get(pk=t.pk)

    patents = {
        "term_last_day": patent(expiry=day + dt.timedelta(days=1)),
        "term_ended": patent(expiry=day),
        "grace_last_day": patent(paid_until=day - rules.FEE_GRACE),
        "grace_ended": patent(paid_until=day - rules.FEE_GRACE - dt.timedelta(days=1)),
    }
    marks = {
        "expiry_day": trademark(day),
        "day_after_expiry": trademark(day - dt.timedelta(days=1)),
        "renewal_grace_last_day": trademark(day - rules.RENEWAL_GRACE),  # registered still, but not in force
    }
    counted = set(compute.invention_patents_in_force(day).values_list("pk", flat=True))
    assert {name for name, p in patents.items() if p.pk in counted} == {"term_last_day", "grace_last_day"}
    assert {name for name, p in patents.items() if rules.patent_in_force(p, day)} == {"term_last_day", "grace_last_day"}
    counted = set(compute.trademarks_in_force(day).values_list("pk", flat=True))
    assert {name for name, t in marks.items() if t.pk in counted} == {"expiry_day"}
    assert {name for name, t in marks.items() if rules.trademark_in_force(t, day)} == {"expiry_day"}


def test_listings_by_deal_type_and_status():
    ListingFactory(deal_type="assignment", status="published")
    ListingFactory(deal_type="assignment", status="published")
    ListingFactory(deal_type="assignment", status="closed")
    ListingFactory(deal_type="open_license", status="draft")
    ListingFactory(deal_type="sole_license", status="under_negotiation")  # one buyer's deal accepted

    counts = {(r["deal_type"], r["status"]): r["count"] for r in compute.listings_by_type_and_status()}
    assert counts == {
        ("assignment", "published"): 2,
        ("assignment", "closed"): 1,
        ("open_license", "draft"): 1,
        ("sole_license", "under_negotiation"): 1,
    }


def test_deals_by_deal_type_and_state(make_deal):
    assignment = ListingFactory(deal_type=Listing.DealType.ASSIGNMENT)
    licence = ListingFactory(deal_type=Listing.DealType.NON_EXCLUSIVE_LICENSE)
    make_deal(assignment, "released")
    make_deal(assignment, "cancelled")
    make_deal(licence, "released")
    make_deal(licence, "released")
    make_deal(licence, "paid")

    counts = {(r["deal_type"], r["state"]): r["count"] for r in compute.deals_by_type_and_state()}
    assert counts == {
        ("assignment", "released"): 1,
        ("assignment", "cancelled"): 1,
        ("non_exclusive_license", "released"): 2,
        ("non_exclusive_license", "paid"): 1,
    }


def test_applications_by_state_leave_drafts_out(make_loan):
    make_loan("draft")
    make_loan("submitted")
    make_loan("submitted")
    make_loan("rejected")
    make_loan("active", approved="1000000.00", covered="1000000.00", disbursed_on=today())

    assert compute.applications_by_state() == [
        {"state": "active", "count": 1},
        {"state": "rejected", "count": 1},
        {"state": "submitted", "count": 2},
    ]


def test_disbursed_amounts_are_the_approved_principal_of_loans_paid_out_by_month(make_loan):
    this_month = today().replace(day=1)
    last_month = this_month - relativedelta(months=1)
    make_loan("active", approved="1000000.50", covered="1000000.50", disbursed_on=this_month)
    make_loan("closed_repaid", approved="2000000.25", disbursed_on=this_month)  # repaid since: still disbursed
    make_loan("overdue", approved="500000.00", covered="500000.00", disbursed_on=last_month)
    make_loan("pledge_registered", approved="4000000.00", covered="4000000.00")  # approved, not paid out

    rows = compute.disbursed_by_month()

    assert rows == [
        {"month": last_month.strftime("%Y-%m"), "programme": "ziyang-ip-pledge", "loans": 1, "amount": "500000.00"},
        {"month": this_month.strftime("%Y-%m"), "programme": "ziyang-ip-pledge", "loans": 2, "amount": "3000000.75"},
    ]
    totals = compute.compute_figures(today())["totals"]
    assert totals["loans_disbursed"] == "3500000.75"
    assert totals["loans_disbursed_count"] == 3


def test_pool_exposure_against_capacity_counts_live_loans_only(make_loan):
    make_loan("fund_filed", approved="3000000.00", covered="3000000.00")
    make_loan("active", approved="2000000.00", covered="2000000.00", disbursed_on=today())
    make_loan("closed_repaid", approved="9000000.00", covered="9000000.00", disbursed_on=today())  # no longer live
    make_loan("bank_approved", approved="7000000.00")  # not yet filed with the fund

    [pool] = compute.programmes_standing()

    assert pool == {
        "slug": "ziyang-ip-pledge",
        "name": "资阳市知识产权质押融资风险补偿",
        "name_en": "Ziyang IP pledge risk compensation",
        "capacity": "50000000.00",
        "exposure": "5000000.00",
        "headroom": "45000000.00",
        "available": "5000000.00",
        "live_loans": 2,
        "used_percent": "10.0",
    }


def test_headline_totals(make_loan, make_deal):
    ziyang = OrganisationFactory(city="资阳")
    OrganisationFactory(is_active=False)  # hidden from the directory: not counted
    PatentFactory(owner=ziyang)
    TrademarkFactory(owner=ziyang)
    published = ListingFactory(status="published")
    ListingFactory(deal_type="assignment", status="under_negotiation")  # with its buyer's deal, accepted
    ListingFactory(status="draft")
    ListingFactory(status="withdrawn")
    make_deal(published, "released")
    make_deal(published, "negotiating")
    make_loan("draft")
    make_loan("submitted")

    figures = compute.compute_figures(today())
    totals = figures["totals"]

    assert totals["invention_patents"] == 1 + 4  # the listed patents are in force too
    assert totals["valid_trademarks"] == 1
    assert totals["published_listings"] == 2
    assert totals["deals_completed"] == 1
    assert totals["applications"] == 1
    assert totals["loans_disbursed"] == "0.00"
    assert totals["organisations"] == Organisation.objects.filter(is_active=True).count()
    assert figures["version"] == compute.VERSION
    assert figures["as_of"] == today().isoformat()
