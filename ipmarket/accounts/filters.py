"""The API's `mine=1` filter: it needs to know the caller's organisations, so it lives with them."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from ipmarket.core.api.filters import YES_NO, FilterSet

from . import policies


class MineFilterSet(FilterSet):
    """Adds `mine=1`: only what belongs to the caller's organisations.

    Subclasses name the field holding the owning organisation in `mine_field`
    (`"pk"` for organisations themselves), or override `filter_mine`.
    """

    mine_field = "pk"
    mine = filters.ChoiceFilter(choices=YES_NO, method="filter_mine", label=_("only what belongs to my organisations"))

    def filter_mine(self, queryset, name, value):
        if value in ("0", "false"):
            return queryset
        return queryset.filter(**{f"{self.mine_field}__in": policies.organisation_ids(self.request.user)})
