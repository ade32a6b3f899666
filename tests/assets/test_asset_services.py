"""Asset services: the nightly status refresh, the pledge lock, consent, assignment; the beat schedule."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ipmarket import celery_app
from ipmarket.assets import rules, services
from ipmarket.assets.models import Patent, Trademark
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory

pytestmark = pytest.mark.django_db


def test_nightly_refresh_marks_lapsed_and_expired_once():
    today = timezone.localdate()
    fine = PatentFactory()
    in_grace = PatentFactory(annual_fee_paid_until=today - timedelta(days=100))
    lapsed = PatentFactory(annual_fee_paid_until=today - timedelta(days=200))
    ended = PatentFactory()
    Patent.objects.filter(pk=ended.pk).update(expiry_date=today)
    old_mark = TrademarkFactory()
    Trademark.objects.filter(pk=old_mark.pk).update(expiry_date=today - timedelta(days=200))
    counts = services.assets_refresh_statuses(today=today)
    assert counts == {"patents_expired": 1, "patents_lapsed": 1, "trademarks_expired": 1}
    status = dict(Patent.objects.values_list("pk", "legal_status"))
    assert (status[fine.pk], status[in_grace.pk], status[lapsed.pk], status[ended.pk]) == (
        "granted",
        "granted",
        "lapsed",
        "expired",
    )
    assert Trademark.objects.get(pk=old_mark.pk).status == "expired"
    assert services.assets_refresh_statuses(today=today) == {
        "patents_expired": 0,
        "patents_lapsed": 0,
        "trademarks_expired": 0,
    }


def test_nightly_refresh_keeps_an_asset_on_its_last_day_in_force_and_ends_it_the_day_after():
    day = date(2027, 3, 15)  # mid-month: six months back and forth land on the same day of the month
    paid_far = date(2040, 1, 1)

    def patent(expiry=None, paid_until=paid_far):
        p = PatentFactory(annual_fee_paid_until=paid_until)
        if expiry:
            Patent.objects.filter(pk=p.pk).update(expiry_date=expiry)
        return Patent.objects.get(pk=p.pk)

    def trademark(expiry):
        t = TrademarkFactory()
        Trademark.objects.filter(pk=t.pk).update(expiry_date=expiry)
        return Trademark.objects.get(pk=t.pk)

    patents = {
        "term_last_day": patent(expiry=day + timedelta(days=1)),
        "term_ended": patent(expiry=day),
        "grace_last_day": patent(paid_until=day - rules.FEE_GRACE),  # 2026-09-15: grace ends on `day`
        "grace_ended": patent(paid_until=day - rules.FEE_GRACE - timedelta(days=1)),
    }
    marks = {
        "renewal_grace_last_day": trademark(day - rules.RENEWAL_GRACE),
        "renewal_grace_ended": trademark(day - rules.RENEWAL_GRACE - timedelta(days=1)),
    }
    assert [rules.patent_in_force(p, day) for p in patents.values()] == [True, False, True, False]
    assert [rules.trademark_renewal_state(t.expiry_date, day) for t in marks.values()] == [
        rules.RENEWAL_GRACE_PERIOD,
        rules.RENEWAL_TOO_LATE,
    ]

    assert services.assets_refresh_statuses(today=day) == {
        "patents_expired": 1,
        "patents_lapsed": 1,
        "trademarks_expired": 1,
    }
    status = dict(Patent.objects.values_list("pk", "legal_status"))
    assert {name: status[p.pk] for name, p in patents.items()} == {
        "term_last_day": "granted",
        "term_ended": "expired",
        "grace_last_day": "granted",
        "grace_ended": "lapsed",
    }
    status = dict(Trademark.objects.values_list("pk", "status"))
    assert {name: status[t.pk] for name, t in marks.items()} == {
        "renewal_grace_last_day": "registered",
        "renewal_grace_ended": "expired",
    }


def test_an_asset_cannot_be_pledged_twice_and_release_unlocks_it():
    patent = PatentFactory()
    bank = OrganisationFactory(kind="bank")
    services.asset_pledge(asset=patent, pledgee=bank)
    with pytest.raises(ValidationError) as info:
        services.asset_pledge(asset=patent, pledgee=OrganisationFactory(kind="bank"))
    assert info.value.code == "already_pledged"
    services.asset_release_pledge(asset=patent)
    patent.refresh_from_db()
    assert (patent.pledged, patent.pledged_to, patent.pledged_since) == (False, None, None)


def test_consent_counts_only_for_the_current_pledge():
    patent = PatentFactory()
    first, second = OrganisationFactory(kind="bank"), OrganisationFactory(kind="bank")
    services.asset_pledge(asset=patent, pledgee=first)
    patent.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.pledge_consent_record(asset=patent, by=member_of(second, role="officer"))
    services.pledge_consent_record(asset=patent, by=member_of(first, role="officer"))
    patent.refresh_from_db()
    assert services.pledgee_consent_recorded(patent)
    services.asset_release_pledge(asset=patent)
    services.asset_pledge(asset=patent, pledgee=first)  # a new pledge needs a new consent
    patent.refresh_from_db()
    assert not services.pledgee_consent_recorded(patent)
    services.asset_release_pledge(asset=patent)
    with pytest.raises(ValidationError) as info:
        services.pledge_consent_record(asset=Patent.objects.get(pk=patent.pk), by=member_of(first, role="officer"))
    assert info.value.code == "not_pledged"


def test_assignment_moves_ownership_and_clears_co_owners():
    patent = PatentFactory()
    patent.co_owners.add(OrganisationFactory())
    buyer = OrganisationFactory()
    services.asset_assign(asset=patent, to=buyer)
    patent.refresh_from_db()
    assert patent.owner == buyer and not patent.co_owners.exists()


def test_every_beat_entry_names_a_registered_task():
    celery_app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in celery_app.tasks, name
