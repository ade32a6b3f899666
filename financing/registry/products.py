"""The banks' IP-pledge loan products (金融产品超市): who sees and manages them, the rules a product obeys, and
which products a financing demand is eligible for (docs/registry.md, "Loan products").

- Reads: published products are public (anonymous callers too); an unpublished one is seen only by the members
  of its bank. A product the caller may not see answers 404.
- Changes: the members of the product's bank (any role) create, edit, unpublish (`is_published=False`) and
  delete it; a member of another bank who sees it (published) is refused with 403, and anyone who belongs to no
  bank may not create one (403).
- Rules (`product_errors`, run by the services under the product's row lock): 0 < smallest amount ≤ largest
  amount, in CNY; 1 ≤ longest term ≤ 360 months; 0 ≤ lowest rate ≤ highest rate ≤ 1 (a fraction: 0.0435 is
  4.35 %). A product is bank-wide, so its rates are not held to any programme's rate cap: the cap applies to the
  loan of an application under a programme. At least one of the four IP kinds; the cities are known Sichuan
  cities (ipmarket/accounts/data/sichuan_cities.csv), none meaning every city. Kinds and cities are stored
  without repeats, in a fixed order.
- Eligibility (`mismatches`, `eligible_products`): a published product whose amount range covers the demand's
  amount, whose longest term is at least the demand's term, which accepts EVERY kind of IP the demand offers
  (a product for invention patents only does not take a demand that also pledges a trademark), and which serves
  the enterprise's city (or every city).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from djmoney.money import Money

from ipmarket.accounts import policies
from ipmarket.accounts.cities import cities
from ipmarket.accounts.models import Organisation
from ipmarket.core.errors import GuardFailed, RoleRefused
from ipmarket.core.money import CURRENCY, in_currency
from ipmarket.core.services import locked, refuse_if

from .models import MAX_TERM_MONTHS, LoanProduct

AssetKind = LoanProduct.AssetKind
ASSET_KINDS: list[str] = list(AssetKind.values)  # the order kinds are stored and shown in
EDITABLE = {
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
}
REQUIRED = {"name", "min_amount", "max_amount", "max_term_months", "rate_min", "rate_max", "asset_kinds"}
MAX_RATE = Decimal("1")


def known_cities() -> list[str]:
    """The cities a product may name (their Chinese names, as organisations store them), in a fixed order."""
    return list(cities())


# --- who may ---------------------------------------------------------------------------------------------


def bank_ids(user) -> set[int]:
    """The banks the person is an active member of."""
    return policies.organisation_ids(user, kinds=[Organisation.Kind.BANK])


def banks_of(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=bank_ids(user)).order_by("name", "id")


def can_manage(user, product: LoanProduct) -> bool:
    """The members of the product's bank manage it."""
    return product.bank_id in bank_ids(user)


def manage_refusal(user, product: LoanProduct) -> GuardFailed | None:
    if not can_manage(user, product):
        return RoleRefused("not_product_bank", _("Only the people of the product's bank change it."))
    return None


# --- reads -----------------------------------------------------------------------------------------------


def _products() -> QuerySet[LoanProduct]:
    return LoanProduct.objects.select_related("bank")


def published_products() -> QuerySet[LoanProduct]:
    return _products().filter(is_published=True)


def products_visible_to(user) -> QuerySet[LoanProduct]:
    """Published products, and the unpublished products of the person's banks."""
    ids = bank_ids(user)
    if not ids:
        return published_products()
    return _products().filter(Q(is_published=True) | Q(bank_id__in=ids))


def products_of_my_banks(user) -> QuerySet[LoanProduct]:
    """Every product (published or not) of the person's banks: their "my bank's products" page."""
    return _products().filter(bank_id__in=bank_ids(user))


def products_for_admin(user) -> QuerySet[LoanProduct]:
    """The Wagtail admin: platform people see every product, bank people their banks' products."""
    if policies.is_platform_staff(user):
        return _products()
    return products_of_my_banks(user)


def product_for(user, pk) -> LoanProduct:
    """The product if the person may see it, else 404 (also for a pk that is not a number)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such product.") from None
    try:
        return products_visible_to(user).get(pk=pk)
    except (LoanProduct.DoesNotExist, OverflowError):
        raise Http404("No such product.") from None


def _json_list_has(field: str, value: str, longest: int) -> Q:
    """Rows whose JSON list `field` holds `value`: `@>` on PostgreSQL; elsewhere (SQLite, `make run`) one test
    per position, the lists being stored without repeats and at most `longest` long."""
    if connection.features.supports_json_field_contains:
        return Q(**{f"{field}__contains": [value]})
    condition = Q(pk__in=[])
    for i in range(longest):
        condition |= Q(**{f"{field}__{i}": value})
    return condition


def accepting(kind: str) -> Q:
    """Products that accept this kind of IP."""
    return _json_list_has("asset_kinds", kind, len(ASSET_KINDS))


def serving(city: str) -> Q:
    """Products that serve this city: they name it, or name no city (every city)."""
    return Q(cities=[]) | _json_list_has("cities", city, len(known_cities()))


def filter_products(
    queryset: QuerySet[LoanProduct],
    *,
    bank: int | None = None,
    asset_kind: str | None = None,
    city: str | None = None,
    amount: Decimal | None = None,
    term: int | None = None,
) -> QuerySet[LoanProduct]:
    """The catalogue's filters, shared by the API and the pages: the bank, an IP kind the product accepts, a city
    it serves, an amount its range covers, a term it allows (its longest term is at least that)."""
    if bank is not None:
        queryset = queryset.filter(bank_id=bank)
    if asset_kind:
        queryset = queryset.filter(accepting(asset_kind))
    if city:
        queryset = queryset.filter(serving(city))
    if amount is not None:
        queryset = queryset.filter(min_amount__lte=amount, max_amount__gte=amount)
    if term is not None:
        queryset = queryset.filter(max_term_months__gte=term)
    return queryset


# --- rules -----------------------------------------------------------------------------------------------


def normalised_kinds(kinds) -> list[str] | None:
    """The kinds without repeats, in ASSET_KINDS order; None if it is not a list of strings."""
    if not isinstance(kinds, list | tuple) or not all(isinstance(k, str) for k in kinds):
        return None
    return [k for k in ASSET_KINDS if k in kinds] + sorted({k for k in kinds if k not in ASSET_KINDS})


def normalised_cities(names) -> list[str] | None:
    """The cities stripped, without repeats, known ones in the list's order (unknown ones after, to be refused);
    None if it is not a list of strings."""
    if not isinstance(names, list | tuple) or not all(isinstance(c, str) for c in names):
        return None
    given = [c.strip() for c in names]
    known = known_cities()
    return [c for c in known if c in given] + sorted({c for c in given if c not in known})


def _amount(value) -> Decimal | None:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value)
    return None


def product_errors(product: LoanProduct) -> dict[str, list[str]]:
    """What breaks the rules of a product, by field (pure: no database). Kinds and cities must be normalised."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    low, high = product.min_amount, product.max_amount
    for field, value in (("min_amount", low), ("max_amount", high)):
        if value is None or _amount(value) is None:
            add(field, _("Give an amount in CNY."))
        elif isinstance(value, Money) and not in_currency(value):
            add(field, _("Amounts are in CNY."))
        elif _amount(value) <= 0:
            add(field, _("The amount must be more than zero."))
    if not errors and _amount(low) > _amount(high):
        add("max_amount", _("The largest amount cannot be below the smallest amount."))
    term = product.max_term_months
    if not isinstance(term, int) or isinstance(term, bool) or not 1 <= term <= MAX_TERM_MONTHS:
        add("max_term_months", _("The longest term is 1 to %(max)s months.") % {"max": MAX_TERM_MONTHS})
    rates_ok = True
    for field in ("rate_min", "rate_max"):
        rate = getattr(product, field)
        if not isinstance(rate, Decimal) or not rate.is_finite() or not Decimal(0) <= rate <= MAX_RATE:
            add(field, _("A rate is a fraction from 0 to 1 (0.0435 is 4.35%)."))
            rates_ok = False
    if rates_ok and product.rate_min > product.rate_max:
        add("rate_max", _("The highest rate cannot be below the lowest rate."))
    kinds = product.asset_kinds
    if not isinstance(kinds, list) or not kinds:
        add("asset_kinds", _("Choose at least one kind of IP the product accepts."))
    elif any(k not in ASSET_KINDS for k in kinds):
        add("asset_kinds", _("The kinds of IP are invention, utility_model, design and trademark."))
    names = product.cities
    if not isinstance(names, list):
        add("cities", _("Give the cities as a list (none means every city)."))
    elif any(c not in cities() for c in names):
        unknown = "、".join(c for c in names if c not in cities()) or "“”"
        add("cities", _("Unknown city: %(cities)s. Name cities of the list.") % {"cities": unknown})
    if not (product.name or "").strip():
        add("name", _("Give the product a name."))
    return errors


def _validate(product: LoanProduct) -> None:
    kinds, names = normalised_kinds(product.asset_kinds), normalised_cities(product.cities)
    if kinds is not None:
        product.asset_kinds = kinds
    if names is not None:
        product.cities = names
    errors = product_errors(product)
    if errors:
        raise ValidationError(errors)
    product.full_clean()  # text limits and the field validators, as everywhere


def _refuse_unknown(fields) -> None:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})


# --- services --------------------------------------------------------------------------------------------


@transaction.atomic
def product_create(*, by, bank: Organisation | None = None, **fields) -> LoanProduct:
    """A product of one of the person's banks (the only one, when `bank` is not named)."""
    _refuse_unknown(fields)
    mine = bank_ids(by)
    if not mine:
        raise PermissionDenied(_("Only the people of a bank publish loan products."))
    if bank is None:
        if len(mine) > 1:
            raise ValidationError({"bank": [_("You belong to several banks: name the bank of the product.")]})
        bank = Organisation.objects.get(pk=next(iter(mine)))
    if bank.pk not in mine:
        raise PermissionDenied(_("Only the people of the product's bank change it."))
    missing = sorted(REQUIRED - set(fields))
    if missing:
        raise ValidationError({name: [_("This field is required.")] for name in missing})
    fields = {name: _money(name, value) for name, value in fields.items()}
    product = LoanProduct(bank=bank, **fields)
    _validate(product)
    product.save()
    return product


def _money(name: str, value):
    if name in ("min_amount", "max_amount") and isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Money(Decimal(value), CURRENCY)
    return value


@transaction.atomic
def product_update(*, product: LoanProduct, by, **fields) -> LoanProduct:
    """Change a product of the person's bank; `is_published=False` takes it off the catalogue."""
    _refuse_unknown(fields)
    product = locked(product)
    refuse_if(manage_refusal(by, product))
    for name, value in fields.items():
        setattr(product, name, _money(name, value))
    _validate(product)
    product.save()
    return product


@transaction.atomic
def product_delete(*, product: LoanProduct, by) -> None:
    """Delete a product of the person's bank (unpublishing keeps it for later)."""
    product = locked(product)
    refuse_if(manage_refusal(by, product))
    product.delete()


# --- eligibility -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """What a financing demand asks for, as eligibility reads it."""

    amount: Decimal
    term_months: int
    kinds: frozenset[str]
    city: str


def need_of(demand) -> Need:
    """The need of a demand (its assets read through `demand.assets`, prefetched by the registry's selectors)."""
    return Need(
        amount=demand.amount.amount,
        term_months=demand.term_months,
        kinds=frozenset(item.kind for item in demand.assets.all()),
        city=demand.enterprise.city,
    )


MISMATCHES = {
    "amount_below_min": gettext_lazy("The amount sought is below the product's smallest amount."),
    "amount_above_max": gettext_lazy("The amount sought is above the product's largest amount."),
    "term_too_long": gettext_lazy("The term sought is longer than the product's longest term."),
    "kind_not_accepted": gettext_lazy("The product does not accept every kind of IP offered."),
    "city_not_served": gettext_lazy("The product does not serve the enterprise's city."),
    "not_published": gettext_lazy("The product is not published."),
}


def mismatches(product: LoanProduct, need: Need) -> list[str]:
    """Why the product does not fit the need (codes of MISMATCHES, in that order); [] when it is eligible. Pure:
    reads the product's fields only."""
    found = []
    if not product.is_published:
        found.append("not_published")
    amount = need.amount
    if amount < _amount(product.min_amount):
        found.append("amount_below_min")
    if amount > _amount(product.max_amount):
        found.append("amount_above_max")
    if need.term_months > product.max_term_months:
        found.append("term_too_long")
    if not need.kinds <= set(product.asset_kinds):
        found.append("kind_not_accepted")
    if product.cities and need.city not in product.cities:
        found.append("city_not_served")
    return found


def is_eligible(product: LoanProduct, need: Need) -> bool:
    return not mismatches(product, need)


def eligible_for(need: Need) -> QuerySet[LoanProduct]:
    """The published products that fit the need (the database's version of `is_eligible`)."""
    amount = Money(need.amount, CURRENCY)
    queryset = published_products().filter(
        min_amount__lte=amount, max_amount__gte=amount, max_term_months__gte=need.term_months
    )
    for kind in sorted(need.kinds):
        queryset = queryset.filter(accepting(kind))
    return queryset.filter(serving(need.city))


def eligible_products(demand) -> QuerySet[LoanProduct]:
    """The published products a financing demand is eligible for, in the catalogue's order (bank, name)."""
    return eligible_for(need_of(demand))
