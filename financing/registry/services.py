"""Services of the financing-demand registry (docs/registry.md). Keyword-only, each in one transaction under
the demand's row lock; guards answer GuardFailed (400) with a stable code, a wrong role PermissionDenied (403),
a state the action cannot start from InvalidTransition (409), a decision on something that changed meanwhile
Conflict (409). Every action writes a DemandEvent (who, when, from, to, note), announced on commit."""

from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from financing.models import Application, PanelAppraiser, Programme
from financing.services import application_create
from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation, User
from ipmarket.assets import commitments, rules
from ipmarket.core import money as platform_money
from ipmarket.core import services as kit
from ipmarket.core.errors import Conflict, GuardFailed, InvalidTransition
from ipmarket.core.services import refuse_if

from . import notices, workflow
from .models import Demand, DemandAsset, DemandBatch, DemandEvent, Interest

S = Demand.State
LISTING_PERIOD = relativedelta(months=12)
# The demand's own fields an enterprise sets on create and, while draft or returned, on update.
EDITABLE_FIELDS = {
    "amount",
    "term_months",
    "purpose",
    "industry",
    "contact_consent",
    "contact_name",
    "contact_phone",
}

__all__ = [
    "ACTION_SERVICES",
    "allowed_actions",
    "batch_close",
    "batch_create",
    "demand_admit",
    "demand_choose",
    "demand_create",
    "demand_reject",
    "demand_return",
    "demand_submit",
    "demand_update",
    "demand_withdraw",
    "demands_expire",
    "demands_finance_disbursed",
    "interest_register",
    "interest_withdraw",
]

allowed_actions = workflow.allowed_actions


# --- helpers ----------------------------------------------------------------------------------------


def _cny(value, field: str) -> Money:
    try:
        amount = platform_money.money(value)
    except platform_money.CurrencyError:
        raise GuardFailed("currency", _("Amounts are in CNY.")) from None
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError({field: [_("Give an amount in yuan.")]}) from None
    return amount


def _record(demand: Demand, *, by, action: str, before: str, note: str = "") -> DemandEvent:
    return kit.record_event(
        DemandEvent,
        announce=notices.event_recorded,
        demand=demand,
        actor=by,
        action=action,
        from_state=before,
        to_state=demand.state,
        note=note or "",
    )


def _lock(demand: Demand) -> Demand:
    return (
        Demand.objects.select_for_update(of=("self",))
        .select_related("programme", "enterprise", "batch")
        .get(pk=demand.pk)
    )


@contextmanager
def _acting(demand: Demand, by, action: str, *, note: str = ""):
    """Lock, 409 unless the state allows the action, 403 unless this person may take it; yield the fresh row;
    then save it and write the event, all in one transaction."""
    with transaction.atomic():
        locked = _lock(demand)
        spec = workflow.ACTIONS[action]
        if locked.state not in spec.sources:
            raise InvalidTransition(action, locked.state, workflow.allowed_actions(locked))
        if by is not None and (reason := spec.refusal(by, locked)):
            raise PermissionDenied(reason)
        if spec.note_required and not (note or "").strip():
            raise GuardFailed("note_required", _("Say why: the enterprise reads the note."))
        before = locked.state
        yield locked
        locked.save()
        _record(locked, by=by, action=action, before=before, note=note)


def _enterprise_for(by: User, enterprise: Organisation | None) -> Organisation:
    enterprises = policies.organisation_ids(by, kinds=[Organisation.Kind.ENTERPRISE])
    if enterprise is None:
        if len(enterprises) != 1:
            if enterprises:
                raise GuardFailed("enterprise_required", _("Say which of your enterprises files the demand."))
            raise PermissionDenied(_("Only an enterprise's members file financing demands."))
        return Organisation.objects.get(pk=next(iter(enterprises)))
    if enterprise.pk not in enterprises:
        raise PermissionDenied(_("You file demands only for an enterprise you belong to."))
    return enterprise


def asset_refusal(asset, enterprise_id: int, today: date) -> GuardFailed | None:
    """An asset a demand may offer: the enterprise's own granted patent or registered trademark, in force and
    not pledged (nor committed to a pledge by a loan application)."""
    label = str(asset)
    if asset.owner_id != enterprise_id:
        return GuardFailed("not_owner", _("%(asset)s is not owned by the enterprise.") % {"asset": label})
    if asset.asset_type == "patent":
        if asset.legal_status != "granted" or not rules.asset_in_force(asset, today):
            return GuardFailed("asset_not_granted", _("%(asset)s is not a granted patent in force.") % {"asset": label})
    elif asset.status != "registered" or not rules.asset_in_force(asset, today):
        return GuardFailed(
            "asset_not_registered", _("%(asset)s is not a registered trademark in force.") % {"asset": label}
        )
    if asset.pledged or any(c.kind == commitments.PLEDGE for c in commitments.of(asset)):
        return GuardFailed("already_pledged", _("%(asset)s is already pledged.") % {"asset": label})
    return None


def _set_assets(demand: Demand, assets: Iterable) -> None:
    today = timezone.localdate()
    seen, items = set(), []
    for asset in assets:
        key = (asset.asset_type, asset.pk)
        if key in seen:
            continue
        seen.add(key)
        refuse_if(asset_refusal(asset, demand.enterprise_id, today))
        items.append(DemandAsset(demand=demand, **{asset.asset_type: asset}))
    if not items:
        raise ValidationError({"assets": [_("Offer at least one patent or trademark.")]})
    demand.assets.all().delete()
    DemandAsset.objects.bulk_create(items)


def _set_banks(demand: Demand, banks: Iterable) -> None:
    banks = list(dict.fromkeys(banks))
    ids = [b.pk if isinstance(b, Organisation) else b for b in banks]
    found = set(
        Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.BANK, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if set(ids) - found:
        raise GuardFailed("not_a_bank", _("Each organisation the demand is shown to must be an active bank."))
    demand.all_banks = not ids
    demand.banks.set(ids)


def _limits_refusal(demand: Demand) -> GuardFailed | None:
    """The programme is open and the demand fits its limits (on create, update and submit)."""
    programme = demand.programme
    if not programme.is_active:
        return GuardFailed("programme_closed", _("This programme is not open."))
    if demand.amount.amount > programme.max_principal.amount:
        return GuardFailed(
            "amount_above_programme_max",
            _("The programme lends at most %(max)s per borrower.")
            % {"max": platform_money.cny(programme.max_principal.amount)},
        )
    if demand.term_months > programme.max_term_months:
        return GuardFailed(
            "term_too_long", _("The programme's longest term is %(n)s months.") % {"n": programme.max_term_months}
        )
    return None


def _validate(demand: Demand) -> None:
    errors = {}
    if demand.amount is None or demand.amount.amount <= 0:
        errors["amount"] = [_("Give a positive amount.")]
    if demand.term_months is None or demand.term_months < 1:
        errors["term_months"] = [_("The term is at least one month.")]
    if demand.contact_consent and not (demand.contact_name.strip() and demand.contact_phone.strip()):
        errors["contact_name"] = [_("Give a contact person and phone when banks may contact you.")]
    if errors:
        raise ValidationError(errors)
    demand.full_clean(exclude=["state", "batch", "chosen_interest", "application", "created_by"])
    refuse_if(_limits_refusal(demand))


def _fields(fields: dict) -> dict:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    if "amount" in fields:
        fields["amount"] = _cny(fields["amount"], "amount")
    for name in ("contact_name", "contact_phone", "purpose"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    return fields


# --- demands ----------------------------------------------------------------------------------------


@transaction.atomic
def demand_create(
    *, by: User, programme: Programme, assets, banks=(), enterprise: Organisation | None = None, **fields
) -> Demand:
    """A draft demand by an enterprise's member, offering the enterprise's own IP."""
    enterprise = _enterprise_for(by, enterprise)
    if enterprise.kind != Organisation.Kind.ENTERPRISE:
        raise PermissionDenied(_("Only an enterprise's members file financing demands."))
    demand = Demand(programme=programme, enterprise=enterprise, created_by=by, **_fields(fields))
    _validate(demand)
    demand.save()
    _set_assets(demand, assets)
    _set_banks(demand, banks)
    demand.save(update_fields=["all_banks"])
    _record(demand, by=by, action="create", before="")
    return demand


@transaction.atomic
def demand_update(*, demand: Demand, by: User, assets=None, banks=None, **fields) -> Demand:
    """The enterprise edits its draft or returned demand."""
    locked = _lock(demand)
    if not workflow.is_enterprise_member(by, locked):
        raise PermissionDenied(_("Only the enterprise that filed the demand edits it."))
    if locked.state not in Demand.EDITABLE:
        raise GuardFailed("not_editable", _("Only a draft or a returned demand can be edited."))
    for name, value in _fields(fields).items():
        setattr(locked, name, value)
    _validate(locked)
    if assets is not None:
        _set_assets(locked, assets)
    if banks is not None:
        _set_banks(locked, banks)
    locked.save()
    _record(locked, by=by, action="edit", before=locked.state)
    return locked


@workflow.executes("submit")
def demand_submit(*, demand: Demand, by: User, note: str = "") -> Demand:
    with _acting(demand, by, "submit", note=note) as locked:
        refuse_if(_limits_refusal(locked))
        today = timezone.localdate()
        for item in locked.assets.select_related("patent", "trademark"):
            refuse_if(asset_refusal(item.asset, locked.enterprise_id, today))
        locked.submit()
    return locked


def _close_open_interests(demand: Demand) -> list[int]:
    """The banks' open interest in a demand that leaves the registry (withdrawn, expired) is declined."""
    ids = list(Interest.objects.filter(demand=demand, state=Interest.State.OPEN).values_list("pk", flat=True))
    Interest.objects.filter(pk__in=ids).update(state=Interest.State.NOT_CHOSEN)
    for pk in ids:
        notices.interest_changed(pk)
    return ids


@workflow.executes("withdraw")
def demand_withdraw(*, demand: Demand, by: User, note: str = "") -> Demand:
    with _acting(demand, by, "withdraw", note=note) as locked:
        locked.withdraw()
        _close_open_interests(locked)
    return locked


@workflow.executes("admit")
def demand_admit(*, demand: Demand, by: User, batch: DemandBatch, note: str = "") -> Demand:
    with _acting(demand, by, "admit", note=note) as locked:
        batch = DemandBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.is_open:
            raise GuardFailed("batch_closed", _("This registry batch is closed."))
        if batch.programme_id != locked.programme_id:
            raise GuardFailed("batch_programme", _("The batch belongs to another programme than the demand."))
        today = timezone.localdate()
        locked.admit()
        locked.batch = batch
        locked.admitted_on = today
        locked.expires_on = today + LISTING_PERIOD
    return locked


@workflow.executes("return")
def demand_return(*, demand: Demand, by: User, note: str) -> Demand:
    with _acting(demand, by, "return", note=note) as locked:
        locked.return_for_changes()
    return locked


@workflow.executes("reject")
def demand_reject(*, demand: Demand, by: User, note: str) -> Demand:
    with _acting(demand, by, "reject", note=note) as locked:
        locked.reject()
    return locked


def _insurer_for(insurer: Organisation | None) -> Organisation:
    active = Organisation.objects.filter(kind=Organisation.Kind.INSURER, is_active=True)
    if insurer is not None:
        if not active.filter(pk=insurer.pk).exists():
            raise GuardFailed("wrong_party", _("The insurer named is not an active insurance company."))
        return insurer
    found = list(active.order_by("pk")[:2])
    if len(found) != 1:
        raise GuardFailed("insurer_required", _("Say which insurer insures the loan."))
    return found[0]


def _appraiser_for(programme: Programme, appraiser: Organisation | None, today: date) -> Organisation:
    active = Organisation.objects.filter(kind=Organisation.Kind.APPRAISER, is_active=True)
    if appraiser is not None:
        if not active.filter(pk=appraiser.pk).exists():
            raise GuardFailed("wrong_party", _("The appraiser named is not an active appraisal firm."))
        return appraiser
    panel = active.filter(
        pk__in=PanelAppraiser.objects.filter(programme=programme, valid_from__lte=today, valid_until__gte=today).values(
            "appraiser_id"
        )
    )
    found = list(panel.order_by("pk")[:2])
    if len(found) != 1:
        raise GuardFailed("appraiser_required", _("Say which of the programme's panel appraisers values the IP."))
    return found[0]


@workflow.executes("choose")
def demand_choose(
    *,
    demand: Demand,
    by: User,
    interest: Interest,
    insurer: Organisation | None = None,
    appraiser: Organisation | None = None,
    method: str = Application.Method.EQUAL_INSTALMENT,
    note: str = "",
) -> Demand:
    """The enterprise chooses one bank's open interest (compare-and-set: it must still be open and belong to
    this demand): the demand is matched, the other interests declined, and a draft pledge application to that
    bank is created from the demand's terms, its IP and the bank's indicative principal and rate."""
    with _acting(demand, by, "choose", note=note) as locked:
        try:
            chosen = Interest.objects.select_for_update().get(pk=interest.pk)
        except Interest.DoesNotExist:
            raise Conflict("interest_changed", _("That bank's interest is no longer open.")) from None
        if chosen.demand_id != locked.pk or chosen.state != Interest.State.OPEN:
            raise Conflict("interest_changed", _("That bank's interest is no longer open."))
        today = timezone.localdate()
        items = list(locked.assets.select_related("patent", "trademark"))
        application = application_create(
            by=by,
            programme=locked.programme,
            assets=[item.asset for item in items],
            applicant=locked.enterprise,
            principal=chosen.indicative_principal,
            annual_rate=chosen.indicative_rate,
            term_months=locked.term_months,
            method=method,
            purpose=locked.purpose,
            lender=chosen.bank,
            insurer=_insurer_for(insurer),
            appraiser=_appraiser_for(locked.programme, appraiser, today),
        )
        others = list(
            Interest.objects.filter(demand=locked, state=Interest.State.OPEN)
            .exclude(pk=chosen.pk)
            .values_list("pk", flat=True)
        )
        Interest.objects.filter(pk__in=others).update(state=Interest.State.NOT_CHOSEN)
        chosen.state = Interest.State.CHOSEN
        chosen.save(update_fields=["state"])
        for pk in [chosen.pk, *others]:
            notices.interest_changed(pk)
        locked.choose()
        locked.chosen_interest = chosen
        locked.application = application
    return locked


# --- interests --------------------------------------------------------------------------------------


def _bank_for(by: User, bank: Organisation | None) -> Organisation:
    banks = policies.organisation_ids(by, kinds=[Organisation.Kind.BANK])
    if bank is None:
        if len(banks) != 1:
            if banks:
                raise GuardFailed("bank_required", _("Say which of your banks is interested."))
            raise PermissionDenied(_("Only a bank's members register interest."))
        return Organisation.objects.get(pk=next(iter(banks)))
    if bank.pk not in banks:
        raise PermissionDenied(_("You register interest only for a bank you belong to."))
    return bank


def shown_to(demand: Demand, bank_id: int) -> bool:
    return demand.all_banks or demand.banks.filter(pk=bank_id).exists()


def interest_register(
    *,
    demand: Demand,
    by: User,
    indicative_principal,
    indicative_rate,
    note: str = "",
    bank: Organisation | None = None,
) -> Interest:
    """A bank's member registers the bank's interest in an admitted demand shown to it, with indicative terms.
    One live (open or chosen) interest per bank and demand."""
    bank = _bank_for(by, bank)
    principal = _cny(indicative_principal, "indicative_principal")
    try:
        rate = Decimal(str(indicative_rate))
    except ArithmeticError:
        raise ValidationError({"indicative_rate": [_("Give the rate as a decimal, e.g. 0.045.")]}) from None
    with transaction.atomic():
        locked = _lock(demand)
        if locked.state not in Demand.LISTED or not shown_to(locked, bank.pk):
            raise PermissionDenied(_("This demand is not shown to your bank."))
        if locked.state != S.ADMITTED:
            raise InvalidTransition("register_interest", locked.state, [])
        if principal.amount <= 0:
            raise ValidationError({"indicative_principal": [_("Give a positive principal.")]})
        if not Decimal("0") < rate <= locked.programme.max_annual_rate:
            raise GuardFailed(
                "rate_above_cap",
                _("The indicative rate is above 0 and at most the programme's cap of %(cap)s.")
                % {"cap": platform_money.percent(locked.programme.max_annual_rate)},
            )
        interest = Interest(
            demand=locked,
            bank=bank,
            created_by=by,
            indicative_principal=principal,
            indicative_rate=rate,
            note=note or "",
        )
        interest.full_clean(exclude=["demand", "bank", "created_by"], validate_constraints=False)
        try:
            with transaction.atomic():
                interest.save()
        except IntegrityError:
            raise Conflict("interest_exists", _("Your bank has already registered interest in this demand.")) from None
        _record(locked, by=by, action="register_interest", before=locked.state, note=f"{bank.name}")
        notices.interest_changed(interest.pk)
    return interest


def interest_withdraw(*, interest: Interest, by: User) -> Interest:
    """The bank withdraws its open interest (a chosen one stands: the pledge application has begun)."""
    with transaction.atomic():
        demand = _lock(interest.demand)
        locked = Interest.objects.select_for_update().select_related("bank").get(pk=interest.pk)
        if locked.bank_id not in policies.organisation_ids(by, kinds=[Organisation.Kind.BANK]):
            raise PermissionDenied(_("Only the bank that registered the interest withdraws it."))
        if locked.state != Interest.State.OPEN:
            raise Conflict("interest_changed", _("Only an open interest can be withdrawn."))
        locked.state = Interest.State.WITHDRAWN
        locked.save(update_fields=["state"])
        _record(demand, by=by, action="withdraw_interest", before=demand.state, note=locked.bank.name)
        notices.interest_changed(locked.pk)
    return locked


# --- batches ----------------------------------------------------------------------------------------


def _platform_only(by: User) -> None:
    if not policies.is_platform_staff(by):
        raise PermissionDenied(_("Only platform staff manage registry batches."))


def batch_create(
    *, by: User, programme: Programme, name: str, year: int, number: int, name_en: str = ""
) -> DemandBatch:
    _platform_only(by)
    batch = DemandBatch(programme=programme, name=name, name_en=name_en or "", year=year, number=number, created_by=by)
    batch.full_clean(exclude=["created_by"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            batch.save()
    except IntegrityError:
        raise Conflict("batch_exists", _("A batch with this name, or this year and number, exists.")) from None
    return batch


@transaction.atomic
def batch_close(*, batch: DemandBatch, by: User) -> DemandBatch:
    _platform_only(by)
    locked = DemandBatch.objects.select_for_update().get(pk=batch.pk)
    if not locked.is_open:
        raise Conflict("batch_closed", _("This registry batch is already closed."))
    locked.is_open = False
    locked.save(update_fields=["is_open"])
    batch.is_open = False
    return locked


# --- the system's moves ------------------------------------------------------------------------------


def demands_expire(*, today: date | None = None) -> int:
    """The nightly job: admitted demands past their expiry date (12 months after admission) expire, and the
    banks' open interest in them is declined. Idempotent: a second run the same day changes nothing."""
    today = today or timezone.localdate()
    done = 0
    for pk in Demand.objects.filter(state=S.ADMITTED, expires_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            locked = Demand.objects.select_for_update().get(pk=pk)
            if locked.state != S.ADMITTED or not (locked.expires_on and locked.expires_on < today):
                continue
            locked.expire()
            locked.save()
            _close_open_interests(locked)
            _record(locked, by=None, action="expire", before=S.ADMITTED)
            done += 1
    return done


def demand_finance(*, application_id: int) -> bool:
    """The matched demand whose pledge application was disbursed is financed (called on the financing
    domain's announcement, and by the nightly sweep). Idempotent."""
    with transaction.atomic():
        locked = Demand.objects.select_for_update().filter(application_id=application_id).first()
        if locked is None or locked.state != S.MATCHED:
            return False
        if not Application.objects.filter(pk=application_id, disbursed_on__isnull=False).exists():
            return False
        locked.finance()
        locked.save()
        _record(locked, by=None, action="finance", before=S.MATCHED)
    return True


def demands_finance_disbursed() -> int:
    """The nightly sweep: matched demands whose application was disbursed and that an announcement lost."""
    ids = Demand.objects.filter(state=S.MATCHED, application__disbursed_on__isnull=False).values_list(
        "application_id", flat=True
    )
    return sum(demand_finance(application_id=pk) for pk in list(ids))


# action → its service (each marked `@workflow.executes(name)`): the dispatch of the API and the pages
ACTION_SERVICES = {name: action.service for name, action in workflow.ACTIONS.items()}
