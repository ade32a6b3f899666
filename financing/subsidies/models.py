"""The programme's interest and premium subsidies of a loan (docs/subsidies.md): computed as claimable amounts,
claimed by the enterprise, approved or rejected by platform staff, paid by the programme's fund."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from financing.models import AMOUNT, RATE
from ipmarket.core import limits


class Subsidy(models.Model):
    """One claimable amount: the interest subsidy of one repayment period, or the premium subsidy of the
    loan's policy. The programme's rate is frozen into the row when it is computed (`rate`): a later change
    of the programme changes only subsidies computed after it."""

    class Kind(models.TextChoices):
        INTEREST = "interest", _("Interest subsidy")
        PREMIUM = "premium", _("Premium subsidy")

    class State(models.TextChoices):
        CLAIMABLE = "claimable", _("Claimable")
        CLAIMED = "claimed", _("Claimed")
        APPROVED = "approved", pgettext_lazy("subsidy state", "Approved")
        PAID = "paid", pgettext_lazy("subsidy state", "Paid")
        REJECTED = "rejected", _("Rejected")

    S = State

    application = models.ForeignKey(
        "financing.Application", on_delete=models.PROTECT, related_name="subsidies", verbose_name=_("loan")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.PositiveSmallIntegerField(_("repayment period"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    base = models.DecimalField(
        _("base amount"), help_text=_("Opening balance of the period, or the premium."), **AMOUNT
    )
    rate = models.DecimalField(_("rate used"), **RATE)
    interest = models.DecimalField(_("interest of the period"), null=True, blank=True, **AMOUNT)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    state = FSMField(_("state"), default=State.CLAIMABLE, choices=State.choices, protected=True, db_index=True)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    claimed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("approved or rejected"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True, **limits.text_limit(limits.NOTE))
    paid_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(_("payment recorded"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)

    class Meta:
        ordering = ["-year", "application_id", "kind", "period", "id"]
        verbose_name = _("subsidy")
        verbose_name_plural = _("subsidies")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "period"],
                condition=models.Q(kind="interest"),
                name="one_interest_subsidy_a_period",
            ),
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(kind="premium"), name="one_premium_subsidy_a_loan"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="interest", period__isnull=False, due_date__isnull=False)
                | models.Q(kind="premium", period__isnull=True),
                name="subsidy_period_matches_kind",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="subsidy_amount_positive"),
        ]

    def __str__(self):
        if self.kind == self.Kind.INTEREST:
            return f"{self.application_id}/{self.period} interest {self.amount}"
        return f"{self.application_id} premium {self.amount}"

    # Transitions set the state only; financing/subsidies/services.py checks roles around them.
    @transition(field=state, source=S.CLAIMABLE, target=S.CLAIMED)
    def claim(self):
        pass

    @transition(field=state, source=S.CLAIMED, target=S.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=S.CLAIMED, target=S.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=S.APPROVED, target=S.PAID)
    def pay(self):
        pass


class SubsidyEvent(models.Model):
    """The audit trail of a subsidy: who, when, which action, from which state to which, with the note."""

    subsidy = models.ForeignKey(Subsidy, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    note = models.TextField(blank=True, **limits.text_limit(limits.NOTE))
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.subsidy_id} {self.action} {self.from_state}→{self.to_state}"
