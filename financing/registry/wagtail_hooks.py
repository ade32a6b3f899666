"""Wagtail admin of the financing-demand registry (docs/registry.md)."""

from wagtail.snippets.models import register_snippet

from .demands_admin import DemandAdminViewSet, DemandBatchAdminViewSet
from .products_admin import LoanProductViewSet

register_snippet(LoanProductViewSet)
register_snippet(DemandAdminViewSet)
register_snippet(DemandBatchAdminViewSet)
