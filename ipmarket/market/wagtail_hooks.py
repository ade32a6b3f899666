"""Wagtail admin screens for listings and deals (platform people)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from ipmarket.core.admin import SelectorSnippetViewSet, ViewOnlyPolicy

from . import selectors
from .models import Deal, Listing

# Listings and deals change only through the marketplace's services (the sellers' and buyers' pages and the
# API); the admin shows platform people what the API shows them, read-only.
register_permission_policy(Listing, ViewOnlyPolicy(Listing))
register_permission_policy(Deal, ViewOnlyPolicy(Deal))


class ListingViewSet(SelectorSnippetViewSet):
    model = Listing
    visible = staticmethod(selectors.listings_visible_to)
    icon = "tag"
    list_display = ["__str__", "seller", "deal_type", "price", "status", "published_at"]
    list_filter = ["status", "deal_type", "negotiable"]
    search_fields = ["patent__title", "patent__application_number", "trademark__mark_name", "seller__name"]
    search_backend_name = None
    ordering = ["-published_at"]
    inspect_view_enabled = True
    panels = [
        MultiFieldPanel(
            [FieldPanel("patent"), FieldPanel("trademark"), FieldPanel("seller"), FieldPanel("deal_type")],
            heading=_("Asset and seller"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("price"),
                FieldPanel("negotiable"),
                FieldPanel("territory"),
                FieldPanel("term_months"),
                FieldPanel("payment_terms"),
            ],
            heading=_("Terms"),
        ),
        FieldPanel("description"),
    ]


class DealViewSet(SelectorSnippetViewSet):
    model = Deal
    visible = staticmethod(selectors.deals_visible_to)
    icon = "doc-full"
    list_display = ["__str__", "buyer", "seller", "price", "state", "updated_at"]
    list_filter = ["state", "listing__deal_type"]
    search_fields = ["buyer__name", "seller__name", "recordal_number", "payment_intent_id"]
    search_backend_name = None
    ordering = ["-updated_at"]
    inspect_view_enabled = True


class MarketGroup(SnippetViewSetGroup):
    menu_label = _("Marketplace")
    menu_icon = "tag"
    menu_order = 220
    items = (ListingViewSet, DealViewSet)


register_snippet(MarketGroup)
