"""Reads of pledge financing, filtered by the caller's organisations: an application is seen by its
parties only (the borrower always; the bank, insurer, appraiser and fund once it is submitted) and
by platform people. Anyone else gets 404."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from ipmarket.accounts import policies

from .models import Application, Event, Programme


def programmes_visible_to(user) -> QuerySet[Programme]:
    return Programme.objects.select_related("risk_fund").order_by("name")


def applications_visible_to(user) -> QuerySet[Application]:
    qs = Application.objects.select_related(
        "programme", "programme__risk_fund", "applicant", "lender", "insurer", "appraiser"
    ).prefetch_related("assets__patent", "assets__trademark")
    ids = policies.organisation_ids(user)
    # Submitted at least once: a draft withdrawn before it was ever submitted stays the borrower's alone.
    ever_submitted = Exists(Event.objects.filter(application=OuterRef("pk"), action="submit"))
    submitted = ~Q(state=Application.State.DRAFT) & (~Q(state=Application.State.WITHDRAWN) | ever_submitted)
    if policies.is_platform_staff(user):
        return qs.filter(submitted | Q(applicant_id__in=ids))
    if not ids:
        return qs.none()
    return qs.filter(
        Q(applicant_id__in=ids)
        | (
            submitted
            & (
                Q(lender_id__in=ids)
                | Q(insurer_id__in=ids)
                | Q(appraiser_id__in=ids)
                | Q(programme__risk_fund_id__in=ids)
            )
        )
    )
