"""The registry's nightly moves and notices: expiry 12 months after admission (idempotent), the reminder a
month before, financed when the chosen bank disburses, and who is told of what."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from financing import services as financing
from financing.registry import notices, services
from financing.registry.models import DemandEvent, Interest
from ipmarket.core import notices as core_notices
from ipmarket.notifications.models import Notification
from tests.financing.factories import PATH, Steps, today
from tests.registry.factories import demand, fresh, register


def test_admitted_demands_expire_after_their_date_once(w):
    d = demand(w, "admitted")
    interest = register(w, d)
    assert services.demands_expire(today=d.expires_on) == 0  # the last day it is listed
    assert services.demands_expire(today=d.expires_on + timedelta(days=1)) == 1
    assert fresh(d).state == "expired"
    interest.refresh_from_db()
    assert interest.state == Interest.State.NOT_CHOSEN
    assert services.demands_expire(today=d.expires_on + timedelta(days=1)) == 0
    assert DemandEvent.objects.filter(demand=d, action="expire", actor=None).count() == 1


def test_matched_demands_do_not_expire(w):
    d = demand(w, "matched")
    assert services.demands_expire(today=today() + relativedelta(years=2)) == 0
    assert fresh(d).state == "matched"


def test_the_reminder_goes_a_month_before_expiry(w):
    d = demand(w, "admitted")
    assert notices.expiring_notices(today=d.expires_on - relativedelta(months=1) - timedelta(days=1)) == []
    notice_list = notices.expiring_notices(today=d.expires_on - relativedelta(months=1))
    assert [n.organisation_ids for n in notice_list] == [(w.borrower.pk,)]
    assert notice_list == notices.expiring_notices(today=d.expires_on - timedelta(days=3))  # same key: told once
    assert "demands_expiring" in core_notices.DAILY
    title, _body = core_notices.render(notices.DEMAND_EXPIRING, notice_list[0].params)
    assert str(d.pk) in title


def test_every_notice_kind_is_a_notification_kind():
    kinds = set(Notification.Kind.values)
    assert {notices.DEMAND_STATE, notices.DEMAND_INTEREST, notices.DEMAND_EXPIRING} <= kinds


def test_who_is_told_of_what(w, django_capture_on_commit_callbacks):
    d = demand(w, "submitted")
    submitted = DemandEvent.objects.get(demand=d, action="submit")
    assert w.platform.memberships.get().organisation_id in notices.recipients(submitted)
    services.demand_admit(demand=d, by=w.platform, batch=w.batch)
    admitted = DemandEvent.objects.get(demand=d, action="admit")
    assert {w.borrower.pk, w.bank.pk, w.bank2.pk} <= set(notices.recipients(admitted))
    a = register(w, d)
    b = register(w, d, by=w.officer2)
    [told] = notices.interest_notices([a.pk])
    assert told.organisation_ids == (w.borrower.pk,) and told.kind == notices.DEMAND_INTEREST
    services.demand_choose(demand=d, by=w.owner, interest=a)
    chosen, declined = notices.interest_notices([a.pk, b.pk])
    assert chosen.organisation_ids == (w.bank.pk,) and chosen.params["state"] == "chosen"
    assert declined.organisation_ids == (w.bank2.pk,) and declined.params["state"] == "not_chosen"
    for n in (chosen, declined, told):
        assert core_notices.render(n.kind, n.params)[0]
    state_notices = notices.demand_event_notices(DemandEvent.objects.filter(demand=d).values_list("pk", flat=True))
    assert [n.params["to"] for n in state_notices] == ["submitted", "admitted", "matched"]


def test_a_shown_to_some_banks_admission_tells_only_those(w):
    d = demand(w, "admitted", banks=[w.bank2])
    admitted = DemandEvent.objects.get(demand=d, action="admit")
    assert w.bank.pk not in notices.recipients(admitted) and w.bank2.pk in notices.recipients(admitted)


def test_the_demand_is_financed_when_its_loan_is_disbursed(w, django_capture_on_commit_callbacks):
    d = demand(w, "matched")
    app = fresh(d).application
    steps = Steps(w)
    for name in PATH[1 : PATH.index("pledge_registered") + 1]:
        getattr(steps, name)(app)
    assert fresh(d).state == "matched"
    with django_capture_on_commit_callbacks(execute=True):
        financing.application_disburse(application=app, by=w.officer)
    assert fresh(d).state == "financed"
    assert DemandEvent.objects.filter(demand=d, action="finance").count() == 1
    assert services.demands_finance_disbursed() == 0  # nothing left for the sweep


def test_the_sweep_finances_a_demand_whose_announcement_was_lost(w):
    d = demand(w, "matched")
    app = fresh(d).application
    steps = Steps(w)
    for name in PATH[1:]:
        getattr(steps, name)(app)  # on-commit hooks never run here: the announcement is lost
    assert fresh(d).state == "matched"
    assert services.demands_finance_disbursed() == 1
    assert fresh(d).state == "financed"
    assert services.demands_finance_disbursed() == 0


def test_a_withdrawn_application_leaves_the_demand_matched(w):
    d = demand(w, "matched")
    financing.application_withdraw(application=fresh(d).application, by=w.owner)
    assert services.demands_finance_disbursed() == 0
    assert fresh(d).state == "matched"


def test_the_beat_tasks_run_the_jobs_once(w):
    from financing.registry import tasks as registry_tasks
    from ipmarket.notifications import tasks as notification_tasks

    d = demand(w, "admitted")
    type(d).objects.filter(pk=d.pk).update(expires_on=today() + timedelta(days=10))
    notification_tasks.remind_demands_expiring()
    notification_tasks.remind_demands_expiring()
    told = Notification.objects.filter(kind=notices.DEMAND_EXPIRING)
    assert list(told.values_list("recipient", flat=True)) == [w.owner.pk]
    type(d).objects.filter(pk=d.pk).update(expires_on=today() - timedelta(days=1))
    registry_tasks.expire_demands()
    registry_tasks.expire_demands()
    assert fresh(d).state == "expired"
    assert DemandEvent.objects.filter(demand=d, action="expire").count() == 1
