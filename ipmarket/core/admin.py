from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet

from ipmarket.core.errors import REFUSALS, refusal_text


class ViewOnlyPolicy(ModelPermissionPolicy):
    """For models that change only through their actions (deals, applications): the Wagtail admin shows
    them to whoever may view them and offers no add, edit or delete."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")


class _ThroughSelector:
    """Object views (inspect, edit, delete, history, usage) that find their object through the viewset's
    selector: an object the person may not see answers 404, as in the API."""

    visible = None  # the selector, set by SelectorSnippetViewSet

    def get_object(self, queryset=None):
        pk = self.kwargs.get(self.pk_url_kwarg) or self.args[0]
        return get_object_or_404(self.visible(self.request.user), pk=unquote(str(pk)))


class SelectorSnippetViewSet(SnippetViewSet):
    """A snippet viewset whose list and object views read through a selector (`visible = staticmethod(
    selectors.x_visible_to)`), so the admin shows platform people what the API shows them."""

    visible = None
    OBJECT_VIEWS = (
        "inspect_view_class",
        "edit_view_class",
        "delete_view_class",
        "history_view_class",
        "usage_view_class",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.OBJECT_VIEWS:
            base = getattr(self, name)
            attrs = {"visible": staticmethod(type(self).visible)}
            setattr(self, name, type(base.__name__, (_ThroughSelector, base), attrs))

    def get_queryset(self, request):
        return type(self).visible(request.user)


class ServiceSaveMixin:
    """For a snippet's create and edit views: validate the form, then save through the domain's service
    (`save_through_service(form)`) instead of `form.save()`, so the admin obeys the same rules as the API
    and records its changes the same way; a refusal shows on the form."""

    def save_through_service(self, form):
        raise NotImplementedError

    def is_valid(self, form):
        if not super().is_valid(form):
            return False
        try:
            self.saved_object = self.save_through_service(form)
        except REFUSALS as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, refusal_text(exc, str))
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return False
        return True

    def save_instance(self):
        log(instance=self.saved_object, action=f"wagtail.{self.view_name}", user=self.request.user)
        return self.saved_object
