"""The marketplace's two workflows, declared once: a listing's (publish, withdraw) and a deal's (accept, pay,
confirm the recordal, release the payment, cancel). Each action names the model transitions it may run (and
so the states it starts from), who may take it (a role guard), the guard a page asks before offering it, the
inputs its service takes, its words, and its service (`@executes` beside the service function).

The services' 409s (`require_state`), the API's dispatch and `allowed_actions`, the pages' buttons with
their reasons, and the table and diagram in docs/market.md derive from it; `tests/market/test_workflow.py`
fails if the models' transitions, the services or the docs disagree with it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ipmarket.core.errors import GuardFailed

from . import forms, guards
from .models import Deal, Listing

Status, State = Listing.Status, Deal.State


MODELS = {"listing": Listing, "deal": Deal}
STATE_FIELDS = {"listing": "status", "deal": "state"}


def transitions(machine: str) -> list:
    model = MODELS[machine]
    return list(model._meta.get_field(STATE_FIELDS[machine]).get_all_transitions(model))


@dataclass
class Action:
    name: str
    machine: str  # "listing" or "deal": the model, and the keyword its service takes it by
    moves: tuple[str, ...]  # the model's transitions the service may run (none: the state stays)
    actor: Callable[[object, object], GuardFailed | None]  # the role guard: who may take it
    label: Promise
    done: Promise  # the message after it succeeded (pages)
    waiting: Promise | None = None  # why not yet: the object is earlier in its path
    check: Callable[[object, date], GuardFailed | None] | None = None  # the guard a page asks beforehand
    inputs: tuple[str, ...] = ()  # what the service takes besides the object and the person
    form: type | None = None  # the page's form of those inputs
    service: Callable | None = field(default=None, repr=False)  # set by @executes
    # The states it starts from: those of its transitions on the model; named only for an action that moves
    # nothing (its state stays).
    sources: tuple[str, ...] = ()

    def __post_init__(self):
        if self.moves:
            assert not self.sources, f"{self.name}: the model's transitions name the states it starts from"
            starts = {t.source for t in transitions(self.machine) if t.name in self.moves}
            choices = Status if self.machine == "listing" else State
            self.sources = tuple(state for state in choices.values if state in starts)

    def run(self, obj, by, **data):
        """Carry the action out through its service, with the inputs it takes."""
        return self.service(**{self.machine: obj}, by=by, **{k: data[k] for k in self.inputs if k in data})


DECLARED = [
    Action(
        "publish",
        machine="listing",
        moves=("publish",),
        actor=lambda user, listing: guards.seller_refusal(user, listing),
        label=_("Publish"),
        done=_("The listing is published."),
        waiting=_("Only a draft is published; this listing is “%(status)s”."),
        check=lambda listing, today: guards.listing_refusal(listing, today),
    ),
    Action(
        "withdraw",
        machine="listing",
        moves=("withdraw",),
        actor=lambda user, listing: guards.seller_refusal(user, listing),
        label=_("Withdraw"),
        done=_("The listing is withdrawn."),
        waiting=_("This listing is “%(status)s”: there is nothing to withdraw."),
        check=lambda listing, today: guards.withdraw_refusal(listing),
        inputs=("note",),
    ),
    Action(
        "accept",
        machine="deal",
        moves=("accept",),
        actor=lambda user, deal: guards.seller_refusal(user, deal.listing),
        label=_("Accept the deal"),
        done=_("Deal accepted. The buyer can now pay."),
        check=lambda deal, today: guards.accept_refusal(deal, today),
        inputs=("price", "note"),
        form=forms.AcceptForm,  # the price the page shows, sent back (compare-and-set)
    ),
    Action(
        "pay",
        machine="deal",
        sources=(State.ACCEPTED,),
        moves=(),  # the payment provider's webhook marks the deal paid (PAYMENT_MOVES)
        actor=lambda user, deal: guards.buyer_refusal(user, deal),
        label=_("Pay"),
        done=_("Payment started."),
        waiting=_("Possible once the seller has accepted."),
    ),
    Action(
        "confirm_recordal",
        machine="deal",
        moves=("record",),
        actor=lambda user, deal: guards.seller_refusal(user, deal.listing),
        label=_("Confirm the recordal"),
        done=_("Recordal confirmed. The buyer can now release the payment."),
        waiting=_("Possible once the buyer has paid."),
        inputs=("recordal_number",),
        form=forms.RecordalForm,
    ),
    Action(
        "release",
        machine="deal",
        moves=("release",),
        actor=lambda user, deal: guards.release_refusal(user, deal),
        label=_("Release the payment to the seller"),
        done=_("The payment is released to the seller."),
        waiting=_("Possible once the seller has entered the recordal number."),
        inputs=("note",),
    ),
    Action(
        "cancel",
        machine="deal",
        moves=("cancel", "refund"),  # a paid deal is refunded
        actor=lambda user, deal: guards.cancel_refusal(user, deal),
        label=_("Cancel the deal"),
        done=_("The deal is cancelled."),
        inputs=("note",),
        form=forms.NoteForm,
    ),
]

LISTING_ACTIONS: dict[str, Action] = {a.name: a for a in DECLARED if a.machine == "listing"}
DEAL_ACTIONS: dict[str, Action] = {a.name: a for a in DECLARED if a.machine == "deal"}

# Moves nobody takes by an action of their own: a deal's accept, payment, recordal and end move its listing;
# the payment provider's webhook marks a deal paid.
SYSTEM_MOVES = {
    "listing": {"start_negotiation", "reopen", "close"},
    "deal": {"mark_paid"},
}

# The happy path of a deal, in order (the step bar); cancelled and refunded are ends shown after it.
DEAL_STEPS = [State.NEGOTIATING, State.ACCEPTED, State.PAID, State.RECORDED, State.RELEASED]


def moves_of(action: Action) -> list[tuple[str, str]]:
    """(source, target) of every model transition the action may run."""
    return [(t.source, t.target) for t in transitions(action.machine) if t.name in action.moves]


def allowed(actions: dict[str, Action], state: str) -> list[str]:
    """The actions that may start from `state` (the caller's role aside)."""
    return [name for name, action in actions.items() if state in action.sources]


def executes(name: str):
    """`@executes("accept")` on the service function that carries the action out."""

    def register(function):
        {a.name: a for a in DECLARED}[name].service = function
        return function

    return register


def markdown() -> str:
    """The workflow section of docs/market.md, drawn from the table (tests/market/test_workflow.py keeps the
    docs equal to it)."""
    rows = ["| object | action | from | to | inputs |", "|---|---|---|---|---|"]
    diagrams = []
    for machine in ("listing", "deal"):
        lines = ["stateDiagram-v2"]
        for action in DECLARED:
            if action.machine != machine:
                continue
            targets = sorted({target for _source, target in moves_of(action)}) or ["(stays)"]
            rows.append(
                f"| {machine} | {action.name} | {', '.join(action.sources)} | {', '.join(targets)} "
                f"| {', '.join(action.inputs) or '—'} |"
            )
            lines += [f"    {source} --> {target}: {action.name}" for source, target in moves_of(action)]
        lines += [
            f"    {t.source} --> {t.target}: {t.name} (system)"
            for t in transitions(machine)
            if t.name in SYSTEM_MOVES[machine]
        ]
        diagrams.append("```mermaid\n" + "\n".join(lines) + "\n```\n")
    return "\n".join(rows) + "\n\n" + "\n".join(diagrams)
