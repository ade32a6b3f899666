"""Who hears of a case: the producers of ipmarket/disputes/notices.py, the notifications they become, the
daily reminder of an overdue mediation, and the words in both languages."""

from contextlib import contextmanager
from datetime import timedelta
from functools import partial

import pytest
from django.utils import translation

from ipmarket.core import notices as core_notices
from ipmarket.disputes import notices, services
from ipmarket.disputes.models import DisputeEvent, Share
from ipmarket.notifications import tasks
from ipmarket.notifications.models import Kind, Notification
from ipmarket.notifications.services import notifications_create
from tests.accounts.factories import member_of
from tests.disputes.factories import dispute, fresh


@pytest.fixture
def hooks_run(django_capture_on_commit_callbacks):
    """`with hooks_run(): <service calls>` then runs the notification tasks their commits announced,
    synchronously (as tests/notifications/conftest.py does)."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks() as callbacks:
            yield
        for callback in callbacks:
            if isinstance(callback, partial) and callback.func is core_notices.dispatch:
                tasks.notify(*callback.args)

    return run


def platform_org(w):
    return w.platform.memberships.get().organisation_id


def event_notice(d, action):
    event = DisputeEvent.objects.filter(dispute=d, action=action).latest("pk")
    return next(n for n in notices.dispute_event_notices([event.pk]) if n.kind == notices.DISPUTE_STATE)


def test_filing_notifies_the_platform_only(w, hooks_run):
    with hooks_run():
        d = dispute(w)
    notice = event_notice(d, "file")
    assert platform_org(w) in notice.organisation_ids
    assert not {w.claimant.pk, w.respondent.pk} & set(notice.organisation_ids)
    assert Notification.objects.filter(recipient=w.platform, kind=Kind.DISPUTE_STATE).count() == 1
    assert not Notification.objects.filter(recipient__in=[w.owner, w.respondent_person]).exists()


def test_accepting_notifies_claimant_respondent_and_mediator_not_the_actor(w, hooks_run):
    d = dispute(w)
    claimant_colleague = member_of(w.claimant)
    with hooks_run():
        services.dispute_accept(dispute=d, by=w.platform, route="mediation", mediator=w.mediation)
    notice = event_notice(d, "accept")
    assert set(notice.organisation_ids) == {w.claimant.pk, w.respondent.pk, w.mediation.pk}
    assert notice.exclude_user_id == w.platform.pk
    key = f"dispute:{d.pk}:event:{DisputeEvent.objects.get(dispute=d, action='accept').pk}"
    told = set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))
    assert {w.owner.username, claimant_colleague.username, w.respondent_person.username, w.mediator.username} <= told
    assert w.platform.username not in told and w.stranger.username not in told


def test_the_respondent_hears_nothing_before_acceptance_and_the_actor_nothing_of_its_own_act(w):
    d = dispute(w)
    services.dispute_transfer(dispute=d, by=w.platform, bureau=w.bureau)
    notice = event_notice(d, "transfer")
    assert w.respondent.pk not in notice.organisation_ids
    declined = dispute(w, "in_mediation")
    services.dispute_decline(dispute=declined, by=w.respondent_person)
    notice = event_notice(declined, "decline")
    assert platform_org(w) in notice.organisation_ids and notice.exclude_user_id == w.respondent_person.pk


def test_a_share_notifies_the_partner(w, hooks_run):
    d = dispute(w, "under_investigation")
    with hooks_run():
        services.dispute_share(dispute=d, by=w.platform, partner=w.court)
    share = Share.objects.get(dispute=d, partner=w.court)
    [notice] = notices.share_notices([share.pk])
    assert (notice.kind, notice.organisation_ids, notice.key) == (
        notices.DISPUTE_SHARED,
        (w.court.pk,),
        f"dispute_share:{share.pk}",
    )
    assert Notification.objects.filter(recipient=w.judge, kind=Kind.DISPUTE_SHARED).count() == 1
    assert not Notification.objects.filter(recipient=w.arbitrator).exists()


def test_an_overdue_mediation_is_reminded_once_per_due_date(w):
    d = dispute(w, "in_mediation")
    dispute(w, "under_investigation")  # not in mediation: never overdue
    due = fresh(d).mediation_due
    assert notices.overdue_notices(today=due) == []  # due today is not overdue yet
    day_after = notices.overdue_notices(today=due + timedelta(days=1))
    later = notices.overdue_notices(today=due + timedelta(days=5))
    assert [n.key for n in day_after] == [n.key for n in later] == [f"mediation_overdue:{d.pk}:{due.isoformat()}"]
    assert set(day_after[0].organisation_ids) == {platform_org(w), w.mediation.pk}
    assert list(services.mediation_overdue(due + timedelta(days=1))) == [fresh(d)]
    services.dispute_extend(dispute=d, by=w.platform)
    new_due = fresh(d).mediation_due
    assert notices.overdue_notices(today=due + timedelta(days=1)) == []
    [again] = notices.overdue_notices(today=new_due + timedelta(days=1))
    assert again.key == f"mediation_overdue:{d.pk}:{new_due.isoformat()}" and again.params["extended"]


def test_an_overdue_reminder_becomes_one_notification_per_person(w):
    d = dispute(w, "in_mediation")
    today = fresh(d).mediation_due + timedelta(days=1)
    for _ in range(2):
        notifications_create(notices.overdue_notices(today=today))
    assert Notification.objects.filter(recipient=w.mediator, kind=Kind.MEDIATION_OVERDUE).count() == 1
    assert Notification.objects.filter(recipient=w.platform, kind=Kind.MEDIATION_OVERDUE).count() == 1


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        (notices.DISPUTE_STATE, {"dispute": 7, "action": "file", "from": "", "to": "filed", "note": ""}),
        (notices.DISPUTE_STATE, {"dispute": 7, "action": "consent", "from": "in_mediation", "to": "in_mediation"}),
        (notices.DISPUTE_STATE, {"dispute": 7, "action": "accept", "from": "filed", "to": "in_mediation", "note": "x"}),
        (notices.DISPUTE_SHARED, {"dispute": 7, "kind": "ownership"}),
        (notices.DISPUTE_COLLATERAL, {"dispute": 7, "kind": "infringement", "asset": "ZL2018", "application": 3}),
        (notices.MEDIATION_OVERDUE, {"dispute": 7, "due": "2026-01-31", "extended": True}),
        (notices.MEDIATION_OVERDUE, {"dispute": 7, "due": "2026-01-31", "extended": False}),
    ],
)
def test_the_renderers_speak_both_languages(kind, params):
    assert kind in Kind.values
    for language in ("zh-hans", "en"):
        with translation.override(language):
            title, body = core_notices.render(kind, params)
        assert title and "7" in title + body
        assert isinstance(body, str)
