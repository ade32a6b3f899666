"""Reads of subsidies, filtered by the caller's organisations: the borrower sees its loans' subsidies, the
fund those of its programmes, platform staff all of them; anyone else (a bank, an insurer, the public) none,
and a subsidy they name answers 404."""

from django.db.models import Q, QuerySet

from ipmarket.accounts import policies

from .models import Subsidy, SubsidyEvent


def subsidies_visible_to(user) -> QuerySet[Subsidy]:
    qs = Subsidy.objects.select_related(
        "application", "application__applicant", "application__programme", "application__programme__risk_fund"
    )
    if policies.is_platform_staff(user):
        return qs
    ids = policies.organisation_ids(user)
    if not ids:
        return qs.none()
    return qs.filter(Q(application__applicant_id__in=ids) | Q(application__programme__risk_fund_id__in=ids))


def events_of(subsidy: Subsidy) -> QuerySet[SubsidyEvent]:
    return subsidy.events.select_related("actor")
