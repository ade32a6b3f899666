from django import template

from ipmarket.accounts.cities import city_label as _city_label

register = template.Library()


@register.filter
def city_label(name: str) -> str:
    return _city_label(name)
