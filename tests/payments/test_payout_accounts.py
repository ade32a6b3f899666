"""Sellers' payout accounts: who may set one, what an id looks like, demo accounts, the admin screens."""

import pytest
from django.core.exceptions import PermissionDenied

from ipmarket.core.errors import GuardFailed
from ipmarket.payments.demo import seed_payout_accounts
from ipmarket.payments.models import PayoutAccount, ReceivedPayment, StripeEvent
from ipmarket.payments.services import payout_account_set, stripe_event_record
from tests.accounts.factories import OrganisationFactory, UserFactory, member_of

from .conftest import stripe_event

pytestmark = pytest.mark.django_db


def test_an_organisations_admin_sets_and_changes_its_payout_account(enterprise, enterprise_admin):
    payout_account_set(organisation=enterprise, stripe_account_id="acct_1Nv0FGQ9RKHgCVdK", by=enterprise_admin)
    account = payout_account_set(organisation=enterprise, stripe_account_id=" acct_2Other ", by=enterprise_admin)

    assert PayoutAccount.objects.get(organisation=enterprise) == account
    assert account.stripe_account_id == "acct_2Other"


def test_platform_people_may_set_it_too(enterprise, platform_person):
    payout_account_set(organisation=enterprise, stripe_account_id="acct_platformset", by=platform_person)
    assert enterprise.payout_account.stripe_account_id == "acct_platformset"


def test_a_plain_member_or_an_outsider_may_not(enterprise):
    for person in (member_of(enterprise), member_of(OrganisationFactory(), role="admin")):
        with pytest.raises(PermissionDenied):
            payout_account_set(organisation=enterprise, stripe_account_id="acct_nope", by=person)
    assert not PayoutAccount.objects.exists()


@pytest.mark.parametrize("bad", ["", "acct_", "cus_123", "acct_12 34", "acct_中文"])
def test_a_malformed_account_id_is_refused(enterprise, enterprise_admin, bad):
    with pytest.raises(GuardFailed) as refused:
        payout_account_set(organisation=enterprise, stripe_account_id=bad, by=enterprise_admin)
    assert refused.value.code == "invalid_stripe_account"


def test_one_stripe_account_pays_out_one_organisation(enterprise, enterprise_admin, platform_person):
    payout_account_set(organisation=enterprise, stripe_account_id="acct_shared", by=enterprise_admin)
    with pytest.raises(GuardFailed) as refused:
        payout_account_set(organisation=OrganisationFactory(), stripe_account_id="acct_shared", by=platform_person)
    assert refused.value.code == "stripe_account_taken"


def test_demo_enterprises_get_payout_accounts_once():
    enterprises = OrganisationFactory.create_batch(3)
    bank = OrganisationFactory(kind="bank")

    assert seed_payout_accounts([*enterprises, bank]) == 3
    assert seed_payout_accounts([*enterprises, bank]) == 0

    ids = sorted(PayoutAccount.objects.values_list("stripe_account_id", flat=True))
    assert ids == sorted(f"acct_demo{o.unified_social_credit_code}" for o in enterprises)


@pytest.fixture
def superuser(db):
    return UserFactory(username="payments_admin", is_superuser=True, is_staff=True)


def test_the_admin_lists_and_searches_stripe_events_read_only(client, superuser):
    for event_id, event_type in [("evt_admin_one", "payment_intent.succeeded"), ("evt_admin_two", "charge.refunded")]:
        stripe_event_record(stripe_id=event_id, event_type=event_type, payload=stripe_event(event_type, {"id": "x"}))
    client.force_login(superuser)
    url = "/admin/snippets/payments/stripeevent/"

    html = client.get(url, {"q": "evt_admin_one"}).content.decode()
    assert "evt_admin_one" in html and "evt_admin_two" not in html
    html = client.get(url, {"q": "charge.refunded"}).content.decode()
    assert "evt_admin_two" in html and "evt_admin_one" not in html
    event = StripeEvent.objects.get(stripe_id="evt_admin_one")
    assert client.get(f"{url}inspect/{event.pk}/").status_code == 200
    for refused in (
        client.get(f"{url}add/"),
        client.post(f"{url}edit/{event.pk}/", {"type": "changed"}),
        client.post(f"{url}delete/{event.pk}/"),
    ):
        assert (refused.status_code, refused.url) == (302, "/admin/")  # Wagtail's "permission denied"
    assert StripeEvent.objects.get(pk=event.pk).type == "payment_intent.succeeded"


def test_the_admin_registers_a_payout_account(client, superuser, enterprise):
    client.force_login(superuser)
    url = "/admin/snippets/payments/payoutaccount/"

    response = client.post(f"{url}add/", {"organisation": enterprise.pk, "stripe_account_id": "not-an-account"})
    assert response.status_code == 200 and not PayoutAccount.objects.exists()
    response = client.post(f"{url}add/", {"organisation": enterprise.pk, "stripe_account_id": "acct_fromadmin"})
    assert response.status_code == 302
    assert PayoutAccount.objects.get().stripe_account_id == "acct_fromadmin"
    assert "acct_fromadmin" in client.get(url, {"q": "acct_from"}).content.decode()


def test_the_admin_lists_received_payments(client, superuser, accepted_deal, django_assert_max_num_queries):
    for n in range(5):  # the listing costs the same few queries however many rows it shows
        ReceivedPayment.objects.create(
            deal=accepted_deal, payment_intent_id=f"pi_listed{n}", charge_id=f"ch_listed{n}", amount=accepted_deal.price
        )
    client.force_login(superuser)

    with django_assert_max_num_queries(10):
        html = client.get("/admin/snippets/payments/receivedpayment/").content.decode()

    assert all(f"pi_listed{n}" in html for n in range(5))
