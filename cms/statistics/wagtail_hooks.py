"""Wagtail admin: platform people set the programme's targets (Settings-like snippet "Programme targets").

Only platform people (active superusers and members of a platform organisation, `policies.is_platform_staff`)
see, add, change or delete targets, whatever Django permissions a person holds; saving goes through
`services.target_save`, so `Target.clean` and the platform check apply as everywhere."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation
from ipmarket.core.admin import ServiceSaveMixin

from . import services
from .models import Target


class PlatformOnlyPolicy(ModelPermissionPolicy):
    """Every action on targets for platform people, none for anyone else."""

    def user_has_permission(self, user, action):
        return policies.is_platform_staff(user)

    def user_has_any_permission(self, user, actions):
        return policies.is_platform_staff(user)

    def users_with_any_permission(self, actions):
        platform = Q(memberships__is_active=True, memberships__organisation__kind=Organisation.Kind.PLATFORM)
        return get_user_model().objects.filter(Q(is_superuser=True) | platform, is_active=True).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


register_permission_policy(Target, PlatformOnlyPolicy(Target))


class ThroughServiceMixin(ServiceSaveMixin):
    def save_through_service(self, form):
        fields = {name: value for name, value in form.cleaned_data.items() if name in services.TARGET_FIELDS}
        target = None if self.view_name == "create" else self.object
        return services.target_save(by=self.request.user, target=target, **fields)


class TargetCreateView(ThroughServiceMixin, snippet_views.CreateView):
    pass


class TargetEditView(ThroughServiceMixin, snippet_views.EditView):
    pass


class TargetViewSet(SnippetViewSet):
    model = Target
    icon = "pick"
    menu_label = _("Programme targets")
    menu_order = 240
    add_to_admin_menu = True
    add_view_class = TargetCreateView
    edit_view_class = TargetEditView
    copy_view_enabled = False
    list_display = ["metric", "city", "target_value", "baseline_value", "starts_on", "due_on"]
    list_filter = ["metric", "due_on"]
    search_fields = ["note", "city"]
    search_backend_name = None
    ordering = ["due_on", "metric", "city"]
    panels = [
        MultiFieldPanel(
            [FieldPanel("metric"), FieldPanel("city")],
            heading=_("What and where"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("target_value"), FieldPanel("baseline_value")])],
            heading=_("Figures"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("starts_on"), FieldPanel("due_on")])],
            heading=_("Target period"),
        ),
        FieldPanel("note"),
    ]


register_snippet(TargetViewSet)
