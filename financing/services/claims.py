"""After a default: the bank's claim, the fund's and the insurer's shares, recoveries, closing; and the
pledge release once a loan is repaid."""

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.assets.services import asset_release_pledge
from ipmarket.core.errors import GuardFailed
from ipmarket.core.money import cny
from ipmarket.core.services import refuse_if

from .. import guards, money, pool, workflow
from ..models import Application, Claim, Programme, Recovery
from .common import acting
from .servicing import outstanding_principal

ZERO = Decimal("0")


def pool_available(programme: Programme) -> Decimal:
    """Money left in the pool for claims: the balance, less what the fund paid, plus what it recovered."""
    return pool.money_left(programme)


def split_for(app: Application, *, outstanding: Decimal, net_recovery: Decimal = ZERO) -> money.LossSplitResult:
    """The loss split of the loan, on the terms frozen when it was approved and the money left in the pool."""
    terms = guards.loss_terms(app)
    return money.loss_split(
        outstanding_principal=outstanding,
        ip_share=app.ip_share,
        net_recovery=net_recovery,
        fund_ratio=terms["fund_ratio"],
        insurer_ratio=terms["insurer_ratio"],
        fund_cap=terms["fund_cap"],
        pool_headroom=max(pool.money_left(app.programme), ZERO),
        policy_limit=app.policy_limit.amount if app.policy_limit is not None else None,
    )


@workflow.executes("submit_claim")
def application_submit_claim(*, application, by, note=""):
    """The bank claims within the programme's deadline after the default was recorded."""
    with acting(application, by, "submit_claim", note=note) as app:
        refuse_if(guards.claim_deadline_refusal(app, timezone.localdate()))
        Claim.objects.update_or_create(
            application=app,
            defaults={
                "outstanding_principal": outstanding_principal(app),
                "submitted_by": by,
                "submitted_at": timezone.now(),
            },
        )
        app.submit_claim()
    return app


@workflow.executes("settle_claim")
def application_settle_claim(*, application, by, note=""):
    """The fund and the insurer pay their shares: fund min(ratio × B, cap per loan, money left in the pool),
    insurer min(ratio × B, policy limit); the bank bears the rest. The pool row is locked first."""
    with acting(application, by, "settle_claim", note=note, with_programme=True) as app:
        claim = Claim.objects.select_for_update().get(application=app)
        split = split_for(app, outstanding=claim.outstanding_principal)
        claim.loss_base, claim.fund_share, claim.insurer_share, claim.bank_share = (
            split.loss_base,
            split.fund,
            split.insurer,
            split.bank,
        )
        claim.settled_by, claim.settled_at = by, timezone.now()
        claim.save()
        app.settle_claim()
    return app


@workflow.executes("record_recovery")
def application_record_recovery(*, application, by, amount, note=""):
    """Net recoveries (disposal proceeds less costs) are paid back pro rata to what each party bore."""
    with acting(application, by, "record_recovery", note=note, with_programme=True) as app:
        amount = Decimal(amount)
        if amount <= 0 or amount.as_tuple().exponent < -2:
            raise GuardFailed("amount_required", _("Give a positive amount with at most two decimals."))
        claim = app.claim
        before = app.recoveries.aggregate(
            fund=Sum("fund_part"), insurer=Sum("insurer_part"), bank=Sum("bank_part"), total=Sum("amount")
        )
        recovered = before["total"] or ZERO
        if recovered + amount > claim.loss_base:
            raise GuardFailed(
                "recovery_above_loss",
                _("Recoveries beyond the loss (%(left)s left) belong to the borrower.")
                % {"left": cny(claim.loss_base - recovered)},
            )
        # Split the running total, then record the difference: the parts of all recoveries stay exact.
        total = _recovery_parts(claim, recovered + amount)
        Recovery.objects.create(
            application=app,
            amount=amount,
            fund_part=total[0] - (before["fund"] or ZERO),
            insurer_part=total[1] - (before["insurer"] or ZERO),
            bank_part=total[2] - (before["bank"] or ZERO),
            recorded_by=by,
        )
        app.record_recovery()
    return app


def _recovery_parts(claim: Claim, recovered: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """What each party gets back of `recovered`, in proportion to the shares it bore."""
    base = claim.loss_base
    if not base:
        return ZERO, ZERO, ZERO
    fund = money.round_cents(recovered * claim.fund_share / base)
    insurer = money.round_cents(recovered * claim.insurer_share / base)
    return fund, insurer, recovered - fund - insurer


@workflow.executes("close")
def application_close(*, application, by, note=""):
    """The case ends with a loss; the pledge is over (enforced or waived)."""
    with acting(application, by, "close", note=note) as app:
        for item in guards.asset_items(app):
            if item.asset.pledged and item.asset.pledged_to_id == app.lender_id:
                asset_release_pledge(asset=item.asset)
        app.close()
    return app


@workflow.executes("release_pledge")
def application_release_pledge(*, application, by, note=""):
    """The loan is repaid: the bank releases the pledge and the assets are free again."""
    with acting(application, by, "release_pledge", note=note) as app:
        for item in guards.asset_items(app):
            asset_release_pledge(asset=item.asset)
        app.release_pledge()
    return app
