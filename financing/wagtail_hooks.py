"""Wagtail admin: platform people edit programme settings; applications are listed for support."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ipmarket.admin_policies import ViewOnlyPolicy

from .models import Application, Programme


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "cogs"
    list_display = ["name", "slug", "risk_fund", "is_active", "max_principal", "max_annual_rate"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    search_backend_name = None
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug"), FieldPanel("description"),
                FieldPanel("risk_fund"), FieldPanel("eligible_cities"), FieldPanel("is_active"),
            ],
            heading=_("Programme"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("max_principal"), FieldPanel("max_term_months")]),
                FieldRowPanel([FieldPanel("max_annual_rate"), FieldPanel("penalty_rate_markup")]),
                FieldRowPanel([FieldPanel("premium_rate_cap"), FieldPanel("premium_subsidy_ratio"),
                               FieldPanel("interest_subsidy_rate")]),
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
                FieldRowPanel([FieldPanel("overdue_grace_days"), FieldPanel("default_after_days"),
                               FieldPanel("claim_deadline_working_days")]),
            ],
            heading=_("Overdue, default and claims"),
        ),
    ]  # fmt: skip


register_permission_policy(Application, ViewOnlyPolicy(Application))


class ApplicationViewSet(SnippetViewSet):
    model = Application
    icon = "doc-full"
    list_display = ["__str__", "programme", "state", "principal", "updated_at"]
    list_filter = ["state", "programme", "method"]
    search_fields = ["applicant__name", "lender__name", "registration_number"]
    search_backend_name = None
    ordering = ["-updated_at"]
    inspect_view_enabled = True


class FinancingGroup(SnippetViewSetGroup):
    menu_label = _("Pledge financing")
    menu_icon = "cogs"
    menu_order = 230
    items = (ProgrammeViewSet, ApplicationViewSet)


register_snippet(FinancingGroup)
