"""Wagtail admin screens for organisations, memberships and services (platform people)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Membership, Organisation, Service


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "kind", "city", "unified_social_credit_code", "is_active"]
    list_filter = ["kind", "city", "is_active", "services"]
    list_export = ["name", "name_en", "kind", "unified_social_credit_code", "city", "district", "address"]
    search_fields = ["name", "name_en", "unified_social_credit_code", "city", "district"]
    search_backend_name = None  # plain database filtering
    ordering = ["name"]
    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("kind"), FieldPanel("unified_social_credit_code")],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("city"), FieldPanel("district")]),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Location"),
        ),
        FieldPanel("services", widget=forms.CheckboxSelectMultiple),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("website")],
            heading=_("Contact"),
        ),
        FieldPanel("is_active"),
    ]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__display_name", "organisation__name"]
    search_backend_name = None
    ordering = ["organisation__name"]
    panels = [FieldPanel("user"), FieldPanel("organisation"), FieldPanel("role")]


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "tag"
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]
    search_backend_name = None
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("name_en")]


class PeopleGroup(SnippetViewSetGroup):
    menu_label = _("Organisations")
    menu_icon = "group"
    menu_order = 200
    items = (OrganisationViewSet, MembershipViewSet, ServiceViewSet)


register_snippet(PeopleGroup)
