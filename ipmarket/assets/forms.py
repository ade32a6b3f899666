"""Forms of the pages: the choices of the marketplace's city filter; a trademark's renewal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ipmarket.accounts.cities import cities, city_label


def city_choices():
    return [("", _("All cities"))] + [(name, city_label(name)) for name in cities()]


class RenewalForm(forms.Form):
    """A renewal granted by CNIPA, recorded on the trademark page (services.trademark_renew decides)."""

    renewed_on = forms.DateField(
        label=_("Renewal date"),
        help_text=_("The date on CNIPA's renewal notice (within 12 months before expiry or 6 months after)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(label=_("Renewal notice number"), max_length=64)
    expected_expiry = forms.DateField(widget=forms.HiddenInput)
