from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .validators import normalise_uscc, validate_uscc


class User(AbstractUser):
    """A person. What they may do comes from their memberships."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


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
    description = models.TextField(_("description"), blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "user_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_person")]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
