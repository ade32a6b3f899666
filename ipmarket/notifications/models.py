"""A person's notifications (the inbox) and which of them they also want by email."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INQUIRY_RECEIVED = "inquiry_received", _("Inquiry received")
    DEAL_STATE = "deal_state", _("Deal state changed")
    APPLICATION_STATE = "application_state", _("Loan application state changed")
    REPAYMENT_DUE = "repayment_due", _("Repayment due within 7 days")
    OVERDUE = "overdue", _("Repayment overdue")
    ANNUAL_FEE_DUE = "annual_fee_due", _("Patent annual fee due within 30 days")
    TRADEMARK_RENEWAL = "trademark_renewal", _("Trademark renewal window open")
    COLLATERAL_AT_RISK = "collateral_at_risk", _("Collateral at risk")
    VALUATION_EXPIRING = "valuation_expiring", _("Valuation report expires within 30 days")
    SUBSIDY_CLAIMED = "subsidy_claimed", _("Subsidy claimed")
    SUBSIDY_DECIDED = "subsidy_decided", _("Subsidy approved or rejected")
    SUBSIDY_PAID = "subsidy_paid", _("Subsidy paid")
    DEMAND_STATE = "demand_state", _("Financing demand state changed")
    DEMAND_INTEREST = "demand_interest", _("Bank interest in a financing demand")
    DEMAND_EXPIRING = "demand_expiring", _("Financing demand expires within a month")
    LICENCE_FILING_DUE = "licence_filing_due", _("Licence contract to be filed with CNIPA")
    LICENCE_FILING_OVERDUE = "licence_filing_overdue", _("Licence contract filing overdue")
    DISPUTE_STATE = "dispute_state", _("IP dispute filed or changed")
    DISPUTE_SHARED = "dispute_shared", _("IP dispute shared with your organisation")
    DISPUTE_COLLATERAL = "dispute_collateral", _("Pledged IP in a dispute")
    MEDIATION_OVERDUE = "mediation_overdue", _("Mediation past its time limit")


class Notification(models.Model):
    """One notification to one person. `key` names what it is about (an event, a repayment period, a fee
    due date…); one row per person and key, so a job or hook that runs twice notifies nobody twice.
    The text is not stored: it is rendered from `kind` and `params` in the reader's language by the renderer
    its domain declared (ipmarket/core/notices.py)."""

    Kind = Kind

    class Email(models.TextChoices):
        PENDING = "pending", _("To be sent")
        SENT = "sent", _("Sent")
        OFF = "off", _("Not wanted")  # the person opted out of this kind, or has no email address

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email = models.CharField(_("email"), max_length=10, choices=Email.choices, default=Email.PENDING)
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_key")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=models.Q(read_at=None), name="notification_unread"),
            models.Index(fields=["created_at"], condition=models.Q(email="pending"), name="notification_email_pending"),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.key}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Whether a person wants the emails of one kind. No row: yes. The inbox always gets everything."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    email = models.BooleanField(_("send by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.email}"
