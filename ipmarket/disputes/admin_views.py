"""Wagtail admin screens of IP disputes, read-only and read through the selectors (platform people see what
the API shows them); cases change only through the services (the API and the case pages), so the rules and
the audit trail hold whichever way a case is reached."""

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy

from ipmarket.core.admin import SelectorSnippetViewSet, ViewOnlyPolicy

from . import selectors
from .models import Dispute

register_permission_policy(Dispute, ViewOnlyPolicy(Dispute))


class DisputeAdminViewSet(SelectorSnippetViewSet):
    model = Dispute
    visible = staticmethod(selectors.disputes_visible_to)
    icon = "warning"
    menu_label = _("IP disputes")
    list_display = ["__str__", "state", "kind", "route", "mediator", "mediation_due", "decision_number", "updated_at"]
    list_filter = ["state", "kind", "route"]
    search_fields = ["claimant__name", "respondent_name", "facts", "decision_number"]
    search_backend_name = None
    ordering = ["-updated_at", "-id"]
    inspect_view_enabled = True
    copy_view_enabled = False
