"""Who may take which action on a subsidy: the borrower's people claim, platform staff approve or reject, the
people of the programme's risk-compensation fund record the payment."""

from ipmarket.accounts import policies

from .models import Subsidy

# action → who takes it (a predicate of the person and the subsidy, its application and programme selected)
ACTORS = {
    "claim": lambda user, s: s.application.applicant_id in policies.organisation_ids(user),
    "approve": lambda user, s: policies.is_platform_staff(user),
    "reject": lambda user, s: policies.is_platform_staff(user),
    "pay": lambda user, s: s.application.programme.risk_fund_id in policies.organisation_ids(user),
}
# action → the states it may start from (the model's transitions say the same)
SOURCES = {
    "claim": [Subsidy.State.CLAIMABLE],
    "approve": [Subsidy.State.CLAIMED],
    "reject": [Subsidy.State.CLAIMED],
    "pay": [Subsidy.State.APPROVED],
}
ACTIONS = list(ACTORS)


def may(user, subsidy: Subsidy, action: str) -> bool:
    return ACTORS[action](user, subsidy)


def allowed_actions(user, subsidy: Subsidy) -> list[str]:
    """The actions the person may take on the subsidy now."""
    return [a for a in ACTIONS if subsidy.state in SOURCES[a] and may(user, subsidy, a)]
