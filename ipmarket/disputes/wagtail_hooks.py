"""Wagtail admin of IP protection (docs/disputes.md)."""

from wagtail.snippets.models import register_snippet

from .admin_views import DisputeAdminViewSet

register_snippet(DisputeAdminViewSet)
