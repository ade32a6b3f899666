"""Wagtail admin screens for organisations, memberships and services (platform people).

Organisations and memberships are created, edited and deleted through their services (admin_views.py), so
the rules and the history are those of the API; the history itself is a read-only list for platform people.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.widgets.button import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ipmarket.core.admin import ViewOnlyPolicy

from . import admin_views, policies
from .models import ApiToken, Membership, Organisation, OrganisationEvent, Service, User


class PlatformHistoryPolicy(ViewOnlyPolicy):
    """Organisation events: viewed by platform people only, never added, edited or deleted."""

    def user_has_permission(self, user, action):
        return super().user_has_permission(user, action) and policies.is_platform_staff(user)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, actions) and policies.is_platform_staff(user)


register_permission_policy(OrganisationEvent, PlatformHistoryPolicy(OrganisationEvent))
hooks.register("before_delete_snippet", admin_views.delete_through_services)


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    add_view_class = admin_views.OrganisationCreateView
    edit_view_class = admin_views.OrganisationEditView
    copy_view_enabled = False
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
    add_view_class = admin_views.MembershipCreateView
    edit_view_class = admin_views.MembershipEditView
    copy_view_enabled = False
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["user__username", "user__display_name", "organisation__name"]
    search_backend_name = None
    ordering = ["organisation__name"]
    panels = [FieldPanel("user"), FieldPanel("organisation"), FieldPanel("role"), FieldPanel("is_active")]


class OrganisationEventFilterSet(WagtailFilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("organisation"),
        queryset=lambda request: Organisation.objects.filter(events__isnull=False).distinct().order_by("name"),
    )

    class Meta:
        model = OrganisationEvent
        fields = ["organisation", "field", "action"]


class OrganisationEventViewSet(SnippetViewSet):
    model = OrganisationEvent
    icon = "history"
    menu_label = _("History")
    filterset_class = OrganisationEventFilterSet
    list_display = ["at", "organisation_name", "actor_name", "field", "action", "person_name", "before", "after"]
    search_fields = ["organisation_name", "actor_name", "person_name"]
    search_backend_name = None
    ordering = ["-at", "-id"]
    inspect_view_enabled = True
    copy_view_enabled = False


@hooks.register("register_snippet_listing_buttons")
def organisation_history_button(snippet, user, next_url=None):
    if isinstance(snippet, Organisation) and policies.can_read_organisation_events(user, snippet):
        url = reverse(OrganisationEvent.snippet_viewset.get_url_name("list"))
        yield Button(_("History"), f"{url}?{urlencode({'organisation': snippet.pk})}", icon_name="history")


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
    items = (OrganisationViewSet, MembershipViewSet, OrganisationEventViewSet, ServiceViewSet)


register_snippet(PeopleGroup)


# --- Wagtail's own screens for people (wagtail.users) --------------------------------------------------------
# Django permissions open them; our policy decides too: a person edits themselves, platform people others,
# and only a superuser edits, deletes or makes a superuser.


def _refuse_superuser_grant(request) -> None:
    if request.method == "POST" and request.POST.get("is_superuser") and not request.user.is_superuser:
        raise PermissionDenied


@hooks.register("before_create_user")
def guard_user_create(request):
    _refuse_superuser_grant(request)


@hooks.register("before_edit_user")
@hooks.register("before_delete_user")
def guard_user_change(request, user):
    if not policies.can_manage_person(request.user, user):
        raise PermissionDenied
    _refuse_superuser_grant(request)


@hooks.register("before_bulk_action")
def guard_bulk_user_actions(request, action_type, objects, action_class_instance):
    """Bulk actions on people obey the same policy; a bulk (de)activation, which bypasses User.save with
    an UPDATE, revokes the API tokens of those people."""
    people = [obj for obj in objects if isinstance(obj, User)]
    if not people:
        return None
    if not all(policies.can_manage_person(request.user, person) for person in people):
        raise PermissionDenied
    if action_type == "set_active_state":
        ApiToken.objects.filter(user__in=people).delete()
    return None
