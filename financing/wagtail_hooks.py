"""Wagtail admin: platform people edit programme settings (through `programme_create`/`programme_update`,
so `Programme.clean` and the platform check apply as everywhere); applications are listed for support, each
person seeing exactly what the API shows them (`selectors.applications_visible_to`)."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ipmarket.core.admin import ServiceSaveMixin, ViewOnlyPolicy

from . import selectors, services
from .models import Application, PanelAppraiser, Programme
from .services.programmes import SETTINGS

# --- programmes: saved by the services ------------------------------------------------------------------------


class ThroughServiceMixin(ServiceSaveMixin):
    """The snippet's create/edit views call programme_create/programme_update instead of saving the form;
    a refusal is a form error."""

    def save_through_service(self, form):
        fields = {name: value for name, value in form.cleaned_data.items() if name in SETTINGS}
        if self.view_name == "create":
            return services.programme_create(by=self.request.user, **fields)
        return services.programme_update(programme=self.object, by=self.request.user, **fields)


class ProgrammeCreateView(ThroughServiceMixin, snippet_views.CreateView):
    pass


class ProgrammeEditView(ThroughServiceMixin, snippet_views.EditView):
    pass


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "cogs"
    add_view_class = ProgrammeCreateView
    edit_view_class = ProgrammeEditView
    copy_view_enabled = False
    list_display = ["name", "slug", "risk_fund", "is_active", "max_principal", "max_annual_rate"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    search_backend_name = None

    def get_queryset(self, request):
        return Programme.objects.select_related("risk_fund")  # the list shows each fund: not one query per row

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("name_en"),
                FieldPanel("slug"),
                FieldPanel("description"),
                FieldPanel("risk_fund"),
                FieldPanel("eligible_cities"),
                FieldPanel("is_active"),
            ],
            heading=_("Programme"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("max_principal"), FieldPanel("max_term_months")]),
                FieldRowPanel([FieldPanel("max_annual_rate"), FieldPanel("penalty_rate_markup")]),
                FieldRowPanel(
                    [
                        FieldPanel("premium_rate_cap"),
                        FieldPanel("premium_subsidy_ratio"),
                        FieldPanel("interest_subsidy_rate"),
                    ]
                ),
            ],
            heading=_("Loan limits and subsidies"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("ltv_invention"), FieldPanel("ltv_utility_model")]),
                FieldRowPanel([FieldPanel("ltv_design"), FieldPanel("ltv_trademark")]),
            ],
            heading=_("Loan-to-value caps"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("fund_ratio"), FieldPanel("insurer_ratio")]),
                FieldRowPanel([FieldPanel("fund_cap_per_loan"), FieldPanel("insurer_policy_limit")]),
                FieldRowPanel([FieldPanel("pool_balance"), FieldPanel("pool_leverage")]),
            ],
            heading=_("Loss sharing and the pool"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("overdue_grace_days"),
                        FieldPanel("default_after_days"),
                        FieldPanel("claim_deadline_working_days"),
                    ]
                ),
            ],
            heading=_("Overdue, default and claims"),
        ),
    ]


# --- applications: what the selector shows the person ------------------------------------------------------

register_permission_policy(Application, ViewOnlyPolicy(Application))


def _visible(request):
    return selectors.applications_visible_to(request.user)


class VisibleObjectMixin:
    """One application, looked up among those the person may see (404 otherwise)."""

    def get_object(self, queryset=None):
        return get_object_or_404(_visible(self.request), pk=unquote(str(self.pk)))


class ApplicationInspectView(VisibleObjectMixin, snippet_views.InspectView):
    pass


class ApplicationHistoryView(snippet_views.HistoryView):
    def get_base_object_queryset(self):
        return _visible(self.request)


class VisibleChoicesMixin:
    def get_object_list(self):
        return _visible(self.request)


class ApplicationChooseView(VisibleChoicesMixin, chooser_views.ChooseView):
    pass


class ApplicationChooseResultsView(VisibleChoicesMixin, chooser_views.ChooseResultsView):
    pass


class ApplicationChosenView(chooser_views.SnippetChosenView):
    def get_object(self, pk):
        return _visible(self.request).get(pk=pk)


class ApplicationChosenMultipleView(chooser_views.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return _visible(self.request).filter(pk__in=pks)


class ApplicationChooserViewSet(chooser_views.SnippetChooserViewSet):
    choose_view_class = ApplicationChooseView
    choose_results_view_class = ApplicationChooseResultsView
    chosen_view_class = ApplicationChosenView
    chosen_multiple_view_class = ApplicationChosenMultipleView


class ApplicationViewSet(SnippetViewSet):
    model = Application
    icon = "doc-full"
    list_display = ["__str__", "programme", "state", "principal", "updated_at"]
    list_filter = ["state", "programme", "method"]
    search_fields = ["applicant__name", "lender__name", "registration_number"]
    search_backend_name = None
    ordering = ["-updated_at"]
    inspect_view_enabled = True
    inspect_view_class = ApplicationInspectView
    history_view_class = ApplicationHistoryView
    chooser_viewset_class = ApplicationChooserViewSet

    def get_queryset(self, request):
        return _visible(request)


# --- the valuation panel: admitted and ended through the services ----------------------------------------------


class NoDeletePolicy(ModelPermissionPolicy):
    """An admission is never deleted (it is history): it is ended early."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(PanelAppraiser, NoDeletePolicy(PanelAppraiser))


class PanelThroughServiceMixin(ServiceSaveMixin):
    """Admitting calls `panel_admit`; editing an admission only ends it early (`panel_end`, its last day)."""

    def save_through_service(self, form):
        data = form.cleaned_data
        if self.view_name == "create":
            fields = ("programme", "appraiser", "qualification", "certificate_number", "valid_from", "valid_until")
            return services.panel_admit(by=self.request.user, **{name: data[name] for name in fields})
        if set(form.changed_data) - {"valid_until"}:
            raise ValidationError(_("An admission is not changed: only its last day is brought forward."))
        stored = PanelAppraiser.objects.get(pk=self.object.pk)
        return services.panel_end(by=self.request.user, admission=stored, last_day=data["valid_until"])


class PanelCreateView(PanelThroughServiceMixin, snippet_views.CreateView):
    pass


class PanelEditView(PanelThroughServiceMixin, snippet_views.EditView):
    pass


class PanelAppraiserViewSet(SnippetViewSet):
    model = PanelAppraiser
    icon = "group"
    menu_label = _("Valuation panel")
    add_view_class = PanelCreateView
    edit_view_class = PanelEditView
    copy_view_enabled = False
    list_display = ["appraiser", "programme", "qualification", "valid_from", "valid_until"]
    list_filter = ["programme"]
    search_fields = ["appraiser__name", "qualification", "certificate_number"]
    search_backend_name = None
    panels = [
        FieldPanel("programme"),
        FieldPanel("appraiser"),
        FieldPanel("qualification"),
        FieldPanel("certificate_number"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
    ]

    def get_queryset(self, request):
        return PanelAppraiser.objects.select_related("programme", "appraiser")


class FinancingGroup(SnippetViewSetGroup):
    menu_label = _("Pledge financing")
    menu_icon = "cogs"
    menu_order = 230
    items = (ProgrammeViewSet, ApplicationViewSet, PanelAppraiserViewSet)


register_snippet(FinancingGroup)
