"""Every state change of a loan application notifies every party's people (not the one who acted, not
outsiders), in the inbox and by email unless they opted out; through the hook, the task and the broker."""

import time

import pytest
from django.core import mail

from financing.models import Event
from ipmarket.core import notices
from ipmarket.notifications import tasks
from ipmarket.notifications.models import Kind, Notification, NotificationPreference
from ipmarket.notifications.services import preferences_update
from tests.accounts.factories import member_of

from .conftest import act, inbox, recipients

pytestmark = pytest.mark.django_db
PARTY_PEOPLE = ["borrower2", "officer1", "approver1", "approver2", "insurer1", "appraiser1", "fund1"]


@pytest.fixture
def colleague(parties):
    """A second person of the borrower, who hears of what the borrower's admin does."""
    return member_of(parties.borrower, username="borrower2")


def expected_keys(app, user) -> list[str]:
    """The state changes of the application that this person did not make themselves."""
    return sorted(
        f"application:{app.pk}:event:{e.pk}"
        for e in Event.objects.filter(application=app)
        if e.from_state and e.from_state != e.to_state and e.actor_id != user.pk
    )


def test_a_submission_reaches_every_party_but_not_the_submitter_or_outsiders(
    hooks_run, make_app, parties, colleague, outsiders
):
    with hooks_run():
        app = make_app("submitted")

    assert recipients(Kind.APPLICATION_STATE) == sorted(PARTY_PEOPLE)
    assert inbox(parties.owner) == []  # the submitter knows
    assert inbox(parties.platform) == []  # the platform is not a party of the application
    for outsider in vars(outsiders).values():
        assert inbox(outsider) == []
    note = Notification.objects.get(recipient=parties.officer)
    assert note.key == f"application:{app.pk}:event:{Event.objects.get(application=app, action='submit').pk}"
    assert note.link == f"/financing/applications/{app.pk}/"
    assert note.params["from"] == "draft" and note.params["to"] == "submitted"
    # One email each, in Chinese, with the link.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{name}@example.com" for name in PARTY_PEOPLE)
    email = next(m for m in mail.outbox if m.to == ["officer1@example.com"])
    assert email.subject == f"贷款申请 {app.pk}：已提交"
    assert f"/financing/applications/{app.pk}/" in email.body


def test_withdrawing_a_draft_never_submitted_tells_only_the_borrowers_people(hooks_run, make_app, parties, colleague):
    """The other parties never saw the draft (it answers them 404), so they do not hear it was withdrawn."""
    from financing import services

    with hooks_run():
        app = make_app("draft")
        services.application_withdraw(application=app, by=parties.owner, note="changed our mind")

    assert recipients(Kind.APPLICATION_STATE) == ["borrower2"]
    assert inbox(parties.officer) == [] and inbox(parties.fund_person) == []


def test_the_whole_path_to_disbursement_notifies_each_party_of_each_change_once(
    hooks_run, make_app, parties, colleague
):
    with hooks_run():
        app = make_app("active")

    changes = Event.objects.filter(application=app).exclude(from_state="").exclude(action__in=["edit"])
    assert changes.count() >= 10
    for user in [
        colleague,
        parties.owner,
        parties.officer,
        parties.approver,
        parties.approver2,
        parties.underwriter,
        parties.valuer,
        parties.fund_person,
    ]:
        assert inbox(user, Kind.APPLICATION_STATE) == expected_keys(app, user), user.username
    # The approver approved, so hears of everything else but not of the approval.
    approve = Event.objects.get(application=app, action="bank_approve")
    assert f"application:{app.pk}:event:{approve.pk}" not in inbox(parties.approver)
    assert f"application:{app.pk}:event:{approve.pk}" in inbox(parties.approver2)
    # Every notification went out by email exactly once.
    assert len(mail.outbox) == Notification.objects.count()
    assert Notification.objects.filter(email=Notification.Email.SENT, email_sent_at__isnull=False).count() == len(
        mail.outbox
    )


def test_running_the_task_again_or_the_catch_up_sends_nothing_twice(hooks_run, make_app, parties, colleague):
    with hooks_run():
        app = make_app("prescreened")
    rows, sent = Notification.objects.count(), len(mail.outbox)
    assert rows and sent == rows

    for event in Event.objects.filter(application=app):
        tasks.notify("application_events", event.pk)
    tasks.catch_up()

    assert Notification.objects.count() == rows
    assert len(mail.outbox) == sent


def test_a_person_who_opted_out_gets_the_inbox_entry_but_no_email(hooks_run, make_app, parties, colleague):
    preferences_update(by=parties.underwriter, email_kinds=[k for k in Kind.values if k != Kind.APPLICATION_STATE])
    assert NotificationPreference.objects.get(user=parties.underwriter, kind=Kind.APPLICATION_STATE).email is False

    with hooks_run():
        make_app("submitted")

    assert len(inbox(parties.underwriter)) == 1
    assert Notification.objects.get(recipient=parties.underwriter).email == Notification.Email.OFF
    addresses = [m.to[0] for m in mail.outbox]
    assert "insurer1@example.com" not in addresses
    assert "officer1@example.com" in addresses  # the others still get theirs


def test_a_nightly_transition_has_no_actor_and_reaches_everyone(hooks_run, make_app, parties, colleague):
    from dateutil.relativedelta import relativedelta

    from financing import services

    from .conftest import shift_loan, today

    app = make_app("active")
    shift_loan(app, today() - relativedelta(months=1, days=10))
    with hooks_run():
        services.loans_check_overdue(today=today())

    event = Event.objects.get(application=app, action="mark_overdue")
    key = f"application:{app.pk}:event:{event.pk}"
    assert recipients(Kind.APPLICATION_STATE, key) == sorted(PARTY_PEOPLE + ["borrower1"])


@pytest.mark.django_db(transaction=True)
def test_an_action_through_the_api_reaches_the_parties_through_a_real_worker(
    api, make_app, parties, celery_worker_thread
):
    app = make_app("draft")
    mail.outbox.clear()

    response = act(api, parties.owner, app, "submit")
    assert response.status_code == 200, response.json()

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(mail.outbox) < 6:
        time.sleep(0.1)
    assert recipients(Kind.APPLICATION_STATE) == sorted(set(PARTY_PEOPLE) - {"borrower2"})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{name}@example.com" for name in PARTY_PEOPLE if name != "borrower2"
    )


def test_the_hourly_catch_up_makes_up_for_a_lost_task(make_app, parties, colleague):
    make_app("submitted")  # no hooks run: as if the broker had been down at commit
    assert not Notification.objects.exists()

    tasks.catch_up()

    assert recipients(Kind.APPLICATION_STATE) == sorted(PARTY_PEOPLE)
    assert len(mail.outbox) == len(PARTY_PEOPLE)
    tasks.catch_up()
    assert len(mail.outbox) == len(PARTY_PEOPLE)


def test_an_edit_is_not_a_state_change(hooks_run, make_app, parties, colleague):
    from financing import services

    app = make_app("draft")
    with hooks_run():
        services.application_update(application=app, by=parties.owner, purpose="补充流动资金")
    assert Event.objects.filter(application=app, action="edit").exists()
    assert not Notification.objects.exists()


def test_every_kind_of_notification_has_the_words_its_domain_declared():
    """The inbox's kinds (and the email preferences) are exactly the kinds the domains render."""
    assert set(Kind.values) == set(notices.RENDERERS)
    for kind in Kind.values:
        title, body = notices.render(kind, {})
        assert title and body
