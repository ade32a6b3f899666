"""Wagtail admin of the subsidies (docs/subsidies.md, "Admin"): a read-only list and inspect page."""

from wagtail.snippets.models import register_snippet

from .admin import SubsidyAdminViewSet

register_snippet(SubsidyAdminViewSet)
