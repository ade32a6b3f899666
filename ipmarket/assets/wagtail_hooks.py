"""Wagtail admin screens of the assets app."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ipmarket.accounts import policies
from ipmarket.core.admin import ServiceSaveMixin, ViewOnlyPolicy

from . import import_views, services
from .models import AssetEvent, Patent, Trademark

# --- Patents and trademarks ----------------------------------------------------------------------
# Create and edit go through the services (patent_create/…_update): the same rules as the API, the
# register facts recorded; a refusal is shown as a form error. The model's clean() validates and
# normalises here as everywhere (numbers, type digit, expiry). The pledge lock is read-only (financing
# drives it); ownership changes by recorded assignment only.


class ThroughServiceMixin(ServiceSaveMixin):
    """Replaces the snippet views' direct save by a call of the asset services."""

    create_service = update_service = None
    service_fields: set[str] = set()

    def _service_kwargs(self, form) -> dict:
        kwargs = {name: value for name, value in form.cleaned_data.items() if name in self.service_fields}
        if "co_owners" in form.cleaned_data:
            kwargs["co_owners"] = list(form.cleaned_data["co_owners"])
        return kwargs

    def save_through_service(self, form):
        kwargs = self._service_kwargs(form)
        owner = form.cleaned_data.get("owner")
        if self.view_name == "create":
            return self.create_service(by=self.request.user, owner=owner, **kwargs)
        stored = self.model.objects.get(pk=self.object.pk)
        if owner is not None and owner.pk != stored.owner_id:
            raise ValidationError({"owner": [_("Ownership changes only through a recorded assignment.")]})
        return self.update_service(stored, by=self.request.user, **kwargs)


class PatentCreateView(ThroughServiceMixin, snippet_views.CreateView):
    create_service = staticmethod(services.patent_create)
    service_fields = services.PATENT_FIELDS


class PatentEditView(ThroughServiceMixin, snippet_views.EditView):
    update_service = staticmethod(lambda patent, **kwargs: services.patent_update(patent=patent, **kwargs))
    service_fields = services.PATENT_FIELDS


class TrademarkCreateView(ThroughServiceMixin, snippet_views.CreateView):
    create_service = staticmethod(services.trademark_create)
    service_fields = services.TRADEMARK_FIELDS


class TrademarkEditView(ThroughServiceMixin, snippet_views.EditView):
    update_service = staticmethod(lambda trademark, **kwargs: services.trademark_update(trademark=trademark, **kwargs))
    service_fields = services.TRADEMARK_FIELDS


class PatentViewSet(SnippetViewSet):
    model = Patent
    icon = "doc-full-inverse"
    list_display = ["application_number", "title", "patent_type", "legal_status", "owner", "expiry_date", "pledged"]
    list_filter = ["patent_type", "legal_status", "pledged", "ownership_disputed"]
    search_fields = ["application_number", "title", "owner__name"]
    search_backend_name = None
    ordering = ["-filing_date"]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_view_class = PatentCreateView
    edit_view_class = PatentEditView

    def get_queryset(self, request):
        return Patent.objects.select_related("owner")  # the list shows each owner: not one query per row

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
    copy_view_enabled = False
    add_view_class = TrademarkCreateView
    edit_view_class = TrademarkEditView

    def get_queryset(self, request):
        return Trademark.objects.select_related("owner")  # the list shows each owner: not one query per row

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


register_permission_policy(AssetEvent, ViewOnlyPolicy(AssetEvent))


class AssetEventViewSet(SnippetViewSet):
    """The register history: every change of a register fact, read-only."""

    model = AssetEvent
    icon = "history"
    menu_label = _("Register changes")
    list_display = [
        "at",
        Column("asset", label=_("Patent or trademark")),
        "field",
        "before",
        "after",
        "source",
        "reason",
        "by",
    ]
    list_filter = ["source", "reason", "field"]
    search_fields = ["patent__application_number", "patent__title", "trademark__registration_number"]
    search_backend_name = None
    ordering = ["-at"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return AssetEvent.objects.select_related("patent", "trademark", "by")


class AssetsGroup(SnippetViewSetGroup):
    menu_label = _("Patents and trademarks")
    menu_icon = "doc-full-inverse"
    menu_order = 210
    items = (PatentViewSet, TrademarkViewSet, AssetEventViewSet)


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
