"""Wagtail admin screens of the registry's demands and batches, read-only and read through the selectors
(platform people see what the API shows them); demands and batches change only through the services (the
API and the registry's pages)."""

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy

from ipmarket.core.admin import SelectorSnippetViewSet, ViewOnlyPolicy

from . import selectors
from .models import Demand, DemandBatch

register_permission_policy(Demand, ViewOnlyPolicy(Demand))
register_permission_policy(DemandBatch, ViewOnlyPolicy(DemandBatch))


class DemandAdminViewSet(SelectorSnippetViewSet):
    model = Demand
    visible = staticmethod(selectors.demands_visible_to)
    icon = "doc-full"
    menu_label = _("Financing demands")
    list_display = ["__str__", "state", "amount", "term_months", "industry", "batch", "expires_on", "updated_at"]
    list_filter = ["state", "industry", "batch"]
    search_fields = ["enterprise__name", "purpose"]
    search_backend_name = None
    ordering = ["-updated_at", "-id"]
    inspect_view_enabled = True
    copy_view_enabled = False


class DemandBatchAdminViewSet(SelectorSnippetViewSet):
    model = DemandBatch
    visible = staticmethod(selectors.batches_visible_to)
    icon = "list-ul"
    menu_label = _("Registry batches")
    list_display = ["name", "programme", "year", "number", "is_open", "created_at"]
    list_filter = ["is_open", "year"]
    search_fields = ["name", "name_en"]
    search_backend_name = None
    ordering = ["-year", "-number", "-id"]
    inspect_view_enabled = True
    copy_view_enabled = False
