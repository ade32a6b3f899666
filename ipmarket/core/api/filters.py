from django import forms
from django.db import models
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from ipmarket.core.api.fields import MAX_AMOUNT
from ipmarket.core.limits import MAX_ID

YES_NO = [("1", "1"), ("true", "true"), ("0", "0"), ("false", "false")]


class IdField(forms.IntegerField):
    """A whole number from 1 to 2**63 − 1; anything else (1.5, 1e30, "abc", 20 digits) is a 400."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """Filter on the id of a related row (`?owner=12`), validated as an id."""

    field_class = IdField

    def get_max_validator(self):
        return None  # IdField has its own bounds


class AmountField(forms.DecimalField):
    """An amount of money in a filter: 0 to the largest amount the API takes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_AMOUNT)
        super().__init__(**kwargs)


@extend_schema_field({"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT)})
class AmountFilter(filters.NumberFilter):
    """Filter on an amount (`?price_min=100000`): a number from 0 to MAX_AMOUNT, else 400."""

    field_class = AmountField

    def get_max_validator(self):
        return None  # AmountField has its own bounds


class WholeNumberField(forms.IntegerField):
    """A whole number the database's bigint can hold; 0.5, 1e30 or "abc" is a 400."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -MAX_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "format": "int64", "minimum": -MAX_ID, "maximum": MAX_ID})
class IntegerFilter(filters.NumberFilter):
    """Filter on a whole-number column (`?year=2026`): django-filter's own reads it as a decimal and takes
    `0.5` (finding nothing), where the schema promises an integer."""

    field_class = WholeNumberField

    def get_max_validator(self):
        return None  # WholeNumberField has its own bounds


@extend_schema_field({"type": "string", "enum": ["true", "false", "1", "0"]})
class BooleanFilter(filters.TypedChoiceFilter):
    """`true`/`false` (or `1`/`0`); anything else is a 400 (django-filter's own ignores what it cannot read,
    where the schema promises a boolean)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault("coerce", lambda value: value in ("1", "true"))
        super().__init__(*args, **kwargs)


class FilterSet(filters.FilterSet):
    """The base of every filter set of the API (also those built from `filterset_fields`, by FilterBackend):
    a related row is filtered by its id (an unknown id finds nothing, rather than a 400 "not a valid choice"
    that the schema cannot foresee), a boolean and a whole number are strict."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.BooleanField: {"filter_class": BooleanFilter},
        **{
            field: {"filter_class": IntegerFilter}
            for field in (
                models.IntegerField,
                models.SmallIntegerField,
                models.BigIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
            )
        },
    }


class FilterBackend(filters.DjangoFilterBackend):
    filterset_base = FilterSet
