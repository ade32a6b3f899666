"""The worlds the matrix runs its requests against: an application in one state, a listing and deal in one
state, assets and organisations. Each is made once through the real services (the way the parties get there),
inside a transaction that the fixture rolls back when its cases are done (tests/access/conftest.py)."""

from decimal import Decimal
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from djmoney.money import Money

from financing import services as financing
from financing.models import Application, Programme
from ipmarket.assets.services import asset_pledge
from ipmarket.market import services as market
from ipmarket.market.models import Deal, Listing
from ipmarket.payments.handlers import payment_intent_succeeded
from ipmarket.payments.services import payout_account_set
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.financing.conftest import PATH, Steps, fresh, shift_loan, today, upload
from tests.payments.conftest import payment_intent

from .people import E1, E2, demo_people

S = Application.State

# --- pledge-loan applications -------------------------------------------------------------------------------


def _report(p, app):
    financing.document_upload(
        application=app,
        by=p.valuer,
        kind="valuation_report",
        upload=upload(),
        report_date=today() - relativedelta(days=30),
    )


def _propose(p, app):
    financing.application_bank_propose(
        application=app, by=p.officer, principal=app.principal.amount, annual_rate=app.annual_rate
    )


def _late(months, days=0):
    """The first instalment fell due `months` months (and `days` days) before a month ago; the nightly job ran."""

    def step(p, app):
        shift_loan(app, today() - relativedelta(months=months, days=days))
        financing.loans_check_overdue(today=today())

    return step


def _by(service, person, **kwargs):
    return lambda p, app: getattr(financing, service)(application=app, by=getattr(p, person), **kwargs)


_default = _late(5)  # first instalment four months past due: defaulted by the nightly job
_claim = _by("application_submit_claim", "officer")
_settle = _by("application_settle_claim", "fund_person")


def _repaid(p, app):
    """Everything repaid on the day of disbursement: the loan closes."""
    financing.application_record_repayment(application=app, by=p.officer, amount=Decimal("3000000"), paid_on=today())


# world → (the state of the happy path it starts from, the steps after it, the state it ends in)
FINANCING_WORLDS = {
    "draft": ("draft", [], S.DRAFT),
    "submitted": ("submitted", [], S.SUBMITTED),
    "prescreened": ("prescreened", [], S.PRESCREENED),
    "ip_verified": ("ip_verified", [_report], S.IP_VERIFIED),
    "valued": ("valued", [], S.VALUED),
    "valued_proposed": ("valued", [_propose], S.VALUED),
    "bank_approved": ("bank_approved", [], S.BANK_APPROVED),
    "insured": ("insured", [], S.INSURED),
    "fund_filed": ("fund_filed", [], S.FUND_FILED),
    "contracted": ("contracted", [], S.CONTRACTED),
    "pledge_registered": ("pledge_registered", [], S.PLEDGE_REGISTERED),
    "active": ("active", [], S.ACTIVE),
    "overdue": ("active", [_late(1, days=10)], S.OVERDUE),
    "defaulted": ("active", [_default], S.DEFAULTED),
    "claim_submitted": ("active", [_default, _claim], S.CLAIM_SUBMITTED),
    "claim_rejected": ("active", [_default, _claim, _by("application_reject", "fund_person")], S.CLAIM_REJECTED),
    "compensated": ("active", [_default, _claim, _settle], S.COMPENSATED),
    "in_recovery": (
        "active",
        [_default, _claim, _settle, _by("application_record_recovery", "officer", amount=Decimal("1000"))],
        S.IN_RECOVERY,
    ),
    "closed_loss": ("active", [_default, _claim, _settle, _by("application_close", "officer")], S.CLOSED_LOSS),
    "closed_repaid": ("active", [_repaid], S.CLOSED_REPAID),
    "pledge_released": ("active", [_repaid, _by("application_release_pledge", "officer")], S.PLEDGE_RELEASED),
    "returned": ("submitted", [_by("application_return", "platform")], S.RETURNED),
    "rejected": ("submitted", [_by("application_reject", "platform")], S.REJECTED),
    "withdrawn": ("submitted", [_by("application_withdraw", "owner")], S.WITHDRAWN),
    "withdrawn_draft": ("draft", [_by("application_withdraw", "owner")], S.WITHDRAWN),  # never submitted
}
NEVER_SUBMITTED = {"draft", "withdrawn_draft"}


def build_application(name: str) -> SimpleNamespace:
    """The demo people and an application of enterprise1's enterprise (lender bank A) in the world `name`, with
    an identity document uploaded by the borrower while it was a draft."""
    orgs, users, p = demo_people()
    programme = Programme.objects.create(
        slug="ziyang-ip-pledge", name="资阳市知识产权质押融资风险补偿", risk_fund=orgs.fund, eligible_cities=["资阳"]
    )
    app = financing.application_create(
        by=p.owner,
        programme=programme,
        assets=[PatentFactory(owner=orgs.enterprise_a)],
        principal=Decimal("3000000"),
        annual_rate=Decimal("0.045"),
        term_months=12,
        method="equal_principal",
        lender=orgs.bank_a,
        insurer=orgs.insurer,
        appraiser=orgs.appraiser,
    )
    document = financing.document_upload(
        application=app, by=p.owner, kind="identity", upload=upload(name="营业执照.pdf")
    )
    start, extra, state = FINANCING_WORLDS[name]
    steps = Steps(p)
    for step in PATH[1 : PATH.index(start) + 1]:
        getattr(steps, step)(app)
        app = fresh(app)
    for step in extra:
        step(p, app)
        app = fresh(app)
    assert app.state == state, (name, app.state)
    return SimpleNamespace(
        name=name, state=app.state, submitted=name not in NEVER_SUBMITTED, app=app, document=document, users=users
    )


# --- the marketplace ----------------------------------------------------------------------------------------

PRICE = Money("500000.00", "CNY")


def _publish(w):
    market.listing_publish(listing=w.listing, by=w.users[E1])


def _inquire(w):
    w.deal = market.inquiry_create(listing=w.listing, by=w.users[E2], message="我们希望受让该专利。").deal


def _accept(w):
    market.deal_accept(deal=w.deal, by=w.users[E1], price=w.deal.price)


def _pay(w):
    """The buyer pays (a PaymentIntent at stripe-mock) and Stripe's `payment_intent.succeeded` is handled."""
    market.deal_pay(deal=w.deal, by=w.users[E2])
    assert payment_intent_succeeded(payment_intent(Deal.objects.get(pk=w.deal.pk))) == []


def _record(w):
    market.deal_confirm_recordal(deal=w.deal, by=w.users[E1], recordal_number="ZL2026000001")
    payout_account_set(organisation=w.orgs.enterprise_a, stripe_account_id="acct_matrix1", by=w.users[E1])


def _release(w):
    market.deal_release(deal=w.deal, by=w.users[E2])


def _cancel(w):
    market.deal_cancel(deal=w.deal, by=w.users[E2])


def _withdraw(w):
    market.listing_withdraw(listing=w.listing, by=w.users[E1])


def _unlist_seller(w):
    w.orgs.enterprise_a.is_active = False
    w.orgs.enterprise_a.save(update_fields=["is_active"])


L, D = Listing.Status, Deal.State
_DEAL = [_publish, _inquire]
# world → (steps, listing status, deal state or None): an assignment of enterprise1's patent; enterprise2 buys.
MARKET_WORLDS = {
    "listing_draft": ([], L.DRAFT, None),
    "listing_published": ([_publish], L.PUBLISHED, None),
    "listing_of_unlisted_seller": ([_publish, _unlist_seller], L.PUBLISHED, None),
    "listing_withdrawn": ([_publish, _withdraw], L.WITHDRAWN, None),
    "deal_negotiating": (_DEAL, L.PUBLISHED, D.NEGOTIATING),
    "deal_accepted": ([*_DEAL, _accept], L.UNDER_NEGOTIATION, D.ACCEPTED),
    "deal_paid": ([*_DEAL, _accept, _pay], L.UNDER_NEGOTIATION, D.PAID),
    "deal_recorded": ([*_DEAL, _accept, _pay, _record], L.CLOSED, D.RECORDED),
    "deal_released": ([*_DEAL, _accept, _pay, _record, _release], L.CLOSED, D.RELEASED),
    "deal_cancelled": ([*_DEAL, _cancel], L.PUBLISHED, D.CANCELLED),
    "deal_refunded": ([*_DEAL, _accept, _pay, _cancel], L.PUBLISHED, D.REFUNDED),
}


def build_market(name: str) -> SimpleNamespace:
    orgs, users, _p = demo_people()
    patent = PatentFactory(owner=orgs.enterprise_a)
    listing = market.listing_create(by=users[E1], asset=patent, deal_type="assignment", price=PRICE)
    w = SimpleNamespace(name=name, orgs=orgs, users=users, listing=listing, deal=None)
    steps, status, state = MARKET_WORLDS[name]
    for step in steps:
        step(w)
    w.listing = Listing.objects.select_related("seller").get(pk=listing.pk)
    w.deal = Deal.objects.get(pk=w.deal.pk) if w.deal else None
    assert w.listing.status == status, (name, w.listing.status)
    assert (w.deal.state if w.deal else None) == state, (name, w.deal)
    return w


# --- patents and organisations ------------------------------------------------------------------------------


def build_assets() -> SimpleNamespace:
    """enterprise1's patent (free), enterprise1's patent pledged to bank A, and a patent of enterprise3's unlisted
    enterprise; the organisations of enterprise1 (listed) and enterprise3 (unlisted)."""
    orgs, users, _p = demo_people()
    pledged = PatentFactory(owner=orgs.enterprise_a)
    asset_pledge(asset=pledged, pledgee=orgs.bank_a)
    return SimpleNamespace(
        users=users,
        orgs=orgs,
        patents={
            "free": PatentFactory(owner=orgs.enterprise_a),
            "pledged": pledged,
            "of_unlisted_owner": PatentFactory(owner=orgs.enterprise_c),
        },
        trademarks=_renewable_trademarks(orgs),
    )


def _renewable_trademarks(orgs) -> dict:
    """Trademarks in their renewal window (expiring in 60 days), as the patents: free, pledged, unlisted owner's."""
    registered = today() + relativedelta(days=60) - relativedelta(years=10)
    pledged = TrademarkFactory(owner=orgs.enterprise_a, registration_date=registered)
    asset_pledge(asset=pledged, pledgee=orgs.bank_a)
    return {
        "free": TrademarkFactory(owner=orgs.enterprise_a, registration_date=registered),
        "pledged": pledged,
        "of_unlisted_owner": TrademarkFactory(owner=orgs.enterprise_c, registration_date=registered),
    }
