"""Trademark renewal (docs/domain.md §3): the owner's people record a renewal CNIPA granted; it counts only
within the 12 months before the current expiry or the 6 months after it, moves the expiry 10 years on from
the previous one, binds the expiry the caller saw, is allowed while the mark is pledged or listed, and is
recorded in the register history."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from ipmarket.assets import notices, rules, services
from ipmarket.assets.models import AssetEvent, Trademark, TrademarkRenewal
from ipmarket.core.errors import Conflict, GuardFailed
from ipmarket.market import services as market
from tests.accounts.factories import OrganisationFactory, member_of, platform_operator
from tests.assets.factories import TrademarkFactory

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)
TRADEMARKS = "/api/v1/trademarks/"


def expiring_on(expiry: date, **kwargs) -> Trademark:
    """A registered mark whose first term ends on `expiry` (registered 10 years before)."""
    registered = expiry - rules.TRADEMARK_TERM
    mark = TrademarkFactory(registration_date=registered, **kwargs)
    assert mark.expiry_date == expiry
    return mark


@pytest.fixture
def owner():
    return member_of(OrganisationFactory(kind="enterprise"))


def renew(mark, by, renewed_on, *, expected=None, reference="续展第 2026001 号", today=None):
    return services.trademark_renew(
        trademark=mark,
        by=by,
        renewed_on=renewed_on,
        reference=reference,
        expected_expiry=expected or mark.expiry_date,
        today=today,
    )


def org_of(user):
    return user.memberships.get().organisation


# --- the window -------------------------------------------------------------------------------------------


def test_the_window_opens_exactly_12_months_before_expiry(owner):
    today = timezone.localdate()
    expiry = today + timedelta(days=100)
    mark = expiring_on(expiry, owner=org_of(owner))
    opens = expiry - rules.RENEWAL_WINDOW
    with pytest.raises(GuardFailed) as refused:
        renew(mark, owner, opens - DAY, today=opens)
    assert refused.value.code == "outside_renewal_window"
    renewed = renew(mark, owner, opens, today=opens)
    assert renewed.expiry_date == expiry + rules.TRADEMARK_TERM


def test_the_last_day_of_the_grace_period_counts_and_the_next_does_not(owner):
    today = timezone.localdate()
    expiry = today - timedelta(days=200) - rules.RENEWAL_GRACE
    grace_ends = expiry + rules.RENEWAL_GRACE
    late = expiring_on(expiry, owner=org_of(owner))
    with pytest.raises(GuardFailed) as refused:
        renew(late, owner, grace_ends + DAY)
    assert refused.value.code == "outside_renewal_window"
    assert renew(late, owner, grace_ends).expiry_date == expiry + rules.TRADEMARK_TERM


def test_a_renewal_date_in_the_future_is_refused(owner):
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=30), owner=org_of(owner))
    with pytest.raises(ValidationError) as refused:
        renew(mark, owner, today + DAY)
    assert "renewed_on" in refused.value.message_dict
    assert Trademark.objects.get(pk=mark.pk).renewals == 0


def test_a_blank_reference_is_refused(owner):
    mark = expiring_on(timezone.localdate() + timedelta(days=30), owner=org_of(owner))
    with pytest.raises(ValidationError) as refused:
        renew(mark, owner, timezone.localdate(), reference="  ")
    assert "reference" in refused.value.message_dict


@pytest.mark.parametrize("status", ["invalidated", "cancelled", "pending"])
def test_only_a_registered_or_expired_mark_is_renewed(owner, status):
    mark = expiring_on(timezone.localdate() + timedelta(days=30), owner=org_of(owner))
    Trademark.objects.filter(pk=mark.pk).update(status=status)
    with pytest.raises(GuardFailed) as refused:
        renew(mark, owner, timezone.localdate())
    assert refused.value.code == "trademark_not_registered"


# --- the new term -----------------------------------------------------------------------------------------


def test_the_new_term_counts_from_the_previous_expiry_not_the_renewal_date(owner):
    today = timezone.localdate()
    expiry = today + timedelta(days=60)
    mark = expiring_on(expiry, owner=org_of(owner))
    renewed = renew(mark, owner, today - timedelta(days=90))
    assert renewed.expiry_date == expiry + rules.TRADEMARK_TERM
    assert renewed.renewals == 1
    record = TrademarkRenewal.objects.get(trademark=mark)
    assert (record.previous_expiry, record.new_expiry, record.recorded_by) == (expiry, renewed.expiry_date, owner)
    assert record.reference == "续展第 2026001 号"


def test_renewed_twice_in_a_row(owner):
    """Registered 2006-02-28: renewed in 2015 (to 2026-02-28), then again in its next window (to 2036)."""
    mark = TrademarkFactory(owner=org_of(owner), registration_date=date(2006, 2, 28))
    assert mark.expiry_date == date(2016, 2, 28)
    renew(mark, owner, date(2015, 6, 1))
    mark.refresh_from_db()
    assert mark.expiry_date == date(2026, 2, 28)
    with pytest.raises(GuardFailed):  # the renewal date counts for the current term only
        renew(mark, owner, date(2016, 1, 10))
    renew(mark, owner, date(2025, 3, 1), today=date(2025, 3, 1))
    mark.refresh_from_db()
    assert (mark.expiry_date, mark.renewals) == (date(2036, 2, 28), 2)
    assert list(TrademarkRenewal.objects.filter(trademark=mark).values_list("new_expiry", flat=True)) == [
        date(2036, 2, 28),
        date(2026, 2, 28),
    ]


def test_a_29_february_registration_keeps_its_clipped_day_each_term():
    assert rules.trademark_expiry(date(2016, 2, 29)) == date(2026, 2, 28)
    assert rules.trademark_expiry(date(2016, 2, 29), 1) == date(2036, 2, 28)
    assert rules.trademark_expiry(date(2016, 2, 29), 2) == date(2046, 2, 28)


def test_a_register_correction_of_the_registration_date_keeps_the_renewals(owner):
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=30), owner=org_of(owner))
    renew(mark, owner, today)
    mark.refresh_from_db()
    moved = mark.registration_date - timedelta(days=5)
    services.trademark_update(trademark=mark, by=owner, registration_date=moved)
    mark.refresh_from_db()
    assert mark.expiry_date == moved + rules.TRADEMARK_TERM + rules.TRADEMARK_TERM


def test_a_mark_expired_by_the_nightly_job_is_registered_again_by_a_renewal_filed_in_grace(owner):
    today = timezone.localdate()
    expiry = today - rules.RENEWAL_GRACE - timedelta(days=20)
    mark = expiring_on(expiry, owner=org_of(owner))
    services.assets_refresh_statuses(today=today)
    mark.refresh_from_db()
    assert mark.status == Trademark.Status.EXPIRED and not mark.in_force(today)
    renew(mark, owner, expiry + timedelta(days=30))  # filed in the grace period, recorded late
    mark.refresh_from_db()
    assert mark.status == Trademark.Status.REGISTERED and mark.in_force(today)
    assert Trademark.objects.in_force(today).filter(pk=mark.pk).exists()
    renewal_events = AssetEvent.objects.filter(trademark=mark, reason="renewal")
    events = {e.field: (e.before, e.after, e.reason, e.by_id) for e in renewal_events}
    assert events["status"] == ("expired", "registered", "renewal", owner.pk)
    assert events["expiry_date"][:2] == (expiry.isoformat(), (expiry + rules.TRADEMARK_TERM).isoformat())


def test_in_force_and_the_reminder_follow_the_renewal(owner):
    today = timezone.localdate()
    expiry = today - timedelta(days=10)  # in the grace period: not in force, window reminder no longer sent
    mark = expiring_on(expiry, owner=org_of(owner))
    assert not mark.in_force(today)
    soon = expiring_on(today + timedelta(days=40), owner=org_of(owner))
    assert [n.params["trademark"] for n in notices.trademark_renewal_notices(today=today)] == [soon.pk]
    renew(mark, owner, today)
    renew(soon, owner, today)
    mark.refresh_from_db()
    assert mark.in_force(today) and mark.renewal_state(today) == rules.RENEWAL_NOT_DUE
    assert notices.trademark_renewal_notices(today=today) == []
    # The next window is a new reminder, keyed by its opening.
    later = soon.expiry_date + rules.TRADEMARK_TERM - timedelta(days=30)
    (notice,) = notices.trademark_renewal_notices(today=later)
    assert notice.key == f"tm_renewal:{soon.pk}:{(later + timedelta(days=30) - rules.RENEWAL_WINDOW).isoformat()}"


# --- who, and what was seen -------------------------------------------------------------------------------


def test_a_stale_expected_expiry_is_a_conflict_and_changes_nothing(owner):
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=30), owner=org_of(owner))
    seen = mark.expiry_date
    renew(mark, owner, today, expected=seen)
    with pytest.raises(Conflict) as stale:
        renew(mark, owner, today, expected=seen)
    assert stale.value.code == "expiry_changed"
    assert Trademark.objects.get(pk=mark.pk).renewals == 1
    assert TrademarkRenewal.objects.filter(trademark=mark).count() == 1


def test_another_enterprise_may_not_renew(owner):
    mark = expiring_on(timezone.localdate() + timedelta(days=30), owner=org_of(owner))
    stranger = member_of(OrganisationFactory(kind="enterprise"))
    with pytest.raises(PermissionDenied):
        renew(mark, stranger, timezone.localdate())


def test_platform_staff_may_record_a_renewal(owner):
    mark = expiring_on(timezone.localdate() + timedelta(days=30), owner=org_of(owner))
    staff = platform_operator()
    renew(mark, staff, timezone.localdate())
    event = AssetEvent.objects.get(trademark=mark, field="expiry_date")
    assert (event.source, event.by) == ("platform", staff)


def test_a_pledged_and_listed_mark_can_still_be_renewed(owner):
    """A renewal is a register event that keeps the collateral and the listed right alive, not a free edit."""
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=30), owner=org_of(owner))
    listing = market.listing_create(
        by=owner, asset=mark, deal_type="non_exclusive_license", price=Money("1000", "CNY"), term_months=12
    )
    market.listing_publish(listing=listing, by=owner)
    services.asset_pledge(asset=mark, pledgee=OrganisationFactory(kind="bank"))
    renewed = renew(Trademark.objects.get(pk=mark.pk), owner, today)
    assert renewed.pledged and renewed.expiry_date == mark.expiry_date + rules.TRADEMARK_TERM


@pytest.mark.django_db(transaction=True)
def test_two_parallel_renewals_record_one(owner):
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=30), owner=org_of(owner))
    seen, outcomes, barrier = mark.expiry_date, [], threading.Barrier(2)

    def attempt():
        try:
            barrier.wait()
            renew(Trademark.objects.get(pk=mark.pk), owner, today, expected=seen)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Trademark.objects.get(pk=mark.pk).expiry_date == seen + rules.TRADEMARK_TERM


# --- the API ----------------------------------------------------------------------------------------------


def url(mark):
    return f"{TRADEMARKS}{mark.pk}/actions/renew/"


def test_api_renews_and_answers_the_trademark(api, owner):
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=30), owner=org_of(owner))
    api.force_authenticate(owner)
    body = {"renewed_on": today.isoformat(), "reference": "R-1", "expected_expiry": mark.expiry_date.isoformat()}
    response = api.post(url(mark), body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["expiry_date"] == (mark.expiry_date + rules.TRADEMARK_TERM).isoformat()
    assert (data["renewals"], data["renewal_state"], data["id"]) == (1, "not_due", mark.pk)
    again = api.post(url(mark), body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "expiry_changed"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "renewed_on"),
        ({"renewed_on": "not a date", "reference": "R", "expected_expiry": "2030-01-01"}, "renewed_on"),
        ({"renewed_on": "2026-01-01", "reference": "", "expected_expiry": "2030-01-01"}, "reference"),
        ({"renewed_on": "2026-01-01", "reference": "R" * 65, "expected_expiry": "2030-01-01"}, "reference"),
        ({"renewed_on": "2026-01-01", "reference": "R", "expected_expiry": None}, "expected_expiry"),
        ({"renewed_on": "2026-01-01", "reference": ["R"], "expected_expiry": "2030-01-01"}, "reference"),
    ],
)
def test_api_bad_input_is_a_400_and_changes_nothing(api, owner, body, field):
    mark = expiring_on(timezone.localdate() + timedelta(days=30), owner=org_of(owner))
    api.force_authenticate(owner)
    response = api.post(url(mark), body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Trademark.objects.get(pk=mark.pk).renewals == 0


def test_api_outside_the_window_is_a_400_with_its_code(api, owner):
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=400), owner=org_of(owner))
    api.force_authenticate(owner)
    body = {"renewed_on": today.isoformat(), "reference": "R", "expected_expiry": mark.expiry_date.isoformat()}
    response = api.post(url(mark), body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "outside_renewal_window"


def test_api_other_enterprise_403_hidden_404_anonymous_401(api, owner):
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=30), owner=org_of(owner))
    hidden_owner = OrganisationFactory(kind="enterprise", is_active=False)
    hidden = expiring_on(today + timedelta(days=30), owner=hidden_owner)
    body = {"renewed_on": today.isoformat(), "reference": "R", "expected_expiry": mark.expiry_date.isoformat()}
    assert api.post(url(mark), body, format="json").status_code == 401
    api.force_authenticate(member_of(OrganisationFactory(kind="enterprise")))
    assert api.post(url(mark), body, format="json").status_code == 403
    assert api.post(url(hidden), body, format="json").status_code == 404
    assert Trademark.objects.filter(renewals__gt=0).count() == 0


# --- the page ---------------------------------------------------------------------------------------------


def test_page_offers_the_form_to_the_owner_in_the_window_and_shows_the_history(client, owner):
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=30), owner=org_of(owner))
    page = reverse("trademark-detail", args=[mark.pk])
    assert "renewal-form" not in client.get(page).content.decode()  # anonymous: no form
    client.force_login(owner)
    html = client.get(page).content.decode()
    assert "renewal-form" in html
    response = client.post(
        page,
        {"renewed_on": today.isoformat(), "reference": "续展 77", "expected_expiry": mark.expiry_date.isoformat()},
    )
    assert response.status_code == 302
    html = client.get(page).content.decode()
    assert "续展 77" in html and "renewal-form" not in html  # renewed: the next window is years away
    assert Trademark.objects.get(pk=mark.pk).renewals == 1


def test_page_shows_a_refusal_and_keeps_the_input(client, owner):
    today = timezone.localdate()
    mark = expiring_on(today + timedelta(days=30), owner=org_of(owner))
    client.force_login(owner)
    response = client.post(
        reverse("trademark-detail", args=[mark.pk]),
        {"renewed_on": (today + DAY).isoformat(), "reference": "R 9", "expected_expiry": mark.expiry_date.isoformat()},
    )
    assert response.status_code == 200
    assert 'value="R 9"' in response.content.decode()
    assert Trademark.objects.get(pk=mark.pk).renewals == 0


def test_page_post_by_another_enterprise_is_refused(client, owner):
    mark = expiring_on(timezone.localdate() + timedelta(days=30), owner=org_of(owner))
    client.force_login(member_of(OrganisationFactory(kind="enterprise")))
    response = client.post(reverse("trademark-detail", args=[mark.pk]), {"reference": "x"})
    assert response.status_code == 403


def test_the_demo_renewed_mark_is_seeded_once(owner):
    from ipmarket.assets.demo import seed_trademark_renewal

    first = seed_trademark_renewal(owner, org_of(owner))
    again = seed_trademark_renewal(owner, org_of(owner))
    assert first.pk == again.pk and first.renewals == 1 and first.in_force()
    assert TrademarkRenewal.objects.filter(trademark=first).count() == 1
