"""Pages of the loan-product catalogue (金融产品超市): the public catalogue with its filters, a product, the
side-by-side comparison of up to four products, and the bank's own products with their create, edit and delete
forms. Thin: reads through `products` selectors, changes through `products` services (the same rules as the
API); a refusal shows on the form, by field."""

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ipmarket.accounts.cities import city_label
from ipmarket.accounts.models import Organisation
from ipmarket.core.errors import REFUSALS, refusal_text

from . import products
from .models import MAX_TERM_MONTHS, LoanProduct

PAGE_SIZE = 20
MAX_COMPARED = 4
MAX_AMOUNT = Decimal("99999999999999.99")  # money(): max_digits 16, decimal_places 2


def _amount_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


def _percent_field(label) -> forms.DecimalField:
    """A rate typed in percent (4.35 for 4.35 %), 0 to 100 with up to three decimals."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=6,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "0.001", "min": "0", "max": "100", "inputmode": "decimal"}),
    )


def _kind_choices():
    return list(LoanProduct.AssetKind.choices)


def _city_choices():
    return [(name, city_label(name)) for name in products.known_cities()]


def _term_field(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=MAX_TERM_MONTHS,
        widget=forms.NumberInput(attrs={"min": "1", "max": str(MAX_TERM_MONTHS)}),
        **kwargs,
    )


# --- the catalogue ---------------------------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    bank = forms.TypedChoiceField(label=gettext_lazy("Bank"), required=False, coerce=int, empty_value=None)
    asset_kind = forms.ChoiceField(label=gettext_lazy("IP pledged"), required=False)
    city = forms.ChoiceField(label=gettext_lazy("Enterprise's city"), required=False)
    amount = _amount_field(gettext_lazy("Amount sought (CNY)"), required=False)
    term = _term_field(gettext_lazy("Term sought (months)"), required=False)

    def __init__(self, data=None, *, banks, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["bank"].choices = [("", _("All banks"))] + [(b.pk, b.label) for b in banks]
        self.fields["asset_kind"].choices = [("", _("Any kind of IP"))] + _kind_choices()
        self.fields["city"].choices = [("", _("All cities"))] + _city_choices()

    def values(self) -> dict:
        """The valid filters (what the visitor typed wrong is ignored and named by `notes`)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def notes(self) -> list[str]:
        return [
            _("%(field)s “%(value)s” was ignored: %(error)s")
            % {"field": self.fields[name].label, "value": self.data.get(name, ""), "error": " ".join(errors)}
            for name, errors in self.errors.items()
        ]


def product_name(product: LoanProduct) -> str:
    """The product's name in the active language (its Chinese name when no English one is set)."""
    if (get_language() or "").startswith("en") and product.name_en:
        return product.name_en
    return product.name


def _shown(product: LoanProduct) -> LoanProduct:
    """A product with what the pages show: its name, kinds and cities in words."""
    kinds = dict(_kind_choices())
    product.label = product_name(product)
    product.kind_labels = [kinds.get(k, k) for k in product.asset_kinds]
    product.city_labels = [city_label(c) for c in product.cities]
    return product


def _catalogue_banks():
    banks = products.published_products().values("bank_id")
    return Organisation.objects.filter(pk__in=banks).order_by("name", "id")


def catalogue(request):
    """The public catalogue: published products, filtered by a GET form, paginated; tick up to four to compare."""
    form = CatalogueFilterForm(request.GET or None, banks=list(_catalogue_banks()))
    values = form.values() if request.GET else {}
    queryset = products.filter_products(products.published_products(), **values)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [_shown(p) for p in page.object_list]
    return render(
        request,
        "registry/products/catalogue.html",
        {
            "form": form,
            "page": page,
            "notes": form.notes() if request.GET else [],
            "filtered": bool(values),
            "query": urlencode({name: request.GET[name] for name in values}),
            "max_compared": MAX_COMPARED,
            "my_banks": bool(products.bank_ids(request.user)),
        },
    )


def product_detail(request, pk):
    product = _shown(products.product_for(request.user, pk))
    return render(
        request,
        "registry/products/detail.html",
        {"product": product, "can_manage": products.can_manage(request.user, product)},
    )


def compare(request):
    """Up to four products side by side (`?p=1&p=2…`); ids that are not products the person sees are left out."""
    wanted, seen = [], set()
    for raw in request.GET.getlist("p"):
        if raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) not in seen:
            seen.add(int(raw))
            wanted.append(int(raw))
    notes = []
    if len(wanted) > MAX_COMPARED:
        notes.append(_("At most %(n)s products are compared: the first %(n)s are shown.") % {"n": MAX_COMPARED})
        wanted = wanted[:MAX_COMPARED]
    found = {p.pk: p for p in products.products_visible_to(request.user).filter(pk__in=wanted)}
    chosen = [_shown(found[pk]) for pk in wanted if pk in found]
    if len(chosen) < len(wanted):
        notes.append(_("Some of the chosen products are no longer in the catalogue."))
    if len(chosen) < 2:
        notes.append(_("Tick two to four products in the catalogue to compare them."))
    return render(
        request,
        "registry/products/compare.html",
        {"products": chosen, "notes": notes, "max_compared": MAX_COMPARED},
    )


# --- the bank's products ---------------------------------------------------------------------------------


class ProductForm(forms.Form):
    """A product as its bank's people type it; rates in percent, handed to the service as fractions."""

    bank = forms.TypedChoiceField(label=gettext_lazy("Bank"), coerce=int)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("English name"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    min_amount = _amount_field(gettext_lazy("Smallest amount (CNY)"))
    max_amount = _amount_field(gettext_lazy("Largest amount (CNY)"))
    max_term_months = _term_field(gettext_lazy("Longest term (months)"))
    rate_min = _percent_field(gettext_lazy("Lowest annual rate (%)"))
    rate_max = _percent_field(gettext_lazy("Highest annual rate (%)"))
    asset_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("IP accepted as collateral"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one kind of IP the product accepts.")},
    )
    cities = forms.MultipleChoiceField(
        label=gettext_lazy("Cities served"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("None ticked means every city."),
    )
    documents = forms.CharField(
        label=gettext_lazy("Documents required"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_published = forms.BooleanField(
        label=gettext_lazy("Published in the catalogue"),
        required=False,
        help_text=gettext_lazy("Untick to take the product off the catalogue and keep it for later."),
    )

    RATES = ("rate_min", "rate_max")

    def __init__(self, *args, banks, product: LoanProduct | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].choices = [(b.pk, b.label) for b in banks]
        if product is not None or len(banks) == 1:
            self.fields["bank"].disabled = True
            self.fields["bank"].initial = product.bank_id if product is not None else banks[0].pk
        self.fields["asset_kinds"].choices = _kind_choices()
        self.fields["cities"].choices = _city_choices()

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("bank")
        for name in self.RATES:
            data[name] = data[name].scaleb(-2)
        return data

    @classmethod
    def initial_of(cls, product: LoanProduct) -> dict:
        return {
            "bank": product.bank_id,
            "name": product.name,
            "name_en": product.name_en,
            "description": product.description,
            "min_amount": product.min_amount.amount,
            "max_amount": product.max_amount.amount,
            "max_term_months": product.max_term_months,
            "rate_min": product.rate_min.scaleb(2).normalize(),
            "rate_max": product.rate_max.scaleb(2).normalize(),
            "asset_kinds": product.asset_kinds,
            "cities": product.cities,
            "documents": product.documents,
            "is_published": product.is_published,
        }


def _show_refusal(form, exc) -> None:
    """A service's refusal on the form: a field's errors under the field, anything else above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal_text(exc, str))


def _require_bank(request):
    banks = list(products.banks_of(request.user))
    if not banks:
        raise PermissionDenied(_("Only the people of a bank publish loan products."))
    return banks


def _managed(request, pk) -> LoanProduct:
    """A product the person may change: 404 if they cannot see it, 403 if it is another bank's."""
    product = products.product_for(request.user, pk)
    if not products.can_manage(request.user, product):
        raise PermissionDenied(_("Only the people of the product's bank change it."))
    return product


@login_required
def my_products(request):
    """The products of the person's banks, published or not, with links to change them."""
    banks = _require_bank(request)
    items = [_shown(p) for p in products.products_of_my_banks(request.user)]
    return render(request, "registry/products/mine.html", {"products": items, "banks": banks})


@login_required
def product_new(request):
    banks = _require_bank(request)
    return _form_page(request, banks)


@login_required
def product_edit(request, pk):
    product = _managed(request, pk)
    return _form_page(request, [product.bank], product=product)


def _form_page(request, banks, product: LoanProduct | None = None):
    status = 200
    if request.method == "POST":
        form = ProductForm(request.POST, banks=banks, product=product)
        if form.is_valid():
            try:
                if product is None:
                    bank = next(b for b in banks if b.pk == form.cleaned_data["bank"])
                    saved = products.product_create(by=request.user, bank=bank, **form.service_kwargs())
                    messages.success(request, _("The product is saved."))
                else:
                    saved = products.product_update(product=product, by=request.user, **form.service_kwargs())
                    messages.success(request, _("Your changes are saved."))
            except REFUSALS as exc:
                _show_refusal(form, exc)
            else:
                return redirect("loan-product", saved.pk)
        status = 400
    elif product is not None:
        form = ProductForm(initial=ProductForm.initial_of(product), banks=banks, product=product)
    else:
        form = ProductForm(initial={"is_published": True}, banks=banks)
    return render(
        request,
        "registry/products/form.html",
        {"form": form, "product": _shown(product) if product is not None else None},
        status=status,
    )


@login_required
def product_delete(request, pk):
    """Asks before deleting; the POST deletes."""
    product = _managed(request, pk)
    if request.method == "POST":
        try:
            products.product_delete(product=product, by=request.user)
        except REFUSALS as exc:
            messages.error(request, refusal_text(exc, str))
            return redirect("loan-product", product.pk)
        messages.success(request, _("The product “%(name)s” is deleted.") % {"name": product_name(product)})
        return redirect("loan-products-mine")
    return render(request, "registry/products/delete.html", {"product": _shown(product)})
