"""The subsidies' notifications: a claim reaches platform staff, an approval or rejection and a payment reach
the borrower, each once (keyed by its event), never the person who acted; words in both languages."""

import pytest
from django.utils import translation

from financing.subsidies import notices as subsidy_notices
from financing.subsidies import services
from financing.subsidies.models import Subsidy, SubsidyEvent
from ipmarket.core import notices
from ipmarket.notifications.models import Kind, Notification
from ipmarket.notifications.services import notifications_create
from tests.financing.factories import today

pytestmark = pytest.mark.django_db


def kinds_by_user(events):
    notifications_create(subsidy_notices.subsidy_event_notices([e.pk for e in events]))
    return {(n.recipient.username, n.kind) for n in Notification.objects.select_related("recipient")}


def test_every_kind_is_a_notification_kind_with_words():
    for kind in (subsidy_notices.SUBSIDY_CLAIMED, subsidy_notices.SUBSIDY_DECIDED, subsidy_notices.SUBSIDY_PAID):
        assert kind in Kind.values and kind in notices.RENDERERS


def test_who_hears_of_what(loan, parties):
    s = Subsidy.objects.get(application=loan(paid=()), kind="premium")
    services.subsidy_claim(subsidy=s, by=parties.owner)
    claim = SubsidyEvent.objects.get(subsidy=s, action="claim")
    assert kinds_by_user([claim]) == {("platform1", "subsidy_claimed")}
    services.subsidy_approve(subsidy=s, by=parties.platform)
    services.subsidy_pay(subsidy=s, by=parties.fund_person, paid_on=today(), reference="ZJ-9")
    events = list(SubsidyEvent.objects.filter(subsidy=s))
    got = kinds_by_user(events)
    assert got == {("platform1", "subsidy_claimed"), ("borrower1", "subsidy_decided"), ("borrower1", "subsidy_paid")}
    assert kinds_by_user(events) == got and Notification.objects.count() == 3  # once per event


def test_a_rejection_says_why_in_both_languages(loan, parties):
    s = Subsidy.objects.get(application=loan(paid=()), kind="premium")
    services.subsidy_claim(subsidy=s, by=parties.owner)
    services.subsidy_reject(subsidy=s, by=parties.platform, note="票据不全")
    event = SubsidyEvent.objects.get(subsidy=s, action="reject")
    [notice] = subsidy_notices.subsidy_event_notices([event.pk])
    assert notice.organisation_ids == (parties.borrower.pk,) and notice.link == "/financing/subsidies/"
    with translation.override("en"):
        title, body = notices.render(notice.kind, notice.params)
    assert "¥50,000.00" in title and "Rejected" in title and "票据不全" in body and "premium subsidy" in body


def test_announced_on_commit_only_for_the_workflow(loan, parties, django_capture_on_commit_callbacks):
    heard = []
    notices.subscribe(handler := lambda name, object_id: heard.append((name, object_id)))
    try:
        s = Subsidy.objects.get(application=loan(paid=()), kind="premium")
        with django_capture_on_commit_callbacks(execute=True):
            services.subsidy_claim(subsidy=s, by=parties.owner)
        claim = SubsidyEvent.objects.get(subsidy=s, action="claim")
        assert ("subsidy_events", claim.pk) in heard
        assert not [h for h in heard if h[0] == "subsidy_events" and h[1] != claim.pk]
    finally:
        notices._subscribers.remove(handler)
