from datetime import date

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipmarket.core import limits

from . import identifiers, rules


class IPAsset(models.Model):
    """What patents and trademarks share: owners, the pledge lock, disputes."""

    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("owner"),
    )
    co_owners = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="co_owned_%(class)ss",
        verbose_name=_("co-owners"),
    )
    # Driven by financing (register_pledge → release_pledge); never edited directly.
    pledged = models.BooleanField(_("pledged"), default=False, editable=False, db_index=True)
    pledged_to = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("pledgee"),
    )
    pledged_since = models.DateTimeField(_("pledged since"), null=True, blank=True, editable=False)
    # Set when the secured loan defaults: the pledgee may then sell the asset through the marketplace
    # (Civil Code Art. 436; never an automatic transfer to the lender, Art. 428).
    pledge_enforceable = models.BooleanField(_("pledge enforceable"), default=False, editable=False)
    ownership_disputed = models.BooleanField(_("ownership under dispute"), default=False)
    # Who raised the flag: the platform (then only the platform clears it) or the owner (a self-declared dispute).
    ownership_disputed_by_platform = models.BooleanField(
        _("dispute flagged by the platform"), default=False, editable=False
    )
    internal_notes = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_("Seen only by the owner's people."),
        **limits.text_limit(limits.DESCRIPTION),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class PatentQuerySet(models.QuerySet):
    def in_force(self, on: date | None = None):
        """The patents in force on a day (today by default): rules.patent_in_force as a query. Granted, the
        day before the expiry date, annual fees not lapsed (paid until no earlier than the grace period allows;
        a granted patent without the date is not refused for its fees, as by the rule)."""
        on = on or timezone.localdate()
        return self.filter(legal_status=self.model.LegalStatus.GRANTED, expiry_date__gt=on).filter(
            Q(annual_fee_paid_until__isnull=True) | Q(annual_fee_paid_until__gte=rules.earliest_unlapsed_paid_until(on))
        )


class TrademarkQuerySet(models.QuerySet):
    def in_force(self, on: date | None = None):
        """The trademarks in force on a day (today by default): rules.trademark_in_force as a query. Registered,
        up to and including the expiry date."""
        on = on or timezone.localdate()
        return self.filter(status=self.model.Status.REGISTERED, expiry_date__gte=on)


class Patent(IPAsset):
    class Type(models.TextChoices):
        INVENTION = identifiers.INVENTION, _("Invention")
        UTILITY_MODEL = identifiers.UTILITY_MODEL, _("Utility model")
        DESIGN = identifiers.DESIGN, _("Design")

    class LegalStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        LAPSED = "lapsed", _("Lapsed")
        EXPIRED = "expired", _("Expired")
        INVALIDATED = "invalidated", _("Invalidated")

    application_number = models.CharField(
        _("application number"),
        max_length=32,  # room for what people type (CN/ZL, spaces); stored normalised (14 characters)
        unique=True,
        validators=[identifiers.validate_application_number],
        help_text=_("Stored as YYYYTNNNNNNN.C, e.g. 201910123456.X"),
    )
    patent_type = models.CharField(_("patent type"), max_length=20, choices=Type.choices, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    abstract = models.TextField(_("abstract"), blank=True, **limits.text_limit(limits.ABSTRACT))
    filing_date = models.DateField(_("filing date"))
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    # Computed in clean() from the filing date and type; blank so that validation reaches clean().
    expiry_date = models.DateField(_("expiry date (estimate)"), editable=False, blank=True, db_index=True)
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, default=LegalStatus.PENDING, db_index=True
    )
    annual_fee_paid_until = models.DateField(
        _("annual fees paid until"),
        null=True,
        blank=True,
        help_text=_("The next annual fee is due on this date; unpaid six months later the patent lapses."),
    )

    objects = PatentQuerySet.as_manager()

    class Meta:
        ordering = ["-filing_date", "id"]
        verbose_name = _("patent")
        verbose_name_plural = _("patents")

    def __str__(self):
        return f"{self.application_number} {self.title}"

    def clean_fields(self, exclude=None):
        # Normalise before the length and format validators see the number.
        if self.application_number:
            self.application_number = identifiers.normalise_application_number(self.application_number)
        super().clean_fields(exclude)

    def clean(self):
        """Check the number agrees with the type and dates, compute the expiry."""
        errors = {}
        try:
            parsed = identifiers.parse_application_number(self.application_number)
        except ValidationError as exc:
            errors["application_number"] = exc.messages
        else:
            self.application_number = parsed["number"]
            if self.patent_type and parsed["patent_type"] != self.patent_type:
                errors["patent_type"] = [
                    _("The type digit %(digit)s of the application number means %(type)s, not %(given)s.")
                    % {
                        "digit": parsed["type_digit"],
                        "type": self.Type(parsed["patent_type"]).label,
                        "given": self.Type(self.patent_type).label if self.patent_type in self.Type else "?",
                    }
                ]
        if self.filing_date and self.filing_date > timezone.localdate():
            errors["filing_date"] = [_("The filing date cannot be in the future.")]
        if self.grant_date and self.filing_date and self.grant_date < self.filing_date:
            errors["grant_date"] = [_("A patent is granted after it is filed.")]
        if self.legal_status == self.LegalStatus.PENDING and self.grant_date:
            errors["legal_status"] = [_("A patent with a grant date is no longer pending.")]
        if self.legal_status != self.LegalStatus.PENDING and not self.grant_date:
            errors["grant_date"] = [_("Give the grant date of a patent that has been granted.")]
        if self.legal_status == self.LegalStatus.GRANTED and not self.annual_fee_paid_until:
            errors["annual_fee_paid_until"] = [_("Give the date annual fees are paid until for a granted patent.")]
        if errors:
            raise ValidationError(errors)
        if self.filing_date and self.patent_type:
            self.expiry_date = identifiers.patent_expiry(self.patent_type, self.filing_date)

    def annual_fee_state(self, today: date | None = None) -> str:
        return rules.annual_fee_state(self.legal_status, self.annual_fee_paid_until, today or timezone.localdate())

    @property
    def annual_fee_lapse_date(self) -> date | None:
        return rules.annual_fee_lapse_date(self.annual_fee_paid_until)

    def in_force(self, today: date | None = None) -> bool:
        return rules.patent_in_force(self, today or timezone.localdate())

    @property
    def asset_type(self) -> str:
        return "patent"

    @property
    def name(self) -> str:
        return self.title

    @property
    def ipc_codes(self) -> list[str]:
        return [c.code for c in self.classifications.all()]


# The eight sections of the International Patent Classification, the first letter of every IPC code.
IPC_SECTIONS = [
    ("A", _("A · Human necessities")),
    ("B", _("B · Performing operations; transporting")),
    ("C", _("C · Chemistry; metallurgy")),
    ("D", _("D · Textiles; paper")),
    ("E", _("E · Fixed constructions")),
    ("F", _("F · Mechanical engineering; lighting; heating; weapons; blasting")),
    ("G", _("G · Physics")),
    ("H", _("H · Electricity")),
]


class NamesOneAsset:
    """A row naming one patent or one trademark (its `patent` and `trademark` keys, exactly one set): a pledged,
    offered or valued asset."""

    @property
    def asset(self):
        return self.patent if self.patent_id else self.trademark

    @property
    def kind(self) -> str:
        """`invention`, `utility_model`, `design` or `trademark`: the key of a programme's LTV cap."""
        return self.patent.patent_type if self.patent_id else "trademark"


class PatentClassification(models.Model):
    """One IPC code of a patent; `position` 0 is the main classification."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="classifications")
    code = models.CharField(_("IPC code"), max_length=20, validators=[identifiers.validate_ipc], db_index=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["patent_id", "position"]
        constraints = [models.UniqueConstraint(fields=["patent", "code"], name="one_code_once_per_patent")]

    def __str__(self):
        return self.code


class Trademark(IPAsset):
    class Status(models.TextChoices):
        PENDING = "pending", _("Application pending")
        REGISTERED = "registered", _("Registered")
        EXPIRED = "expired", pgettext_lazy("trademark status", "Expired")
        INVALIDATED = "invalidated", _("Invalidated")
        CANCELLED = "cancelled", _("Cancelled")

    registration_number = models.CharField(
        _("registration number"),
        max_length=32,  # room for "第 12345678 号" as typed; stored as digits
        unique=True,
        validators=[identifiers.validate_trademark_number],
    )
    mark_name = models.CharField(_("mark"), max_length=200)
    nice_classes = models.JSONField(_("Nice classes"), default=list, validators=[identifiers.validate_nice_classes])
    goods_services = models.TextField(_("goods and services"), blank=True, **limits.text_limit(limits.ABSTRACT))
    registration_date = models.DateField(_("registration date"))
    expiry_date = models.DateField(_("expiry date"), editable=False, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    # Recorded renewals (services.trademark_renew only); the expiry counts them (rules.trademark_expiry).
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0, editable=False)

    objects = TrademarkQuerySet.as_manager()

    class Meta:
        ordering = ["-registration_date", "id"]
        verbose_name = _("trademark")
        verbose_name_plural = _("trademarks")

    def __str__(self):
        return f"{self.registration_number} {self.mark_name}"

    def clean_fields(self, exclude=None):
        if self.registration_number:
            self.registration_number = identifiers.normalise_trademark_number(self.registration_number)
        super().clean_fields(exclude)

    def clean(self):
        if isinstance(self.nice_classes, list) and all(type(c) is int for c in self.nice_classes):
            self.nice_classes = sorted(set(self.nice_classes))
        if self.registration_date:
            if self.registration_date > timezone.localdate():
                raise ValidationError({"registration_date": [_("The registration date cannot be in the future.")]})
            self.expiry_date = rules.trademark_expiry(self.registration_date, self.renewals)

    def renewal_state(self, today: date | None = None) -> str:
        return rules.trademark_renewal_state(self.expiry_date, today or timezone.localdate())

    def in_force(self, today: date | None = None) -> bool:
        return rules.trademark_in_force(self, today or timezone.localdate())

    @property
    def asset_type(self) -> str:
        return "trademark"

    @property
    def name(self) -> str:
        return self.mark_name


class TrademarkRenewal(models.Model):
    """One recorded renewal of a trademark's registration (Trademark Law Art. 40): the term it extended.
    Written by `services.trademark_renew` only; never edited."""

    trademark = models.ForeignKey(Trademark, on_delete=models.CASCADE, related_name="renewal_records")
    renewed_on = models.DateField(_("renewed on"), help_text=_("The date the renewal was filed or granted."))
    previous_expiry = models.DateField(_("previous expiry"))
    new_expiry = models.DateField(_("new expiry"))
    reference = models.CharField(_("renewal notice number"), max_length=64)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-new_expiry", "-id"]
        verbose_name = _("trademark renewal")
        verbose_name_plural = _("trademark renewals")
        constraints = [
            models.UniqueConstraint(fields=["trademark", "previous_expiry"], name="one_renewal_per_term"),
            models.CheckConstraint(
                condition=models.Q(new_expiry__gt=models.F("previous_expiry")), name="renewal_extends_term"
            ),
        ]

    def __str__(self):
        return f"{self.trademark}: {self.previous_expiry} → {self.new_expiry}"


class PledgeConsent(models.Model):
    """The pledgee bank's recorded consent to assign or license a pledged asset (Civil Code Art. 444)."""

    patent = models.ForeignKey(Patent, null=True, blank=True, on_delete=models.CASCADE, related_name="consents")
    trademark = models.ForeignKey(Trademark, null=True, blank=True, on_delete=models.CASCADE, related_name="consents")
    pledgee = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, **limits.text_limit(limits.NOTE))

    class Meta:
        verbose_name = _("pledgee consent")
        verbose_name_plural = _("pledgee consents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patent__isnull=False, trademark__isnull=True)
                | models.Q(patent__isnull=True, trademark__isnull=False),
                name="consent_names_one_asset",
            )
        ]

    def __str__(self):
        return f"{self.pledgee} → {self.patent or self.trademark}"


class AssetEvent(models.Model):
    """One change of a register fact of a patent or trademark: who (or the system), when, field, before → after.
    Written by the services only (ipmarket/assets/register.py); never edited."""

    class Source(models.TextChoices):
        OWNER = "owner", _("Owner")
        PLATFORM = "platform", _("Platform")
        SYSTEM = "system", _("System")

    class Reason(models.TextChoices):
        EDIT = "edit", _("Register corrected")
        NIGHTLY = "nightly", _("Nightly status refresh")
        ASSIGNMENT = "assignment", _("Recorded assignment")
        PLEDGE = "pledge", _("Pledge registered")
        RELEASE = "release", _("Pledge released")
        ENFORCEABLE = "enforceable", _("Secured loan in default")
        RENEWAL = "renewal", _("Registration renewed")
        DISPUTE = "dispute", _("Ownership dispute accepted or ended")

    patent = models.ForeignKey(Patent, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    trademark = models.ForeignKey(Trademark, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    field = models.CharField(_("field"), max_length=40)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    source = models.CharField(_("made by"), max_length=10, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices, default=Reason.EDIT)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("register change")
        verbose_name_plural = _("register changes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patent__isnull=False, trademark__isnull=True)
                | models.Q(patent__isnull=True, trademark__isnull=False),
                name="asset_event_names_one_asset",
            )
        ]

    def __str__(self):
        return f"{self.patent or self.trademark}: {self.field}"

    @property
    def asset(self):
        return self.patent or self.trademark


class PatentImport(models.Model):
    """One CSV upload of patents and its progress (ipmarket/assets/imports.py does the work).

    The file is kept in the database (`content`): the web process and the worker
    may run on different hosts, the row and its file commit together before the
    task is enqueued, and nothing under a media root can ever serve it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # Null for a platform import: each row names its owner in the owner_credit_code column.
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="patent_imports",
        verbose_name=_("owner"),
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="patent_imports", verbose_name=_("imported by")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveIntegerField(_("file size (bytes)"), default=0)
    content = models.BinaryField(_("file content"), editable=False)
    # The importer's language when uploading: row error messages are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created = models.PositiveIntegerField(_("patents created"), default=0)
    skipped = models.PositiveIntegerField(_("rows skipped (already present)"), default=0)
    failed = models.PositiveIntegerField(_("rows with errors"), default=0)
    # [{"row": 2, "application_number": "…", "errors": {"field": ["message", …]}}, …]
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    message = models.TextField(
        _("message"),
        blank=True,
        help_text=_("Why the whole import failed, if it did."),
        **limits.text_limit(limits.SYSTEM_ERROR),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("patent import")
        verbose_name_plural = _("patent imports")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_platform_import(self) -> bool:
        return self.owner_id is None

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
