"""The daily jobs: each notifies the right people of the right things, and run twice it sends nothing twice
(neither inbox entries nor emails); preferences are honoured."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail

from financing import services as financing
from financing.models import CollateralAlert, RepaymentPeriod
from financing.notices import repayment_due_notices
from ipmarket.assets.notices import annual_fee_notices, trademark_renewal_notices
from ipmarket.notifications import tasks
from ipmarket.notifications.models import Kind, Notification
from ipmarket.notifications.services import notifications_create, preferences_update
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory

from .conftest import fresh, recipients, shift_loan, today

pytestmark = pytest.mark.django_db


def twice(task):
    """Run the job twice; the second run must add no notification and send no email."""
    task()
    rows, sent = Notification.objects.count(), len(mail.outbox)
    task()
    assert Notification.objects.count() == rows
    assert len(mail.outbox) == sent
    return rows


def test_repayment_due_within_seven_days_goes_to_borrower_and_bank_once(make_app, parties, outsiders):
    app = make_app("active")
    shift_loan(app, today() - relativedelta(months=1) + timedelta(days=3))  # instalment 1 due in 3 days
    mail.outbox.clear()

    assert twice(tasks.remind_repayments_due) == 4
    assert recipients(Kind.REPAYMENT_DUE) == ["approver1", "approver2", "borrower1", "officer1"]
    period = RepaymentPeriod.objects.get(application=app, period=1)
    note = Notification.objects.get(recipient=parties.owner)
    assert note.key == f"repayment_due:{period.pk}"
    assert note.params["due_date"] == period.due_date.isoformat()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "approver1@example.com",
        "approver2@example.com",
        "borrower1@example.com",
        "officer1@example.com",
    ]
    assert period.due_date.isoformat() in mail.outbox[0].subject


def test_no_repayment_reminder_further_ahead_or_for_a_settled_instalment(make_app):
    app = make_app("active")  # instalment 1 falls due in a month
    shift_loan(app, today() - relativedelta(months=1) + timedelta(days=3))
    RepaymentPeriod.objects.filter(application=app, period=1).update(settled_on=today())

    notifications_create(repayment_due_notices(today=today()))
    assert not Notification.objects.exists()
    notifications_create(repayment_due_notices(today=today() + timedelta(days=30)))  # instalment 2 is 4 days away then
    assert Notification.objects.filter(kind=Kind.REPAYMENT_DUE).count() == 4


def test_overdue_instalments_go_to_borrower_bank_insurer_and_fund_once_per_instalment(make_app, parties):
    app = make_app("active")
    shift_loan(app, today() - relativedelta(months=2, days=10))  # instalments 1 and 2 unpaid
    financing.loans_check_overdue(today=today())
    assert fresh(app).state == "overdue"
    mail.outbox.clear()

    rows = twice(tasks.remind_overdue)

    people = ["approver1", "approver2", "borrower1", "fund1", "insurer1", "officer1"]
    assert recipients(Kind.OVERDUE) == people
    assert rows == 2 * len(people)  # two instalments past due
    assert len(mail.outbox) == rows
    assert not Notification.objects.filter(recipient=parties.valuer).exists()


def test_annual_fee_due_within_30_days_goes_to_the_owners_people(django_assert_max_num_queries):
    owner = OrganisationFactory(kind="enterprise")
    people = [member_of(owner, username="owner_a"), member_of(owner, username="owner_b")]
    member_of(OrganisationFactory(kind="enterprise"), username="stranger")
    due = [PatentFactory(owner=owner, annual_fee_paid_until=today() + timedelta(days=d)) for d in (0, 10, 30)]
    PatentFactory(owner=owner, annual_fee_paid_until=today() + timedelta(days=31))  # not yet
    PatentFactory(owner=owner, annual_fee_paid_until=today() - timedelta(days=5))  # overdue: another matter
    PatentFactory(owner=owner, legal_status="pending", grant_date=None, annual_fee_paid_until=None)

    with django_assert_max_num_queries(7):  # set-based: not one query per patent or person
        notifications_create(annual_fee_notices())
    mail.outbox.clear()
    Notification.objects.all().delete()

    assert twice(tasks.remind_annual_fees) == 6
    assert recipients(Kind.ANNUAL_FEE_DUE) == ["owner_a", "owner_b"]
    keys = {f"annual_fee:{p.pk}:{p.annual_fee_paid_until.isoformat()}" for p in due}
    assert set(Notification.objects.filter(recipient=people[0]).values_list("key", flat=True)) == keys
    assert len(mail.outbox) == 6


def test_paying_the_fee_makes_next_years_fee_a_new_reminder():
    owner = OrganisationFactory(kind="enterprise")
    member_of(owner)
    patent = PatentFactory(owner=owner, annual_fee_paid_until=today() + timedelta(days=5))
    notifications_create(annual_fee_notices())
    patent.annual_fee_paid_until = today() + timedelta(days=20)  # a (short) new due date
    patent.save()
    notifications_create(annual_fee_notices())
    assert Notification.objects.filter(kind=Kind.ANNUAL_FEE_DUE).count() == 2


def test_trademark_renewal_window_once_per_window():
    owner = OrganisationFactory(kind="enterprise")
    member_of(owner, username="tm_owner")
    member_of(OrganisationFactory(kind="enterprise"), username="stranger")
    in_window = TrademarkFactory(owner=owner, registration_date=today() - relativedelta(years=10) + timedelta(days=90))
    TrademarkFactory(owner=owner, registration_date=today() - relativedelta(years=8))  # expires in 2 years
    TrademarkFactory(owner=owner, registration_date=today() - relativedelta(years=10, days=30))  # in grace: expired

    assert twice(tasks.remind_trademark_renewals) == 1
    note = Notification.objects.get()
    assert note.recipient.username == "tm_owner"
    window_start = in_window.expiry_date - relativedelta(months=12)
    assert note.key == f"tm_renewal:{in_window.pk}:{window_start.isoformat()}"
    assert len(mail.outbox) == 1 and in_window.mark_name in mail.outbox[0].subject
    # The next day, the window is still the same window: nothing new.
    notifications_create(trademark_renewal_notices(today=today() + timedelta(days=1)))
    assert Notification.objects.count() == 1


def test_collateral_at_risk_goes_to_bank_insurer_and_fund_once_per_alert(make_app, parties):
    app = make_app("active")
    patent = app.assets.get().patent
    patent.legal_status = "invalidated"
    patent.save()
    assert financing.collateral_check(today=today()) == 1
    mail.outbox.clear()

    assert twice(tasks.alert_collateral_at_risk) == 5
    assert recipients(Kind.COLLATERAL_AT_RISK) == ["approver1", "approver2", "fund1", "insurer1", "officer1"]
    assert len(mail.outbox) == 5
    alert = CollateralAlert.objects.get()
    note = Notification.objects.filter(kind=Kind.COLLATERAL_AT_RISK).first()
    assert note.key == f"collateral:{alert.pk}" and note.params["reason"] == "invalidated"
    assert not Notification.objects.filter(recipient__in=[parties.owner, parties.valuer]).exists()


def test_people_who_opted_out_of_a_kind_get_no_email_of_it(make_app, parties):
    preferences_update(by=parties.owner, email_kinds=[k for k in Kind.values if k != Kind.REPAYMENT_DUE])
    app = make_app("active")
    shift_loan(app, today() - relativedelta(months=1) + timedelta(days=1))
    mail.outbox.clear()

    tasks.remind_repayments_due()

    assert Notification.objects.filter(recipient=parties.owner, kind=Kind.REPAYMENT_DUE).count() == 1
    assert "borrower1@example.com" not in [m.to[0] for m in mail.outbox]
    assert "officer1@example.com" in [m.to[0] for m in mail.outbox]


def test_the_beat_schedule_runs_every_reminder_daily_and_the_catch_up_hourly(settings):
    from ipmarket.celery import app

    app.loader.import_default_modules()
    entries = {k: v for k, v in settings.CELERY_BEAT_SCHEDULE.items() if k.startswith("notifications-")}
    tasks_named = {entry["task"] for entry in entries.values()}
    assert tasks_named == {
        f"ipmarket.notifications.tasks.{name}"
        for name in [
            "remind_repayments_due",
            "remind_overdue",
            "remind_annual_fees",
            "remind_trademark_renewals",
            "remind_demands_expiring",
            "remind_licence_filing",
            "remind_valuations_expiring",
            "remind_mediation_overdue",
            "alert_collateral_at_risk",
            "catch_up",
        ]
    }
    assert tasks_named <= set(app.tasks)
    for name, entry in entries.items():
        hours = entry["schedule"].hour
        assert len(hours) == (24 if name == "notifications-catch-up" else 1), name
