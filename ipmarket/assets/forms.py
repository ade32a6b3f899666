"""Filter forms of the IP directory (`/ip/`).

They read the query string the way the API filters do (`ipmarket/assets/api.py`): a text `q`
that also matches a normalised number, an IPC prefix, the owner's city and the owner. A value
that does not validate is dropped, never a 500; the page says which one was ignored.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipmarket.accounts.cities import cities, city_label

from . import identifiers
from .models import Patent, PatentClassification, Trademark

ASSET_TYPES = [("patent", _("Patents")), ("trademark", _("Trademarks"))]


def city_choices():
    return [("", _("All cities"))] + [(name, city_label(name)) for name in cities()]


class AssetFilterForm(forms.Form):
    """What patents and trademarks share: text, city and owner."""

    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    city = forms.ChoiceField(required=False, label=_("Owner's city"))
    owner = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    # Filters kept in the links of the type switch and the pagination.
    shared = ("q", "city", "owner")

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["city"].choices = city_choices()

    def values(self) -> dict:
        """The valid filters (invalid ones dropped)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def ignored(self) -> list[str]:
        """Labels of the filters whose value was not understood."""
        if not self.is_bound or self.is_valid():
            return []
        return [str(self.fields[name].label or name) for name in self.errors]

    def filter(self, queryset):
        values = self.values()
        if values.get("city"):
            queryset = queryset.filter(owner__city=values["city"])
        if values.get("owner"):
            queryset = queryset.filter(owner_id=values["owner"])
        if values.get("q"):
            queryset = self.filter_q(queryset, values["q"].strip())
        return queryset

    def filter_q(self, queryset, value):
        raise NotImplementedError


class PatentFilterForm(AssetFilterForm):
    patent_type = forms.ChoiceField(required=False, label=_("Patent type"))
    legal_status = forms.ChoiceField(required=False, label=_("Legal status"))
    ipc = forms.CharField(required=False, max_length=20, label=_("IPC code or prefix"))

    field_order = ["q", "patent_type", "legal_status", "ipc", "city", "owner"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Title, abstract or application number")
        self.fields["ipc"].widget.attrs["placeholder"] = _("e.g. H01L")
        self.fields["patent_type"].choices = [("", _("All types"))] + Patent.Type.choices
        self.fields["legal_status"].choices = [("", _("Any status"))] + Patent.LegalStatus.choices

    def filter(self, queryset):
        queryset = super().filter(queryset)
        values = self.values()
        if values.get("patent_type"):
            queryset = queryset.filter(patent_type=values["patent_type"])
        if values.get("legal_status"):
            queryset = queryset.filter(legal_status=values["legal_status"])
        prefix = identifiers.normalise_ipc(values.get("ipc", ""))
        if prefix:
            # A subquery rather than a join: no duplicate rows, no DISTINCT.
            codes = PatentClassification.objects.filter(code__startswith=prefix).values("patent_id")
            queryset = queryset.filter(pk__in=codes)
        return queryset

    def filter_q(self, queryset, value):
        number = identifiers.normalise_application_number(value)
        return queryset.filter(
            Q(title__icontains=value) | Q(abstract__icontains=value) | Q(application_number__startswith=number)
        )


class TrademarkFilterForm(AssetFilterForm):
    status = forms.ChoiceField(required=False, label=_("Legal status"))

    field_order = ["q", "status", "city", "owner"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Mark, goods/services or registration number")
        self.fields["status"].choices = [("", _("Any status"))] + Trademark.Status.choices

    def filter(self, queryset):
        queryset = super().filter(queryset)
        status = self.values().get("status")
        if status:
            queryset = queryset.filter(status=status)
        return queryset

    def filter_q(self, queryset, value):
        return queryset.filter(
            Q(mark_name__icontains=value)
            | Q(goods_services__icontains=value)
            | Q(registration_number=identifiers.normalise_trademark_number(value))
        )
