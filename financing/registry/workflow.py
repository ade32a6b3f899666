"""The financing demand's workflow, declared once: each action with the model transitions it runs (and so
the states it starts from), who takes it (the enterprise or platform people), its words and its service.

The services' 409 and 403, the API's `actions/{name}/` dispatch, the pages' buttons (`allowed_actions`) and
the state diagram in docs/registry.md are all read from this table; tests/registry/test_workflow.py fails if
the model, the services or the docs drift from it. The nightly expiry (`expire`) and the move to `financed`
when the chosen bank disburses the loan (`finance`) are not actions anyone takes: they are `SYSTEM_MOVES`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation

from .models import Demand

S = Demand.State
ENTERPRISE = "enterprise"
PLATFORM = "platform"


def is_enterprise_member(user, demand: Demand) -> bool:
    return demand.enterprise_id in policies.organisation_ids(user, kinds=[Organisation.Kind.ENTERPRISE])


def is_platform(user, demand: Demand | None = None) -> bool:
    return policies.is_platform_staff(user)


SIDES: dict[str, tuple[Callable[[object, Demand], bool], Promise]] = {
    ENTERPRISE: (is_enterprise_member, _("Only the enterprise that filed the demand may do this.")),
    PLATFORM: (is_platform, _("Only platform staff may do this.")),
}


@dataclass
class Action:
    name: str
    moves: tuple[str, ...]  # the model's transitions it runs
    side: str  # ENTERPRISE or PLATFORM
    label: Promise
    done: Promise
    confirm: Promise | None = None  # the page asks first
    note_required: bool = False
    service: Callable | None = field(default=None, repr=False)  # set by @executes
    sources: tuple[str, ...] = ()

    def __post_init__(self):
        starts = {t.source for t in _transitions() if t.name in self.moves}
        self.sources = tuple(state for state in S.values if state in starts)

    def refusal(self, user, demand: Demand) -> str | None:
        actor, who = SIDES[self.side]
        return None if actor(user, demand) else str(who)


def _transitions():
    return Demand._meta.get_field("state").get_all_transitions(Demand)


ACTIONS_DECLARED = [
    Action(
        "submit",
        ("submit",),
        ENTERPRISE,
        _("Submit to the registry"),
        _("The demand was submitted for review."),
    ),
    Action(
        "withdraw",
        ("withdraw",),
        ENTERPRISE,
        _("Withdraw"),
        _("The demand was withdrawn."),
        confirm=_("Withdraw this demand? Banks will no longer see it, and this cannot be undone."),
    ),
    Action(
        "admit",
        ("admit",),
        PLATFORM,
        _("Admit to a registry batch"),
        _("The demand was admitted to the registry."),
    ),
    Action(
        "return",
        ("return_for_changes",),
        PLATFORM,
        _("Return for changes"),
        _("The demand was returned to the enterprise."),
        note_required=True,
    ),
    Action(
        "reject",
        ("reject",),
        PLATFORM,
        _("Reject"),
        _("The demand was rejected."),
        confirm=_("Reject this demand? This cannot be undone."),
        note_required=True,
    ),
    Action(
        "choose",
        ("choose",),
        ENTERPRISE,
        _("Choose this bank"),
        _("The bank was chosen and a draft pledge application was created."),
        confirm=_("Choose this bank? The other banks' interest will be declined."),
    ),
]
ACTIONS = {action.name: action for action in ACTIONS_DECLARED}

# Moves no person takes: the nightly expiry and the chosen bank's disbursement.
SYSTEM_MOVES = {"expire": (S.ADMITTED, S.EXPIRED), "finance": (S.MATCHED, S.FINANCED)}
FINISHED = [S.FINANCED, S.REJECTED, S.WITHDRAWN, S.EXPIRED]


def moves_of(action: Action) -> list[tuple[str, str]]:
    return [(t.source, t.target) for t in _transitions() if t.name in action.moves]


def allowed_actions(demand: Demand, user=None) -> list[str]:
    """The actions that may start from the demand's state and, when `user` is given, that this person may take."""
    return [
        a.name
        for a in ACTIONS_DECLARED
        if demand.state in a.sources and (user is None or a.refusal(user, demand) is None)
    ]


def actor_refusal(user, demand: Demand, action: str) -> str | None:
    return ACTIONS[action].refusal(user, demand)


def executes(name: str):
    """`@executes("submit")` on the service function that carries the action out."""

    def register(function):
        ACTIONS[name].service = function
        return function

    return register


def mermaid() -> str:
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for action in ACTIONS_DECLARED:
        for source, target in moves_of(action):
            lines.append(f"    {source} --> {target}: {action.name}")
    lines.append(f"    {S.ADMITTED} --> {S.EXPIRED}: expire (nightly, 12 months after admission)")
    lines.append(f"    {S.MATCHED} --> {S.FINANCED}: finance (the loan is disbursed)")
    for state in FINISHED:
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


def markdown() -> str:
    """The workflow section of docs/registry.md (tests/registry/test_workflow.py keeps the docs equal to it)."""
    rows = ["| action | from | to | who | note |", "|---|---|---|---|---|"]
    for action in ACTIONS_DECLARED:
        targets = sorted({target for _source, target in moves_of(action)})
        rows.append(
            f"| {action.name} | {', '.join(action.sources)} | {', '.join(targets)} | {action.side} "
            f"| {'required' if action.note_required else 'optional'} |"
        )
    return "\n".join(rows) + "\n\n```mermaid\n" + mermaid() + "\n```\n"
