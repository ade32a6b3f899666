"""The financing programme's notices (ipmarket/core/notices.py): a loan application's state change reaches
every party; the daily reminders of repayments due within 7 days, overdue instalments and collateral at
risk. Each creates only the notifications whose key is new, so a job that runs twice notifies nobody twice."""

from datetime import date, datetime, timedelta

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.core import notices
from ipmarket.core.money import cny
from ipmarket.core.notices import Notice, excerpt, label, with_note

from .models import Application, CollateralAlert, Event, RepaymentPeriod, ValuationReport

APPLICATION_STATE = "application_state"
REPAYMENT_DUE = "repayment_due"
OVERDUE = "overdue"
COLLATERAL_AT_RISK = "collateral_at_risk"
REPAYMENT_NOTICE = timedelta(days=7)


def _link(app_id: int) -> str:
    return reverse("financing-application", args=[app_id])


def application_parties(app) -> tuple[int, ...]:
    """Every party of a loan application: borrower, bank, insurer, appraiser and the programme's fund."""
    return tuple(
        dict.fromkeys([app.applicant_id, app.lender_id, app.insurer_id, app.appraiser_id, app.programme.risk_fund_id])
    )


@notices.producer("application_events")
def application_event_notices(event_ids) -> list[Notice]:
    """A loan application changed state: to every party's people, except the one who acted."""
    events = (
        Event.objects.filter(pk__in=event_ids)
        .exclude(from_state="")
        .select_related("application__programme")
        .order_by("pk")
    )
    return [
        Notice(
            kind=APPLICATION_STATE,
            key=f"application:{e.application_id}:event:{e.pk}",
            organisation_ids=(
                # A draft withdrawn before it was ever submitted was never shown to the other parties.
                (e.application.applicant_id,)
                if (e.from_state, e.to_state) == (Application.State.DRAFT, Application.State.WITHDRAWN)
                else application_parties(e.application)
            ),
            params={
                "application": e.application_id,
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "note": excerpt(e.note),
            },
            link=_link(e.application_id),
            exclude_user_id=e.actor_id,
        )
        for e in events
        if e.from_state != e.to_state
    ]


@notices.catch_up("financing")
def recent_notices(since: datetime) -> list[Notice]:
    return application_event_notices(Event.objects.filter(at__gte=since).values_list("pk", flat=True))


def event_recorded(event) -> None:
    """After an application event is written: a state change is announced to every party."""
    if event.from_state and event.from_state != event.to_state:
        notices.announce("application_events", event.pk)


def _period_params(p) -> dict:
    owed = p.principal + p.interest + p.penalty - p.paid_principal - p.paid_interest - p.paid_penalty
    return {
        "application": p.application_id,
        "period": p.period,
        "due_date": p.due_date.isoformat(),
        "amount": str(owed),  # a decimal string; shown with cny() (older notices hold "1,234.00")
    }


@notices.daily("repayments_due")
def repayment_due_notices(*, today: date | None = None) -> list[Notice]:
    """Each unpaid instalment of a loan being repaid that falls due in the next 7 days (today included):
    to the borrower and the bank, once per instalment."""
    today = today or timezone.localdate()
    periods = (
        RepaymentPeriod.objects.filter(
            application__state__in=Application.LOAN,
            settled_on=None,
            due_date__gte=today,
            due_date__lte=today + REPAYMENT_NOTICE,
        )
        .select_related("application")
        .order_by("pk")
    )
    return [
        Notice(
            kind=REPAYMENT_DUE,
            key=f"repayment_due:{p.pk}",
            organisation_ids=(p.application.applicant_id, p.application.lender_id),
            params=_period_params(p),
            link=_link(p.application_id),
        )
        for p in periods
    ]


@notices.daily("overdue")
def overdue_notices(*, today: date | None = None) -> list[Notice]:
    """Each instalment past due (beyond the programme's grace days) of a loan in the overdue state: to the
    borrower, the bank, the insurer and the fund, once per instalment."""
    today = today or timezone.localdate()
    periods = (
        RepaymentPeriod.objects.filter(
            application__state=Application.State.OVERDUE, settled_on=None, due_date__lt=today
        )
        .select_related("application__programme")
        .order_by("pk")
    )
    return [
        Notice(
            kind=OVERDUE,
            key=f"overdue:{p.pk}",
            organisation_ids=(
                p.application.applicant_id,
                p.application.lender_id,
                p.application.insurer_id,
                p.application.programme.risk_fund_id,
            ),
            params=_period_params(p),
            link=_link(p.application_id),
        )
        for p in periods
        if (today - p.due_date).days > p.application.programme.overdue_grace_days
    ]


@notices.daily("collateral_at_risk")
def collateral_notices(*, today: date | None = None) -> list[Notice]:
    """Collateral alerts (raised nightly by the collateral check) of loans still watched: to the bank, the
    insurer and the fund, once per alert."""
    alerts = (
        CollateralAlert.objects.filter(application__state__in=Application.WATCHED)
        .select_related("application__programme")
        .order_by("pk")
    )
    return [
        Notice(
            kind=COLLATERAL_AT_RISK,
            key=f"collateral:{a.pk}",
            organisation_ids=(a.application.lender_id, a.application.insurer_id, a.application.programme.risk_fund_id),
            params={"application": a.application_id, "asset": a.asset_label, "reason": a.reason},
            link=_link(a.application_id),
        )
        for a in alerts
    ]


@notices.renderer(APPLICATION_STATE)
def _application(p):
    to = label(Application.State, p.get("to", ""))
    title = _("Loan application %(application)s: %(state)s") % {"application": p.get("application"), "state": to}
    body = _("The application went from “%(from)s” to “%(to)s”.") % {
        "from": label(Application.State, p.get("from", "")),
        "to": to,
    }
    return title, with_note(body, p.get("note", ""))


def _instalment(p) -> dict:
    keys = {"application": "application", "period": "period", "amount": "amount", "date": "due_date"}
    values = {name: p.get(key) for name, key in keys.items()}
    if values["amount"] is not None:
        values["amount"] = cny(str(values["amount"]).replace(",", ""))
    return values


@notices.renderer(REPAYMENT_DUE)
def _repayment_due(p):
    values = _instalment(p)
    title = _("Repayment due on %(date)s: loan application %(application)s") % values
    body = _("Instalment %(period)s, %(amount)s, is due on %(date)s.") % values
    return title, body


@notices.renderer(OVERDUE)
def _overdue(p):
    values = _instalment(p)
    title = _("Repayment overdue: loan application %(application)s") % values
    body = _("Instalment %(period)s, %(amount)s, fell due on %(date)s and is not fully paid.") % values
    return title, body


@notices.renderer(COLLATERAL_AT_RISK)
def _collateral(p):
    values = {
        "application": p.get("application"),
        "asset": p.get("asset", ""),
        "reason": label(CollateralAlert.Reason, p.get("reason", "")),
    }
    title = _("Collateral at risk: loan application %(application)s") % values
    body = _("%(asset)s: %(reason)s. Check the loan and its security.") % values
    return title, body


VALUATION_EXPIRING = "valuation_expiring"


@notices.daily("valuations_expiring")
def valuation_expiring_notices(*, today: date | None = None) -> list[Notice]:
    """A panel valuation report whose last valid day is within 30 days (today included): to its appraiser,
    and to the borrower of each application valued with it that awaits the bank's decision, once per report
    and last valid day (an admission ended or a report re-dated is not told twice)."""
    from . import valuations

    today = today or timezone.localdate()
    reports = (
        ValuationReport.objects.filter(
            valid_until__gte=today, valid_until__lte=today + timedelta(days=valuations.REMINDER_DAYS)
        )
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.filter(state=Application.State.VALUED).order_by("pk"),
                to_attr="waiting",
            )
        )
        .order_by("pk")
    )
    found = []
    for r in reports:
        params = {"report": r.pk, "reference": r.reference, "valid_until": r.valid_until.isoformat()}
        key = f"valuation_expiring:{r.pk}:{r.valid_until.isoformat()}"
        found.append(
            Notice(
                kind=VALUATION_EXPIRING,
                key=key,
                organisation_ids=(r.appraiser_id,),
                params=params,
                link=reverse("financing-valuations"),
            )
        )
        found += [
            Notice(
                kind=VALUATION_EXPIRING,
                key=f"{key}:application:{app.pk}",
                organisation_ids=(app.applicant_id,),
                params={**params, "application": app.pk},
                link=_link(app.pk),
            )
            for app in r.waiting
        ]
    return found


@notices.renderer(VALUATION_EXPIRING)
def _valuation_expiring(p):
    values = {
        "report": p.get("reference") or f"#{p.get('report')}",
        "date": p.get("valid_until", ""),
        "application": p.get("application"),
    }
    title = _("Valuation report %(report)s expires on %(date)s") % values
    if values["application"]:
        body = (
            _(
                "Loan application %(application)s is valued with this report: the bank may count it only until "
                "%(date)s; after that the IP is valued again."
            )
            % values
        )
    else:
        body = _("After %(date)s the report no longer counts for a loan: value the IP again when asked.") % values
    return title, body
