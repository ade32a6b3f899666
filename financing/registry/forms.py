"""Forms of the financing-demand registry's pages. They read and check input only; the services decide
(financing/registry/services.py). Rates are typed in percent (4.35) and handed over as fractions (0.0435)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from financing.forms import (
    MAX_TERM,
    OrganisationChoiceField,
    ProgrammeChoiceField,
    amount_field,
    asset_choice_label,
    asset_key,
    fraction,
    percent_field,
)

from .models import Demand, DemandBatch, Industry

NOTE_MAX = 2000
ALL, CHOSEN = "all", "chosen"


class DemandForm(forms.Form):
    """A new demand, or changes to a draft or returned one: the loan sought, the IP offered, the banks that
    see it, and whether and how banks may get in touch."""

    enterprise = forms.ModelChoiceField(queryset=None, label=_("Enterprise"), empty_label=None)
    programme = ProgrammeChoiceField(queryset=None, label=_("Programme"), empty_label=_("Choose a programme"))
    amount = amount_field(_("Amount sought (CNY)"))
    term_months = forms.IntegerField(
        label=_("Term (months)"), min_value=1, max_value=MAX_TERM, widget=forms.NumberInput(attrs={"min": "1"})
    )
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", _("Choose an industry")), *Industry.choices])
    purpose = forms.CharField(
        label=_("Purpose of the loan"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the money is for: banks read this first."),
    )
    assets = forms.MultipleChoiceField(
        label=_("IP offered as collateral"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one patent or trademark to offer.")},
    )
    audience = forms.ChoiceField(
        label=_("Banks that see the demand"),
        choices=[(ALL, _("Every bank")), (CHOSEN, _("Only the banks I choose"))],
        widget=forms.RadioSelect,
        initial=ALL,
    )
    banks = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Banks"), required=False, widget=forms.CheckboxSelectMultiple
    )
    contact_consent = forms.BooleanField(
        label=_("Banks may contact us about this demand"),
        required=False,
        help_text=_("The contact person and phone are shown only to the banks that see the demand."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=50, required=False)

    def __init__(self, *args, enterprises, programmes, assets, banks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if len(enterprises) == 1:
            self.fields["enterprise"].widget = forms.HiddenInput()
            self.fields["enterprise"].initial = enterprises[0].pk
        self.fields["programme"].queryset = programmes
        programmes = list(programmes)
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0].pk
        owners = {a.owner_id for a in assets}
        self.assets_by_key = {asset_key(a): a for a in assets}
        self.fields["assets"].choices = [
            (asset_key(a), asset_choice_label(a, show_owner=len(owners) > 1)) for a in assets
        ]
        self.fields["banks"].queryset = banks
        self.fields["banks"].label_from_instance = lambda org: org.label

    def clean(self):
        data = super().clean()
        if data.get("audience") == CHOSEN and not data.get("banks"):
            self.add_error("banks", _("Choose at least one bank, or show the demand to every bank."))
        if data.get("contact_consent"):
            if not (data.get("contact_name") or "").strip():
                self.add_error("contact_name", _("Give a contact person when banks may contact you."))
            if not (data.get("contact_phone") or "").strip():
                self.add_error("contact_phone", _("Give a phone number when banks may contact you."))
        enterprise = data.get("enterprise")
        for key in data.get("assets") or []:
            asset = self.assets_by_key.get(key)
            if enterprise is not None and asset is not None and asset.owner_id != enterprise.pk:
                self.add_error("assets", _("Offer only the IP of the enterprise that files the demand."))
                break
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "enterprise": data["enterprise"],
            "programme": data["programme"],
            "assets": [self.assets_by_key[key] for key in data["assets"]],
            "banks": list(data["banks"]) if data["audience"] == CHOSEN else [],
            "amount": data["amount"],
            "term_months": data["term_months"],
            "industry": data["industry"],
            "purpose": data["purpose"],
            "contact_consent": data["contact_consent"],
            "contact_name": data["contact_name"] if data["contact_consent"] else "",
            "contact_phone": data["contact_phone"] if data["contact_consent"] else "",
        }


def initial_of(demand: Demand) -> dict:
    """The form's values from a saved demand."""
    return {
        "enterprise": demand.enterprise_id,
        "programme": demand.programme_id,
        "amount": demand.amount.amount,
        "term_months": demand.term_months,
        "industry": demand.industry,
        "purpose": demand.purpose,
        "assets": [asset_key(item.asset) for item in demand.assets.all()],
        "audience": ALL if demand.all_banks else CHOSEN,
        "banks": [b.pk for b in demand.banks.all()],
        "contact_consent": demand.contact_consent,
        "contact_name": demand.contact_name,
        "contact_phone": demand.contact_phone,
    }


# --- the actions of a demand's page ------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data.get("note", "")}


class RequiredNoteForm(NoteForm):
    note = forms.CharField(
        label=_("Note to the enterprise"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why: the enterprise reads the note.")},
    )


class BatchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AdmitForm(NoteForm):
    batch = BatchChoiceField(queryset=None, label=_("Registry batch"), empty_label=_("Choose an open batch"))

    def __init__(self, *args, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches
        batches = list(batches)
        if len(batches) == 1:
            self.fields["batch"].initial = batches[0].pk

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "batch": self.cleaned_data["batch"]}


class ChooseForm(forms.Form):
    """The enterprise chooses one bank's interest: the insurer and appraiser of the pledge application that
    follows are named here (the platform's only insurer and the programme's panel appraiser preselected)."""

    interest = forms.IntegerField(widget=forms.HiddenInput())
    insurer = OrganisationChoiceField(queryset=None, label=_("Insurer"), empty_label=_("Choose an insurer"))
    appraiser = OrganisationChoiceField(queryset=None, label=_("Appraiser"), empty_label=_("Choose an appraiser"))

    def __init__(self, *args, insurers, appraisers, preferred_appraiser=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurer"].queryset = insurers
        self.fields["appraiser"].queryset = appraisers
        insurers = list(insurers)
        if len(insurers) == 1:
            self.fields["insurer"].initial = insurers[0].pk
        if preferred_appraiser is not None:
            self.fields["appraiser"].initial = preferred_appraiser

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"insurer": data["insurer"], "appraiser": data["appraiser"]}


class InterestForm(NoteForm):
    """A bank's interest in a demand, with indicative terms."""

    indicative_principal = amount_field(_("Indicative principal (CNY)"))
    indicative_rate = percent_field(_("Indicative annual rate (%)"))
    note = forms.CharField(
        label=_("Note to the enterprise (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["indicative_principal", "indicative_rate", "note"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "indicative_principal": data["indicative_principal"],
            "indicative_rate": fraction(data["indicative_rate"]),
            "note": data.get("note", ""),
        }


class BatchForm(forms.Form):
    programme = ProgrammeChoiceField(queryset=None, label=_("Programme"), empty_label=_("Choose a programme"))
    name = forms.CharField(label=_("Name"), max_length=DemandBatch._meta.get_field("name").max_length)
    name_en = forms.CharField(label=_("English name (optional)"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Batch number"), min_value=1, max_value=32767)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        programmes = list(programmes)
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0].pk
        self.fields["year"].initial = timezone.localdate().year

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)
