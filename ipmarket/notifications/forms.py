from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Send me an email when"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everything also appears in your inbox on the site, whatever you choose here."),
    )
