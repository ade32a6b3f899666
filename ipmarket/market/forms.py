"""Forms of the marketplace pages. They only read and check input; the services decide."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipmarket.assets.forms import city_choices
from ipmarket.assets.models import IPC_SECTIONS, PatentClassification

from .models import Listing

MAX_AMOUNT = Decimal("999999999999.99")  # MoneyField(max_digits=14, decimal_places=2)


def amount_field(label, **kwargs) -> forms.DecimalField:
    """A CNY amount: not negative, at most two decimals, within what a price column holds."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        **kwargs,
    )


class ListingFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    deal_type = forms.ChoiceField(required=False, label=_("Deal type"))
    asset_type = forms.ChoiceField(
        required=False,
        label=_("Asset type"),
        choices=[("", _("Patents and trademarks")), ("patent", _("Patents")), ("trademark", _("Trademarks"))],
    )
    ipc = forms.ChoiceField(required=False, label=_("IPC section"), choices=[("", _("All sections"))] + IPC_SECTIONS)
    city = forms.ChoiceField(required=False, label=_("Seller's city"))
    price_min = amount_field(_("Lowest price (CNY)"), required=False)
    price_max = amount_field(_("Highest price (CNY)"), required=False)
    closed = forms.BooleanField(required=False, label=_("Include closed listings"))

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Title, mark or description")
        self.fields["deal_type"].choices = [("", _("All deal types"))] + Listing.DealType.choices
        self.fields["city"].choices = city_choices()

    def values(self) -> dict:
        """The valid filters; a price range whose minimum is above its maximum is dropped."""
        self.is_valid()
        values = {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}
        low, high = values.get("price_min"), values.get("price_max")
        if low is not None and high is not None and low > high:
            values.pop("price_min")
            values.pop("price_max")
        return values

    def notes(self) -> list[str]:
        """What the visitor typed that was ignored, in words."""
        notes = []
        for name in self.errors:
            value = self.data.get(name, "")
            notes.append(
                _("%(field)s “%(value)s” was ignored: %(error)s")
                % {"field": self.fields[name].label, "value": value, "error": " ".join(self.errors[name])}
            )
        values = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        low, high = values.get("price_min"), values.get("price_max")
        if low is not None and high is not None and low > high:
            notes.append(_("The lowest price is above the highest price: the price range was ignored."))
        return notes

    def filter(self, queryset):
        values = self.values()
        statuses = [Listing.Status.PUBLISHED, Listing.Status.UNDER_NEGOTIATION]
        if values.get("closed"):
            statuses.append(Listing.Status.CLOSED)
        queryset = queryset.filter(status__in=statuses)
        if values.get("deal_type"):
            queryset = queryset.filter(deal_type=values["deal_type"])
        if values.get("asset_type"):
            queryset = queryset.filter(**{f"{values['asset_type']}__isnull": False})
        if values.get("ipc"):
            codes = PatentClassification.objects.filter(code__startswith=values["ipc"]).values("patent_id")
            queryset = queryset.filter(patent_id__in=codes)
        if values.get("city"):
            queryset = queryset.filter(seller__city=values["city"])
        if "price_min" in values:
            queryset = queryset.filter(price__gte=values["price_min"])
        if "price_max" in values:
            queryset = queryset.filter(price__lte=values["price_max"])
        if values.get("q"):
            q = values["q"].strip()
            queryset = queryset.filter(
                Q(patent__title__icontains=q) | Q(trademark__mark_name__icontains=q) | Q(description__icontains=q)
            )
        return queryset


class InquiryForm(forms.Form):
    """An inquiry (or, on an open licence, the written notice) to the seller."""

    buyer = forms.ModelChoiceField(queryset=None, required=False, label=_("Buying as"), empty_label=None)
    message = forms.CharField(max_length=5000, label=_("Message to the seller"), widget=forms.Textarea({"rows": 4}))
    offer = amount_field(_("Your offer (CNY, optional)"), required=False)

    def __init__(self, *args, enterprises=None, open_licence=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = enterprises
        if open_licence:
            self.fields["message"].label = _("Written notice to the licensor")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"message": data["message"], "offer": data.get("offer")}
        if data.get("buyer") is not None:
            kwargs["buyer"] = data["buyer"]
        return kwargs


class MessageForm(forms.Form):
    body = forms.CharField(max_length=5000, label=_("Message"), widget=forms.Textarea({"rows": 3}))
    offer = amount_field(_("New offer (CNY, optional)"), required=False)


class AcceptForm(forms.Form):
    """The price the seller saw on the page, sent back so that a changed offer is not accepted unseen."""

    price = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"), widget=forms.HiddenInput)


class RecordalForm(forms.Form):
    recordal_number = forms.CharField(max_length=64, label=_("Recordal / filing number"))


class NoteForm(forms.Form):
    note = forms.CharField(max_length=2000, required=False, label=_("Note (optional)"))
