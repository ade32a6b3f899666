"""The loan application's workflow, declared once: every action with the model transitions it may run (and
so the states it starts from), who takes it, the guard a page can ask before it is tried, its request body (API)
and form (pages), its words, and its service.

Everything else reads this table: the services' 409 (`ACTIONS`, `allowed_actions`) and 403
(`actor_refusal`), the dispatch of the API and the pages (`Action.service`, registered by `@executes` beside
each service function), the API's bodies, the page's buttons (sides, labels, reasons, confirmations, the
"possible once …" texts) and its step bar (`MAIN`, `FORWARD`), the state diagram in docs/financing.md, and
the tests. `tests/financing/test_workflow.py` fails if the model's transitions, the services, the docs or
the access tables disagree with it. Adding an action: one `Action` here, its service function marked
`@executes("name")`, and its transition on the model.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ipmarket.core.errors import GuardFailed

from . import bodies, forms, guards, policies
from .models import Application

S = Application.State


@dataclass(frozen=True)
class Facts:
    """What the input-free guards read, gathered once for a page (the service reads the same under its
    locks)."""

    today: date
    days_past_due: int = 0
    report_date: date | None = None
    reusable_reports: tuple = ()  # the person's valid panel reports on the same assets (value by reuse)


Check = Callable[[Application, object, Facts], GuardFailed | None]


@dataclass
class Action:
    name: str
    moves: tuple[str, ...]  # the model's transitions the service may run (none: the state stays)
    sides: frozenset[str]  # the sides of the application that see the action on the page
    actor: Callable[[object, Application], bool]  # who may take it
    who: Promise  # the sentence shown to anyone else
    label: Promise
    done: Promise  # the message after it succeeded
    waiting: Promise | None = None  # "possible once …", on the page before its turn
    confirm: Promise | None = None  # destructive: the page asks first
    side_exit: bool = False  # shown only to those who may take it now, after the way forward
    check: Check | None = None  # the guard a page asks before offering it (the service asks it again)
    body: type[serializers.Serializer] = bodies.NoteSerializer
    form: type = forms.NoteForm
    service: Callable | None = field(default=None, repr=False)  # set by @executes
    # The states it starts from: those of its transitions on the model; named only for an action that moves
    # nothing (its state stays).
    sources: tuple[str, ...] = ()

    def __post_init__(self):
        if self.moves:
            assert not self.sources, f"{self.name}: the model's transitions name the states it starts from"
            starts = {t.source for t in _transitions() if t.name in self.moves}
            self.sources = tuple(state for state in S.values if state in starts)

    def refusal(self, user, app: Application) -> str | None:
        """Why this person may not take the action (a readable reason), or None."""
        return None if self.actor(user, app) else str(self.who)


def _transitions():
    return Application._meta.get_field("state").get_all_transitions(Application)


def _either(*predicates):
    return lambda user, app: any(p(user, app) for p in predicates)


p = policies
ACTIONS_DECLARED = [
    Action(
        "submit",
        moves=("submit",),
        sides=frozenset({"borrower"}),
        actor=p._borrower,
        who=_("The borrowing enterprise submits its application."),
        label=_("Submit the application"),
        done=_("The application is submitted: the platform pre-screens it next."),
        waiting=_("Possible once the application is a draft again."),
        check=lambda app, user, facts: guards.eligibility_refusal(app),
    ),
    Action(
        "prescreen",
        moves=("prescreen",),
        sides=frozenset({"platform"}),
        actor=p._platform,
        who=_("Platform people pre-screen applications."),
        label=_("Pass the pre-screening"),
        done=_("Pre-screening passed: the IP is verified next."),
        waiting=_("Possible once the application is submitted."),
        check=lambda app, user, facts: guards.eligibility_refusal(app),
    ),
    Action(
        "return",
        moves=("return_for_changes",),
        sides=frozenset({"platform", "bank"}),
        actor=_either(p._platform, p._bank),
        who=_("The platform or the bank returns an application."),
        label=_("Return for changes"),
        done=_("The application is returned to the borrower for changes."),
        side_exit=True,
    ),
    Action(
        "reject",
        moves=("reject", "reject_claim"),
        sides=frozenset({"platform", "bank", "insurer", "fund"}),
        actor=p._rejecter,
        who=_("You may not reject this application at this stage."),
        label=_("Reject the application"),
        done=_("The application is rejected."),
        confirm=_("Reject this application? This cannot be undone."),
        side_exit=True,
    ),
    Action(
        "withdraw",
        moves=("withdraw",),
        sides=frozenset({"borrower"}),
        actor=p._borrower,
        who=_("The borrowing enterprise withdraws its application."),
        label=_("Withdraw the application"),
        done=_("The application is withdrawn."),
        confirm=_("Withdraw this application? This cannot be undone."),
        side_exit=True,
    ),
    Action(
        "verify_ip",
        moves=("verify_ip",),
        sides=frozenset({"platform"}),
        actor=p._platform,
        who=_("Platform people verify the pledged IP with CNIPA's register."),
        label=_("Confirm the IP against CNIPA's register"),
        done=_("The pledged IP is verified: the appraiser values it next."),
        waiting=_("Possible once the application has passed pre-screening."),
        check=lambda app, user, facts: guards.verify_ip_refusal(app, facts.today),
    ),
    Action(
        "value",
        moves=("value",),
        sides=frozenset({"appraiser"}),
        actor=p._appraiser,
        who=_("The appraiser named on the application values the IP."),
        label=_("Record the valuation"),
        done=_("The valuation is recorded: the bank reviews the application next."),
        waiting=_("Possible once the pledged IP is verified."),
        # With a valid panel report to reuse, no upload is needed; else the new report's date is checked.
        check=lambda app, user, facts: (
            None if facts.reusable_reports else guards.valuation_refusal(app, facts.report_date, facts.today)
        ),
        body=bodies.ValueSerializer,
        form=forms.ValueForm,
    ),
    Action(
        "bank_propose",
        sources=(S.VALUED,),
        moves=(),  # the proposal is recorded; the approver's decision moves the state
        sides=frozenset({"bank"}),
        actor=p._bank_officer,
        who=_("An officer of the bank named on the application proposes the loan."),
        label=_("Propose the loan"),
        done=_("The proposal is recorded: another person of the bank approves it."),
        waiting=_("Possible once the IP is valued."),
        body=bodies.ProposeSerializer,
        form=forms.ProposeForm,
    ),
    Action(
        "bank_approve",
        moves=("bank_approve",),
        sides=frozenset({"bank"}),
        actor=p._bank_approver,
        who=_("An approver of the bank named on the application decides."),
        label=_("Approve the loan"),
        done=_("The loan is approved: the insurer underwrites it next."),
        waiting=_("Possible once the IP is valued and an officer has proposed the loan."),
        check=lambda app, user, facts: guards.approval_refusal(app, user),
        body=bodies.ApproveSerializer,
        form=forms.ApproveForm,
    ),
    Action(
        "underwrite",
        moves=("underwrite",),
        sides=frozenset({"insurer"}),
        actor=p._insurer,
        who=_("The insurer named on the application underwrites it."),
        label=_("Underwrite the loan"),
        done=_("The loan is insured: the fund files it next."),
        waiting=_("Possible once the bank has approved the loan."),
        body=bodies.UnderwriteSerializer,
        form=forms.UnderwriteForm,
    ),
    Action(
        "fund_file",
        moves=("fund_file",),
        sides=frozenset({"fund"}),
        actor=p._fund,
        who=_("The programme's risk-compensation fund files the loan."),
        label=_("File the loan against the pool"),
        done=_("The loan is filed against the pool: the borrower signs the contract next."),
        waiting=_("Possible once the loan is insured."),
        check=lambda app, user, facts: guards.headroom_refusal(app),
    ),
    Action(
        "sign_contract",
        moves=("sign_contract",),
        sides=frozenset({"borrower"}),
        actor=p._borrower,
        who=_("The borrowing enterprise signs the contract."),
        label=_("Sign the contract"),
        done=_("The contract is signed: the bank registers the pledge next."),
        waiting=_("Possible once the fund has filed the loan."),
    ),
    Action(
        "register_pledge",
        moves=("register_pledge",),
        sides=frozenset({"bank"}),
        actor=p._bank_officer,
        who=_("The bank's officer registers the pledge."),
        label=_("Record the pledge registration"),
        done=_("The pledge registration is recorded: the bank disburses next."),
        waiting=_("Possible once the contract is signed."),
        body=bodies.RegisterPledgeSerializer,
        form=forms.RegisterPledgeForm,
    ),
    Action(
        "disburse",
        moves=("disburse",),
        sides=frozenset({"bank"}),
        actor=p._bank_officer,
        who=_("The bank's officer disburses the loan."),
        label=_("Disburse the loan"),
        done=_("The loan is disbursed: the repayment schedule is below."),
        waiting=_("Possible once the pledge is registered."),
        check=lambda app, user, facts: guards.disbursement_refusal(app),
    ),
    Action(
        "record_repayment",
        moves=("repay_in_full", "cure"),  # a part payment leaves the state as it is
        sides=frozenset({"bank"}),
        actor=p._bank_officer,
        who=_("The bank's officer records repayments."),
        label=_("Record a repayment"),
        done=_("The repayment is recorded."),
        waiting=_("Possible once the loan is disbursed."),
        body=bodies.RepaymentSerializer,
        form=forms.RepaymentForm,
    ),
    Action(
        "mark_default",
        moves=("mark_default",),
        sides=frozenset({"bank"}),
        actor=p._bank_officer,
        who=_("The bank's officer records a default."),
        label=_("Record the default"),
        done=_("The default is recorded: the bank claims next, before the deadline."),
        waiting=_("Possible once the loan is overdue."),
        confirm=_("Record the default of this loan? The claim deadline starts today."),
        check=lambda app, user, facts: guards.default_refusal(app, facts.days_past_due),
    ),
    Action(
        "submit_claim",
        moves=("submit_claim",),
        sides=frozenset({"bank"}),
        actor=p._bank_officer,
        who=_("The bank's officer submits the claim."),
        label=_("Submit the claim"),
        done=_("The claim is submitted: the fund settles it next."),
        waiting=_("Possible once a default is recorded."),
        check=lambda app, user, facts: guards.claim_deadline_refusal(app, facts.today),
    ),
    Action(
        "settle_claim",
        moves=("settle_claim",),
        sides=frozenset({"fund", "platform"}),
        actor=_either(p._fund, p._platform),
        who=_("The fund settles claims."),
        label=_("Settle the claim"),
        done=_("The claim is settled: the shares of the loss are below."),
        waiting=_("Possible once the bank has submitted its claim."),
    ),
    Action(
        "record_recovery",
        moves=("record_recovery",),
        sides=frozenset({"bank"}),
        actor=p._bank_officer,
        who=_("The bank's officer records recoveries."),
        label=_("Record a recovery"),
        done=_("The recovery is recorded and shared back."),
        waiting=_("Possible once the claim is settled."),
        body=bodies.RecoverySerializer,
        form=forms.RecoveryForm,
    ),
    Action(
        "close",
        moves=("close",),  # also from claim_rejected: the bank bears the loss
        sides=frozenset({"bank", "platform"}),
        actor=_either(p._bank_officer, p._platform),
        who=_("The bank or the platform closes the case."),
        label=_("Close the case"),
        done=_("The case is closed."),
        waiting=_("Possible once the claim is settled."),
        confirm=_("Close this case with a loss? No more recoveries can be recorded."),
    ),
    Action(
        "release_pledge",
        moves=("release_pledge",),
        sides=frozenset({"bank"}),
        actor=p._bank_officer,
        who=_("The bank's officer releases the pledge."),
        label=_("Release the pledge"),
        done=_("The pledge is released: the IP is free again."),
        waiting=_("Possible once the loan is repaid."),
    ),
]
del p

ACTIONS: dict[str, Action] = {a.name: a for a in ACTIONS_DECLARED}

# The nightly servicing job's moves (financing/services/servicing.py), taken by nobody: they are part of the
# path too (an active loan falls overdue, an overdue one is cured).
JOB_MOVES = {"mark_overdue": (S.ACTIVE, S.OVERDUE), "cure": (S.OVERDUE, S.ACTIVE)}

# Words of the events that are not actions.
EVENT_LABELS = {
    "create": _("Created"),
    "edit": _("Edited"),
    "mark_overdue": _("Marked overdue"),
    "cure": _("Paid up: active again"),
    "collateral_alert": _("Collateral alert"),
}

# The path a page draws: the main path, then the end the application is heading for.
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


def moves_of(action: Action) -> list[tuple[str, str]]:
    """(source, target) of every model transition the action may run."""
    edges = []
    for name in action.moves:
        for transition in Application._meta.get_field("state").get_all_transitions(Application):
            if transition.name == name:
                edges.append((transition.source, transition.target))
    return edges


def _forward() -> dict[str, list[str]]:
    """What lies ahead of each state: the targets of the actions and the nightly job, side exits left out."""
    forward: dict[str, list[str]] = {}
    edges = [edge for a in ACTIONS_DECLARED if not a.side_exit for edge in moves_of(a)]
    edges += list(JOB_MOVES.values())
    for source, target in edges:
        if source != target and target not in forward.setdefault(source, []):
            forward[source].append(target)
    return forward


FORWARD = _forward()


def allowed_actions(app: Application) -> list[str]:
    """The actions that may start from the application's state (the caller's role aside)."""
    return [a.name for a in ACTIONS_DECLARED if app.state in a.sources]


def actor_refusal(user, app: Application, action: str) -> str | None:
    return ACTIONS[action].refusal(user, app)


def executes(name: str):
    """`@executes("submit")` on the service function that carries the action out."""

    def register(function):
        ACTIONS[name].service = function
        return function

    return register


def mermaid() -> str:
    """The state diagram of docs/financing.md, drawn from the table (`manage.py` is not needed: a test
    compares the docs with this)."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for action in ACTIONS_DECLARED:
        for source, target in moves_of(action):
            lines.append(f"    {source} --> {target}: {action.name}")
    for name, (source, target) in JOB_MOVES.items():
        lines.append(f"    {source} --> {target}: {name} (nightly)")
    for state in sorted(FINISHED):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


def markdown() -> str:
    """The workflow section of docs/financing.md: every action and the state diagram, drawn from the table
    (tests/financing/test_workflow.py keeps the docs equal to it)."""
    rows = ["| action | from | to | sides | request body |", "|---|---|---|---|---|"]
    for action in ACTIONS_DECLARED:
        targets = sorted({target for _source, target in moves_of(action)}) or ["(stays)"]
        body = action.body.__name__ if action.body is not bodies.NoteSerializer else "note"
        rows.append(
            f"| {action.name}{' (side exit)' if action.side_exit else ''} | {', '.join(action.sources)} "
            f"| {', '.join(targets)} | {', '.join(sorted(action.sides))} | {body} |"
        )
    return "\n".join(rows) + "\n\n```mermaid\n" + mermaid() + "\n```\n"
