"""Wagtail admin screen of the subsidies, read-only and read through the selector (`subsidies_visible_to`):
platform people see every subsidy, a person of an organisation only its own, as in the API. A subsidy
changes only through the services (claimed, approved, rejected and paid on the pages and through the API),
so the admin offers no add, edit or delete."""

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy

from ipmarket.core.admin import SelectorSnippetViewSet, ViewOnlyPolicy

from . import selectors
from .models import Subsidy

register_permission_policy(Subsidy, ViewOnlyPolicy(Subsidy))


class SubsidyAdminViewSet(SelectorSnippetViewSet):
    model = Subsidy
    visible = staticmethod(selectors.subsidies_visible_to)
    icon = "doc-full"
    menu_label = _("Subsidies")
    list_display = ["__str__", "kind", "period", "year", "amount", "state", "computed_at"]
    list_filter = ["state", "kind", "year"]
    search_fields = ["application__applicant__name", "payment_reference"]
    search_backend_name = None
    ordering = ["-year", "-computed_at", "-id"]
    inspect_view_enabled = True
    copy_view_enabled = False
