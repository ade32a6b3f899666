"""Wagtail admin: Stripe events (read-only, searchable by event id and type) and payout accounts."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import PayoutAccount, ReceivedPayment, StripeEvent


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Rows written only by the code (webhook, handlers): people may look, never add, edit or delete."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


register_permission_policy(StripeEvent, ViewOnlyPermissionPolicy(StripeEvent))
register_permission_policy(ReceivedPayment, ViewOnlyPermissionPolicy(ReceivedPayment))


class StripeEventViewSet(SnippetViewSet):
    model = StripeEvent
    icon = "warning"
    list_display = ["stripe_id", "type", "received_at", "processed_at", "attempts", "last_error"]
    list_filter = ["type"]
    search_fields = ["stripe_id", "type"]
    search_backend_name = None  # plain database filtering
    ordering = ["-received_at"]
    inspect_view_enabled = True
    copy_view_enabled = False


class ReceivedPaymentViewSet(SnippetViewSet):
    model = ReceivedPayment
    icon = "doc-full"
    list_display = ["payment_intent_id", "deal", "amount", "charge_id", "received_at", "refund_id"]
    search_fields = ["payment_intent_id", "charge_id", "refund_id"]
    search_backend_name = None
    ordering = ["-received_at"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return ReceivedPayment.objects.select_related(
            "deal__listing__patent", "deal__listing__trademark", "deal__buyer"
        )


class PayoutAccountViewSet(SnippetViewSet):
    model = PayoutAccount
    icon = "user"
    list_display = ["organisation", "stripe_account_id", "created_at"]
    search_fields = ["stripe_account_id", "organisation__name"]
    search_backend_name = None
    ordering = ["organisation__name"]
    copy_view_enabled = False
    panels = [FieldPanel("organisation"), FieldPanel("stripe_account_id")]

    def get_queryset(self, request):
        return PayoutAccount.objects.select_related("organisation")


class PaymentsGroup(SnippetViewSetGroup):
    menu_label = _("Payments")
    menu_icon = "doc-full-inverse"
    menu_order = 300
    items = (PayoutAccountViewSet, ReceivedPaymentViewSet, StripeEventViewSet)


register_snippet(PaymentsGroup)
