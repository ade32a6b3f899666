"""Financing's answer to "what holds this asset?" (ipmarket/assets/commitments.py)."""

from django.utils.translation import gettext as _

from ipmarket.assets.commitments import APPLICATION, PLEDGE, Commitment

from .models import Application, ApplicationAsset

S = Application.State
# Past submission, before the IP is verified: the register facts are under review.
UNDER_REVIEW = (S.SUBMITTED, S.PRESCREENED)
# From the CNIPA pre-check until the pledge is released or the loss case closed: the asset secures the loan.
PLEDGING = (
    S.IP_VERIFIED,
    S.VALUED,
    S.BANK_APPROVED,
    S.INSURED,
    S.FUND_FILED,
    S.CONTRACTED,
    S.PLEDGE_REGISTERED,
    S.ACTIVE,
    S.OVERDUE,
    S.DEFAULTED,
    S.CLAIM_SUBMITTED,
    S.COMPENSATED,
    S.IN_RECOVERY,
    S.CLAIM_REJECTED,
    S.CLOSED_REPAID,
)


def asset_commitments(asset) -> list[Commitment]:
    items = (
        ApplicationAsset.objects.filter(**{asset.asset_type: asset}, application__state__in=UNDER_REVIEW + PLEDGING)
        .select_related("application")
        .order_by("application_id")
    )
    return [
        Commitment(
            kind=PLEDGE if item.application.state in PLEDGING else APPLICATION,
            id=item.application_id,
            label=_("pledge-loan application #%(id)s (%(state)s)")
            % {"id": item.application_id, "state": item.application.get_state_display()},
            holder_id=item.application.lender_id,
        )
        for item in items
    ]
