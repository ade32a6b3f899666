"""`{% load dispute_tags %}`: whether the header shows the IP-protection link to a signed-in person."""

from django import template

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation

register = template.Library()

K = Organisation.Kind
# The organisations whose people take part in cases: enterprises file and answer them, the others handle them.
KINDS = [K.ENTERPRISE, K.PLATFORM, K.MEDIATION, K.COURT, K.ARBITRATION, K.BUREAU]


@register.filter
def takes_part_in_disputes(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return policies.is_platform_staff(user) or bool(policies.organisation_ids(user, kinds=KINDS))
