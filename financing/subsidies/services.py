"""The subsidies' services (docs/subsidies.md): computing the claimable amounts of a loan, and the workflow
claim → approve | reject → pay. Keyword-only; each action runs under the subsidy's row lock, checks the state
(409 with the allowed actions) and the role (403), and writes an audit event in the same transaction."""

import logging
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from financing.models import Application
from ipmarket.accounts import policies as people
from ipmarket.core import services as kit
from ipmarket.core.errors import GuardFailed

from . import notices, policies, rules
from .models import Subsidy, SubsidyEvent

logger = logging.getLogger(__name__)
S = Subsidy.State
K = Subsidy.Kind
REFERENCE_MAX = 64
NOTE_MAX = 2000


def _event(subsidy: Subsidy, *, by, action: str, before: str, note: str = "") -> SubsidyEvent:
    return kit.record_event(
        SubsidyEvent,
        announce=notices.event_recorded,
        subsidy=subsidy,
        actor=by,
        action=action,
        from_state=before,
        to_state=subsidy.state,
        note=note or "",
    )


# --- computing ----------------------------------------------------------------------------------------


def subsidies_compute(*, application) -> list[Subsidy]:
    """Create the claimable subsidies the loan has earned and that do not exist yet: one per repayment period
    whose interest was paid in full by its due date, and the premium subsidy once the loan is disbursed with
    a premium. Idempotent; a subsidy once computed is never changed here (whatever its state). The
    programme's current rates are frozen into the new rows. Returns the rows created."""
    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("programme")
            .get(pk=application.pk if isinstance(application, Application) else application)
        )
        if app.disbursed_on is None:
            return []
        programme = app.programme
        have_periods = set(Subsidy.objects.filter(application=app, kind=K.INTEREST).values_list("period", flat=True))
        have_premium = Subsidy.objects.filter(application=app, kind=K.PREMIUM).exists()
        new = []
        if not have_premium and app.premium is not None and app.premium.amount > 0:
            amount = rules.premium_subsidy(premium=app.premium.amount, ratio=programme.premium_subsidy_ratio)
            if amount > 0:
                new.append(
                    Subsidy(
                        application=app,
                        kind=K.PREMIUM,
                        year=app.disbursed_on.year,
                        base=app.premium.amount,
                        rate=programme.premium_subsidy_ratio,
                        amount=amount,
                    )
                )
        periods = [p for p in app.periods.order_by("period") if p.period not in have_periods]
        if periods:
            repayments = [(r.paid_on, r.allocation) for r in app.repayments.order_by("paid_on", "id")]
            for earned in rules.period_subsidies(periods, repayments, programme.interest_subsidy_rate):
                new.append(
                    Subsidy(
                        application=app,
                        kind=K.INTEREST,
                        period=earned.period,
                        due_date=earned.due_date,
                        year=earned.due_date.year,
                        base=earned.opening_balance,
                        rate=programme.interest_subsidy_rate,
                        interest=earned.interest,
                        amount=earned.amount,
                    )
                )
        created = Subsidy.objects.bulk_create(new)
        SubsidyEvent.objects.bulk_create(
            [SubsidyEvent(subsidy=s, action="compute", from_state="", to_state=s.state) for s in created]
        )
    return created


def subsidies_compute_all() -> dict[str, int]:
    """The daily sweep: compute what every disbursed loan has earned (idempotent). A loan whose computation
    fails is logged and left for the next run; the others go on."""
    counts = {"loans": 0, "created": 0, "failed": 0}
    for app_id in Application.objects.filter(disbursed_on__isnull=False).order_by("pk").values_list("pk", flat=True):
        counts["loans"] += 1
        try:
            counts["created"] += len(subsidies_compute(application=app_id))
        except Exception:  # one broken loan must not stop the sweep
            logger.exception("subsidies of loan %s not computed", app_id)
            counts["failed"] += 1
    return counts


# --- the workflow ---------------------------------------------------------------------------------------


def _lock(subsidy) -> Subsidy:
    return (
        Subsidy.objects.select_for_update(of=("self",))
        .select_related("application", "application__programme")
        .get(pk=subsidy.pk)
    )


def _act(subsidy, by, action: str) -> Subsidy:
    """The locked subsidy, once its state allows the action (else 409) and the person may take it (else 403)."""
    locked = _lock(subsidy)
    kit.require_state(locked, "state", action, policies.SOURCES)
    if not policies.may(by, locked, action):
        raise PermissionDenied(_("You may not %(action)s this subsidy.") % {"action": _ACTION_WORDS[action]()})
    return locked


_ACTION_WORDS = {
    "claim": lambda: _("claim"),
    "approve": lambda: _("approve"),
    "reject": lambda: _("reject"),
    "pay": lambda: _("record the payment of"),
}


def _note(note) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("At most %(n)s characters.") % {"n": NOTE_MAX}]})
    return note


def subsidy_claim(*, subsidy, by, note: str = "") -> Subsidy:
    """The borrower claims a claimable subsidy."""
    note = _note(note)
    with transaction.atomic():
        s = _act(subsidy, by, "claim")
        before = s.state
        s.claim()
        s.claimed_by, s.claimed_at = by, timezone.now()
        s.save()
        _event(s, by=by, action="claim", before=before, note=note)
    return s


def subsidies_claim_all(*, by, application=None) -> list[Subsidy]:
    """Every claimable subsidy of the loans of the person's enterprises (of one loan if given), claimed at
    once. Subsidies another request claimed meanwhile are left out; nothing claimable: an empty list."""
    ids = people.organisation_ids(by)
    qs = Subsidy.objects.filter(state=S.CLAIMABLE, application__applicant_id__in=ids)
    if application is not None:
        qs = qs.filter(application=application)
    claimed = []
    with transaction.atomic():
        for s in qs.select_for_update(of=("self",), skip_locked=True).order_by("pk"):
            claimed.append(subsidy_claim(subsidy=s, by=by))
    return claimed


def subsidy_approve(*, subsidy, by, note: str = "") -> Subsidy:
    """Platform staff approve a claimed subsidy (the state they decide on must still be `claimed`: 409)."""
    note = _note(note)
    with transaction.atomic():
        s = _act(subsidy, by, "approve")
        before = s.state
        s.approve()
        s.decided_by, s.decided_at, s.decision_note = by, timezone.now(), note
        s.save()
        _event(s, by=by, action="approve", before=before, note=note)
    return s


def subsidy_reject(*, subsidy, by, note: str) -> Subsidy:
    """Platform staff reject a claimed subsidy, saying why (a note is required: 400 `note_required`). A
    rejected subsidy is final."""
    note = _note(note)
    with transaction.atomic():
        s = _act(subsidy, by, "reject")
        if not note:
            raise GuardFailed("note_required", _("Say why the subsidy is rejected."))
        before = s.state
        s.reject()
        s.decided_by, s.decided_at, s.decision_note = by, timezone.now(), note
        s.save()
        _event(s, by=by, action="reject", before=before, note=note)
    return s


def subsidy_pay(*, subsidy, by, paid_on: date, reference: str, note: str = "") -> Subsidy:
    """The fund records that it paid an approved subsidy: the date (not in the future, not before the
    approval) and its payment reference (required)."""
    note = _note(note)
    reference = (reference or "").strip()
    with transaction.atomic():
        s = _act(subsidy, by, "pay")
        if not reference:
            raise ValidationError({"reference": [_("Give the payment reference.")]})
        if len(reference) > REFERENCE_MAX:
            raise ValidationError({"reference": [_("At most %(n)s characters.") % {"n": REFERENCE_MAX}]})
        approved_on = timezone.localdate(s.decided_at) if s.decided_at else None
        if paid_on > timezone.localdate() or (approved_on and paid_on < approved_on):
            raise ValidationError({"paid_on": [_("The payment date is between the approval and today.")]})
        before = s.state
        s.pay()
        s.paid_by, s.paid_at, s.paid_on, s.payment_reference = by, timezone.now(), paid_on, reference
        s.save()
        _event(s, by=by, action="pay", before=before, note=note)
    return s


SERVICES = {"claim": subsidy_claim, "approve": subsidy_approve, "reject": subsidy_reject, "pay": subsidy_pay}


# --- totals ---------------------------------------------------------------------------------------------


def totals(subsidies, *, year: int | None = None) -> list[dict]:
    """Sums per enterprise and year, by kind and state, of the given (already filtered) subsidies: one row
    per (enterprise, year), ordered by year (newest first) then enterprise name. Amounts are Decimal."""
    qs = subsidies.order_by()
    if year is not None:
        qs = qs.filter(year=year)
    sums = qs.values("application__applicant_id", "application__applicant__name", "year", "kind", "state").annotate(
        total=Sum("amount")
    )
    rows: dict[tuple[int, int], dict] = {}
    for item in sums:
        key = (item["application__applicant_id"], item["year"])
        row = rows.setdefault(
            key,
            {
                "enterprise": key[0],
                "enterprise_name": item["application__applicant__name"],
                "year": key[1],
                **{kind: {state: Decimal("0.00") for state in S.values} for kind in K.values},
                "total": Decimal("0.00"),
            },
        )
        row[item["kind"]][item["state"]] += item["total"]
        if item["state"] != S.REJECTED:
            row["total"] += item["total"]
    return sorted(rows.values(), key=lambda r: (-r["year"], r["enterprise_name"], r["enterprise"]))
