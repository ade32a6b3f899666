"""Demo payout accounts (called by `manage.py seed_demo`): every demo enterprise can be paid out.

The ids are test-mode look-alikes derived from the organisation's credit code, so a second
run adds nothing. They work against stripe-mock; against real Stripe, connect real accounts.
"""

from collections.abc import Iterable

from django.db import transaction

from ipmarket.accounts.models import Organisation

from .models import PayoutAccount


def demo_stripe_account_id(organisation: Organisation) -> str:
    return f"acct_demo{organisation.unified_social_credit_code}"


@transaction.atomic
def seed_payout_accounts(organisations: Iterable[Organisation]) -> int:
    """Give the enterprises among `organisations` a demo payout account; returns how many were added."""
    enterprises = [o for o in organisations if o.kind == Organisation.Kind.ENTERPRISE]
    have = set(PayoutAccount.objects.filter(organisation__in=enterprises).values_list("organisation_id", flat=True))
    added = PayoutAccount.objects.bulk_create(
        [
            PayoutAccount(organisation=o, stripe_account_id=demo_stripe_account_id(o))
            for o in enterprises
            if o.pk not in have
        ],
        ignore_conflicts=True,
    )
    return len(added)
