"""`{% load money %}`: `{{ listing.price|cny }}` → `¥1,234,567.00`, `{{ programme.max_annual_rate|percent }}` →
`4.35%` (ipmarket/core/money.py). An empty value (None, "", a missing variable) shows as nothing."""

from django import template

from ipmarket.core import money

register = template.Library()


@register.filter(is_safe=True)
def cny(value) -> str:
    return "" if value is None or value == "" else money.cny(value)


@register.filter(is_safe=True)
def percent(value) -> str:
    return "" if value is None or value == "" else money.percent(value)
