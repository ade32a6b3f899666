"""What the financing pages share: the words for states and actions, the path of the state machine, and
the figures (loan-to-value, pool standing) shown on several pages."""

from decimal import Decimal

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ipmarket.core.errors import refusal_text
from ipmarket.core.money import cny

from .. import guards, money, services
from ..forms import percent
from ..models import Application

S = Application.State

# --- words -----------------------------------------------------------------------------------------

ACTION_LABELS = {
    "submit": gettext_lazy("Submit the application"),
    "prescreen": gettext_lazy("Pass the pre-screening"),
    "return": gettext_lazy("Return for changes"),
    "reject": gettext_lazy("Reject the application"),
    "withdraw": gettext_lazy("Withdraw the application"),
    "verify_ip": gettext_lazy("Confirm the IP against CNIPA's register"),
    "value": gettext_lazy("Record the valuation"),
    "bank_propose": gettext_lazy("Propose the loan"),
    "bank_approve": gettext_lazy("Approve the loan"),
    "underwrite": gettext_lazy("Underwrite the loan"),
    "fund_file": gettext_lazy("File the loan against the pool"),
    "sign_contract": gettext_lazy("Sign the contract"),
    "register_pledge": gettext_lazy("Record the pledge registration"),
    "disburse": gettext_lazy("Disburse the loan"),
    "record_repayment": gettext_lazy("Record a repayment"),
    "mark_default": gettext_lazy("Record the default"),
    "submit_claim": gettext_lazy("Submit the claim"),
    "settle_claim": gettext_lazy("Settle the claim"),
    "record_recovery": gettext_lazy("Record a recovery"),
    "close": gettext_lazy("Close the case"),
    "release_pledge": gettext_lazy("Release the pledge"),
}
DONE = {  # the message after an action succeeded
    "submit": gettext_lazy("The application is submitted: the platform pre-screens it next."),
    "prescreen": gettext_lazy("Pre-screening passed: the IP is verified next."),
    "return": gettext_lazy("The application is returned to the borrower for changes."),
    "reject": gettext_lazy("The application is rejected."),
    "withdraw": gettext_lazy("The application is withdrawn."),
    "verify_ip": gettext_lazy("The pledged IP is verified: the appraiser values it next."),
    "value": gettext_lazy("The valuation is recorded: the bank reviews the application next."),
    "bank_propose": gettext_lazy("The proposal is recorded: another person of the bank approves it."),
    "bank_approve": gettext_lazy("The loan is approved: the insurer underwrites it next."),
    "underwrite": gettext_lazy("The loan is insured: the fund files it next."),
    "fund_file": gettext_lazy("The loan is filed against the pool: the borrower signs the contract next."),
    "sign_contract": gettext_lazy("The contract is signed: the bank registers the pledge next."),
    "register_pledge": gettext_lazy("The pledge registration is recorded: the bank disburses next."),
    "disburse": gettext_lazy("The loan is disbursed: the repayment schedule is below."),
    "record_repayment": gettext_lazy("The repayment is recorded."),
    "mark_default": gettext_lazy("The default is recorded: the bank claims next, before the deadline."),
    "submit_claim": gettext_lazy("The claim is submitted: the fund settles it next."),
    "settle_claim": gettext_lazy("The claim is settled: the shares of the loss are below."),
    "record_recovery": gettext_lazy("The recovery is recorded and shared back."),
    "close": gettext_lazy("The case is closed."),
    "release_pledge": gettext_lazy("The pledge is released: the IP is free again."),
}
WAITING = {  # why an action is not possible yet: the application is earlier in its path
    "submit": gettext_lazy("Possible once the application is a draft again."),
    "prescreen": gettext_lazy("Possible once the application is submitted."),
    "verify_ip": gettext_lazy("Possible once the application has passed pre-screening."),
    "value": gettext_lazy("Possible once the pledged IP is verified."),
    "bank_propose": gettext_lazy("Possible once the IP is valued."),
    "bank_approve": gettext_lazy("Possible once the IP is valued and an officer has proposed the loan."),
    "underwrite": gettext_lazy("Possible once the bank has approved the loan."),
    "fund_file": gettext_lazy("Possible once the loan is insured."),
    "sign_contract": gettext_lazy("Possible once the fund has filed the loan."),
    "register_pledge": gettext_lazy("Possible once the contract is signed."),
    "disburse": gettext_lazy("Possible once the pledge is registered."),
    "record_repayment": gettext_lazy("Possible once the loan is disbursed."),
    "mark_default": gettext_lazy("Possible once the loan is overdue."),
    "submit_claim": gettext_lazy("Possible once a default is recorded."),
    "settle_claim": gettext_lazy("Possible once the bank has submitted its claim."),
    "record_recovery": gettext_lazy("Possible once the claim is settled."),
    "close": gettext_lazy("Possible once the claim is settled."),
    "release_pledge": gettext_lazy("Possible once the loan is repaid."),
}
CONFIRM = {  # destructive actions ask first
    "reject": gettext_lazy("Reject this application? This cannot be undone."),
    "withdraw": gettext_lazy("Withdraw this application? This cannot be undone."),
    "mark_default": gettext_lazy("Record the default of this loan? The claim deadline starts today."),
    "close": gettext_lazy("Close this case with a loss? No more recoveries can be recorded."),
}
EVENT_LABELS = {
    "create": gettext_lazy("Created"),
    "edit": gettext_lazy("Edited"),
    "mark_overdue": gettext_lazy("Marked overdue"),
    "cure": gettext_lazy("Paid up: active again"),
    "collateral_alert": gettext_lazy("Collateral alert"),
}

# Which side of an application takes each action (only those are shown to a person).
SIDES = {
    "submit": {"borrower"},
    "withdraw": {"borrower"},
    "sign_contract": {"borrower"},
    "prescreen": {"platform"},
    "verify_ip": {"platform"},
    "return": {"platform", "bank"},
    "reject": {"platform", "bank", "insurer", "fund"},
    "value": {"appraiser"},
    "bank_propose": {"bank"},
    "bank_approve": {"bank"},
    "register_pledge": {"bank"},
    "disburse": {"bank"},
    "record_repayment": {"bank"},
    "mark_default": {"bank"},
    "submit_claim": {"bank"},
    "record_recovery": {"bank"},
    "release_pledge": {"bank"},
    "underwrite": {"insurer"},
    "fund_file": {"fund"},
    "settle_claim": {"fund", "platform"},
    "close": {"bank", "platform"},
}
SIDE_EXITS = {"return", "reject", "withdraw"}  # shown only to those who may take them now

# The main path of the state machine; the loss path replaces the repaid end once a loan is overdue.
MAIN = [
    S.DRAFT,
    S.SUBMITTED,
    S.PRESCREENED,
    S.IP_VERIFIED,
    S.VALUED,
    S.BANK_APPROVED,
    S.INSURED,
    S.FUND_FILED,
    S.CONTRACTED,
    S.PLEDGE_REGISTERED,
    S.ACTIVE,
]
REPAID_END = [S.CLOSED_REPAID, S.PLEDGE_RELEASED]
LOSS_END = [S.OVERDUE, S.DEFAULTED, S.CLAIM_SUBMITTED, S.COMPENSATED, S.IN_RECOVERY, S.CLOSED_LOSS]
EXITS = {S.RETURNED, S.REJECTED, S.WITHDRAWN, S.CLAIM_REJECTED}
FINISHED = {S.PLEDGE_RELEASED, S.CLOSED_LOSS, S.REJECTED, S.WITHDRAWN, S.CLAIM_REJECTED}
# Forward moves (side exits left out): what lies ahead of a state.
FORWARD = {
    S.DRAFT: [S.SUBMITTED],
    S.RETURNED: [S.SUBMITTED],
    S.SUBMITTED: [S.PRESCREENED],
    S.PRESCREENED: [S.IP_VERIFIED],
    S.IP_VERIFIED: [S.VALUED],
    S.VALUED: [S.BANK_APPROVED],
    S.BANK_APPROVED: [S.INSURED],
    S.INSURED: [S.FUND_FILED],
    S.FUND_FILED: [S.CONTRACTED],
    S.CONTRACTED: [S.PLEDGE_REGISTERED],
    S.PLEDGE_REGISTERED: [S.ACTIVE],
    S.ACTIVE: [S.OVERDUE, S.CLOSED_REPAID],
    S.OVERDUE: [S.ACTIVE, S.CLOSED_REPAID, S.DEFAULTED],
    S.CLOSED_REPAID: [S.PLEDGE_RELEASED],
    S.DEFAULTED: [S.CLAIM_SUBMITTED],
    S.CLAIM_SUBMITTED: [S.COMPENSATED],
    S.COMPENSATED: [S.IN_RECOVERY, S.CLOSED_LOSS],
    S.IN_RECOVERY: [S.CLOSED_LOSS],
}


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
    app.principal_display = cny(app.principal)
    app.approved_display = cny(app.approved_principal)
    app.proposed_display = cny(app.proposed_principal)
    app.proposed_rate_display = percent(app.proposed_rate)
    app.rate_display = percent(app.annual_rate)
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
