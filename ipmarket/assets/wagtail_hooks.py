"""Wagtail admin screens of the assets app."""

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ipmarket.accounts import policies

from . import import_views
from .models import Patent, Trademark

# --- Patents and trademarks ----------------------------------------------------------------------
# The model's clean() validates and normalises here as everywhere (numbers, type digit, expiry).
# The pledge lock is read-only (financing drives it); ownership changes by recorded assignment.


class PatentViewSet(SnippetViewSet):
    model = Patent
    icon = "doc-full-inverse"
    list_display = ["application_number", "title", "patent_type", "legal_status", "owner", "expiry_date", "pledged"]
    list_filter = ["patent_type", "legal_status", "pledged", "ownership_disputed"]
    search_fields = ["application_number", "title", "owner__name"]
    search_backend_name = None
    ordering = ["-filing_date"]
    inspect_view_enabled = True
    panels = [
        MultiFieldPanel(
            [FieldPanel("application_number"), FieldPanel("patent_type"), FieldPanel("title"), FieldPanel("abstract")],
            heading=_("Patent"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("filing_date"), FieldPanel("grant_date")]),
                FieldRowPanel([FieldPanel("legal_status"), FieldPanel("annual_fee_paid_until")]),
                FieldPanel("ownership_disputed"),
            ],
            heading=_("Legal status"),
        ),
        MultiFieldPanel(
            [FieldPanel("owner"), FieldPanel("co_owners", widget=forms.SelectMultiple)], heading=_("Ownership")
        ),
        FieldPanel("internal_notes"),
    ]


class TrademarkViewSet(SnippetViewSet):
    model = Trademark
    icon = "tag"
    list_display = ["registration_number", "mark_name", "status", "owner", "expiry_date", "pledged"]
    list_filter = ["status", "pledged", "ownership_disputed"]
    search_fields = ["registration_number", "mark_name", "goods_services", "owner__name"]
    search_backend_name = None
    ordering = ["-registration_date"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("registration_number"),
        FieldPanel("mark_name"),
        FieldPanel("nice_classes"),
        FieldPanel("goods_services"),
        FieldRowPanel([FieldPanel("registration_date"), FieldPanel("status")]),
        FieldPanel("ownership_disputed"),
        MultiFieldPanel(
            [FieldPanel("owner"), FieldPanel("co_owners", widget=forms.SelectMultiple)], heading=_("Ownership")
        ),
        FieldPanel("internal_notes"),
    ]


class AssetsGroup(SnippetViewSetGroup):
    menu_label = _("Patents and trademarks")
    menu_icon = "doc-full-inverse"
    menu_order = 210
    items = (PatentViewSet, TrademarkViewSet)


register_snippet(AssetsGroup)

# --- Patent CSV import (platform people) -----------------------------------------------------
# A menu item "Import patents" and two admin views (upload + recent imports; progress + errors).
# The views are in import_views.py and use the same service as the workspace page /ip/imports/,
# with each row's owner named in the owner_credit_code column.


class PatentImportMenuItem(MenuItem):
    def is_shown(self, request):
        return policies.is_platform_staff(request.user)


@hooks.register("register_admin_urls")
def register_patent_import_urls():
    return [
        path("patent-imports/", import_views.AdminImportView.as_view(), name="patent_import_admin"),
        path(
            "patent-imports/<int:pk>/", import_views.AdminImportDetailView.as_view(), name="patent_import_admin_detail"
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_patent_import_menu_item():
    return PatentImportMenuItem(
        _("Import patents"), reverse("patent_import_admin"), name="patent-import", icon_name="upload", order=250
    )
