"""The licence filing deadline on deals (docs/market.md, "Licence filing deadline"): a licence contract is
filed with CNIPA within three months of taking effect (acceptance; an open licence: payment); the deal shows
the due day and a derived state, and both parties are reminded 30 and 7 days before and the day after, once
each."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ipmarket.market import filing
from ipmarket.market.models import Deal, Listing
from ipmarket.market.notices import licence_filing_notices
from ipmarket.notifications.models import Kind, Notification
from ipmarket.notifications.services import notifications_create
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory, deal_in

pytestmark = pytest.mark.django_db


def accepted_on(deal, day):
    """Move the deal's acceptance (and payment, if any) to `day`: no service backdates a deal."""
    at = timezone.make_aware(datetime.combine(day, time(10, 0)))
    Deal.objects.filter(pk=deal.pk).update(accepted_at=at, paid_at=at if deal.paid_at else None)
    return Deal.objects.select_related("listing").get(pk=deal.pk)


def licence_deal(state="accepted", deal_type="non_exclusive_license", **listing):
    return deal_in(state, ListingFactory(deal_type=deal_type, **listing))


def test_a_licence_takes_effect_at_acceptance_and_is_due_three_months_later():
    deal = licence_deal("accepted", "exclusive_license")
    deal = accepted_on(deal, timezone.localdate().replace(year=2026, month=1, day=31))
    assert deal.licence_effective_on.isoformat() == "2026-01-31"
    assert deal.filing_due_on.isoformat() == "2026-04-30"
    assert deal.filing_state(deal.filing_due_on) == filing.PENDING
    assert deal.filing_state(deal.filing_due_on + timedelta(days=1)) == filing.OVERDUE


def test_an_assignment_needs_no_licence_filing():
    deal = licence_deal("accepted", "assignment")
    assert (deal.licence_effective_on, deal.filing_due_on, deal.filing_state()) == (None, None, filing.NOT_REQUIRED)


def test_a_negotiating_licence_has_not_taken_effect():
    deal = licence_deal("negotiating")
    assert (deal.licence_effective_on, deal.filing_state()) == (None, filing.NOT_EFFECTIVE)


def test_an_open_licence_takes_effect_at_payment():
    listing = ListingFactory(deal_type="open_license")
    accepted = deal_in("accepted", listing)  # the licensee's notice accepts the deal at the posted fee
    assert accepted.filing_state() == filing.NOT_EFFECTIVE
    paid = deal_in("paid", listing)
    assert paid.licence_effective_on == timezone.localdate(paid.paid_at)
    assert paid.filing_state() == filing.PENDING


def test_the_recordal_number_files_it_and_a_cancellation_ends_the_duty():
    recorded = licence_deal("recorded", "sole_license")
    assert recorded.filing_state() == filing.FILED
    cancelled = deal_in("cancelled", ListingFactory(deal_type="non_exclusive_license"))
    assert cancelled.filing_state() == filing.NOT_REQUIRED


# --- reminders --------------------------------------------------------------------------------------------


def test_reminders_30_and_7_days_before_and_the_day_after_once_each_to_both_parties():
    deal = licence_deal("paid", "non_exclusive_license")
    seller_person = member_of(deal.seller)
    deal = accepted_on(deal, timezone.localdate() - timedelta(days=200))
    due = deal.filing_due_on
    people = set(deal.buyer.memberships.values_list("user_id", flat=True)) | set(
        deal.seller.memberships.values_list("user_id", flat=True)
    )
    assert seller_person.pk in people

    def run(day):
        notifications_create(licence_filing_notices(today=day))
        return sorted(Notification.objects.filter(key__startswith=f"licence_filing:{deal.pk}:").values_list("key"))

    assert run(due - timedelta(days=31)) == []
    for day in (due - timedelta(days=30), due - timedelta(days=29)):
        keys = run(day)
        assert {k for (k,) in keys} == {f"licence_filing:{deal.pk}:30"}
    assert {k for (k,) in run(due - timedelta(days=7))} == {
        f"licence_filing:{deal.pk}:30",
        f"licence_filing:{deal.pk}:7",
    }
    run(due)
    run(due + timedelta(days=1))
    run(due + timedelta(days=2))
    rows = Notification.objects.filter(key__startswith=f"licence_filing:{deal.pk}:")
    assert rows.count() == 3 * len(people)  # each reminder once per person of either party
    assert set(rows.values_list("recipient_id", flat=True)) == people
    overdue = rows.get(key=f"licence_filing:{deal.pk}:overdue", recipient=seller_person)
    assert overdue.kind == Kind.LICENCE_FILING_OVERDUE and overdue.params["due_date"] == due.isoformat()
    assert rows.filter(key=f"licence_filing:{deal.pk}:7").first().kind == Kind.LICENCE_FILING_DUE


def test_no_reminder_for_a_filed_licence_an_assignment_or_an_ended_deal():
    today = timezone.localdate()
    long_ago = today - timedelta(days=120)  # overdue, were it a licence to be filed
    deals = [
        licence_deal("recorded", "exclusive_license"),
        licence_deal("accepted", "assignment"),
        deal_in("cancelled", ListingFactory(deal_type="non_exclusive_license")),
    ]
    for deal in deals:
        Deal.objects.filter(pk=deal.pk).update(accepted_at=timezone.now() - (today - long_ago))
    assert licence_filing_notices(today=today) == []


def test_a_missed_day_sends_only_the_latest_reminder():
    deal = accepted_on(licence_deal("accepted"), timezone.localdate() - timedelta(days=200))
    (notice,) = licence_filing_notices(today=deal.filing_due_on - timedelta(days=3))
    assert notice.key == f"licence_filing:{deal.pk}:7"
    assert notice.organisation_ids == (deal.buyer_id, deal.seller_id)


def test_every_filing_kind_is_a_notification_kind():
    assert {"licence_filing_due", "licence_filing_overdue"} <= set(Kind.values)


# --- API and page -----------------------------------------------------------------------------------------


def test_deal_api_shows_the_filing_deadline(api):
    deal = accepted_on(licence_deal("accepted", "exclusive_license"), timezone.localdate() - timedelta(days=100))
    api.force_authenticate(member_of(deal.buyer))
    body = api.get(f"/api/v1/deals/{deal.pk}/").json()
    assert body["licence_effective_on"] == deal.licence_effective_on.isoformat()
    assert body["filing_due_on"] == deal.filing_due_on.isoformat()
    assert body["filing_state"] == "overdue"
    listed = api.get("/api/v1/deals/").json()["results"][0]
    assert (listed["id"], listed["filing_state"]) == (deal.pk, "overdue")


def test_deal_api_assignment_has_null_dates(api):
    deal = licence_deal("negotiating", "assignment")
    api.force_authenticate(member_of(deal.buyer))
    body = api.get(f"/api/v1/deals/{deal.pk}/").json()
    assert (body["licence_effective_on"], body["filing_due_on"], body["filing_state"]) == (None, None, "not_required")


def test_deal_page_shows_the_due_day_and_state(client):
    deal = licence_deal("accepted", "non_exclusive_license", patent=None, trademark=TrademarkFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(member_of(deal.seller))
    html = client.get(reverse("deal-detail", args=[deal.pk])).content.decode()
    assert "filing-pending" in html and deal.filing_due_on.strftime("%Y-%m-%d") in html
    assert "To be filed" in html


def test_deal_page_of_an_assignment_says_nothing_of_filing(client):
    deal = licence_deal("accepted", "assignment", patent=PatentFactory(owner=OrganisationFactory(kind="enterprise")))
    client.force_login(member_of(deal.buyer))
    assert "filing-" not in client.get(reverse("deal-detail", args=[deal.pk])).content.decode()


def test_listing_single_buyer_types_are_licences_or_assignment():
    assert set(filing.LICENCES) | {"assignment"} == set(Listing.DealType.values)
