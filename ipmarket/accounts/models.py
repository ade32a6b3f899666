import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ipmarket.core import limits

from .validators import normalise_uscc, validate_uscc


class User(AbstractUser):
    """A person. What they may do comes from their memberships."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # A new password (set_password anywhere: the admin, a service, a password-change page) or a
        # deactivation revokes the person's API tokens, as Django's session hash does for sessions.
        revoke = self._password is not None or not self.is_active
        super().save(*args, **kwargs)
        if revoke:
            ApiToken.objects.filter(user=self).delete()


class Bilingual:
    """`label` is `name` (Chinese) or `name_en` when English is active and set."""

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Service(Bilingual, models.Model):
    """A service a firm offers (patent filing, valuation, pledge loans…)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.label


class Organisation(Bilingual, models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        BANK = "bank", _("Bank")
        INSURER = "insurer", _("Insurer")
        RISK_FUND = "risk_fund", _("Risk-compensation fund")
        APPRAISER = "appraiser", _("Appraiser")
        PATENT_AGENCY = "patent_agency", _("Patent agency")
        TRADEMARK_AGENCY = "trademark_agency", _("Trademark agency")
        LAW_FIRM = "law_firm", _("Law firm")
        PLATFORM = "platform", _("Platform operator")
        MEDIATION = "mediation", _("Mediation organisation")
        ARBITRATION = "arbitration", _("Arbitration commission")
        COURT = "court", _("Court")
        BUREAU = "bureau", _("Another city's IP bureau")

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    unified_social_credit_code = models.CharField(
        _("unified social credit code"),
        max_length=32,  # room for spaces and hyphens as typed; stored normalised (18 characters)
        unique=True,
        validators=[validate_uscc],
        help_text=_("18 characters, GB 32100-2015; the last one is a check character."),
    )
    city = models.CharField(_("city"), max_length=50, db_index=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    services = models.ManyToManyField(Service, verbose_name=_("services offered"), blank=True, related_name="+")
    description = models.TextField(_("description"), blank=True, **limits.text_limit(limits.DESCRIPTION))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(
        _("listed in the directory"), default=True, help_text=_("Inactive organisations are hidden from the public.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (models.Q(latitude__isnull=False) & models.Q(longitude__isnull=False)),
                name="organisation_location_complete",
            ),
        ]

    def __str__(self):
        return self.label

    def clean_fields(self, exclude=None):
        # Normalise before the length and check-character validators see the code.
        if self.unified_social_credit_code:
            self.unified_social_credit_code = normalise_uscc(self.unified_social_credit_code)
        super().clean_fields(exclude)

    @property
    def location(self) -> dict | None:
        if self.latitude is None:
            return None
        return {"lat": self.latitude, "lon": self.longitude}


class Membership(models.Model):
    """A person's place in an organisation. Roles matter in banks (officer, approver)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        OFFICER = "officer", _("Officer")
        APPROVER = "approver", _("Approver")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive membership gives no rights in the organisation.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "user_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_person")]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class OrganisationEvent(models.Model):
    """One change of an organisation's identity or of its memberships: who, when, before → after.

    `field` names the identity field that changed, or `action` what happened to a membership (or to the
    organisation: created, deleted); `before`/`after` are the values (for memberships, the role in force,
    null when none). Names are copied so that the record survives the people and the organisation.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="events", verbose_name=_("organisation")
    )
    organisation_name = models.CharField(_("organisation name"), max_length=200)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    field = models.CharField(_("field"), max_length=50, blank=True)
    action = models.CharField(_("action"), max_length=50, blank=True)
    person = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    person_name = models.CharField(_("person"), max_length=150, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("organisation event")
        verbose_name_plural = _("organisation events")

    def __str__(self):
        return f"{self.organisation_name} · {self.field or self.action}"


def _new_token_key() -> str:
    return secrets.token_hex(20)


class ApiToken(models.Model):
    """The API token of a person (`Authorization: Token <key>`), bound to their password: it is refused
    once the password changes (the session-auth hash differs), the person is deactivated or the token is
    older than `API_TOKEN_LIFETIME_HOURS` (when set)."""

    key = models.CharField(_("key"), max_length=40, unique=True, default=_new_token_key)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="api_token", verbose_name=_("person"))
    password_hash = models.CharField(max_length=128)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} · {self.created:%Y-%m-%d %H:%M}"

    def is_current(self, user: User | None = None) -> bool:
        user = user or self.user
        if not user.is_active or not constant_time_compare(self.password_hash, user.get_session_auth_hash()):
            return False
        hours = getattr(settings, "API_TOKEN_LIFETIME_HOURS", 0) or 0
        return hours <= 0 or timezone.now() < self.created + timedelta(hours=hours)
