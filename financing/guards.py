"""The guards of the loan workflow (listed with their codes in docs/domain.md): each returns a GuardFailed
(code + reason) or None, so the API answers 400 with the code and the workspaces grey out a button with the
same reason."""

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.assets import rules
from ipmarket.core.errors import Conflict, GuardFailed
from ipmarket.core.money import cny, percent

from . import money, pool, valuations
from .models import Application, ApplicationAsset, Document, Programme, ValuationReport

S = Application.State
REPORT_MAX_AGE = relativedelta(months=12)


def eligibility_refusal(app: Application) -> GuardFailed | None:
    """submit: the programme is open to this enterprise and the request fits its limits."""
    programme = app.programme
    if not programme.is_active:
        return GuardFailed("programme_closed", _("This programme is not open for applications."))
    if app.applicant.kind != "enterprise":
        return GuardFailed("not_enterprise", _("Only enterprises apply for pledge loans."))
    if programme.eligible_cities and app.applicant.city not in programme.eligible_cities:
        return GuardFailed(
            "not_eligible",
            _("This programme is for enterprises in %(cities)s.") % {"cities": "、".join(programme.eligible_cities)},
        )
    if app.principal.amount > programme.max_principal.amount:
        return GuardFailed(
            "principal_above_programme_max",
            _("The programme lends at most %(max)s per borrower.") % {"max": cny(programme.max_principal.amount)},
        )
    if app.term_months > programme.max_term_months:
        return GuardFailed(
            "term_too_long",
            _("The programme's longest term is %(n)s months.") % {"n": programme.max_term_months},
        )
    if app.annual_rate > programme.max_annual_rate:
        return GuardFailed(
            "rate_above_cap",
            _("The programme caps the annual rate at %(cap)s.") % {"cap": percent(programme.max_annual_rate)},
        )
    parties = {
        "lender": ("bank", _("The lender named is not a bank.")),
        "insurer": ("insurer", _("The insurer named is not an insurance company.")),
        "appraiser": ("appraiser", _("The appraiser named is not an appraisal firm.")),
    }
    for field, (kind, message) in parties.items():
        if getattr(app, field).kind != kind:
            return GuardFailed("wrong_party", message)
    if not app.assets.exists():
        return GuardFailed("no_assets", _("Pledge at least one patent or trademark."))
    return ownership_refusal(app)


def ownership_refusal(app: Application) -> GuardFailed | None:
    for item in app.assets.select_related("patent", "trademark"):
        if item.asset.owner_id != app.applicant_id:
            return GuardFailed(
                "not_owner", _("%(asset)s is not owned by the borrowing enterprise.") % {"asset": item.asset}
            )
    return None


def maturity_of(app: Application, start: date) -> date:
    return start + relativedelta(months=app.term_months)


def verify_ip_refusal(app: Application, today: date) -> GuardFailed | None:
    """CNIPA pre-check of every pledged asset."""
    maturity = maturity_of(app, today)
    co_owner_consent = app.documents.filter(kind=Document.Kind.CO_OWNER_CONSENT).exists()
    for item in app.assets.select_related("patent", "trademark"):
        asset = item.asset
        label = str(asset)
        if asset.asset_type == "patent":
            if asset.legal_status == "invalidated":
                return GuardFailed("asset_invalidated", _("%(asset)s has been invalidated.") % {"asset": label})
            if asset.legal_status == "lapsed" or (
                rules.annual_fee_state(asset.legal_status, asset.annual_fee_paid_until, today) == rules.FEE_LAPSED
            ):
                return GuardFailed("asset_lapsed", _("%(asset)s has lapsed: annual fees unpaid.") % {"asset": label})
            if asset.legal_status != "granted":
                return GuardFailed(
                    "asset_not_granted",
                    _("%(asset)s is not a granted patent in force (%(status)s).")
                    % {"asset": label, "status": asset.get_legal_status_display()},
                )
        elif asset.status == "invalidated":
            return GuardFailed("asset_invalidated", _("%(asset)s has been invalidated.") % {"asset": label})
        elif asset.status != "registered":
            return GuardFailed(
                "asset_not_registered",
                _("%(asset)s is not a registered trademark in force (%(status)s).")
                % {"asset": label, "status": asset.get_status_display()},
            )
        if asset.ownership_disputed:
            return GuardFailed(
                "ownership_disputed", _("The ownership of %(asset)s is under dispute.") % {"asset": label}
            )
        if asset.pledged:
            return GuardFailed("already_pledged", _("%(asset)s is already pledged.") % {"asset": label})
        if not rules.outlasts(asset, maturity):
            return GuardFailed(
                "expires_before_maturity",
                _("%(asset)s expires on %(expiry)s, before the loan would mature (%(maturity)s).")
                % {"asset": label, "expiry": asset.expiry_date, "maturity": maturity},
            )
        if asset.co_owners.exists() and not co_owner_consent:
            return GuardFailed(
                "co_owners_required",
                _("%(asset)s is co-owned: upload the co-owners' written consent to pledge it.") % {"asset": label},
            )
    return ownership_refusal(app)


def valuation_refusal(app: Application, report_date: date | None, today: date) -> GuardFailed | None:
    reports = app.documents.filter(kind=Document.Kind.VALUATION_REPORT)
    if not reports.exists():
        return GuardFailed("valuation_report_required", _("Upload the valuation report first."))
    if report_date is not None and not reports.filter(report_date=report_date).exists():
        # The date is that of a report on file, never one typed over an older report.
        return GuardFailed(
            "valuation_report_required", _("Upload the valuation report dated %(date)s first.") % {"date": report_date}
        )
    if report_date is None or report_date > today or report_date < today - REPORT_MAX_AGE:
        return GuardFailed(
            "valuation_report_too_old", _("The valuation report must be dated within the last 12 months.")
        )
    return None


def reuse_refusal(app: Application, report: ValuationReport | None, today: date) -> GuardFailed | None:
    """value by reuse: a report of one of the caller's organisations (else `valuation_not_found`), made by the
    application's appraiser for its programme, on exactly the pledged assets, valid today, its appraiser on
    the programme's panel today."""
    if report is None:
        return GuardFailed("valuation_not_found", _("There is no such valuation report of your firm."))
    if report.appraiser_id != app.appraiser_id:
        return GuardFailed(
            "valuation_other_appraiser", _("The report is not by the appraiser named on the application.")
        )
    if report.programme_id != app.programme_id:
        return GuardFailed("valuation_other_programme", _("The report was made for another programme's panel."))
    if not valuations.same_assets(valuations.report_keys(report), valuations.application_keys(app)):
        return GuardFailed(
            "valuation_assets_differ", _("The report values other assets than those pledged by this application.")
        )
    if refusal := valuations.report_validity_refusal(report.valid_until, today):
        return refusal
    if report.value_date > today or report.value_date < today - REPORT_MAX_AGE:
        return GuardFailed(
            "valuation_report_too_old", _("The valuation report must be dated within the last 12 months.")
        )
    if not valuations.on_panel(app.programme_id, report.appraiser_id, today):
        return valuations.not_on_panel()
    return None


def ltv_limit(app: Application) -> Decimal:
    """Σ LTV cap × appraised value over the pledged assets (the whole appraised value at the strictest
    cap when values per asset are not given)."""
    items = list(app.assets.all())  # prefetched by the selectors; loads each asset otherwise
    programme: Programme = app.programme
    if items and all(i.appraised_value is not None for i in items):
        return sum((money.round_cents(programme.ltv_for(i.kind) * i.appraised_value) for i in items), Decimal("0"))
    if app.appraised_value is None:
        return Decimal("0")
    strictest = min((programme.ltv_for(i.kind) for i in items), default=Decimal("0"))
    return money.round_cents(strictest * app.appraised_value.amount)


def loan_terms_refusal(
    app: Application, principal: Decimal, rate: Decimal, today: date | None = None
) -> GuardFailed | None:
    """bank_propose / bank_approve: the value is that of a valid panel report (valid today, its appraiser on the
    panel today); principal ≤ min(programme max, Σ LTV × value); rate ≤ cap; term ≤ max."""
    programme = app.programme
    if refusal := valuations.panel_report_refusal(app, today or timezone.localdate()):
        return refusal
    limit = min(programme.max_principal.amount, ltv_limit(app))
    if principal <= 0:
        return GuardFailed("principal_required", _("Give a positive principal."))
    if principal > limit:
        return GuardFailed(
            "principal_above_ltv",
            _(
                "The principal may be at most %(limit)s: the lesser of the programme maximum and the loan-to-value "
                "limit of the appraised IP."
            )
            % {"limit": cny(limit)},
        )
    if rate > programme.max_annual_rate:
        return GuardFailed(
            "rate_above_cap",
            _("The programme caps the annual rate at %(cap)s.") % {"cap": percent(programme.max_annual_rate)},
        )
    if app.term_months > programme.max_term_months:
        return GuardFailed(
            "term_too_long", _("The programme's longest term is %(n)s months.") % {"n": programme.max_term_months}
        )
    return None


def approval_refusal(app: Application, user, terms=None) -> GuardFailed | Conflict | None:
    """bank_approve: a proposal by another person, whose terms (principal, rate, IP share or None) are those the
    approver decides on, and still within the programme's limits. Without `terms` (a page greying out its
    button) the compare-and-set is left out."""
    if app.proposed_by_id is None:
        return GuardFailed("no_proposal", _("A bank officer proposes the loan before it is approved."))
    if app.proposed_by_id == user.pk:
        return GuardFailed("approver_is_proposer", _("The approver must be a different person from the proposer."))
    if terms is not None and (conflict := proposal_conflict(app, *terms)):
        return conflict
    return loan_terms_refusal(app, app.proposed_principal.amount, app.proposed_rate)


def proposal_conflict(app: Application, principal: Decimal, rate: Decimal, ip_share: Decimal | None) -> Conflict | None:
    """The terms the approver saw must be the current proposal (compare-and-set). An IP share not sent is the
    default of a proposal, 1: an approver who was not shown a smaller share does not approve it."""
    proposed_share = app.proposed_ip_share if app.proposed_ip_share is not None else app.ip_share
    current = (app.proposed_principal.amount, app.proposed_rate, proposed_share)
    if (principal, rate, Decimal("1") if ip_share is None else ip_share) == current:
        return None
    return Conflict(
        "proposal_changed",
        _(
            "The proposal changed since you saw it: it is now %(principal)s at %(rate)s, IP share %(share)s. "
            "Review the new terms before deciding."
        )
        % {"principal": cny(current[0]), "rate": percent(current[1]), "share": percent(current[2])},
    )


def premium_refusal(app: Application, premium_rate: Decimal) -> GuardFailed | None:
    if premium_rate < 0 or premium_rate > app.programme.premium_rate_cap:
        return GuardFailed(
            "premium_above_cap",
            _("The premium may be at most %(cap)s a year.") % {"cap": percent(app.programme.premium_rate_cap)},
        )
    return None


def loss_terms(app: Application) -> dict:
    """The loss-sharing terms of the loan: those frozen on the application when the bank approved it, the
    programme's current ones before."""
    programme, frozen = app.programme, app.approved_by_id is not None and app.fund_ratio is not None
    if not frozen:
        return {
            "fund_ratio": programme.fund_ratio,
            "insurer_ratio": programme.insurer_ratio,
            "fund_cap": programme.fund_cap_per_loan.amount,
            "programme_policy_limit": _amount(programme.insurer_policy_limit),
        }
    return {
        "fund_ratio": app.fund_ratio,
        "insurer_ratio": app.insurer_ratio,
        "fund_cap": app.fund_cap_per_loan.amount,
        "programme_policy_limit": _amount(app.programme_policy_limit),
    }


def _amount(value) -> Decimal | None:
    return value.amount if value is not None else None


def minimum_policy_limit(app: Application) -> Decimal:
    """The least policy limit that keeps the insurer's share where the programme puts it: the insurer's ratio
    of the largest loss base (approved principal × IP share), or the programme's own limit when lower."""
    terms = loss_terms(app)
    promised = money.round_cents(terms["insurer_ratio"] * app.approved_principal.amount * app.ip_share)
    limit = terms["programme_policy_limit"]
    return promised if limit is None else min(promised, limit)


def policy_limit_refusal(app: Application, policy_limit: Decimal | None) -> GuardFailed | None:
    """underwrite: a policy limit (None: no limit) may not cut the insurer's share below the programme's."""
    if policy_limit is None:
        return None
    minimum = minimum_policy_limit(app)
    if policy_limit <= 0 or policy_limit < minimum:
        return GuardFailed(
            "policy_limit_below_programme",
            _(
                "The policy limit may not be below %(min)s: the insurer's share of the largest loss this loan can "
                "leave, or the programme's limit."
            )
            % {"min": cny(max(minimum, Decimal("0.01")))},
        )
    return None


def pool_exposure(programme: Programme) -> Decimal:
    """Covered principal of all live loans in the pool (financing/pool.py)."""
    return pool.exposure(programme)


def pool_headroom(programme: Programme) -> Decimal:
    """What new filings may use: the money left × leverage − covered principal of live loans (financing/pool.py)."""
    return pool.headroom(programme)


def headroom_refusal(app: Application) -> GuardFailed | None:
    headroom = pool_headroom(app.programme)
    if app.approved_principal.amount > headroom:
        return GuardFailed(
            "pool_headroom_exceeded",
            _("The pool's headroom (%(headroom)s) does not cover this loan's principal.")
            % {"headroom": cny(max(headroom, Decimal("0")))},
        )
    return None


def registration_refusal(number: str) -> GuardFailed | None:
    if not (number or "").strip() or len(number.strip()) > 64:
        return GuardFailed(
            "registration_number_required", _("Enter the CNIPA pledge registration number (up to 64 characters).")
        )
    return None


def disbursement_refusal(app: Application) -> GuardFailed | None:
    """disburse needs the loan insured, filed with the fund and the pledge registered."""
    if app.premium_rate is None:
        return GuardFailed("not_insured", _("The loan is not insured yet."))
    if app.covered_principal is None:
        return GuardFailed("not_fund_filed", _("The loan is not filed with the risk-compensation fund yet."))
    if not app.registration_number:
        return GuardFailed("pledge_not_registered", _("The pledge is not registered yet."))
    return None


def default_refusal(app: Application, days_past_due: int) -> GuardFailed | None:
    if days_past_due < app.programme.default_after_days:
        return GuardFailed(
            "not_yet_in_default",
            _("A loan defaults %(n)s days past due; this one is %(days)s days past due.")
            % {"n": app.programme.default_after_days, "days": days_past_due},
        )
    return None


def claim_deadline_refusal(app: Application, today: date) -> GuardFailed | None:
    if app.claim_deadline is None or today > app.claim_deadline:
        return GuardFailed(
            "claim_deadline_passed",
            _("The claim deadline (%(deadline)s) has passed.") % {"deadline": app.claim_deadline},
        )
    return None


def asset_items(app: Application):
    return list(ApplicationAsset.objects.filter(application=app).select_related("patent", "trademark"))
