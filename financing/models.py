"""Pledge financing: "bank loan + insurance + fiscal risk compensation" (docs/financing.md)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from djmoney.models.fields import MoneyField

from ipmarket.assets.models import NamesOneAsset
from ipmarket.core import limits
from ipmarket.core.money import CURRENCY, in_currency
from ipmarket.core.uploads import private_storage  # noqa: F401  (named by the migrations)

RATE = {"max_digits": 7, "decimal_places": 5, "validators": [MinValueValidator(0), MaxValueValidator(1)]}
AMOUNT = {"max_digits": 16, "decimal_places": 2}
# The IP share of the collateral: 0 < share ≤ 1, four decimals.
IP_SHARE = {
    "max_digits": 5,
    "decimal_places": 4,
    "validators": [MinValueValidator(Decimal("0.0001")), MaxValueValidator(1)],
}
MAX_CREDITOR_SHARE = Decimal("0.8")  # the fund and the insurer together: the bank keeps at least 20 %
MAX_TERM_MONTHS = 360


def money(verbose_name, **kwargs):
    return MoneyField(verbose_name, default_currency=CURRENCY, **AMOUNT, **kwargs)


class Programme(models.Model):
    """A city's pledge-financing programme: its settings and its risk-compensation pool."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, **limits.text_limit(limits.DESCRIPTION))
    risk_fund = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": "risk_fund"},
        verbose_name=_("risk-compensation fund"),
    )
    eligible_cities = models.JSONField(
        _("eligible cities"), default=list, blank=True, help_text=_("Cities of eligible enterprises; empty means any.")
    )
    is_active = models.BooleanField(_("open for applications"), default=True)

    max_principal = money(_("maximum principal per borrower"), default=Decimal("10000000"))
    max_term_months = models.PositiveSmallIntegerField(_("maximum term (months)"), default=12)
    max_annual_rate = models.DecimalField(
        _("maximum annual rate"),
        default=Decimal("0.045"),
        help_text=_("The cap as a rate: 1-year LPR + 1.50 percentage points, e.g. 0.03 + 0.015 = 0.045."),
        **RATE,
    )
    premium_rate_cap = models.DecimalField(_("insurance premium cap (a year)"), default=Decimal("0.02"), **RATE)
    interest_subsidy_rate = models.DecimalField(
        _("interest subsidy (a year)"), default=Decimal("0.015"), help_text=_("Paid by the programme."), **RATE
    )
    premium_subsidy_ratio = models.DecimalField(_("premium subsidy (share)"), default=Decimal("0.5"), **RATE)
    ltv_invention = models.DecimalField(_("loan-to-value cap: invention"), default=Decimal("0.25"), **RATE)
    ltv_utility_model = models.DecimalField(_("loan-to-value cap: utility model"), default=Decimal("0.15"), **RATE)
    ltv_design = models.DecimalField(_("loan-to-value cap: design"), default=Decimal("0.15"), **RATE)
    ltv_trademark = models.DecimalField(_("loan-to-value cap: trademark"), default=Decimal("0.5"), **RATE)
    fund_ratio = models.DecimalField(_("loss share: fund"), default=Decimal("0.4"), **RATE)
    insurer_ratio = models.DecimalField(_("loss share: insurer"), default=Decimal("0.4"), **RATE)
    fund_cap_per_loan = money(_("fund cap per loan"), default=Decimal("1000000"))
    insurer_policy_limit = money(
        _("insurer's policy limit per loan"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    pool_balance = money(_("pool balance"), default=Decimal("5000000"))
    pool_leverage = models.DecimalField(_("pool leverage"), max_digits=6, decimal_places=2, default=Decimal("10"))
    overdue_grace_days = models.PositiveSmallIntegerField(_("overdue grace (days)"), default=3)
    default_after_days = models.PositiveSmallIntegerField(_("default after (days past due)"), default=90)
    claim_deadline_working_days = models.PositiveSmallIntegerField(
        _("claim deadline (working days after default)"), default=10
    )
    penalty_rate_markup = models.DecimalField(
        _("penalty interest markup"),
        default=Decimal("0.5"),
        help_text=_("Overdue amounts accrue interest at the loan rate × (1 + markup), per day on a 360-day year."),
        **RATE,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fund_ratio__lte=Decimal("0.8") - models.F("insurer_ratio")),
                name="programme_bank_keeps_at_least_20_percent",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def bank_ratio(self) -> Decimal:
        return Decimal("1") - self.fund_ratio - self.insurer_ratio

    @property
    def pool_capacity(self) -> Decimal:
        """What the pool may cover: the money left in it × leverage (financing/pool.py)."""
        from .pool import capacity

        return capacity(self)

    def clean(self):
        """The programme's own settings, checked in one place (the admin edit screen and `programme_update`)."""
        super().clean()
        errors = {}
        if self.fund_ratio is not None and self.insurer_ratio is not None:
            if self.fund_ratio + self.insurer_ratio > MAX_CREDITOR_SHARE:
                errors["insurer_ratio"] = [
                    _(
                        "The fund's and the insurer's shares add up to at most 80%: the bank "
                        "bears at least 20% of a loss."
                    )
                ]
        for name in ("max_principal", "fund_cap_per_loan", "insurer_policy_limit", "pool_balance"):
            value = getattr(self, name)
            if value is None:
                continue
            if not in_currency(value):
                errors[name] = [_("Amounts are in CNY.")]
            elif value.amount < 0 or (value.amount == 0 and name != "pool_balance"):
                errors[name] = [
                    _("Give a positive amount.")
                    if name != "pool_balance"
                    else _("The pool balance cannot be negative.")
                ]
        if self.pool_leverage is not None and self.pool_leverage <= 0:
            errors["pool_leverage"] = [_("The leverage is positive.")]
        if self.max_annual_rate is not None and self.max_annual_rate <= 0:
            errors["max_annual_rate"] = [_("The rate cap is positive.")]
        if self.max_term_months is not None and not 1 <= self.max_term_months <= MAX_TERM_MONTHS:
            errors["max_term_months"] = [_("The longest term is 1 to 360 months.")]
        if self.claim_deadline_working_days is not None and self.claim_deadline_working_days < 1:
            errors["claim_deadline_working_days"] = [_("The bank has at least one working day to claim.")]
        if (
            self.default_after_days is not None
            and self.overdue_grace_days is not None
            and self.default_after_days <= self.overdue_grace_days
        ):
            errors["default_after_days"] = [_("A loan defaults only after the overdue grace days.")]
        if errors:
            raise ValidationError(errors)

    def ltv_for(self, asset_kind: str) -> Decimal:
        return getattr(self, f"ltv_{asset_kind}")


class PanelAppraiser(models.Model):
    """An appraiser admitted to a programme's valuation panel under the shared valuation standard: only its
    reports, while its admission and the report are valid, count for the loan-to-value check."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="panel")
    appraiser = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="panel_admissions",
        limit_choices_to={"kind": "appraiser"},
        verbose_name=_("appraiser"),
    )
    qualification = models.CharField(_("qualification"), max_length=200)
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    valid_from = models.DateField(_("admitted from"))
    valid_until = models.DateField(_("admitted until"))
    admitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    admitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme_id", "appraiser__name", "-valid_until"]
        verbose_name = _("panel appraiser")
        verbose_name_plural = _("panel appraisers")
        constraints = [
            models.UniqueConstraint(fields=["programme", "appraiser", "valid_from"], name="one_admission_per_start"),
            models.CheckConstraint(
                condition=models.Q(valid_from__lte=models.F("valid_until")), name="panel_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.appraiser} ({self.valid_from} – {self.valid_until})"


class ValuationReport(models.Model):
    """A panel appraiser's valuation report under the shared cross-regional standard: method, key parameters,
    value date and validity (one year by default). A valid report on the same assets can be reused by a later
    application once the appraiser confirms it still stands."""

    class Method(models.TextChoices):
        INCOME = "income", _("Income approach")
        MARKET = "market", _("Market approach")
        COST = "cost", _("Cost approach")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="valuation_reports")
    appraiser = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="valuation_reports", verbose_name=_("appraiser")
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    parameters = models.JSONField(_("key parameters"), default=dict, blank=True)
    value = money(_("appraised value"))
    value_date = models.DateField(_("value date"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    standard = models.CharField(_("standard version"), max_length=50)
    reference = models.CharField(_("report number"), max_length=64, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-value_date", "-id"]
        verbose_name = _("valuation report")
        verbose_name_plural = _("valuation reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_date__lte=models.F("valid_until")), name="report_dates_ordered"
            ),
        ]

    def __str__(self):
        return self.reference or f"#{self.pk} {self.appraiser}"


class ValuationReportAsset(NamesOneAsset, models.Model):
    """A patent or trademark a report values, with its part of the value when given."""

    report = models.ForeignKey(ValuationReport, on_delete=models.CASCADE, related_name="assets")
    patent = models.ForeignKey("assets.Patent", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    trademark = models.ForeignKey("assets.Trademark", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), null=True, blank=True, **AMOUNT)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patent__isnull=False, trademark__isnull=True)
                | models.Q(patent__isnull=True, trademark__isnull=False),
                name="report_asset_names_one_asset",
            ),
        ]

    def __str__(self):
        return str(self.asset)


class Application(models.Model):
    """An enterprise's pledge-loan application and, once disbursed, the loan itself."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PRESCREENED = "prescreened", _("Pre-screened")
        IP_VERIFIED = "ip_verified", _("IP verified")
        VALUED = "valued", _("Valued")
        BANK_APPROVED = "bank_approved", _("Approved by the bank")
        INSURED = "insured", _("Insured")
        FUND_FILED = "fund_filed", _("Filed with the fund")
        CONTRACTED = "contracted", _("Contract signed")
        PLEDGE_REGISTERED = "pledge_registered", _("Pledge registered")
        ACTIVE = "active", _("Active")
        OVERDUE = "overdue", _("Overdue")
        DEFAULTED = "defaulted", _("Defaulted")
        CLAIM_SUBMITTED = "claim_submitted", _("Claim submitted")
        COMPENSATED = "compensated", _("Compensated")
        IN_RECOVERY = "in_recovery", _("In recovery")
        CLOSED_LOSS = "closed_loss", _("Closed with a loss")
        CLOSED_REPAID = "closed_repaid", _("Repaid")
        PLEDGE_RELEASED = "pledge_released", _("Pledge released")
        RETURNED = "returned", _("Returned for changes")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLAIM_REJECTED = "claim_rejected", _("Claim rejected")

    class Method(models.TextChoices):
        EQUAL_INSTALMENT = "equal_instalment", _("Equal instalments (principal and interest)")
        EQUAL_PRINCIPAL = "equal_principal", _("Equal principal")
        INTEREST_ONLY = "interest_only", _("Interest monthly, principal at maturity")

    S = State
    # Loans the fund's pool covers: from filing until the loss is settled (or the loan ends).
    LIVE = [
        S.FUND_FILED,
        S.CONTRACTED,
        S.PLEDGE_REGISTERED,
        S.ACTIVE,
        S.OVERDUE,
        S.DEFAULTED,
        S.CLAIM_SUBMITTED,
    ]
    LOAN = [S.ACTIVE, S.OVERDUE]  # disbursed, being repaid
    PLEDGED = [
        S.PLEDGE_REGISTERED,
        S.ACTIVE,
        S.OVERDUE,
        S.DEFAULTED,
        S.CLAIM_SUBMITTED,
        S.COMPENSATED,
        S.IN_RECOVERY,
        S.CLOSED_REPAID,
    ]
    EDITABLE = [S.DRAFT, S.RETURNED]
    # A loan whose collateral the nightly check watches: pledge registered, until the claim is settled.
    WATCHED = [S.PLEDGE_REGISTERED, S.ACTIVE, S.OVERDUE, S.DEFAULTED, S.CLAIM_SUBMITTED]

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="loan_applications", verbose_name=_("borrower")
    )
    lender = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("bank")
    )
    insurer = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("insurer")
    )
    appraiser = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("appraiser")
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    principal = money(_("principal requested"))
    annual_rate = models.DecimalField(_("annual rate requested"), **RATE)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    method = models.CharField(_("repayment method"), max_length=20, choices=Method.choices)
    purpose = models.TextField(_("purpose"), blank=True, **limits.text_limit(limits.NOTE))
    # Set by the bank: proposed with the loan (proposed_ip_share), frozen here when approved.
    ip_share = models.DecimalField(_("IP share of the collateral"), default=Decimal("1"), **IP_SHARE)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)

    appraised_value = money(_("appraised value"), null=True, blank=True)
    valuation_report_date = models.DateField(_("valuation report date"), null=True, blank=True)
    valuation = models.ForeignKey(
        ValuationReport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("panel valuation report"),
    )
    proposed_principal = money(_("principal proposed"), null=True, blank=True)
    proposed_rate = models.DecimalField(_("rate proposed"), null=True, blank=True, **RATE)
    proposed_ip_share = models.DecimalField(_("IP share proposed"), null=True, blank=True, **IP_SHARE)
    proposed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_principal = money(_("principal approved"), null=True, blank=True)
    approved_rate = models.DecimalField(_("rate approved"), null=True, blank=True, **RATE)
    approved_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The programme's loss-sharing terms, frozen when the bank approves: a later change of the programme does
    # not change the split of a loan already approved (financing/guards.py `loss_terms`).
    fund_ratio = models.DecimalField(_("loss share: fund"), null=True, blank=True, **RATE)
    insurer_ratio = models.DecimalField(_("loss share: insurer"), null=True, blank=True, **RATE)
    fund_cap_per_loan = money(_("fund cap per loan"), null=True, blank=True)
    programme_policy_limit = money(_("programme's policy limit per loan"), null=True, blank=True)
    premium_rate = models.DecimalField(_("premium rate"), null=True, blank=True, **RATE)
    premium = money(_("premium"), null=True, blank=True)
    policy_limit = money(_("policy limit"), null=True, blank=True)
    covered_principal = money(_("principal covered by the pool"), null=True, blank=True)
    registration_number = models.CharField(_("pledge registration number"), max_length=64, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    maturity_date = models.DateField(_("maturity"), null=True, blank=True)
    defaulted_on = models.DateField(_("default recorded on"), null=True, blank=True)
    claim_deadline = models.DateField(_("claim deadline"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("pledge-loan application")
        verbose_name_plural = _("pledge-loan applications")

    def __str__(self):
        return f"#{self.pk} {self.applicant} → {self.lender}"

    # Transitions set fields only; financing/services check roles and guards around them.
    @transition(field=state, source=[S.DRAFT, S.RETURNED], target=S.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.PRESCREENED)
    def prescreen(self):
        pass

    @transition(field=state, source=[S.SUBMITTED, S.PRESCREENED, S.IP_VERIFIED, S.VALUED], target=S.RETURNED)
    def return_for_changes(self):
        pass

    @transition(
        field=state,
        source=[S.SUBMITTED, S.PRESCREENED, S.IP_VERIFIED, S.VALUED, S.BANK_APPROVED, S.INSURED],
        target=S.REJECTED,
    )
    def reject(self):
        pass

    @transition(field=state, source=S.CLAIM_SUBMITTED, target=S.CLAIM_REJECTED)
    def reject_claim(self):
        pass

    @transition(
        field=state,
        source=[
            S.DRAFT,
            S.RETURNED,
            S.SUBMITTED,
            S.PRESCREENED,
            S.IP_VERIFIED,
            S.VALUED,
            S.BANK_APPROVED,
            S.INSURED,
            S.FUND_FILED,
        ],
        target=S.WITHDRAWN,
    )
    def withdraw(self):
        pass

    @transition(field=state, source=S.PRESCREENED, target=S.IP_VERIFIED)
    def verify_ip(self):
        pass

    @transition(field=state, source=S.IP_VERIFIED, target=S.VALUED)
    def value(self):
        pass

    @transition(field=state, source=S.VALUED, target=S.BANK_APPROVED)
    def bank_approve(self):
        pass

    @transition(field=state, source=S.BANK_APPROVED, target=S.INSURED)
    def underwrite(self):
        pass

    @transition(field=state, source=S.INSURED, target=S.FUND_FILED)
    def fund_file(self):
        pass

    @transition(field=state, source=S.FUND_FILED, target=S.CONTRACTED)
    def sign_contract(self):
        pass

    @transition(field=state, source=S.CONTRACTED, target=S.PLEDGE_REGISTERED)
    def register_pledge(self):
        pass

    @transition(field=state, source=S.PLEDGE_REGISTERED, target=S.ACTIVE)
    def disburse(self):
        pass

    @transition(field=state, source=S.ACTIVE, target=S.OVERDUE)
    def mark_overdue(self):
        pass

    @transition(field=state, source=S.OVERDUE, target=S.ACTIVE)
    def cure(self):
        pass

    @transition(field=state, source=[S.ACTIVE, S.OVERDUE], target=S.CLOSED_REPAID)
    def repay_in_full(self):
        pass

    @transition(field=state, source=S.OVERDUE, target=S.DEFAULTED)
    def mark_default(self):
        pass

    @transition(field=state, source=S.DEFAULTED, target=S.CLAIM_SUBMITTED)
    def submit_claim(self):
        pass

    @transition(field=state, source=S.CLAIM_SUBMITTED, target=S.COMPENSATED)
    def settle_claim(self):
        pass

    @transition(field=state, source=[S.COMPENSATED, S.IN_RECOVERY], target=S.IN_RECOVERY)
    def record_recovery(self):
        pass

    @transition(field=state, source=[S.COMPENSATED, S.IN_RECOVERY, S.CLAIM_REJECTED], target=S.CLOSED_LOSS)
    def close(self):
        pass

    @transition(field=state, source=S.CLOSED_REPAID, target=S.PLEDGE_RELEASED)
    def release_pledge(self):
        pass

    @property
    def fund(self):
        return self.programme.risk_fund

    @property
    def party_ids(self) -> set[int]:
        return {self.applicant_id, self.lender_id, self.insurer_id, self.appraiser_id, self.programme.risk_fund_id}


class ApplicationAsset(NamesOneAsset, models.Model):
    """A patent or trademark pledged by an application, with its appraised value."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assets")
    patent = models.ForeignKey("assets.Patent", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    trademark = models.ForeignKey("assets.Trademark", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    appraised_value = models.DecimalField(_("appraised value"), null=True, blank=True, **AMOUNT)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patent__isnull=False, trademark__isnull=True)
                | models.Q(patent__isnull=True, trademark__isnull=False),
                name="application_asset_names_one_asset",
            ),
        ]

    def __str__(self):
        return str(self.asset)


class RepaymentPeriod(models.Model):
    """One period of the schedule made on disbursement, and what has been paid against it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="periods")
    period = models.PositiveSmallIntegerField()
    due_date = models.DateField(db_index=True)
    principal = models.DecimalField(**AMOUNT)
    interest = models.DecimalField(**AMOUNT)
    payment = models.DecimalField(**AMOUNT)
    balance = models.DecimalField(**AMOUNT)
    paid_principal = models.DecimalField(default=Decimal("0"), **AMOUNT)
    paid_interest = models.DecimalField(default=Decimal("0"), **AMOUNT)
    penalty = models.DecimalField(_("penalty interest accrued"), default=Decimal("0"), **AMOUNT)
    paid_penalty = models.DecimalField(default=Decimal("0"), **AMOUNT)
    penalty_accrued_to = models.DateField(null=True, blank=True)
    settled_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "period"]
        constraints = [models.UniqueConstraint(fields=["application", "period"], name="one_row_per_period")]

    def __str__(self):
        return f"{self.application_id}/{self.period}"

    @property
    def unpaid_principal(self) -> Decimal:
        return self.principal - self.paid_principal

    @property
    def unpaid_interest(self) -> Decimal:
        return self.interest - self.paid_interest

    @property
    def unpaid_penalty(self) -> Decimal:
        return self.penalty - self.paid_penalty

    @property
    def settled(self) -> bool:
        return self.settled_on is not None


class Repayment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="repayments")
    amount = models.DecimalField(**AMOUNT)
    paid_on = models.DateField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    allocation = models.JSONField(default=dict)

    class Meta:
        ordering = ["paid_on", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.amount} on {self.paid_on}"


class Claim(models.Model):
    """The bank's claim after a default, and how the loss was shared."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="claim")
    outstanding_principal = models.DecimalField(**AMOUNT)
    loss_base = models.DecimalField(null=True, blank=True, **AMOUNT)
    fund_share = models.DecimalField(null=True, blank=True, **AMOUNT)
    insurer_share = models.DecimalField(null=True, blank=True, **AMOUNT)
    bank_share = models.DecimalField(null=True, blank=True, **AMOUNT)
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    settled_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    settled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"claim {self.application_id}"


class Recovery(models.Model):
    """Net proceeds of disposing of the collateral, paid back pro rata to what each party bore."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="recoveries")
    amount = models.DecimalField(**AMOUNT)
    fund_part = models.DecimalField(**AMOUNT)
    insurer_part = models.DecimalField(**AMOUNT)
    bank_part = models.DecimalField(**AMOUNT)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name_plural = "recoveries"

    def __str__(self):
        return f"recovery {self.application_id}: {self.amount}"


class Event(models.Model):
    """The audit trail: every action on an application, by whom, when, from which state to which."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True, **limits.text_limit(limits.NOTE))
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action} {self.from_state}→{self.to_state}"


class CollateralAlert(models.Model):
    """A pledged asset at risk while the loan is live (lapsed, invalidated, expiring before maturity).
    Raised once per asset and reason; the bank, the insurer and the fund see it."""

    class Reason(models.TextChoices):
        LAPSED = "lapsed", _("Lapsed (annual fees unpaid)")
        INVALIDATED = "invalidated", _("Invalidated")
        EXPIRED = "expired", _("Expired")
        EXPIRES_BEFORE_MATURITY = "expires_before_maturity", _("Expires before the loan matures")
        DISPUTED = "disputed", _("Under an accepted IP dispute")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="alerts")
    asset_type = models.CharField(max_length=10)
    asset_id = models.PositiveBigIntegerField()
    asset_label = models.CharField(max_length=300)
    reason = models.CharField(max_length=30, choices=Reason.choices)
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "asset_type", "asset_id", "reason"], name="one_alert_per_asset_and_reason"
            )
        ]

    def __str__(self):
        return f"{self.application_id}: {self.asset_label} {self.reason}"


class Document(models.Model):
    class Kind(models.TextChoices):
        VALUATION_REPORT = "valuation_report", _("Valuation report")
        PLEDGE_CONTRACT = "pledge_contract", _("Pledge contract")
        LOAN_CONTRACT = "loan_contract", _("Loan contract")
        REGISTRATION_FORM = "registration_form", _("Pledge registration form")
        REGISTRATION_CERTIFICATE = "registration_certificate", _("Pledge registration notice")
        IDENTITY = "identity", _("Identity of the parties")
        POWER_OF_ATTORNEY = "power_of_attorney", _("Agent's power of attorney")
        INSURANCE_POLICY = "insurance_policy", _("Insurance policy")
        CO_OWNER_CONSENT = "co_owner_consent", _("Co-owners' written consent")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(storage=private_storage, upload_to="financing/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    report_date = models.DateField(_("report date"), null=True, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.original_name


class PoolSnapshot(models.Model):
    """The pool's standing on a day (nightly): capacity, exposure, headroom, claims paid."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="snapshots")
    on = models.DateField()
    capacity = models.DecimalField(**AMOUNT)
    exposure = models.DecimalField(**AMOUNT)
    headroom = models.DecimalField(**AMOUNT)
    claims_paid = models.DecimalField(**AMOUNT)
    recovered = models.DecimalField(**AMOUNT)
    live_loans = models.PositiveIntegerField()

    class Meta:
        ordering = ["-on"]
        constraints = [models.UniqueConstraint(fields=["programme", "on"], name="one_snapshot_a_day")]

    def __str__(self):
        return f"{self.programme_id} {self.on}"
