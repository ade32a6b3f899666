"""Wagtail admin views of organisations and memberships that save and delete through the services, so the
admin obeys the same rules as the API and its changes are recorded the same way."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.snippets.views.snippets import CreateView, EditView

from ipmarket.core.admin import ServiceSaveMixin
from ipmarket.core.errors import REFUSALS, refusal_text

from . import services
from .models import Membership, Organisation


def _organisation_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.ORGANISATION_FIELDS if name in form.cleaned_data}


class OrganisationCreateView(ServiceSaveMixin, CreateView):
    def save_through_service(self, form):
        return services.organisation_create(
            by=self.request.user, services=form.cleaned_data.get("services"), **_organisation_fields(form)
        )


class OrganisationEditView(ServiceSaveMixin, EditView):
    def save_through_service(self, form):
        return services.organisation_update(
            organisation=self.object,
            by=self.request.user,
            services=form.cleaned_data.get("services"),
            **_organisation_fields(form),
        )


class MembershipCreateView(ServiceSaveMixin, CreateView):
    def save_through_service(self, form):
        data = form.cleaned_data
        return services.membership_set(
            organisation=data["organisation"],
            user=data["user"],
            role=data["role"],
            is_active=data.get("is_active", True),
            by=self.request.user,
        )


class MembershipEditView(ServiceSaveMixin, EditView):
    def save_through_service(self, form):
        data = form.cleaned_data
        stored = Membership.objects.select_related("user", "organisation").get(pk=self.object.pk)
        if data["user"] != stored.user or data["organisation"] != stored.organisation:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("A membership keeps its person and organisation: remove it and add a new one.")]}
            )
        return services.membership_set(
            organisation=stored.organisation,
            user=stored.user,
            role=data["role"],
            is_active=data.get("is_active", True),
            by=self.request.user,
        )


def delete_through_services(request, instances):
    """`before_delete_snippet` hook: organisations and memberships (one or in bulk) are deleted by their
    services once confirmed (POST); refusals become messages."""
    instances = list(instances)
    if request.method != "POST" or not instances or not isinstance(instances[0], Organisation | Membership):
        return None
    deleted = 0
    for instance in instances:
        try:
            if isinstance(instance, Organisation):
                services.organisation_delete(organisation=instance, by=request.user)
            else:
                services.membership_remove(membership=instance, by=request.user)
        except REFUSALS as exc:
            messages.error(request, f"{instance}: {refusal_text(exc, str)}")
        else:
            deleted += 1
    if deleted:
        messages.success(request, _("Deleted: %(count)d.") % {"count": deleted})
    index = reverse(type(instances[0]).snippet_viewset.get_url_name("list"))
    return redirect(get_valid_next_url_from_request(request) or index)
