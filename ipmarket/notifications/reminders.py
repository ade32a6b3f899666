"""The daily reminders (Celery beat): repayments due within 7 days, overdue instalments, patent annual
fees due within 30 days, trademark renewal windows, collateral at risk. Each reads its rows in one or two
queries and creates only the notifications whose key is new: a second run the same day (or any later day)
sends nothing twice."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from .models import Kind
from .services import Draft, notifications_create

REPAYMENT_NOTICE = timedelta(days=7)
ANNUAL_FEE_NOTICE = timedelta(days=30)


def _application_link(app_id: int) -> str:
    return reverse("financing-application", args=[app_id])


def _period_params(p) -> dict:
    owed = p.principal + p.interest + p.penalty - p.paid_principal - p.paid_interest - p.paid_penalty
    return {
        "application": p.application_id,
        "period": p.period,
        "due_date": p.due_date.isoformat(),
        "amount": f"{owed:,.2f}",
    }


def repayments_due_notify(*, today: date | None = None) -> list[int]:
    """Each unpaid instalment of a loan being repaid that falls due in the next 7 days (today included):
    to the borrower and the bank, once per instalment."""
    from financing.models import Application, RepaymentPeriod

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
    return notifications_create(
        Draft(
            kind=Kind.REPAYMENT_DUE,
            key=f"repayment_due:{p.pk}",
            organisation_ids=(p.application.applicant_id, p.application.lender_id),
            params=_period_params(p),
            link=_application_link(p.application_id),
        )
        for p in periods
    )


def overdue_notify(*, today: date | None = None) -> list[int]:
    """Each instalment past due (beyond the programme's grace days) of a loan in the overdue state: to the
    borrower, the bank, the insurer and the fund, once per instalment."""
    from financing.models import Application, RepaymentPeriod

    today = today or timezone.localdate()
    periods = (
        RepaymentPeriod.objects.filter(
            application__state=Application.State.OVERDUE, settled_on=None, due_date__lt=today
        )
        .select_related("application__programme")
        .order_by("pk")
    )
    drafts = []
    for p in periods:
        app = p.application
        if (today - p.due_date).days <= app.programme.overdue_grace_days:
            continue
        drafts.append(
            Draft(
                kind=Kind.OVERDUE,
                key=f"overdue:{p.pk}",
                organisation_ids=(app.applicant_id, app.lender_id, app.insurer_id, app.programme.risk_fund_id),
                params=_period_params(p),
                link=_application_link(app.pk),
            )
        )
    return notifications_create(drafts)


def annual_fees_due_notify(*, today: date | None = None) -> list[int]:
    """Granted patents whose next annual fee falls due within 30 days: to the owner's people, once per
    patent and due date (paying moves the date, and the next year's fee is a new reminder)."""
    from ipmarket.assets.models import Patent

    today = today or timezone.localdate()
    patents = Patent.objects.filter(
        legal_status=Patent.LegalStatus.GRANTED,
        annual_fee_paid_until__gte=today,
        annual_fee_paid_until__lte=today + ANNUAL_FEE_NOTICE,
    ).order_by("pk")
    return notifications_create(
        Draft(
            kind=Kind.ANNUAL_FEE_DUE,
            key=f"annual_fee:{p.pk}:{p.annual_fee_paid_until.isoformat()}",
            organisation_ids=(p.owner_id,),
            params={
                "patent": p.pk,
                "number": p.application_number,
                "title": p.title,
                "due_date": p.annual_fee_paid_until.isoformat(),
            },
            link=reverse("patent-detail", args=[p.pk]),
        )
        for p in patents.only("pk", "owner_id", "application_number", "title", "annual_fee_paid_until")
    )


def trademark_renewals_notify(*, today: date | None = None) -> list[int]:
    """Registered trademarks whose renewal window is open (the 12 months before expiry, docs/notifications.md): to
    the owner's people, once per window (a renewal moves the expiry and opens a new window later)."""
    from ipmarket.assets import rules
    from ipmarket.assets.models import Trademark

    today = today or timezone.localdate()
    trademarks = Trademark.objects.filter(
        status=Trademark.Status.REGISTERED,
        expiry_date__gte=today,
        expiry_date__lte=today + rules.RENEWAL_WINDOW,
    ).order_by("pk")
    return notifications_create(
        Draft(
            kind=Kind.TRADEMARK_RENEWAL,
            key=f"tm_renewal:{t.pk}:{(t.expiry_date - rules.RENEWAL_WINDOW).isoformat()}",
            organisation_ids=(t.owner_id,),
            params={
                "trademark": t.pk,
                "number": t.registration_number,
                "mark": t.mark_name,
                "expiry_date": t.expiry_date.isoformat(),
            },
            link=reverse("trademark-detail", args=[t.pk]),
        )
        for t in trademarks.only("pk", "owner_id", "registration_number", "mark_name", "expiry_date")
    )


def collateral_at_risk_notify() -> list[int]:
    """Collateral alerts (raised nightly by financing's collateral check) of loans still watched: to the
    bank, the insurer and the fund, once per alert."""
    from financing.models import CollateralAlert
    from financing.services.monitoring import WATCHED

    alerts = (
        CollateralAlert.objects.filter(application__state__in=WATCHED)
        .select_related("application__programme")
        .order_by("pk")
    )
    return notifications_create(
        Draft(
            kind=Kind.COLLATERAL_AT_RISK,
            key=f"collateral:{a.pk}",
            organisation_ids=(a.application.lender_id, a.application.insurer_id, a.application.programme.risk_fund_id),
            params={"application": a.application_id, "asset": a.asset_label, "reason": a.reason},
            link=_application_link(a.application_id),
        )
        for a in alerts
    )
