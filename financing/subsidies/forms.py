"""The forms of the subsidy actions on the pages (the API's bodies say the same: api.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services import NOTE_MAX, REFERENCE_MAX


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=NOTE_MAX, widget=forms.TextInput)


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Why is it rejected?"), max_length=NOTE_MAX, widget=forms.TextInput)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Payment reference"), max_length=REFERENCE_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2999)


FORMS = {"claim": NoteForm, "approve": NoteForm, "reject": RejectForm, "pay": PayForm}
