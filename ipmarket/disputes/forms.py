"""Forms of the IP-protection pages. They read and check input only; the services decide
(ipmarket/disputes/services.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipmarket.accounts.models import Organisation

from . import workflow
from .models import Dispute, Document, Session, Step

NOTE_MAX = 2000
TEXT_MAX = 20000


def asset_key(asset) -> str:
    return f"{asset.asset_type}:{asset.pk}"


def asset_label(asset) -> str:
    if asset.asset_type == "patent":
        return f"{asset.get_patent_type_display()} · {asset.application_number} {asset.name}"
    return f"{_('Trademark')} · {asset.registration_number} {asset.name}"


class OrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label} · {obj.city}" if obj.city else obj.label


def active(*kinds):
    return Organisation.objects.filter(kind__in=kinds, is_active=True).order_by("name", "pk")


def textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class DisputeForm(forms.Form):
    """A new case: the enterprise's own IP, the other party, what happened and what it asks for, and
    optionally a first piece of evidence."""

    claimant = forms.ModelChoiceField(queryset=None, label=_("Enterprise filing the case"), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of dispute"), choices=[("", _("Choose the kind")), *Dispute.Kind.choices])
    assets = forms.MultipleChoiceField(
        label=_("Your patents and trademarks concerned"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one of your patents or trademarks.")},
    )
    respondent = OrganisationField(
        queryset=None,
        label=_("The other party (from the directory)"),
        required=False,
        empty_label=_("Not in the directory: give its name below"),
    )
    respondent_name = forms.CharField(
        label=_("The other party's name"),
        max_length=200,
        required=False,
        help_text=_("Only when the other party is not in the directory."),
    )
    respondent_credit_code = forms.CharField(
        label=_("The other party's unified social credit code (optional)"), max_length=32, required=False
    )
    facts = forms.CharField(label=_("Facts"), max_length=TEXT_MAX, widget=textarea(6))
    remedy = forms.CharField(
        label=_("Remedy sought"),
        max_length=NOTE_MAX,
        widget=textarea(3),
        help_text=_("For example: stop the infringement, compensation, a change of the register."),
    )
    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("A PDF or image. More documents can be added on the case's page."),
    )

    def __init__(self, *args, enterprises, assets, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = list(enterprises)
        self.fields["claimant"].queryset = Organisation.objects.filter(pk__in=[e.pk for e in enterprises])
        if len(enterprises) == 1:
            self.fields["claimant"].widget = forms.HiddenInput()
            self.fields["claimant"].initial = enterprises[0].pk
        self.assets_by_key = {asset_key(a): a for a in assets}
        self.fields["assets"].choices = [(asset_key(a), asset_label(a)) for a in assets]
        self.fields["respondent"].queryset = active(Organisation.Kind.ENTERPRISE).exclude(
            pk__in=[e.pk for e in enterprises]
        )

    def clean(self):
        data = super().clean()
        if not data.get("respondent") and not (data.get("respondent_name") or "").strip():
            if "respondent" not in self.errors:
                self.add_error(
                    "respondent", _("Name the other party: choose it from the directory, or give its name below.")
                )
        claimant = data.get("claimant")
        for key in data.get("assets") or []:
            asset = self.assets_by_key.get(key)
            if claimant is not None and asset is not None and not _owned_by(asset, claimant.pk):
                self.add_error("assets", _("Choose only the IP of the enterprise that files the case."))
                break
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "claimant": data["claimant"],
            "kind": data["kind"],
            "assets": [self.assets_by_key[key] for key in data["assets"]],
            "facts": data["facts"],
            "remedy": data["remedy"],
        }
        if data.get("respondent"):
            kwargs["respondent"] = data["respondent"]
        else:
            kwargs["respondent_name"] = data["respondent_name"]
            kwargs["respondent_credit_code"] = data["respondent_credit_code"]
        return kwargs


def _owned_by(asset, organisation_id) -> bool:
    return asset.owner_id == organisation_id or any(o.pk == organisation_id for o in asset.co_owners.all())


# --- the actions of a case's page ------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=NOTE_MAX, required=False, widget=textarea(2))

    def __init__(self, *args, dispute=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dispute = dispute

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data.get("note", "")}


class RequiredNoteForm(NoteForm):
    note = forms.CharField(
        label=_("Reason (the parties read it)"),
        max_length=NOTE_MAX,
        widget=textarea(2),
        error_messages={"required": _("Say why: the parties read the note.")},
    )


class AcceptForm(NoteForm):
    route = forms.ChoiceField(
        label=_("Route"), choices=Dispute.Route.choices, widget=forms.RadioSelect, initial=Dispute.Route.MEDIATION
    )
    mediator = OrganisationField(
        queryset=None,
        label=_("Mediation organisation"),
        required=False,
        empty_label=_("Choose a mediation organisation"),
        help_text=_("Needed for mediation."),
    )
    field_order = ["route", "mediator", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = active(Organisation.Kind.MEDIATION)

    def clean(self):
        data = super().clean()
        if data.get("route") == Dispute.Route.MEDIATION and not data.get("mediator"):
            self.add_error("mediator", _("Name the mediation organisation."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        mediator = data.get("mediator") if data["route"] == Dispute.Route.MEDIATION else None
        return {**super().service_kwargs(), "route": data["route"], "mediator": mediator}


class TransferForm(NoteForm):
    bureau = OrganisationField(queryset=None, label=_("Bureau"), empty_label=_("Choose a bureau"))
    field_order = ["bureau", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = active(Organisation.Kind.BUREAU)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "bureau": self.cleaned_data["bureau"]}


class AgreementForm(NoteForm):
    judicial_confirmation = forms.BooleanField(label=_("Judicial confirmation was sought"), required=False)
    field_order = ["judicial_confirmation", "note"]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "judicial_confirmation": self.cleaned_data["judicial_confirmation"]}


class FailureForm(NoteForm):
    referred_to = OrganisationField(
        queryset=None, label=_("Referred to"), empty_label=_("Choose a court or arbitration commission")
    )
    field_order = ["referred_to", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_to"].queryset = active(*workflow.REFERRAL_KINDS)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "referred_to": self.cleaned_data["referred_to"]}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DecisionForm(NoteForm):
    number = forms.CharField(label=_("Decision number"), max_length=100)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    decision = forms.CharField(label=_("Penalty or order"), max_length=NOTE_MAX, widget=textarea(3))
    public = forms.BooleanField(
        label=_("Publish the decision"),
        required=False,
        help_text=_("A published decision is on the public decisions page and in search."),
    )
    field_order = ["number", "decided_on", "decision", "public", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "number": data["number"],
            "decided_on": data["decided_on"],
            "decision": data["decision"],
            "public": data["public"],
        }


class ShareForm(NoteForm):
    partner = OrganisationField(queryset=None, label=_("Partner"), empty_label=_("Choose a partner"))
    documents = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Documents shared"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every document of the case."),
    )
    field_order = ["partner", "documents", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = active(*workflow.PARTNER_KINDS)
        documents = self.dispute.documents.all() if self.dispute is not None else Document.objects.none()
        self.fields["documents"].queryset = documents
        self.fields["documents"].label_from_instance = lambda d: f"{d.get_kind_display()} · {d.original_name}"

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "partner": data["partner"],
            "documents": list(data["documents"]) or None,
        }


class OutcomeForm(NoteForm):
    reference = forms.CharField(
        label=_("Reference"), max_length=100, help_text=_("For example the judgment's or award's number.")
    )
    result = forms.CharField(label=_("Result"), max_length=NOTE_MAX, widget=textarea(3))
    field_order = ["reference", "result", "note"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {**super().service_kwargs(), "reference": data["reference"], "result": data["result"]}


ACTION_FORMS = {
    "accept": AcceptForm,
    "transfer": TransferForm,
    "dismiss": RequiredNoteForm,
    "close": RequiredNoteForm,
    "record_agreement": AgreementForm,
    "record_failure": FailureForm,
    "record_decision": DecisionForm,
    "share": ShareForm,
    "post_outcome": OutcomeForm,
}


def action_form(name: str, dispute: Dispute, data=None) -> NoteForm:
    """The form of an action on the case's page, prefixed with the action (unique ids on the page)."""
    return ACTION_FORMS.get(name, NoteForm)(data, prefix=name, dispute=dispute)


# --- sessions, steps, documents --------------------------------------------------------------------


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    mode = forms.ChoiceField(label=_("How"), choices=Session.Mode.choices)
    summary = forms.CharField(label=_("Summary"), max_length=NOTE_MAX, widget=textarea(3))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "session")
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class StepForm(forms.Form):
    taken_on = forms.DateField(label=_("Taken on"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind of step"), choices=Step.Kind.choices)
    summary = forms.CharField(label=_("Summary"), max_length=NOTE_MAX, widget=textarea(3))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "step")
        super().__init__(*args, **kwargs)
        self.fields["taken_on"].initial = timezone.localdate()


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"))
    file = forms.FileField(label=_("File"), help_text=_("A PDF or image."))

    def __init__(self, *args, kinds, **kwargs):
        kwargs.setdefault("prefix", "document")
        super().__init__(*args, **kwargs)
        labels = dict(Document.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
