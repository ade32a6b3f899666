"""The financing-demand registry (名录库): enterprises' financing demands, the bureau's registry batches, the
banks' interest in admitted demands, and the banks' IP-pledge loan products (docs/registry.md)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from financing.models import RATE, money
from ipmarket.assets.models import NamesOneAsset
from ipmarket.core import limits

MAX_TERM_MONTHS = 360


class Industry(models.TextChoices):
    """The sections (门类) of China's industrial classification GB/T 4754-2017."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail")
    G = "G", _("Transport, storage and post")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water, environment and public facilities")
    O = "O", _("Residents' services and repairs")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration and social organisations")
    T = "T", _("International organisations")


class DemandBatch(models.Model):
    """A batch of the registry the bureau admits demands into, e.g. 2026年第二批知识产权融资需求名录."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    number = models.PositiveSmallIntegerField(_("batch number"), validators=[MinValueValidator(1)])
    programme = models.ForeignKey(
        "financing.Programme", on_delete=models.PROTECT, related_name="demand_batches", verbose_name=_("programme")
    )
    is_open = models.BooleanField(_("open for admissions"), default=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number", "-id"]
        verbose_name = _("registry batch")
        verbose_name_plural = _("registry batches")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "number"], name="one_batch_per_programme_year_number")
        ]

    def __str__(self):
        return self.name


class Demand(models.Model):
    """An enterprise's financing demand: filed, reviewed by the bureau, admitted into a registry batch, seen by
    the banks it is shown to, matched with one bank's interest, financed when that loan is disbursed."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ADMITTED = "admitted", _("Admitted to the registry")
        MATCHED = "matched", _("Matched with a bank")
        FINANCED = "financed", _("Financed")
        RETURNED = "returned", _("Returned for changes")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    S = State
    EDITABLE = [S.DRAFT, S.RETURNED]
    # Seen by the banks it is shown to.
    LISTED = [S.ADMITTED, S.MATCHED, S.FINANCED]

    enterprise = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="financing_demands",
        verbose_name=_("enterprise"),
    )
    programme = models.ForeignKey(
        "financing.Programme", on_delete=models.PROTECT, related_name="demands", verbose_name=_("programme")
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    amount = money(_("amount sought"))
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TERM_MONTHS)]
    )
    purpose = models.TextField(_("purpose"), **limits.text_limit(limits.NOTE))
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, db_index=True)
    all_banks = models.BooleanField(_("shown to every bank"), default=True)
    banks = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "bank"},
        verbose_name=_("banks it is shown to"),
        help_text=_("Only these banks see the demand; none chosen means every bank."),
    )
    contact_consent = models.BooleanField(_("banks may contact us"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    batch = models.ForeignKey(
        DemandBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("registry batch"),
    )
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    chosen_interest = models.OneToOneField(
        "registry.Interest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    application = models.OneToOneField(
        "financing.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demand",
        verbose_name=_("pledge application"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("financing demand")
        verbose_name_plural = _("financing demands")

    def __str__(self):
        return f"#{self.pk} {self.enterprise}"

    # Transitions set the state only; financing/registry/services check roles and guards around them.
    @transition(field=state, source=[S.DRAFT, S.RETURNED], target=S.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.ADMITTED)
    def admit(self):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.RETURNED)
    def return_for_changes(self):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=[S.DRAFT, S.RETURNED, S.SUBMITTED, S.ADMITTED], target=S.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=state, source=S.ADMITTED, target=S.MATCHED)
    def choose(self):
        pass

    @transition(field=state, source=S.MATCHED, target=S.FINANCED)
    def finance(self):
        pass

    @transition(field=state, source=S.ADMITTED, target=S.EXPIRED)
    def expire(self):
        pass


class DemandAsset(NamesOneAsset, models.Model):
    """A granted patent or registered trademark of the enterprise offered as collateral."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="assets")
    patent = models.ForeignKey("assets.Patent", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    trademark = models.ForeignKey("assets.Trademark", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patent__isnull=False, trademark__isnull=True)
                | models.Q(patent__isnull=True, trademark__isnull=False),
                name="demand_asset_names_one_asset",
            ),
        ]

    def __str__(self):
        return str(self.asset)


class Interest(models.Model):
    """A bank's interest in an admitted demand, with indicative terms; the enterprise chooses one."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CHOSEN = "chosen", _("Chosen")
        NOT_CHOSEN = "not_chosen", _("Not chosen")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="interests")
    bank = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("bank")
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    indicative_principal = money(_("indicative principal"))
    indicative_rate = models.DecimalField(_("indicative annual rate"), **RATE)
    note = models.TextField(_("note"), blank=True, **limits.text_limit(limits.NOTE))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("bank interest")
        verbose_name_plural = _("bank interests")
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "bank"],
                condition=models.Q(state__in=["open", "chosen"]),
                name="one_live_interest_per_bank_and_demand",
            )
        ]

    def __str__(self):
        return f"{self.bank} → demand {self.demand_id}"


class DemandEvent(models.Model):
    """The audit trail of a demand: every action, by whom, when, from which state to which."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")
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


class LoanProduct(models.Model):
    """A bank's IP-pledge loan product in the public catalogue (金融产品超市)."""

    class AssetKind(models.TextChoices):
        INVENTION = "invention", _("Invention patent")
        UTILITY_MODEL = "utility_model", _("Utility model")
        DESIGN = "design", _("Design")
        TRADEMARK = "trademark", _("Trademark")

    bank = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="loan_products", verbose_name=_("bank")
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, **limits.text_limit(limits.DESCRIPTION))
    min_amount = money(_("smallest amount"))
    max_amount = money(_("largest amount"))
    max_term_months = models.PositiveSmallIntegerField(
        _("longest term (months)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TERM_MONTHS)]
    )
    rate_min = models.DecimalField(_("lowest annual rate"), **RATE)
    rate_max = models.DecimalField(_("highest annual rate"), **RATE)
    asset_kinds = models.JSONField(_("eligible IP kinds"), default=list)
    cities = models.JSONField(_("cities served"), default=list, blank=True, help_text=_("Empty means every city."))
    documents = models.TextField(_("documents required"), blank=True, **limits.text_limit(limits.NOTE))
    is_published = models.BooleanField(_("published"), default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["bank__name", "name", "id"]
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__lte=models.F("max_amount")), name="product_amounts_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(rate_min__lte=models.F("rate_max")), name="product_rates_ordered"
            ),
        ]

    def __str__(self):
        return self.name
