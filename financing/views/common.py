"""What the financing pages share: the next step in words, and the figures (loan-to-value, pool standing)
shown on several pages. The actions, their words and the path are financing/workflow.py's."""

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ipmarket.core.errors import refusal_text
from ipmarket.core.money import cny, percent

from .. import guards, money, services
from ..models import Application

S = Application.State


def next_step(app: Application) -> str:
    """What the application waits for, in words (the workspace lists)."""
    state = app.state
    if state == S.VALUED:
        if app.proposed_by_id is None:
            return _("The bank's officer proposes the loan.")
        return _("A bank approver (not the proposer) decides.")
    steps = {
        S.DRAFT: _("The borrower submits it."),
        S.RETURNED: _("The borrower changes it and submits it again."),
        S.SUBMITTED: _("The platform pre-screens it."),
        S.PRESCREENED: _("The platform verifies the IP with CNIPA's register."),
        S.IP_VERIFIED: _("The appraiser values the IP."),
        S.BANK_APPROVED: _("The insurer underwrites the loan."),
        S.INSURED: _("The fund files the loan against its pool."),
        S.FUND_FILED: _("The borrower signs the contract."),
        S.CONTRACTED: _("The bank registers the pledge with CNIPA."),
        S.PLEDGE_REGISTERED: _("The bank disburses the loan."),
        S.ACTIVE: _("Repayments according to the schedule."),
        S.OVERDUE: _("Overdue: the instalments due must be paid."),
        S.DEFAULTED: _("The bank submits its claim before the deadline."),
        S.CLAIM_SUBMITTED: _("The fund settles the claim."),
        S.COMPENSATED: _("The bank disposes of the pledge and records recoveries."),
        S.IN_RECOVERY: _("The bank records recoveries, then closes the case."),
        S.CLOSED_REPAID: _("The bank releases the pledge."),
    }
    return steps.get(state, _("Nothing more: the case is finished."))


def programme_name(programme) -> str:
    """The programme's name in the active language (its Chinese name when no English one is set)."""
    if (get_language() or "").startswith("en") and programme.name_en:
        return programme.name_en
    return programme.name


def error_text(exc) -> str:
    """A refusal from a service, in words for the page."""
    return refusal_text(exc, lambda state: S(state).label if state in S.values else state)


# --- numbers shown on the pages -------------------------------------------------------------------


def ltv_figures(app: Application) -> dict:
    """The loan-to-value computation, per pledged asset: cap × appraised value, the programme maximum and
    the resulting limit. Reads only the prefetched assets, so a list of applications costs no query per row;
    the sum is `guards.ltv_limit`'s (the strictest cap on the whole value when per-asset values are missing)."""
    programme = app.programme
    items = list(app.assets.all())
    rows, parts = [], []
    for item in items:
        cap = programme.ltv_for(item.kind)
        part = money.round_cents(cap * item.appraised_value) if item.appraised_value is not None else None
        parts.append(part)
        rows.append({"asset": item.asset, "cap": percent(cap), "value": cny(item.appraised_value), "limit": cny(part)})
    per_asset = bool(items) and None not in parts
    strictest = min((programme.ltv_for(i.kind) for i in items), default=Decimal("0"))
    valued = per_asset or app.appraised_value is not None
    ltv = guards.ltv_limit(app) if valued else None
    maximum = programme.max_principal.amount
    return {
        "rows": rows,
        "per_asset": per_asset,
        "strictest": percent(strictest),
        "valued": ltv is not None,
        "whole_value": cny(app.appraised_value),
        "ltv": cny(ltv) if ltv is not None else "",
        "programme_max": cny(maximum),
        "limit_amount": min(maximum, ltv) if ltv is not None else None,
        "limit": cny(min(maximum, ltv)) if ltv is not None else "",
    }


def list_row(app: Application, *, ltv: bool = False) -> Application:
    """An application of a workspace list, with what the row shows."""
    app.state_label = app.get_state_display()
    app.next_step = next_step(app)
    if ltv:
        app.ltv = ltv_figures(app)
    app.alert_list = list(app.alerts.all())
    return app


def pool_figures(programme) -> dict:
    standing = services.pool_standing(programme)
    capacity, exposure = standing["capacity"], standing["exposure"]
    balance = programme.pool_balance.amount
    if capacity:
        used = (exposure * 100 / capacity).quantize(Decimal("0.1"))
    else:  # nothing left in the pool: whatever is still covered is over its capacity
        used = Decimal("100.0") if exposure else Decimal("0")
    return {
        "programme": programme,
        "name": programme_name(programme),
        "raw": standing,
        "capacity": cny(capacity),
        "exposure": cny(exposure),
        "headroom": cny(standing["headroom"]),
        "available": cny(standing["available"]),
        "balance": cny(balance),
        "leverage": f"{programme.pool_leverage.normalize():f}",
        "claims_paid": cny(standing["claims_paid"]),
        "recovered": cny(standing["recovered"]),
        "live_loans": standing["live_loans"],
        "used_percent": used,
    }
