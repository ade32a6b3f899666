"""Forms of the financing workspace pages. They read and check input only; services and guards decide.

Rates are typed as percentages (4.35 for 4.35 %) and handed to the services as fractions (0.0435),
the way the model, the API and `financing.money` hold them.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ipmarket.accounts.cities import city_label
from ipmarket.assets.models import Patent, Trademark
from ipmarket.core.money import cny, percent

from .models import Application, Document, ValuationReport

MAX_AMOUNT = Decimal("99999999999999.99")  # AMOUNT = max_digits 16, decimal_places 2
MAX_TERM = 360  # money.MAX_MONTHS


def amount_field(label, **kwargs) -> forms.DecimalField:
    """A positive CNY amount with at most two decimals."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=16,
        decimal_places=2,
        **{"widget": forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}), **kwargs},
    )


def percent_field(label, **kwargs) -> forms.DecimalField:
    """A rate typed in percent (up to three decimals, so the fraction has at most five)."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=Decimal("99.999"),
        max_digits=5,
        decimal_places=3,
        **{
            "widget": forms.NumberInput(attrs={"step": "0.001", "min": "0", "max": "99.999", "inputmode": "decimal"}),
            **kwargs,
        },
    )


def fraction(percent: Decimal) -> Decimal:
    """4.35 (%) → 0.0435, exactly."""
    return percent.scaleb(-2)


def asset_key(asset) -> str:
    return f"{asset.asset_type}:{asset.pk}"


def asset_choice_label(asset, *, show_owner: bool = False) -> str:
    if asset.asset_type == "patent":
        kind = asset.get_patent_type_display()
        number = asset.application_number
        expiry = _("expires %(date)s (estimate)") % {"date": asset.expiry_date.isoformat()}
    else:
        kind = _("Trademark")
        number = asset.registration_number
        expiry = _("expires %(date)s") % {"date": asset.expiry_date.isoformat()}
    label = f"{kind} · {number} {asset.name} · {expiry}"
    if show_owner:
        label += f" · {asset.owner.label}"
    return label


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label} · {city_label(obj.city)}" if obj.city else obj.label


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name_en if (get_language() or "").startswith("en") and obj.name_en else obj.name


class ApplicationForm(forms.Form):
    """A new application: the enterprise, the programme, the IP to pledge, the loan asked for, the parties."""

    applicant = forms.ModelChoiceField(queryset=None, label=_("Applying enterprise"), empty_label=None)
    programme = ProgrammeChoiceField(queryset=None, label=_("Programme"), empty_label=_("Choose a programme"))
    assets = forms.MultipleChoiceField(
        label=_("IP to pledge"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one patent or trademark to pledge.")},
    )
    principal = amount_field(_("Principal (CNY)"))
    annual_rate = percent_field(_("Annual rate (%)"))
    term_months = forms.IntegerField(
        label=_("Term (months)"), min_value=1, max_value=MAX_TERM, widget=forms.NumberInput(attrs={"min": "1"})
    )
    method = forms.ChoiceField(label=_("Repayment method"), choices=Application.Method.choices)
    purpose = forms.CharField(
        label=_("Purpose of the loan"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lender = OrganisationChoiceField(queryset=None, label=_("Bank"), empty_label=_("Choose a bank"))
    insurer = OrganisationChoiceField(queryset=None, label=_("Insurer"), empty_label=_("Choose an insurer"))
    appraiser = OrganisationChoiceField(queryset=None, label=_("Appraiser"), empty_label=_("Choose an appraiser"))

    QUOTE_FIELDS = ("principal", "annual_rate", "term_months", "method")

    def __init__(self, *args, enterprises, programmes, assets, banks, insurers, appraisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = enterprises
        if len(enterprises) == 1:
            self.fields["applicant"].widget = forms.HiddenInput()
            self.fields["applicant"].initial = enterprises[0].pk
        self.fields["programme"].queryset = programmes
        programmes = list(programmes)
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0].pk
        owners = {a.owner_id for a in assets}
        self.assets_by_key = {asset_key(a): a for a in assets}
        self.fields["assets"].choices = [
            (asset_key(a), asset_choice_label(a, show_owner=len(owners) > 1)) for a in assets
        ]
        self.fields["lender"].queryset = banks
        self.fields["insurer"].queryset = insurers
        self.fields["appraiser"].queryset = appraisers
        self.programme = self._chosen_programme(programmes)
        if self.programme is not None:
            self._hint_limits(self.programme)

    def _chosen_programme(self, programmes):
        """The programme picked (or the only one open), whose caps the fields show."""
        chosen = self.data.get(self.add_prefix("programme")) if self.is_bound else self.initial.get("programme")
        chosen = chosen or self.fields["programme"].initial
        return next((p for p in programmes if str(p.pk) == str(chosen)), None)

    def _hint_limits(self, programme):
        self.fields["principal"].help_text = _("At most %(max)s in this programme.") % {
            "max": cny(programme.max_principal)
        }
        self.fields["annual_rate"].help_text = _("The programme caps the rate at %(cap)s a year.") % {
            "cap": percent(programme.max_annual_rate)
        }
        self.fields["term_months"].help_text = _("At most %(n)s months.") % {"n": programme.max_term_months}
        self.fields["principal"].widget.attrs["max"] = f"{programme.max_principal.amount:.2f}"
        self.fields["annual_rate"].widget.attrs["max"] = f"{programme.max_annual_rate.scaleb(2):.3f}"
        self.fields["term_months"].widget.attrs["max"] = str(programme.max_term_months)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "applicant": data["applicant"],
            "programme": data["programme"],
            "assets": [self.assets_by_key[key] for key in data["assets"]],
            "principal": data["principal"],
            "annual_rate": fraction(data["annual_rate"]),
            "term_months": data["term_months"],
            "method": data["method"],
            "purpose": data["purpose"],
            "lender": data["lender"],
            "insurer": data["insurer"],
            "appraiser": data["appraiser"],
        }


class QuoteForm(forms.Form):
    """The part of the application form a schedule needs ("Show the schedule" without JavaScript)."""

    principal = amount_field(_("Principal (CNY)"))
    annual_rate = percent_field(_("Annual rate (%)"))
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=MAX_TERM)
    method = forms.ChoiceField(label=_("Repayment method"), choices=Application.Method.choices)


def pledgeable_assets(enterprise_ids):
    """The enterprises' granted, unpledged patents and registered, unpledged trademarks."""
    patents = (
        Patent.objects.filter(owner_id__in=enterprise_ids, legal_status=Patent.LegalStatus.GRANTED, pledged=False)
        .select_related("owner")
        .order_by("owner_id", "-filing_date", "id")
    )
    trademarks = (
        Trademark.objects.filter(owner_id__in=enterprise_ids, status=Trademark.Status.REGISTERED, pledged=False)
        .select_related("owner")
        .order_by("owner_id", "-registration_date", "id")
    )
    return [*patents, *trademarks]


# --- the inputs of the actions on an application --------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data.get("note", "")}


class ValueForm(forms.Form):
    """Reuse a valid panel report of the appraiser on the same assets (the appraiser confirms it still stands),
    or record a new one: its value, date, method and number. The service decides which reports may be reused;
    the select offers those (`offer`)."""

    valuation = forms.IntegerField(
        label=_("Reuse a valid panel report"),
        required=False,
        min_value=1,
        widget=forms.Select(choices=[("", _("No: record a new valuation"))]),
        help_text=_("Reusing a report confirms that it still stands; no new upload is needed."),
    )
    appraised_value = amount_field(_("Appraised value (CNY)"), required=False)
    report_date = forms.DateField(
        label=_("Date of the valuation report"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the date of the latest valuation report uploaded."),
    )
    method = forms.ChoiceField(
        label=_("Valuation method"), choices=ValuationReport.Method.choices, initial=ValuationReport.Method.MARKET
    )
    reference = forms.CharField(label=_("Report number (optional)"), max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get(self.add_prefix("method")):
            self.data = self.data.copy()
            self.data[self.add_prefix("method")] = ValuationReport.Method.MARKET

    def offer(self, reports) -> None:
        """The reports the person may reuse, in the select; without any, the select goes."""
        if not reports:
            del self.fields["valuation"]
            return
        self.fields["valuation"].widget.choices = [("", _("No: record a new valuation"))] + [
            (
                r.pk,
                _("%(ref)s: %(value)s, valued %(date)s, valid until %(until)s")
                % {
                    "ref": r.reference or f"#{r.pk}",
                    "value": cny(r.value),
                    "date": r.value_date.isoformat(),
                    "until": r.valid_until.isoformat(),
                },
            )
            for r in reports
        ]

    def clean(self):
        data = super().clean()
        if not data.get("valuation") and data.get("appraised_value") is None and not self.errors:
            self.add_error("appraised_value", _("Give the appraised value, or choose a valid report to reuse."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        if data.get("valuation"):
            return {"valuation": data["valuation"]}
        return {
            "appraised_value": data["appraised_value"],
            "report_date": data.get("report_date"),
            "method": data["method"],
            "reference": data.get("reference", ""),
        }


def share_field(label, **kwargs) -> forms.DecimalField:
    """The IP share of the collateral in percent: more than 0, at most 100, two decimals (four as a fraction)."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        **{
            "widget": forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "100", "inputmode": "decimal"}),
            **kwargs,
        },
    )


class ProposeForm(forms.Form):
    principal = amount_field(_("Principal (CNY)"))
    annual_rate = percent_field(_("Annual rate (%)"))
    ip_share = share_field(
        _("IP share of the collateral (%)"),
        required=False,
        help_text=_("The part of the loan the pledged IP secures; 100 (empty) when it is the only collateral."),
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        share = data.get("ip_share")
        return {
            "principal": data["principal"],
            "annual_rate": fraction(data["annual_rate"]),
            "ip_share": None if share is None else fraction(share),
        }


class ApproveForm(NoteForm):
    """The terms shown to the approver travel with the decision (hidden): a proposal changed meanwhile is
    refused (`proposal_changed`), never approved unseen. Terms missing are left to the service to refuse."""

    principal = amount_field(_("Principal (CNY)"), required=False, widget=forms.HiddenInput())
    annual_rate = percent_field(_("Annual rate (%)"), required=False, widget=forms.HiddenInput())
    ip_share = share_field(_("IP share of the collateral (%)"), required=False, widget=forms.HiddenInput())

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        rate, share = data.get("annual_rate"), data.get("ip_share")
        return {
            **super().service_kwargs(),
            "principal": data.get("principal"),
            "annual_rate": None if rate is None else fraction(rate),
            "ip_share": None if share is None else fraction(share),
        }


class UnderwriteForm(forms.Form):
    premium_rate = percent_field(_("Premium rate (% a year)"))
    policy_limit = amount_field(
        _("Policy limit (CNY)"),
        required=False,
        help_text=_("Empty: the programme's limit (none when the programme sets none)."),
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"premium_rate": fraction(data["premium_rate"]), "policy_limit": data.get("policy_limit")}


class RegisterPledgeForm(forms.Form):
    registration_number = forms.CharField(label=_("CNIPA pledge registration number"), max_length=64)

    def service_kwargs(self) -> dict:
        return {"registration_number": self.cleaned_data["registration_number"]}


class RepaymentForm(forms.Form):
    amount = amount_field(_("Amount paid (CNY)"))
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()

    def service_kwargs(self) -> dict:
        return {"amount": self.cleaned_data["amount"], "paid_on": self.cleaned_data["paid_on"]}


class RecoveryForm(forms.Form):
    amount = amount_field(_("Net recovery (CNY)"))

    def service_kwargs(self) -> dict:
        return {"amount": self.cleaned_data["amount"]}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Document.Kind.choices)

    def __init__(self, *args, kinds=None, **kwargs):
        """`kinds`: the kinds the person may upload now (all when None); the service checks again."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, label) for k, label in Document.Kind.choices if k in kinds]

    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    report_date = forms.DateField(
        label=_("Report date (valuation reports)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "upload": data["file"], "report_date": data.get("report_date")}
