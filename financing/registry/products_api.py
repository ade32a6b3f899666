"""REST API of the loan-product catalogue: `/api/v1/financing/products/` (financing/registry/products.py has the
rules; docs/registry.md, "Loan products").

Anyone reads the published products; a bank's members also read their bank's unpublished ones and create,
change (PATCH/PUT; `is_published: false` unpublishes) and delete their bank's products. Writing needs a bank
membership (403 otherwise); another bank's published product answers 403, its unpublished one 404.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, permissions, serializers, viewsets

from ipmarket.accounts.filters import MineFilterSet
from ipmarket.accounts.models import Organisation
from ipmarket.core.api.fields import DecimalString, MoneyField
from ipmarket.core.api.filters import AmountFilter, IdFilter

from . import products
from .models import MAX_TERM_MONTHS, LoanProduct

RATE = {"max_digits": 7, "decimal_places": 5, "min_value": Decimal("0"), "max_value": Decimal("1")}


class LoanProductSerializer(serializers.ModelSerializer):
    bank = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.BANK),
        required=False,
        help_text=_("The product's bank: one of the caller's banks; may be left out by a member of one bank only."),
    )
    bank_name = serializers.CharField(source="bank.label", read_only=True)
    min_amount = MoneyField(help_text=_("The smallest loan, more than zero, in CNY."))
    max_amount = MoneyField(help_text=_("The largest loan, at least the smallest, in CNY."))
    max_term_months = serializers.IntegerField(min_value=1, max_value=MAX_TERM_MONTHS)
    rate_min = DecimalString(help_text=_("The lowest annual rate as a fraction (0.0435 is 4.35%)."), **RATE)
    rate_max = DecimalString(help_text=_("The highest annual rate, at least the lowest."), **RATE)
    asset_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=LoanProduct.AssetKind.choices),
        allow_empty=False,
        max_length=20,
        help_text=_("The kinds of IP the product accepts as collateral (stored without repeats)."),
    )
    cities = serializers.ListField(
        child=serializers.ChoiceField(choices=[(c, c) for c in products.known_cities()]),
        required=False,
        max_length=50,
        help_text=_("The cities the product serves; empty means every city."),
    )

    class Meta:
        model = LoanProduct
        fields = [
            "id",
            "bank",
            "bank_name",
            "name",
            "name_en",
            "description",
            "min_amount",
            "max_amount",
            "max_term_months",
            "rate_min",
            "rate_max",
            "asset_kinds",
            "cities",
            "documents",
            "is_published",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None and "bank" in attrs:
            if attrs["bank"] != self.instance.bank:
                raise serializers.ValidationError({"bank": [_("The bank of a product cannot change.")]})
            attrs.pop("bank")
        return attrs


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_TERM_MONTHS})
class TermFilter(filters.NumberFilter):
    """A term in months (1 to 360); products whose longest term is at least that."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_TERM_MONTHS)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # the field has its own bounds


class LoanProductFilter(MineFilterSet):
    mine_field = "bank"
    bank = IdFilter(field_name="bank_id")
    asset_kind = filters.ChoiceFilter(
        choices=LoanProduct.AssetKind.choices, method="filter_asset_kind", label=_("an IP kind the product accepts")
    )
    city = filters.ChoiceFilter(
        choices=[(c, c) for c in products.known_cities()],
        method="filter_city",
        label=_("a city the product serves (products for every city included)"),
    )
    amount = AmountFilter(method="filter_amount", label=_("an amount the product's range covers"))
    term = TermFilter(method="filter_term", label=_("a term in months the product allows"))

    class Meta:
        model = LoanProduct
        fields = ["is_published"]

    def filter_asset_kind(self, queryset, name, value):
        return products.filter_products(queryset, asset_kind=value)

    def filter_city(self, queryset, name, value):
        return products.filter_products(queryset, city=value)

    def filter_amount(self, queryset, name, value):
        return products.filter_products(queryset, amount=value)

    def filter_term(self, queryset, name, value):
        return products.filter_products(queryset, term=value)


class IsBankMemberOrReadOnly(permissions.BasePermission):
    """Reads are public; writes need a signed-in member of a bank (whose bank the service then checks)."""

    message = _("Only the people of a bank publish loan products.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and products.bank_ids(request.user))

    def has_object_permission(self, request, view, obj):
        """Another bank's product (one the caller sees: a published one) is refused before its body is read."""
        if request.method in permissions.SAFE_METHODS or products.can_manage(request.user, obj):
            return True
        raise exceptions.PermissionDenied(_("Only the people of the product's bank change it."), "not_product_bank")


class ProductViewSet(viewsets.ModelViewSet):
    """The banks' IP-pledge loan products (金融产品超市): published ones for everyone, unpublished ones for their
    bank's people, who also create, change and delete them."""

    serializer_class = LoanProductSerializer
    filterset_class = LoanProductFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsBankMemberOrReadOnly]

    def get_queryset(self):
        return products.products_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = products.product_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = products.product_update(
            product=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        products.product_delete(product=instance, by=self.request.user)
