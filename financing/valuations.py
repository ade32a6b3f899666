"""The shared valuation standard (docs/financing.md "Valuation standard"): the programme's appraiser panel and
the panel's valuation reports — the standard's version, a report's validity, when a report may be reused and
whether the loan-to-value check may use it.

The pure rules (dates, per-asset values, same assets) take plain values and are unit-tested without a
database (tests/financing/test_valuation_cases.py); the reads below them take the caller or an application."""

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ipmarket.accounts import policies
from ipmarket.core.errors import GuardFailed

from .models import Application, PanelAppraiser, ValuationReport

# The version of the shared cross-regional valuation standard a new report is made under: the one place it
# is written (a report keeps the version it was made under).
STANDARD_VERSION = "IPV-2026.1"
# A report is valid for one year from its value date: through the same calendar day a year later (so a
# report is usable exactly as long as the workflow's "dated within the last 12 months" allows).
VALIDITY = relativedelta(years=1)
# The appraiser (and the borrower of an application in progress that uses the report) is reminded this many
# days before the report's last valid day.
REMINDER_DAYS = 30
MAX_PARAMETERS_CHARS = 4000
REFERENCE_MAX = 64

Key = tuple[str, int]  # ("patent" | "trademark", id)


# --- pure rules ------------------------------------------------------------------------------------------------


def default_valid_until(value_date: date) -> date:
    """A report's last valid day when the appraiser names none: its value date a year on."""
    return value_date + VALIDITY


def dates_refusal(value_date: date, valid_until: date, today: date) -> GuardFailed | None:
    """A new report: valued on a day not in the future, valid from then for at most one year, and still
    valid today."""
    if value_date > today:
        return GuardFailed("value_date_in_future", _("The value date may not be in the future."))
    if valid_until < value_date:
        return GuardFailed("valid_until_before_value_date", _("A report is valid from its value date on."))
    if valid_until > default_valid_until(value_date):
        return GuardFailed(
            "validity_too_long",
            _("A report is valid for at most one year: until %(date)s at the latest.")
            % {"date": default_valid_until(value_date).isoformat()},
        )
    if valid_until < today:
        return GuardFailed("valuation_expired", _("The report would have expired on %(date)s.") % {"date": valid_until})
    return None


def asset_values_refusal(values: list[Decimal | None], total: Decimal) -> GuardFailed | None:
    """Per-asset values are given for every asset or for none; given, each is positive and they add up to the
    report's value."""
    given = [v for v in values if v is not None]
    if not given:
        return None
    if len(given) != len(values) or any(v <= 0 for v in given) or sum(given, Decimal("0")) != total:
        return GuardFailed(
            "asset_values_mismatch", _("Give a value for each asset of the report, adding up to the appraised value.")
        )
    return None


def value_refusal(value: Decimal) -> GuardFailed | None:
    if not value.is_finite() or value <= 0:
        return GuardFailed("value_required", _("Give a positive appraised value."))
    return None


def parameters_refusal(parameters) -> GuardFailed | None:
    """The key parameters are an object of at most MAX_PARAMETERS_CHARS characters as JSON."""
    if not isinstance(parameters, dict):
        return GuardFailed("parameters_invalid", _("The key parameters are an object of names and values."))
    if len(json.dumps(parameters, ensure_ascii=False, default=str)) > MAX_PARAMETERS_CHARS:
        return GuardFailed(
            "parameters_invalid",
            _("The key parameters may take at most %(n)s characters.") % {"n": MAX_PARAMETERS_CHARS},
        )
    return None


def same_assets(first: Iterable[Key], second: Iterable[Key]) -> bool:
    return set(first) == set(second)


def admission_dates_refusal(valid_from: date, valid_until: date) -> GuardFailed | None:
    if valid_until < valid_from:
        return GuardFailed("panel_dates_unordered", _("An admission ends on or after the day it starts."))
    return None


def overlaps(first: tuple[date, date], second: tuple[date, date]) -> bool:
    """Two closed date ranges share a day."""
    return first[0] <= second[1] and second[0] <= first[1]


def report_validity_refusal(valid_until: date, today: date) -> GuardFailed | None:
    if valid_until < today:
        return GuardFailed(
            "valuation_expired",
            _("The valuation report expired on %(date)s: the appraiser values the IP again.") % {"date": valid_until},
        )
    return None


# --- reads -----------------------------------------------------------------------------------------------------


def admissions_on(day: date) -> Q:
    return Q(valid_from__lte=day, valid_until__gte=day)


def on_panel(programme_id: int, appraiser_id: int, day: date) -> bool:
    """The appraiser is on the programme's panel on `day`."""
    return PanelAppraiser.objects.filter(
        admissions_on(day), programme_id=programme_id, appraiser_id=appraiser_id
    ).exists()


def not_on_panel() -> GuardFailed:
    return GuardFailed("appraiser_not_on_panel", _("The appraiser is not on the programme's valuation panel today."))


def report_keys(report: ValuationReport) -> set[Key]:
    return {("patent", a.patent_id) if a.patent_id else ("trademark", a.trademark_id) for a in report.assets.all()}


def application_keys(app: Application) -> set[Key]:
    return {("patent", a.patent_id) if a.patent_id else ("trademark", a.trademark_id) for a in app.assets.all()}


def reports_visible_to(user) -> QuerySet[ValuationReport]:
    """Reports seen by the members of their appraiser; by platform people; and by the parties — borrower, bank,
    insurer, fund — of an application that uses the report. Anyone else: none (404)."""
    qs = ValuationReport.objects.select_related("programme", "appraiser").prefetch_related(
        "assets__patent", "assets__trademark"
    )
    if policies.is_platform_staff(user):
        return qs
    ids = policies.organisation_ids(user)
    if not ids:
        return qs.none()
    used = ValuationReport.objects.filter(
        Q(applications__applicant_id__in=ids)
        | Q(applications__lender_id__in=ids)
        | Q(applications__insurer_id__in=ids)
        | Q(applications__programme__risk_fund_id__in=ids)
    ).values("pk")
    return qs.filter(Q(appraiser_id__in=ids) | Q(pk__in=used))


def reusable_reports(app: Application, user, today: date) -> list[ValuationReport]:
    """The reports the person may reuse for the application today: of the application's appraiser (whose member
    the person is), of its programme, valid today, on exactly the pledged assets — while the appraiser is on
    the panel."""
    if app.appraiser_id not in policies.organisation_ids(user):
        return []
    if not on_panel(app.programme_id, app.appraiser_id, today):
        return []
    keys = application_keys(app)
    candidates = (
        ValuationReport.objects.filter(
            programme_id=app.programme_id, appraiser_id=app.appraiser_id, value_date__lte=today, valid_until__gte=today
        )
        .prefetch_related("assets")
        .order_by("-value_date", "-id")
    )
    return [r for r in candidates if same_assets(report_keys(r), keys)]


def panel_report_refusal(app: Application, today: date) -> GuardFailed | None:
    """The loan-to-value check counts only a valid panel report: the application's report is valid today and
    its appraiser is on the programme's panel today."""
    report = app.valuation
    if report is None:
        return GuardFailed(
            "valuation_required", _("The IP has no panel valuation report: the appraiser values it under the standard.")
        )
    if refusal := report_validity_refusal(report.valid_until, today):
        return refusal
    if not on_panel(app.programme_id, report.appraiser_id, today):
        return not_on_panel()
    return None
