"""IP protection (docs/disputes.md): an enterprise's dispute about its patent or trademark (or a listing or
deal it is party to), routed by the bureau into non-litigation mediation or administrative enforcement,
transferred to a neighbouring city's bureau under the cooperation memorandum, or dismissed; shared with
courts, arbitration commissions, mediation organisations and other bureaus, who post back their outcome."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from ipmarket.assets.models import NamesOneAsset
from ipmarket.core import limits
from ipmarket.core.uploads import private_storage


class Dispute(models.Model):
    class Kind(models.TextChoices):
        INFRINGEMENT = "infringement", _("Infringement")
        OWNERSHIP = "ownership", _("Ownership")
        LICENCE = "licence", _("Licence")
        COUNTERFEIT = "counterfeit", _("Counterfeit goods")

    class State(models.TextChoices):
        FILED = "filed", _("Filed")
        IN_MEDIATION = "in_mediation", _("In mediation")
        UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
        TRANSFERRED = "transferred", _("Transferred to another bureau")
        RESOLVED = "resolved", _("Resolved")
        REFERRED = "referred", _("Referred to a court or arbitration")
        DISMISSED = "dismissed", _("Dismissed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Route(models.TextChoices):
        MEDIATION = "mediation", _("Mediation")
        ENFORCEMENT = "enforcement", _("Administrative enforcement")

    class Consent(models.TextChoices):
        PENDING = "", _("Not yet answered")
        CONSENTED = "consented", _("Consented")
        DECLINED = "declined", _("Declined")

    S = State
    # Accepted and not yet ended: what the asset's listings and the pledgee bank are told about.
    ENDED = [S.RESOLVED, S.DISMISSED, S.WITHDRAWN]

    claimant = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="disputes_filed", verbose_name=_("claimant")
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    respondent = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes_against",
        verbose_name=_("respondent"),
    )
    respondent_name = models.CharField(_("respondent's name"), max_length=200, blank=True)
    respondent_credit_code = models.CharField(_("respondent's unified social credit code"), max_length=18, blank=True)
    listing = models.ForeignKey(
        "market.Listing", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("listing")
    )
    deal = models.ForeignKey(
        "market.Deal", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("deal")
    )
    facts = models.TextField(_("facts"), **limits.text_limit(limits.DESCRIPTION))
    remedy = models.TextField(_("remedy sought"), **limits.text_limit(limits.NOTE))
    state = FSMField(_("state"), default=State.FILED, choices=State.choices, protected=True, db_index=True)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    mediator = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediations",
        verbose_name=_("mediation organisation"),
    )
    mediation_due = models.DateField(_("mediation due by"), null=True, blank=True, db_index=True)
    mediation_extended = models.BooleanField(_("time limit extended"), default=False)
    respondent_consent = models.CharField(
        _("respondent's consent"), max_length=10, choices=Consent.choices, blank=True, default=""
    )
    judicial_confirmation = models.BooleanField(_("judicial confirmation sought"), default=False)
    referred_to = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred to"),
    )
    bureau = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("transferred to"),
    )
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.TextField(_("penalty or order"), blank=True, **limits.text_limit(limits.NOTE))
    decision_public = models.BooleanField(_("decision published"), default=False, db_index=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("IP dispute")
        verbose_name_plural = _("IP disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["decision_number"], condition=~models.Q(decision_number=""), name="one_case_per_decision_number"
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} · {self.claimant}"

    @classmethod
    def live(cls, prefix: str = "") -> models.Q:
        """Accepted by the bureau and not ended (also when declined back to the bureau, or transferred or
        referred after acceptance): what an asset's dispute flag, its listings' cautions and the pledgee bank's
        alert follow. `prefix`: the path to the case from another model, e.g. `dispute__`."""
        return models.Q(**{f"{prefix}accepted_on__isnull": False}) & ~models.Q(**{f"{prefix}state__in": cls.ENDED})

    @property
    def respondent_label(self) -> str:
        return self.respondent.name if self.respondent_id else self.respondent_name

    # Transitions set the state only; ipmarket/disputes/services.py checks roles and guards around them.
    @transition(field=state, source=S.FILED, target=S.IN_MEDIATION)
    def accept_mediation(self):
        pass

    @transition(field=state, source=S.FILED, target=S.UNDER_INVESTIGATION)
    def accept_enforcement(self):
        pass

    @transition(field=state, source=S.FILED, target=S.TRANSFERRED)
    def transfer(self):
        pass

    @transition(field=state, source=S.FILED, target=S.DISMISSED)
    def dismiss(self):
        pass

    @transition(field=state, source=S.IN_MEDIATION, target=S.IN_MEDIATION)
    def mediation_step(self):
        """Consent, extension: the case stays in mediation."""

    @transition(field=state, source=S.IN_MEDIATION, target=S.FILED)
    def decline(self):
        """The respondent declines mediation: the case goes back to the bureau to route again."""

    @transition(field=state, source=S.IN_MEDIATION, target=S.RESOLVED)
    def agree(self):
        pass

    @transition(field=state, source=S.IN_MEDIATION, target=S.REFERRED)
    def refer(self):
        pass

    @transition(field=state, source=S.UNDER_INVESTIGATION, target=S.UNDER_INVESTIGATION)
    def decide(self):
        pass

    @transition(field=state, source=S.UNDER_INVESTIGATION, target=S.RESOLVED)
    def close(self):
        pass

    @transition(field=state, source=[S.FILED, S.IN_MEDIATION, S.UNDER_INVESTIGATION], target=S.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=state, source=[S.REFERRED, S.TRANSFERRED], target=S.RESOLVED)
    def conclude(self):
        """A court, arbitration commission or bureau the case went to posts back its outcome."""


class DisputeAsset(NamesOneAsset, models.Model):
    """A patent or trademark of the claimant the dispute is about."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="assets")
    patent = models.ForeignKey("assets.Patent", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    trademark = models.ForeignKey("assets.Trademark", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # This case raised the asset's ownership-dispute flag (accepted ownership case), and clears it when it ends.
    raised_flag = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patent__isnull=False, trademark__isnull=True)
                | models.Q(patent__isnull=True, trademark__isnull=False),
                name="dispute_asset_names_one_asset",
            ),
        ]

    def __str__(self):
        return str(self.asset)


class Document(models.Model):
    """Evidence and papers of a case: private, typed by their content, served only to those who may see them."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        AGREEMENT = "agreement", _("Mediation agreement")
        DECISION = "decision", _("Decision")
        OTHER = "other", _("Other")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(storage=private_storage, upload_to="disputes/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self):
        return self.original_name


class Share(models.Model):
    """The bureau shares a case with a partner: a court, an arbitration commission, a mediation organisation
    or another city's bureau. The partner sees the case record and the documents named here, nothing else."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="shares")
    partner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="shared_disputes", verbose_name=_("partner")
    )
    documents = models.ManyToManyField(Document, blank=True, related_name="shares")
    shared_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shared_at", "id"]
        verbose_name = _("case share")
        verbose_name_plural = _("case shares")

    def __str__(self):
        return f"{self.dispute_id} → {self.partner}"


class Session(models.Model):
    """A mediation session, recorded by the mediation organisation."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By telephone")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    summary = models.TextField(_("summary"), **limits.text_limit(limits.NOTE))
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self):
        return f"{self.dispute_id} {self.held_on}"


class Step(models.Model):
    """An investigation step of administrative enforcement, recorded by the bureau."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("On-site inspection")
        EVIDENCE = "evidence", _("Evidence collected")
        INQUIRY = "inquiry", _("Inquiry of a party")
        EXPERT = "expert", _("Technical opinion")
        HEARING = "hearing", _("Hearing")
        OTHER = "other", _("Other")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="steps")
    taken_on = models.DateField(_("taken on"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("summary"), **limits.text_limit(limits.NOTE))
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "id"]
        verbose_name = _("investigation step")
        verbose_name_plural = _("investigation steps")

    def __str__(self):
        return f"{self.dispute_id} {self.taken_on} {self.kind}"


class Outcome(models.Model):
    """What a partner the case was shared with posts back: a judgment, an award, a confirmation, a decision."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="outcomes")
    partner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=100)
    result = models.TextField(_("result"), **limits.text_limit(limits.NOTE))
    posted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name = _("partner outcome")
        verbose_name_plural = _("partner outcomes")

    def __str__(self):
        return f"{self.dispute_id} {self.reference}"


class DisputeEvent(models.Model):
    """The audit trail of a case: every action, and who saw what (a partner's reads, packet and document
    downloads), by whom, for which organisation, when."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True, **limits.text_limit(limits.NOTE))
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action} {self.from_state}→{self.to_state}"
