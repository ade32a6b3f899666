"""Wagtail admin: notifications, read-only (written only by the code), to answer "was I told?"."""

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Notification


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


register_permission_policy(Notification, ViewOnlyPermissionPolicy(Notification))


class NotificationViewSet(SnippetViewSet):
    model = Notification
    icon = "mail"
    menu_order = 350
    add_to_admin_menu = True
    list_display = ["recipient", "kind", "key", "created_at", "read_at", "email", "email_sent_at"]
    list_filter = ["kind", "email"]
    search_fields = ["key", "recipient__username"]
    search_backend_name = None  # plain database filtering
    ordering = ["-created_at"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return Notification.objects.select_related("recipient")


register_snippet(NotificationViewSet)
