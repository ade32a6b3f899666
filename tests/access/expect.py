"""Who may do what, written here by hand and independently of the code (financing/policies.py ACTORS,
financing/selectors.py, ipmarket/market/guards.py and selectors.py): if the code is widened, the matrix fails.
*When* an action may be taken comes from the code's workflow tables (ACTIONS, DEAL_ACTIONS, LISTING_ACTIONS).

The answer to each (request, caller, state), in the order the API applies its checks:
- financing actions: anonymous 401 → not seen 404 → wrong state 409 `invalid_transition` → wrong role 403 →
  allowed (anything but 401/403/404/409 `invalid_transition`, below 500: a guard's 400 is fine);
- marketplace actions: anonymous 401 → not seen 404 → wrong role 403 with the guard's code (`not_seller`,
  `not_buyer`, `not_party`: docs/market.md, the role is a named guard there) → wrong state 409 → allowed.
"""

from dataclasses import dataclass, field

from financing.models import Application
from financing.services import ACTIONS
from ipmarket.market.models import Listing

from .people import ANON, APPR, BA, BO, E1, E2, E3, FUND, INS, PLAT

# --- the outcomes -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    name: str
    status: int | None = None  # None: "allowed"
    code: str | None = None
    not_codes: frozenset = field(default_factory=frozenset)  # refusal codes an allowed caller must never get
    allowed_now: tuple | None = None  # a 409's list of the actions possible now

    def mismatch(self, response) -> str | None:
        """None when the response is this outcome, else what was got instead."""
        try:
            body = response.json()
        except ValueError:
            body = None
        code = body.get("code") if isinstance(body, dict) else None
        got = f"{response.status_code} {code or ''} {str(body)[:300]}"
        if self.status is None:
            refused = response.status_code in (401, 403, 404) or response.status_code >= 500
            if refused or code == "invalid_transition" or code in self.not_codes:
                return got
            return None
        if response.status_code != self.status or (self.code is not None and code != self.code):
            return got
        if self.allowed_now is not None and tuple(sorted(body.get("allowed", ()))) != self.allowed_now:
            return f"{got} (allowed now: expected {list(self.allowed_now)})"
        return None

    def __str__(self):
        return self.name


UNAUTHENTICATED = Outcome("401", 401, "not_authenticated")
NOT_FOUND = Outcome("404", 404, "not_found")
FORBIDDEN = Outcome("403", 403, "permission_denied")


def invalid_transition(allowed_now) -> Outcome:
    """409 `invalid_transition` naming the actions possible now."""
    return Outcome("409 invalid_transition", 409, "invalid_transition", allowed_now=tuple(sorted(allowed_now)))


OK = Outcome("200", 200)


def refused(code: str) -> Outcome:
    return Outcome(f"400 {code}", 400, code)


def allowed(*not_codes: str) -> Outcome:
    return Outcome("allowed", not_codes=frozenset(not_codes))


# --- pledge financing ---------------------------------------------------------------------------------------

# The parties who see an application once it was submitted (the borrower, enterprise1, sees it always; bank B,
# enterprise2 and enterprise3 never).
SEE_SUBMITTED = {BO, BA, INS, FUND, APPR, PLAT}

FINANCING_WHO = {
    "submit": {E1},
    "withdraw": {E1},
    "sign_contract": {E1},
    "prescreen": {PLAT},
    "verify_ip": {PLAT},
    "return": {PLAT, BO, BA},
    "reject": None,  # depends on the state: REJECTERS
    "value": {APPR},
    "bank_propose": {BO},
    "bank_approve": {BA},
    "underwrite": {INS},
    "fund_file": {FUND},
    "register_pledge": {BO},
    "disburse": {BO},
    "record_repayment": {BO},
    "mark_default": {BO},
    "submit_claim": {BO},
    "settle_claim": {FUND, PLAT},
    "record_recovery": {BO},
    "close": {BO, PLAT},
    "release_pledge": {BO},
}
# Platform people reject at pre-screening; the bank while it reviews; the insurer by declining; the fund or the
# platform reject a claim.
STATES = list(Application.State.values)
REJECTERS = {"valued": {PLAT, BO, BA}, "bank_approved": {PLAT, BO, BA, INS}, "claim_submitted": {FUND, PLAT}}


def sees_application(role: str, world) -> bool:
    return role == E1 or (world.submitted and role in SEE_SUBMITTED)


def may_act(role: str, action: str, state: str) -> bool:
    who = REJECTERS.get(state, {PLAT}) if action == "reject" else FINANCING_WHO[action]
    return role in who


def financing_action(role: str, action: str, world) -> Outcome:
    if role == ANON:
        return UNAUTHENTICATED
    if not sees_application(role, world):
        return NOT_FOUND
    if world.state not in ACTIONS[action]:
        return invalid_transition(a for a, sources in ACTIONS.items() if world.state in sources)
    if not may_act(role, action, world.state):
        return FORBIDDEN
    return allowed()


def financing_read(role: str, world) -> Outcome:
    if role == ANON:
        return UNAUTHENTICATED
    return OK if sees_application(role, world) else NOT_FOUND


# --- the marketplace (enterprise1 sells, enterprise2 buys) ----------------------------------------------------

DEAL_WHO = {
    "accept": ({E1}, "not_seller"),
    "pay": ({E2}, "not_buyer"),
    "confirm_recordal": ({E1}, "not_seller"),
    "release": ({E2, PLAT}, "not_buyer"),
    "cancel": ({E1, E2, PLAT}, "not_party"),
}
DEAL_SEEN_BY = {E1, E2, PLAT}
LISTING_WHO = {"publish": ({E1}, "not_seller"), "withdraw": ({E1}, "not_seller")}


def sees_listing(role: str, listing) -> bool:
    """Drafts are the seller's alone; withdrawn listings and those of an unlisted seller the seller's and the
    platform's; the rest is public (anonymous readers too)."""
    if listing.status == Listing.Status.DRAFT:
        return role == E1
    if listing.status == Listing.Status.WITHDRAWN or not listing.seller.is_active:
        return role in (E1, PLAT)
    return True


def market_action(role: str, action: str, who: dict, seen: bool, state: str, workflow: dict) -> Outcome:
    """`who`: DEAL_WHO or LISTING_WHO; `workflow`: DEAL_ACTIONS or LISTING_ACTIONS (action → source states)."""
    who, code = who[action]
    if role == ANON:
        return UNAUTHENTICATED
    if not seen:
        return NOT_FOUND
    if role not in who:
        return Outcome(f"403 {code}", 403, code)
    if state not in workflow[action]:
        return invalid_transition(a for a, sources in workflow.items() if state in sources)
    return allowed(code)


def listing_read(role: str, listing) -> Outcome:
    return OK if sees_listing(role, listing) else NOT_FOUND


def deal_read(role: str) -> Outcome:
    if role == ANON:
        return UNAUTHENTICATED
    return OK if role in DEAL_SEEN_BY else NOT_FOUND


# --- patents and organisations ------------------------------------------------------------------------------

PATENT_OWNER_SIDE = {"free": {E1}, "pledged": {E1}, "of_unlisted_owner": {E3}}
PLEDGEE_OFFICERS = {BO, BA}  # bank A's officers and approvers record its consent to a pledged asset's sale
ORG_ADMINS = {"listed": {E1}, "unlisted": {E3}}


def sees_patent(role: str, patent_key: str) -> bool:
    return patent_key != "of_unlisted_owner" or role in PATENT_OWNER_SIDE[patent_key] | {PLAT}


def sees_organisation(role: str, org_key: str) -> bool:
    return org_key == "listed" or role in ORG_ADMINS[org_key] | {PLAT}


def patent_request(role: str, request: str, patent_key: str) -> Outcome:
    seen = sees_patent(role, patent_key)
    if request == "read":
        return OK if seen else NOT_FOUND
    if role == ANON:
        return UNAUTHENTICATED
    if not seen:
        return NOT_FOUND
    owner_side = role in PATENT_OWNER_SIDE[patent_key] | {PLAT}
    if request == "edit":
        return allowed() if owner_side else FORBIDDEN
    if request == "events":
        return OK if owner_side else FORBIDDEN
    # record_pledge_consent: a patent that is not pledged needs no consent (400 for everyone, before the role)
    if patent_key != "pledged":
        return refused("not_pledged")
    return Outcome("201", 201) if role in PLEDGEE_OFFICERS else FORBIDDEN


def trademark_request(role: str, request: str, trademark_key: str) -> Outcome:
    """Trademarks are seen as patents are; a renewal (in its window) is recorded by the owner's people and the
    platform, pledged or not (a renewal is a register event, not a free edit)."""
    seen = sees_patent(role, trademark_key)
    if request == "read":
        return OK if seen else NOT_FOUND
    if role == ANON:
        return UNAUTHENTICATED
    if not seen:
        return NOT_FOUND
    return OK if role in PATENT_OWNER_SIDE[trademark_key] | {PLAT} else FORBIDDEN


def organisation_request(role: str, request: str, org_key: str) -> Outcome:
    seen = sees_organisation(role, org_key)
    if request == "read":
        return OK if seen else NOT_FOUND
    if role == ANON:
        return UNAUTHENTICATED
    if not seen:
        return NOT_FOUND
    if request == "edit":
        return allowed() if role in ORG_ADMINS[org_key] | {PLAT} else FORBIDDEN
    return OK if role == PLAT else FORBIDDEN  # events: platform people only
