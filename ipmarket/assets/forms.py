"""Choices shared by the filter forms of the pages (the marketplace's city filter)."""

from django.utils.translation import gettext_lazy as _

from ipmarket.accounts.cities import cities, city_label


def city_choices():
    return [("", _("All cities"))] + [(name, city_label(name)) for name in cities()]
