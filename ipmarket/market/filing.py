"""A licence contract's filing (备案) with CNIPA: due within three months of the contract taking effect
(Measures for the Filing of Patent Licence Contracts, Art. 7; Trademark Law Art. 43 and its Implementing
Regulations, Art. 69). Pure rules, no database access (docs/market.md, "Licence filing deadline").

A negotiated licence takes effect when the seller accepts the buyer's terms (`accepted_at`: the contract is
concluded); an open licence when the licensee, having given notice, pays the posted fee (`paid_at`, Patent Law
Art. 51). The filing is made by entering the CNIPA recordal/filing number at `confirm_recordal`.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

FILING_PERIOD = relativedelta(months=3)
REMINDER_DAYS = (30, 7)  # reminders this many days before the due date; an overdue notice the day after it

NOT_REQUIRED = "not_required"  # an assignment, or a deal that ended without a licence in force
NOT_EFFECTIVE = "not_effective"  # a licence whose contract has not taken effect yet
PENDING = "pending"  # in effect, not filed, on or before the due date
FILED = "filed"  # the recordal/filing number is entered
OVERDUE = "overdue"  # past the due date, not filed

STATES = (NOT_REQUIRED, NOT_EFFECTIVE, PENDING, FILED, OVERDUE)
LICENCES = ("exclusive_license", "sole_license", "non_exclusive_license", "open_license")
FILED_DEAL_STATES = ("recorded", "released")
ENDED_DEAL_STATES = ("cancelled", "refunded")


def due_on(effective_on: date | None) -> date | None:
    """Three calendar months after the contract took effect, on the same day or, when that month is shorter,
    its last day (31 January → 30 April; 30 November → 28 February, 29 in a leap year)."""
    return effective_on + FILING_PERIOD if effective_on else None


def state(deal_type: str, deal_state: str, effective_on: date | None, today: date) -> str:
    if deal_type not in LICENCES or deal_state in ENDED_DEAL_STATES:
        return NOT_REQUIRED
    if deal_state in FILED_DEAL_STATES:
        return FILED
    if effective_on is None:
        return NOT_EFFECTIVE
    return OVERDUE if today > due_on(effective_on) else PENDING


def reminder_due(due: date, today: date) -> str | None:
    """Which reminder a licence still to be filed is owed on `today` (the latest one reached): "overdue" from
    the day after the due date, "7" from 7 days before it, "30" from 30 days before it; else None. Each is sent
    once (the notice key names it), so a day the job did not run is caught up the next day."""
    if today > due:
        return "overdue"
    for days in sorted(REMINDER_DAYS):
        if today >= due - timedelta(days=days):
            return str(days)
    return None
