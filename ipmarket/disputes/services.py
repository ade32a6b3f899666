"""Services of IP protection (docs/disputes.md). Keyword-only, each in one transaction under the case's row
lock; guards answer GuardFailed (400) with a stable code, a wrong role PermissionDenied (403), a state the
action cannot start from InvalidTransition (409). Every action writes a DisputeEvent (who, for which
organisation, when, from, to, note), announced on commit; so does every read of a partner and every download.

Effects on the rest of the platform: accepting an ownership dispute raises its assets' `ownership_disputed`
flag (which blocks listing and pledging) and the end of the case clears what it raised; accepting any case
about a pledged asset alerts the live loans holding it (financing's collateral alerts, told to the bank)."""

from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from financing.services import monitoring
from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation, User
from ipmarket.accounts.validators import normalise_uscc, validate_uscc
from ipmarket.assets import services as asset_services
from ipmarket.core import uploads
from ipmarket.core.errors import GuardFailed, InvalidTransition
from ipmarket.core.services import refuse_if
from ipmarket.market.models import Deal, Listing

from . import notices, workflow
from .models import Dispute, DisputeAsset, DisputeEvent, Document, Outcome, Session, Share, Step

S = Dispute.State
K = Dispute.Kind
# Kinds whose accepted cases the asset's listings warn about; ownership cases also raise the register flag.
CAUTIONED_KINDS = [K.INFRINGEMENT, K.OWNERSHIP]

__all__ = [
    "dispute_accept",
    "dispute_close",
    "dispute_consent",
    "dispute_create",
    "dispute_decline",
    "dispute_dismiss",
    "dispute_extend",
    "dispute_post_outcome",
    "dispute_record_agreement",
    "dispute_record_decision",
    "dispute_record_failure",
    "dispute_share",
    "dispute_transfer",
    "dispute_withdraw",
    "document_upload",
    "mediation_overdue",
    "record_access",
    "session_record",
    "step_record",
]


# --- helpers ----------------------------------------------------------------------------------------


def _organisation_of(by: User | None, dispute: Dispute) -> int | None:
    """The organisation the person acts for on this case (for the audit trail)."""
    if by is None:
        return None
    mine = policies.organisation_ids(by)
    for pk in (dispute.claimant_id, dispute.respondent_id, dispute.mediator_id):
        if pk in mine:
            return pk
    shared = workflow.partner_ids(by, dispute)
    if shared:
        return min(shared)
    platform = policies.organisation_ids(by, kinds=[Organisation.Kind.PLATFORM])
    return min(platform) if platform else None


def _record(dispute: Dispute, *, by, action: str, before: str, note: str = "") -> DisputeEvent:
    event = DisputeEvent.objects.create(
        dispute=dispute,
        actor=by,
        organisation_id=_organisation_of(by, dispute),
        action=action,
        from_state=before,
        to_state=dispute.state,
        note=(note or "")[:2000],
    )
    notices.event_recorded(event)
    return event


def _lock(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update(of=("self",)).get(pk=dispute.pk)


@contextmanager
def _acting(dispute: Dispute, by, action: str, *, note: str = "", event_note: str | None = None):
    """Lock, 409 unless the state allows the action, 403 unless this person may take it; yield the fresh row;
    then save it and write the event, all in one transaction."""
    with transaction.atomic():
        locked = _lock(dispute)
        spec = workflow.ACTIONS[action]
        if locked.state not in spec.sources:
            raise InvalidTransition(action, locked.state, workflow.allowed_actions(locked))
        if by is not None and (reason := spec.refusal(by, locked)):
            raise PermissionDenied(reason)
        if spec.check is not None:
            refuse_if(spec.check(locked))
        if spec.note_required and not (note or "").strip():
            raise GuardFailed("note_required", _("Say why: the parties read the note."))
        before = locked.state
        extra: dict = {}
        yield locked, extra
        locked.save()
        _record(locked, by=by, action=action, before=before, note=extra.get("note", note))


def _partner(pk_or_org, kinds, field: str, message: str) -> Organisation:
    pk = pk_or_org.pk if isinstance(pk_or_org, Organisation) else pk_or_org
    found = Organisation.objects.filter(pk=pk, kind__in=kinds, is_active=True).first()
    if found is None:
        raise GuardFailed(f"{field}_kind", message)
    return found


def _assets_of(dispute: Dispute) -> list:
    return [item.asset for item in dispute.assets.select_related("patent", "trademark")]


def _end(dispute: Dispute, by) -> None:
    """The case ended (resolved, withdrawn, dismissed): clear the ownership flags it raised, unless another
    open ownership case on the same asset takes them over."""
    dispute.ended_on = timezone.localdate()
    for item in dispute.assets.filter(raised_flag=True).select_related("patent", "trademark"):
        asset = item.asset
        other = (
            DisputeAsset.objects.filter(
                Dispute.live("dispute__"), **{item.asset.asset_type: asset}, dispute__kind=K.OWNERSHIP
            )
            .exclude(dispute=dispute)
            .order_by("pk")
            .first()
        )
        item.raised_flag = False
        item.save(update_fields=["raised_flag"])
        if other is not None:
            other.raised_flag = True
            other.save(update_fields=["raised_flag"])
        else:
            asset_services.asset_dispute_flag(asset=asset, disputed=False, by=by)


def _accepted_effects(dispute: Dispute, by) -> None:
    """An accepted ownership case flags its assets; a case about a pledged asset alerts the loans holding it."""
    for item in dispute.assets.select_related("patent", "trademark"):
        asset = item.asset
        if dispute.kind == K.OWNERSHIP and asset_services.asset_dispute_flag(asset=asset, disputed=True, by=by):
            item.raised_flag = True
            item.save(update_fields=["raised_flag"])
        if asset.pledged:  # the banks are told by the accept event's notices
            monitoring.dispute_alert(
                asset=asset,
                note=_("Dispute #%(id)s (%(kind)s)") % {"id": dispute.pk, "kind": dispute.get_kind_display()},
            )


def _share(dispute: Dispute, partner: Organisation, *, by, documents=None) -> Share:
    share = Share.objects.create(dispute=dispute, partner=partner, shared_by=by)
    docs = list(dispute.documents.all()) if documents is None else list(documents)
    foreign = [d for d in docs if d.dispute_id != dispute.pk]
    if foreign:
        raise GuardFailed("document_not_in_case", _("Share only this case's documents."))
    share.documents.set(docs)
    notices.shared(share)
    return share


# --- filing -----------------------------------------------------------------------------------------


def _claimant_for(by: User, claimant: Organisation | None) -> Organisation:
    enterprises = policies.organisation_ids(by, kinds=[Organisation.Kind.ENTERPRISE])
    if claimant is None:
        if len(enterprises) != 1:
            if enterprises:
                raise GuardFailed("claimant_required", _("Say which of your enterprises files the case."))
            raise PermissionDenied(_("Only an enterprise's members file IP disputes."))
        return Organisation.objects.get(pk=next(iter(enterprises)))
    if claimant.pk not in enterprises:
        raise PermissionDenied(_("You file cases only for an enterprise you belong to."))
    return claimant


def _owns(asset, organisation_id: int) -> bool:
    return asset.owner_id == organisation_id or asset.co_owners.filter(pk=organisation_id).exists()


@transaction.atomic
def dispute_create(
    *,
    by: User,
    kind: str,
    facts: str,
    remedy: str,
    assets: Iterable = (),
    respondent: Organisation | None = None,
    respondent_name: str = "",
    respondent_credit_code: str = "",
    listing: Listing | None = None,
    deal: Deal | None = None,
    claimant: Organisation | None = None,
) -> Dispute:
    """A case filed by an enterprise's member about its own patent or trademark, or about a listing or deal its
    enterprise is party to."""
    claimant = _claimant_for(by, claimant)
    if kind not in K.values:
        raise ValidationError({"kind": [_("Choose the kind of dispute.")]})
    items, seen = [], set()
    for asset in assets:
        if (asset.asset_type, asset.pk) in seen:
            continue
        seen.add((asset.asset_type, asset.pk))
        if not _owns(asset, claimant.pk):
            raise GuardFailed(
                "not_owner", _("%(asset)s is not your enterprise's: file a case about your own IP.") % {"asset": asset}
            )
        items.append(asset)
    if deal is not None:
        if claimant.pk not in (deal.buyer_id, deal.seller_id):
            raise GuardFailed("not_party", _("Your enterprise is not a party to this deal."))
        listing = listing or deal.listing
        if deal.listing_id != listing.pk:
            raise GuardFailed("deal_listing", _("The deal is not on this listing."))
    if listing is not None:
        parties = {listing.seller_id} | set(Deal.objects.filter(listing=listing).values_list("buyer_id", flat=True))
        if claimant.pk not in parties:
            raise GuardFailed("not_party", _("Your enterprise is not a party to this listing."))
        asset = listing.asset
        if (asset.asset_type, asset.pk) not in seen:
            seen.add((asset.asset_type, asset.pk))
            items.append(asset)
    if not items:
        raise ValidationError({"assets": [_("Name at least one of your patents or trademarks, or a listing or deal.")]})
    respondent_name = (respondent_name or "").strip()
    code = normalise_uscc(respondent_credit_code or "") if respondent_credit_code else ""
    if respondent is None and code:
        try:
            validate_uscc(code)
        except ValidationError as error:
            raise ValidationError({"respondent_credit_code": error.messages}) from None
        respondent = Organisation.objects.filter(unified_social_credit_code=code).first()
    if respondent is None and not respondent_name:
        raise ValidationError(
            {"respondent": [_("Name the other party: an organisation in the directory, or a name and credit code.")]}
        )
    if respondent is not None and respondent.pk == claimant.pk:
        raise GuardFailed("respondent_is_claimant", _("The other party cannot be your own enterprise."))
    dispute = Dispute(
        claimant=claimant,
        created_by=by,
        kind=kind,
        respondent=respondent,
        respondent_name=respondent.name if respondent else respondent_name,
        respondent_credit_code=respondent.unified_social_credit_code if respondent else code,
        listing=listing,
        deal=deal,
        facts=facts or "",
        remedy=remedy or "",
    )
    errors = {}
    if not dispute.facts.strip():
        errors["facts"] = [_("Say what happened.")]
    if not dispute.remedy.strip():
        errors["remedy"] = [_("Say what you ask for.")]
    if errors:
        raise ValidationError(errors)
    dispute.full_clean(exclude=["state", "created_by", "claimant", "respondent", "listing", "deal"])
    dispute.save()
    DisputeAsset.objects.bulk_create([DisputeAsset(dispute=dispute, **{a.asset_type: a}) for a in items])
    _record(dispute, by=by, action="file", before="")
    return dispute


# --- routing ----------------------------------------------------------------------------------------


@workflow.executes("accept")
def dispute_accept(
    *, dispute: Dispute, by: User, route: str, mediator: Organisation | None = None, note: str = ""
) -> Dispute:
    """Platform people accept a filed case into mediation (naming the mediation organisation) or into
    administrative enforcement."""
    if route not in Dispute.Route.values:
        raise ValidationError({"route": [_("Choose mediation or enforcement.")]})
    with _acting(dispute, by, "accept", note=note) as (locked, _extra):
        today = timezone.localdate()
        if route == Dispute.Route.MEDIATION:
            if mediator is None:
                raise ValidationError({"mediator": [_("Name the mediation organisation.")]})
            locked.mediator = _partner(
                mediator,
                [Organisation.Kind.MEDIATION],
                "mediator",
                _("The mediator must be an active mediation organisation."),
            )
            locked.accept_mediation()
            locked.mediation_due = today + timedelta(days=settings.DISPUTE_MEDIATION_DAYS)
            locked.mediation_extended = False
            locked.respondent_consent = Dispute.Consent.PENDING
        else:
            locked.accept_enforcement()
        locked.route = route
        locked.accepted_on = locked.accepted_on or today
        _accepted_effects(locked, by)
    return locked


@workflow.executes("transfer")
def dispute_transfer(*, dispute: Dispute, by: User, bureau: Organisation, note: str = "") -> Dispute:
    """Transfer a filed case to a neighbouring city's bureau under the cooperation memorandum: the bureau is
    given the record and every document."""
    with _acting(dispute, by, "transfer", note=note) as (locked, extra):
        locked.bureau = _partner(
            bureau,
            [Organisation.Kind.BUREAU],
            "bureau",
            _("Transfer only to another city's bureau under the cooperation memorandum."),
        )
        locked.transfer()
        _share(locked, locked.bureau, by=by)
        extra["note"] = f"{locked.bureau.name}: {note}".strip(": ")
    return locked


@workflow.executes("dismiss")
def dispute_dismiss(*, dispute: Dispute, by: User, note: str) -> Dispute:
    with _acting(dispute, by, "dismiss", note=note) as (locked, _extra):
        locked.dismiss()
        _end(locked, by)
    return locked


# --- mediation --------------------------------------------------------------------------------------


@workflow.executes("consent")
def dispute_consent(*, dispute: Dispute, by: User, note: str = "") -> Dispute:
    with _acting(dispute, by, "consent", note=note) as (locked, _extra):
        locked.mediation_step()
        locked.respondent_consent = Dispute.Consent.CONSENTED
    return locked


@workflow.executes("decline")
def dispute_decline(*, dispute: Dispute, by: User, note: str = "") -> Dispute:
    """Mediation is voluntary: the respondent declines and the case goes back to the bureau to route again."""
    with _acting(dispute, by, "decline", note=note) as (locked, _extra):
        locked.decline()
        locked.respondent_consent = Dispute.Consent.DECLINED
        locked.route, locked.mediator, locked.mediation_due = "", None, None
    return locked


@workflow.executes("extend")
def dispute_extend(*, dispute: Dispute, by: User, note: str = "") -> Dispute:
    """Extend the mediation's time limit once."""
    with _acting(dispute, by, "extend", note=note) as (locked, _extra):
        locked.mediation_step()
        locked.mediation_due = max(locked.mediation_due, timezone.localdate()) + timedelta(
            days=settings.DISPUTE_MEDIATION_EXTENSION_DAYS
        )
        locked.mediation_extended = True
    return locked


@workflow.executes("record_agreement")
def dispute_record_agreement(
    *, dispute: Dispute, by: User, judicial_confirmation: bool = False, note: str = ""
) -> Dispute:
    """The parties agreed: the mediator records it (the signed agreement uploaded first) and whether judicial
    confirmation of the agreement was sought."""
    with _acting(dispute, by, "record_agreement", note=note) as (locked, _extra):
        if not locked.documents.filter(kind=Document.Kind.AGREEMENT).exists():
            raise GuardFailed("agreement_missing", _("Upload the signed mediation agreement first."))
        locked.agree()
        locked.judicial_confirmation = bool(judicial_confirmation)
        _end(locked, by)
    return locked


@workflow.executes("record_failure")
def dispute_record_failure(*, dispute: Dispute, by: User, referred_to: Organisation, note: str = "") -> Dispute:
    """Mediation failed: the case is referred to a court or an arbitration commission, which is given the case
    packet (the record and every document)."""
    with _acting(dispute, by, "record_failure", note=note) as (locked, extra):
        locked.referred_to = _partner(
            referred_to,
            workflow.REFERRAL_KINDS,
            "referred_to",
            _("Refer the case to a court or an arbitration commission."),
        )
        locked.refer()
        _share(locked, locked.referred_to, by=by)
        extra["note"] = f"{locked.referred_to.name}: {note}".strip(": ")
    return locked


# --- enforcement ------------------------------------------------------------------------------------


@workflow.executes("record_decision")
def dispute_record_decision(
    *, dispute: Dispute, by: User, number: str, decided_on: date, decision: str = "", public: bool = False, note=""
) -> Dispute:
    """The bureau's administrative decision: its number, date, the penalty or order, and whether it is
    published (then it is on the public page and in search)."""
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": [_("Give the decision's number.")]})
    if decided_on is None:
        raise ValidationError({"decided_on": [_("Give the date of the decision.")]})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": [_("The decision cannot be dated in the future.")]})
    with _acting(dispute, by, "record_decision", note=note or number) as (locked, _extra):
        if locked.accepted_on and decided_on < locked.accepted_on:
            raise ValidationError({"decided_on": [_("The decision cannot be dated before the case was accepted.")]})
        if Dispute.objects.filter(decision_number=number).exclude(pk=locked.pk).exists():
            raise GuardFailed("decision_number_taken", _("Another case has this decision number."))
        locked.decide()
        locked.decision_number, locked.decided_on = number, decided_on
        locked.decision, locked.decision_public = decision or "", bool(public)
        # The number's uniqueness is the database's (a concurrent case may take it until we commit).
        locked.full_clean(
            exclude=["state", "created_by", "claimant", "respondent", "listing", "deal"], validate_constraints=False
        )
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise GuardFailed("decision_number_taken", _("Another case has this decision number.")) from None
    return locked


@workflow.executes("close")
def dispute_close(*, dispute: Dispute, by: User, note: str) -> Dispute:
    with _acting(dispute, by, "close", note=note) as (locked, _extra):
        locked.close()
        _end(locked, by)
    return locked


@workflow.executes("withdraw")
def dispute_withdraw(*, dispute: Dispute, by: User, note: str = "") -> Dispute:
    with _acting(dispute, by, "withdraw", note=note) as (locked, _extra):
        locked.withdraw()
        _end(locked, by)
    return locked


# --- information sharing ----------------------------------------------------------------------------


@workflow.executes("share")
def dispute_share(
    *, dispute: Dispute, by: User, partner: Organisation, documents: Iterable | None = None, note: str = ""
) -> Dispute:
    """Share the case with a court, an arbitration commission, a mediation organisation or another city's
    bureau: the partner sees the record and the documents named (every document when none are named)."""
    with _acting(dispute, by, "share", note=note) as (locked, extra):
        partner = _partner(
            partner,
            workflow.PARTNER_KINDS,
            "partner",
            _("Share only with a court, an arbitration commission, a mediation organisation or another bureau."),
        )
        share = _share(locked, partner, by=by, documents=documents)
        names = ", ".join(d.original_name for d in share.documents.all()) or "-"
        extra["note"] = f"{partner.name} ({names}) {note}".strip()
    return locked


@workflow.executes("post_outcome")
def dispute_post_outcome(
    *, dispute: Dispute, by: User, reference: str, result: str, partner: Organisation | None = None, note: str = ""
) -> Dispute:
    """A partner the case is shared with posts back its outcome (a judgment's number and result, an award, a
    confirmation); a case referred or transferred to that partner is then resolved."""
    reference, result = (reference or "").strip(), (result or "").strip()
    errors = {}
    if not reference:
        errors["reference"] = [_("Give the reference, e.g. the judgment's number.")]
    if not result:
        errors["result"] = [_("Say what was decided.")]
    if len(reference) > 100:
        errors["reference"] = [_("At most 100 characters.")]
    if errors:
        raise ValidationError(errors)
    with _acting(dispute, by, "post_outcome", note=note) as (locked, extra):
        mine = workflow.partner_ids(by, locked)
        if partner is not None and partner.pk not in mine:
            raise PermissionDenied(_("Only a partner the case is shared with may do this."))
        partner_id = partner.pk if partner is not None else min(mine)
        Outcome(dispute=locked, partner_id=partner_id, reference=reference, result=result, posted_by=by).full_clean(
            exclude=["dispute", "partner", "posted_by"]
        )
        Outcome.objects.create(dispute=locked, partner_id=partner_id, reference=reference, result=result, posted_by=by)
        if locked.state in (S.REFERRED, S.TRANSFERRED) and partner_id in (locked.referred_to_id, locked.bureau_id):
            locked.conclude()
            _end(locked, by)
        extra["note"] = f"{reference}: {result}"
    return locked


def record_access(*, dispute: Dispute, by: User, what: str) -> None:
    """Who saw what: a partner's read of the case, and anyone's download of the packet or a document."""
    _record(dispute, by=by, action="viewed", before=dispute.state, note=what)


# --- sessions, steps, documents ---------------------------------------------------------------------


def _not_future(value: date, field: str) -> None:
    if value is None:
        raise ValidationError({field: [_("Give the date.")]})
    if value > timezone.localdate():
        raise ValidationError({field: [_("The date cannot be in the future.")]})


@transaction.atomic
def session_record(*, dispute: Dispute, by: User, held_on: date, summary: str, mode: str = "in_person") -> Session:
    """The mediator records a mediation session."""
    locked = _lock(dispute)
    if not workflow.is_mediator(by, locked):
        raise PermissionDenied(_("Only the mediation organisation of this case records sessions."))
    if locked.state != S.IN_MEDIATION:
        raise InvalidTransition("record_session", locked.state, workflow.allowed_actions(locked))
    _not_future(held_on, "held_on")
    if locked.accepted_on and held_on < locked.accepted_on:
        raise ValidationError({"held_on": [_("The session cannot be before the case was accepted.")]})
    session = Session(dispute=locked, held_on=held_on, mode=mode, summary=(summary or "").strip(), recorded_by=by)
    if not session.summary:
        raise ValidationError({"summary": [_("Say what happened in the session.")]})
    session.full_clean(exclude=["dispute", "recorded_by"])
    session.save()
    _record(locked, by=by, action="session", before=locked.state, note=f"{held_on}: {session.summary}")
    return session


@transaction.atomic
def step_record(*, dispute: Dispute, by: User, taken_on: date, kind: str, summary: str) -> Step:
    """The bureau records an investigation step."""
    locked = _lock(dispute)
    if not workflow.is_platform(by, locked):
        raise PermissionDenied(_("Only the bureau's staff record investigation steps."))
    if locked.state != S.UNDER_INVESTIGATION:
        raise InvalidTransition("record_step", locked.state, workflow.allowed_actions(locked))
    _not_future(taken_on, "taken_on")
    step = Step(dispute=locked, taken_on=taken_on, kind=kind, summary=(summary or "").strip(), recorded_by=by)
    if not step.summary:
        raise ValidationError({"summary": [_("Say what was done.")]})
    step.full_clean(exclude=["dispute", "recorded_by"])
    step.save()
    _record(
        locked, by=by, action="step", before=locked.state, note=f"{taken_on} {step.get_kind_display()}: {step.summary}"
    )
    return step


# Who uploads which kind of document, and in which states.
DOCUMENT_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Document.Kind.EVIDENCE: (
        (workflow.CLAIMANT, workflow.RESPONDENT),
        (S.FILED, S.IN_MEDIATION, S.UNDER_INVESTIGATION),
    ),
    Document.Kind.AGREEMENT: ((workflow.MEDIATOR,), (S.IN_MEDIATION,)),
    Document.Kind.DECISION: ((workflow.PLATFORM,), (S.UNDER_INVESTIGATION,)),
    Document.Kind.OTHER: (
        (workflow.CLAIMANT, workflow.RESPONDENT, workflow.MEDIATOR, workflow.PLATFORM),
        (S.FILED, S.IN_MEDIATION, S.UNDER_INVESTIGATION),
    ),
}


def _may_upload_as(user, dispute: Dispute, sides) -> bool:
    """One of the sides; the respondent only once the bureau accepted the case (before, it does not see it)."""
    return any(
        workflow.SIDES[side][0](user, dispute)
        for side in sides
        if side != workflow.RESPONDENT or dispute.accepted_on is not None
    )


def document_kinds_for(user, dispute: Dispute) -> list[str]:
    """The kinds of document this person may upload to the case now."""
    return [
        kind
        for kind, (sides, states) in DOCUMENT_RULES.items()
        if dispute.state in states and _may_upload_as(user, dispute, sides)
    ]


@transaction.atomic
def document_upload(*, dispute: Dispute, by: User, kind: str, upload) -> Document:
    """A document of the case, by the side it belongs to and in the states where it makes sense."""
    locked = _lock(dispute)
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": [_("Unknown document kind.")]})
    sides, states = DOCUMENT_RULES[kind]
    if not _may_upload_as(by, locked, sides):
        raise PermissionDenied(_("You may not upload this kind of document to this case."))
    if locked.state not in states:
        raise InvalidTransition(f"upload_{kind}", locked.state, document_kinds_for(by, locked))
    inspected = uploads.inspect(upload, limit=settings.DISPUTE_DOCUMENT_MAX_BYTES)
    document = Document(
        dispute=locked,
        kind=kind,
        original_name=inspected.name or f"document.{inspected.extension}",
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        organisation_id=_organisation_of(by, locked),
        uploaded_by=by,
    )
    document.file.save(f"{locked.pk}-{inspected.sha256[:16]}.{inspected.extension}", upload, save=False)
    document.save()
    _record(
        locked,
        by=by,
        action="upload",
        before=locked.state,
        note=str(document.get_kind_display()),
    )
    return document


def mediation_overdue(today: date | None = None):
    """Cases in mediation past their time limit, oldest due first."""
    today = today or timezone.localdate()
    return Dispute.objects.filter(state=S.IN_MEDIATION, mediation_due__lt=today).order_by("mediation_due", "pk")
