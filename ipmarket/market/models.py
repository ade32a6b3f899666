from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition
from djmoney.models.fields import MoneyField

from ipmarket.core import limits
from ipmarket.core.money import CURRENCY

from . import filing


class Listing(models.Model):
    """A patent or trademark offered for assignment or licensing by its owner."""

    class DealType(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment")
        EXCLUSIVE_LICENSE = "exclusive_license", _("Exclusive licence")
        SOLE_LICENSE = "sole_license", _("Sole licence")
        NON_EXCLUSIVE_LICENSE = "non_exclusive_license", _("Non-exclusive licence")
        OPEN_LICENSE = "open_license", _("Open licence")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        UNDER_NEGOTIATION = "under_negotiation", _("Under negotiation")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Deal types that only one buyer can get: the listing closes when one deal is recorded.
    SINGLE_BUYER = (DealType.ASSIGNMENT, DealType.EXCLUSIVE_LICENSE, DealType.SOLE_LICENSE)
    PUBLIC = (Status.PUBLISHED, Status.UNDER_NEGOTIATION, Status.CLOSED)
    ACTIVE = (Status.DRAFT, Status.PUBLISHED, Status.UNDER_NEGOTIATION)

    patent = models.ForeignKey(
        "assets.Patent", null=True, blank=True, on_delete=models.PROTECT, related_name="listings"
    )
    trademark = models.ForeignKey(
        "assets.Trademark", null=True, blank=True, on_delete=models.PROTECT, related_name="listings"
    )
    seller = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="listings", verbose_name=_("seller")
    )
    deal_type = models.CharField(_("deal type"), max_length=30, choices=DealType.choices, db_index=True)
    price = MoneyField(_("price"), max_digits=14, decimal_places=2, default_currency=CURRENCY)
    negotiable = models.BooleanField(_("price negotiable"), default=True)
    territory = models.CharField(_("territory"), max_length=100, default="中国大陆")
    term_months = models.PositiveIntegerField(_("licence term (months)"), null=True, blank=True)
    payment_terms = models.TextField(
        _("how the fee is paid"),
        blank=True,
        help_text=_("Required for an open licence declaration."),
        **limits.text_limit(limits.NOTE),
    )
    description = models.TextField(_("description"), blank=True, **limits.text_limit(limits.DESCRIPTION))
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True, db_index=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # empty for imported listings
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patent__isnull=False, trademark__isnull=True)
                | models.Q(patent__isnull=True, trademark__isnull=False),
                name="listing_names_one_asset",
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="listing_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_deal_type_display()} · {self.asset}"

    @property
    def asset(self):
        return self.patent if self.patent_id else self.trademark

    @property
    def asset_type(self) -> str:
        return "patent" if self.patent_id else "trademark"

    @property
    def is_single_buyer(self) -> bool:
        return self.deal_type in self.SINGLE_BUYER

    @transition(field=status, source=Status.DRAFT, target=Status.PUBLISHED)
    def publish(self):
        self.published_at = timezone.now()

    @transition(field=status, source=Status.PUBLISHED, target=Status.UNDER_NEGOTIATION)
    def start_negotiation(self):
        pass

    @transition(field=status, source=Status.UNDER_NEGOTIATION, target=Status.PUBLISHED)
    def reopen(self):
        pass

    @transition(field=status, source=[Status.PUBLISHED, Status.UNDER_NEGOTIATION], target=Status.CLOSED)
    def close(self):
        self.closed_at = timezone.now()

    @transition(field=status, source=list(ACTIVE), target=Status.WITHDRAWN)
    def withdraw(self):
        self.closed_at = timezone.now()


class Deal(models.Model):
    """One buyer's deal on a listing, from negotiation to the release of the held payment."""

    class State(models.TextChoices):
        NEGOTIATING = "negotiating", _("Negotiating")
        ACCEPTED = "accepted", _("Accepted")
        PAID = "paid", _("Paid (held by the platform)")
        RECORDED = "recorded", _("Recorded")
        RELEASED = "released", _("Released to the seller")
        CANCELLED = "cancelled", pgettext_lazy("deal state", "Cancelled")
        REFUNDED = "refunded", _("Refunded")

    OPEN = (State.NEGOTIATING, State.ACCEPTED, State.PAID, State.RECORDED)

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="deals")
    buyer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="purchases")
    seller = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="sales")
    price = MoneyField(_("agreed price"), max_digits=14, decimal_places=2, default_currency=CURRENCY)
    state = FSMField(_("state"), default=State.NEGOTIATING, choices=State.choices, protected=True, db_index=True)
    recordal_number = models.CharField(_("recordal / filing number"), max_length=64, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    transfer_id = models.CharField(max_length=255, blank=True)
    refund_id = models.CharField(max_length=255, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "buyer"],
                condition=models.Q(state__in=["negotiating", "accepted", "paid", "recorded"]),
                name="one_open_deal_per_buyer_and_listing",
            ),
            models.CheckConstraint(condition=~models.Q(buyer=models.F("seller")), name="deal_buyer_is_not_seller"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.listing} · {self.buyer}"

    # The licence filing deadline (ipmarket/market/filing.py), derived here only: the API, the pages and the
    # daily reminders read these.
    @property
    def licence_effective_on(self) -> date | None:
        """The day a licence contract took effect: its acceptance, an open licence's payment; None for an
        assignment or before then."""
        if self.listing.deal_type not in filing.LICENCES:
            return None
        at = self.paid_at if self.listing.deal_type == Listing.DealType.OPEN_LICENSE else self.accepted_at
        return timezone.localdate(at) if at else None

    @property
    def filing_due_on(self) -> date | None:
        return filing.due_on(self.licence_effective_on)

    def filing_state(self, today: date | None = None) -> str:
        return filing.state(
            self.listing.deal_type, self.state, self.licence_effective_on, today or timezone.localdate()
        )

    @transition(field=state, source=State.NEGOTIATING, target=State.ACCEPTED)
    def accept(self):
        self.accepted_at = timezone.now()

    @transition(field=state, source=State.ACCEPTED, target=State.PAID)
    def mark_paid(self):
        self.paid_at = timezone.now()

    @transition(field=state, source=State.PAID, target=State.RECORDED)
    def record(self):
        self.recorded_at = timezone.now()

    @transition(field=state, source=State.RECORDED, target=State.RELEASED)
    def release(self):
        self.released_at = timezone.now()

    @transition(field=state, source=[State.NEGOTIATING, State.ACCEPTED], target=State.CANCELLED)
    def cancel(self):
        self.ended_at = timezone.now()

    @transition(field=state, source=State.PAID, target=State.REFUNDED)
    def refund(self):
        self.ended_at = timezone.now()


class Message(models.Model):
    """The thread of a deal. A buyer's inquiry is its first message."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        MESSAGE = "message", _("Message")
        NOTICE = "notice", _("Open-licence notice")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), **limits.text_limit(limits.MESSAGE))
    offer = MoneyField(_("offer"), max_digits=14, decimal_places=2, default_currency=CURRENCY, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"


class Event(models.Model):
    """Audit trail of listings and deals: who did what, when, from which state to which."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="events")
    deal = models.ForeignKey(Deal, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
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
