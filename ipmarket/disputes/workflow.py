"""The dispute's workflow, declared once: each action with the model transitions it may run (and so the
states it starts from), who takes it, its words and its service.

The services' 409 and 403, the API's `actions/{name}/` dispatch, the pages' buttons (`allowed_actions`) and
the table and diagram in docs/disputes.md are all read from this table; tests/disputes/test_workflow.py
fails if the model, the services or the docs drift from it. Two actions move nothing and may be taken in
more states: `share` (platform people, at any time) and `post_outcome` (a partner the case is shared with;
it concludes a referred or transferred case)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation
from ipmarket.core.errors import GuardFailed

from .models import Dispute

S = Dispute.State
CLAIMANT = "claimant"
RESPONDENT = "respondent"
MEDIATOR = "mediator"
PLATFORM = "platform"
PARTNER = "partner"
# The kinds of organisation a case may be shared with, transferred to or referred to.
PARTNER_KINDS = [
    Organisation.Kind.COURT,
    Organisation.Kind.ARBITRATION,
    Organisation.Kind.MEDIATION,
    Organisation.Kind.BUREAU,
]
REFERRAL_KINDS = [Organisation.Kind.COURT, Organisation.Kind.ARBITRATION]


def _member_of(user, organisation_id) -> bool:
    return organisation_id is not None and organisation_id in policies.organisation_ids(user)


def is_claimant(user, dispute: Dispute) -> bool:
    return dispute.claimant_id in policies.organisation_ids(user, kinds=[Organisation.Kind.ENTERPRISE])


def is_respondent(user, dispute: Dispute) -> bool:
    return _member_of(user, dispute.respondent_id)


def is_mediator(user, dispute: Dispute) -> bool:
    return _member_of(user, dispute.mediator_id)


def is_platform(user, dispute: Dispute | None = None) -> bool:
    return policies.is_platform_staff(user)


def partner_ids(user, dispute: Dispute) -> set[int]:
    """The caller's organisations the case is shared with (from the shares prefetched with a list of cases,
    `selectors._disputes`, else one query)."""
    mine = policies.organisation_ids(user)
    return {share.partner_id for share in dispute.shares.all() if share.partner_id in mine}


def is_partner(user, dispute: Dispute) -> bool:
    return bool(partner_ids(user, dispute))


SIDES: dict[str, tuple[Callable[[object, Dispute], bool], Promise]] = {
    CLAIMANT: (is_claimant, _("Only the enterprise that filed the case may do this.")),
    RESPONDENT: (is_respondent, _("Only the respondent may do this.")),
    MEDIATOR: (is_mediator, _("Only the mediation organisation of this case may do this.")),
    PLATFORM: (is_platform, _("Only the bureau's staff may do this.")),
    PARTNER: (is_partner, _("Only a partner the case is shared with may do this.")),
}


def _transitions():
    return Dispute._meta.get_field("state").get_all_transitions(Dispute)


# The rules of the case an action's state alone does not tell: checked by the service under the row lock,
# and by `allowed_actions`, so the pages and the API offer only what would succeed.
def consent_given(dispute: Dispute) -> GuardFailed | None:
    if dispute.respondent_consent == Dispute.Consent.CONSENTED:
        return GuardFailed(
            "already_consented",
            str(_("The respondent consented to mediation: if it fails, the mediation organisation records it.")),
        )
    return None


def consent_missing(dispute: Dispute) -> GuardFailed | None:
    if dispute.respondent_consent != Dispute.Consent.CONSENTED:
        return GuardFailed("no_consent", str(_("The respondent has not consented to mediation.")))
    return None


def extended(dispute: Dispute) -> GuardFailed | None:
    if dispute.mediation_extended:
        return GuardFailed("already_extended", str(_("The time limit can be extended only once.")))
    return None


def decided(dispute: Dispute) -> GuardFailed | None:
    if dispute.decision_number:
        return GuardFailed("decision_recorded", str(_("The bureau has recorded its decision on this case.")))
    return None


@dataclass
class Action:
    name: str
    moves: tuple[str, ...]  # the model's transitions it may run
    sides: tuple[str, ...]  # who may take it (any of them)
    label: Promise
    done: Promise
    confirm: Promise | None = None  # the page asks first
    note_required: bool = False
    also_from: tuple[str, ...] = ()  # states it is taken in without moving
    check: Callable[[Dispute], GuardFailed | None] | None = None  # a rule of the case that refuses it now
    service: Callable | None = field(default=None, repr=False)  # set by @executes
    sources: tuple[str, ...] = ()

    def __post_init__(self):
        starts = {t.source for t in _transitions() if t.name in self.moves} | set(self.also_from)
        self.sources = tuple(state for state in S.values if state in starts)

    def refusal(self, user, dispute: Dispute) -> str | None:
        for side in self.sides:
            if SIDES[side][0](user, dispute):
                return None
        return str(SIDES[self.sides[0]][1])


NOT_CLOSED = (S.FILED, S.IN_MEDIATION, S.UNDER_INVESTIGATION, S.TRANSFERRED, S.REFERRED, S.RESOLVED)

ACTIONS_DECLARED = [
    Action(
        "accept",
        ("accept_mediation", "accept_enforcement"),
        (PLATFORM,),
        _("Accept"),
        _("The case was accepted."),
    ),
    Action(
        "transfer",
        ("transfer",),
        (PLATFORM,),
        _("Transfer to another city's bureau"),
        _("The case was transferred under the cooperation memorandum."),
        confirm=_("Transfer this case? The other bureau takes it over and sees its record and evidence."),
    ),
    Action(
        "dismiss",
        ("dismiss",),
        (PLATFORM,),
        _("Dismiss"),
        _("The case was dismissed."),
        confirm=_("Dismiss this case? This cannot be undone."),
        note_required=True,
    ),
    Action(
        "consent",
        ("mediation_step",),
        (RESPONDENT,),
        _("Consent to mediation"),
        _("You consented to mediation."),
        check=consent_given,
    ),
    Action(
        "decline",
        ("decline",),
        (RESPONDENT,),
        _("Decline mediation"),
        _("You declined mediation; the bureau will route the case again."),
        confirm=_("Decline mediation? The bureau may take the case to administrative enforcement instead."),
        check=consent_given,
    ),
    Action(
        "extend",
        ("mediation_step",),
        (PLATFORM, MEDIATOR),
        _("Extend the time limit"),
        _("The mediation's time limit was extended."),
        check=extended,
    ),
    Action(
        "record_agreement",
        ("agree",),
        (MEDIATOR,),
        _("Record the agreement"),
        _("The mediation agreement was recorded and the case resolved."),
        confirm=_("Record the agreement? The case will be closed as resolved."),
        check=consent_missing,
    ),
    Action(
        "record_failure",
        ("refer",),
        (MEDIATOR,),
        _("Record that mediation failed"),
        _("The case was referred with its packet."),
        confirm=_("Record that mediation failed? The case goes to the court or arbitration commission you name."),
    ),
    Action(
        "record_decision",
        ("decide",),
        (PLATFORM,),
        _("Record the decision"),
        _("The decision was recorded."),
        check=decided,
    ),
    Action(
        "close",
        ("close",),
        (PLATFORM,),
        _("Close the case"),
        _("The case was closed as resolved."),
        confirm=_("Close this case? Enforcement ends here."),
        note_required=True,
    ),
    Action(
        "withdraw",
        ("withdraw",),
        (CLAIMANT,),
        _("Withdraw"),
        _("The case was withdrawn."),
        confirm=_("Withdraw this case? This cannot be undone."),
        check=decided,
    ),
    Action(
        "share",
        (),
        (PLATFORM,),
        _("Share with a partner"),
        _("The case was shared."),
        also_from=tuple(S.values),
    ),
    Action(
        "post_outcome",
        ("conclude",),
        (PARTNER,),
        _("Post the outcome"),
        _("The outcome was posted."),
        also_from=(S.IN_MEDIATION, S.UNDER_INVESTIGATION, S.RESOLVED),
    ),
]
ACTIONS = {action.name: action for action in ACTIONS_DECLARED}
FINISHED = [S.RESOLVED, S.DISMISSED, S.WITHDRAWN]


def moves_of(action: Action) -> list[tuple[str, str]]:
    return [(t.source, t.target) for t in _transitions() if t.name in action.moves]


def allowed_actions(dispute: Dispute, user=None) -> list[str]:
    """The actions the case's state and rules allow now and, when `user` is given, that this person may take."""
    return [
        a.name
        for a in ACTIONS_DECLARED
        if dispute.state in a.sources
        and (a.check is None or a.check(dispute) is None)
        and (user is None or a.refusal(user, dispute) is None)
    ]


def executes(name: str):
    """`@executes("accept")` on the service function that carries the action out."""

    def register(function):
        ACTIONS[name].service = function
        return function

    return register


def mermaid() -> str:
    lines = ["stateDiagram-v2", "    [*] --> filed"]
    for action in ACTIONS_DECLARED:
        for source, target in moves_of(action):
            if source != target:
                lines.append(f"    {source} --> {target}: {action.name}")
    for state in FINISHED:
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines)


def markdown() -> str:
    """The workflow section of docs/disputes.md (tests/disputes/test_workflow.py keeps the docs equal to it)."""
    rows = ["| action | from | to | who | note |", "|---|---|---|---|---|"]
    for action in ACTIONS_DECLARED:
        moves = moves_of(action)
        targets = sorted({target for source, target in moves if source != target})
        if action.also_from or any(source == target for source, target in moves):
            targets.append("(unchanged)")
        rows.append(
            f"| {action.name} | {', '.join(action.sources)} | {', '.join(targets)} | {', '.join(action.sides)} "
            f"| {'required' if action.note_required else 'optional'} |"
        )
    return "\n".join(rows) + "\n\n```mermaid\n" + mermaid() + "\n```\n"
