"""Wagtail admin screen of the loan products, read-only: the banks change their products on the site and through
the API (financing/registry/products.py); platform people see every product here, bank people their banks'.

Registered by the registry's wagtail_hooks: `register_permission_policy(LoanProduct, ViewOnlyPolicy(LoanProduct))`
is done on import below; add `LoanProductViewSet` to the registry's snippet group (or `register_snippet` it)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.permissions import register_permission_policy

from ipmarket.core.admin import SelectorSnippetViewSet, ViewOnlyPolicy

from . import products
from .models import LoanProduct

register_permission_policy(LoanProduct, ViewOnlyPolicy(LoanProduct))


class LoanProductViewSet(SelectorSnippetViewSet):
    model = LoanProduct
    visible = staticmethod(products.products_for_admin)
    icon = "tag"
    menu_label = _("Loan products")
    list_display = ["name", "bank", "min_amount", "max_amount", "max_term_months", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["name", "name_en", "bank__name"]
    search_backend_name = None
    ordering = ["bank__name", "name", "id"]
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [
        MultiFieldPanel(
            [FieldPanel("bank"), FieldPanel("name"), FieldPanel("name_en"), FieldPanel("description")],
            heading=_("Product"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("min_amount"), FieldPanel("max_amount"), FieldPanel("max_term_months")]),
                FieldRowPanel([FieldPanel("rate_min"), FieldPanel("rate_max")]),
                FieldPanel("asset_kinds"),
                FieldPanel("cities"),
                FieldPanel("documents"),
                FieldPanel("is_published"),
            ],
            heading=_("Terms"),
        ),
    ]
