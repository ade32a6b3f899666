"""The programme's valuation panel and its reports (docs/financing.md "Valuation standard"): platform people
admit appraisers to a programme's panel and end admissions; a panel appraiser's member records a report; the
application's `value` action records a new report or reuses a valid one (financing/services/applications.py).
Admissions and their end are recorded on the appraiser's organisation history."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from ipmarket.accounts import policies as people
from ipmarket.accounts.models import Organisation, OrganisationEvent, User
from ipmarket.core import money as platform_money
from ipmarket.core.errors import GuardFailed
from ipmarket.core.services import refuse_if

from .. import valuations as rules
from ..models import PanelAppraiser, Programme, ValuationReport, ValuationReportAsset


def _require_platform(by: User) -> None:
    if not people.is_platform_staff(by):
        raise PermissionDenied(_("Only platform people admit appraisers to a programme's panel."))


def _record(appraiser: Organisation, by: User, action: str, before, after) -> None:
    OrganisationEvent.objects.create(
        organisation=appraiser,
        organisation_name=appraiser.name,
        actor=by,
        actor_name=by.get_username(),
        action=action,
        before=before,
        after=after,
    )


def _admission(admission: PanelAppraiser) -> dict:
    return {
        "programme": admission.programme_id,
        "qualification": admission.qualification,
        "certificate_number": admission.certificate_number,
        "valid_from": admission.valid_from.isoformat(),
        "valid_until": admission.valid_until.isoformat(),
    }


def _overlap_refusal(programme: Programme, appraiser: Organisation, span, exclude=None) -> GuardFailed | None:
    others = PanelAppraiser.objects.filter(programme=programme, appraiser=appraiser).exclude(pk=exclude)
    for other in others:
        if rules.overlaps(span, (other.valid_from, other.valid_until)):
            return GuardFailed(
                "panel_admission_overlaps",
                _("%(appraiser)s is already admitted from %(start)s to %(end)s.")
                % {"appraiser": appraiser, "start": other.valid_from, "end": other.valid_until},
            )
    return None


@transaction.atomic
def panel_admit(
    *,
    by: User,
    programme: Programme,
    appraiser: Organisation,
    qualification: str,
    valid_from: date,
    valid_until: date,
    certificate_number: str = "",
) -> PanelAppraiser:
    """Platform people admit an appraisal firm to the programme's panel for a span of days (closed), with its
    qualification; never two admissions of one firm to one programme sharing a day."""
    _require_platform(by)
    Programme.objects.select_for_update().get(pk=programme.pk)  # admissions of one programme, one at a time
    if appraiser.kind != Organisation.Kind.APPRAISER:
        raise GuardFailed("not_appraiser", _("Only appraisal firms are admitted to the valuation panel."))
    if not (qualification or "").strip():
        raise ValidationError({"qualification": [_("State the appraiser's qualification.")]})
    refuse_if(rules.admission_dates_refusal(valid_from, valid_until))
    refuse_if(_overlap_refusal(programme, appraiser, (valid_from, valid_until)))
    admission = PanelAppraiser(
        programme=programme,
        appraiser=appraiser,
        qualification=qualification.strip(),
        certificate_number=(certificate_number or "").strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        admitted_by=by,
    )
    admission.full_clean()
    admission.save()
    _record(appraiser, by, "panel_admitted", None, _admission(admission))
    return admission


@transaction.atomic
def panel_end(*, by: User, admission: PanelAppraiser, last_day: date | None = None) -> PanelAppraiser:
    """End an admission early: `last_day` (yesterday when not given) becomes its last day. It may not lengthen
    the admission nor end it before it started."""
    _require_platform(by)
    admission = PanelAppraiser.objects.select_for_update().select_related("appraiser").get(pk=admission.pk)
    last_day = last_day or timezone.localdate() - timedelta(days=1)
    if last_day >= admission.valid_until:
        raise GuardFailed(
            "panel_end_not_earlier",
            _("The admission already ends on %(date)s: an early end is before that.") % {"date": admission.valid_until},
        )
    if last_day < admission.valid_from:
        raise GuardFailed(
            "panel_end_before_start",
            _("The admission starts on %(date)s: it cannot end before.") % {"date": admission.valid_from},
        )
    before = _admission(admission)
    admission.valid_until = last_day
    admission.save(update_fields=["valid_until"])
    _record(admission.appraiser, by, "panel_ended", before, _admission(admission))
    return admission


def _appraiser_for(by: User, appraiser: Organisation | None) -> Organisation:
    ids = people.organisation_ids(by, kinds=[Organisation.Kind.APPRAISER])
    if appraiser is None:
        if len(ids) != 1:
            raise GuardFailed(
                "appraiser_required",
                _("Say which of your appraisal firms made the report.") if ids else _("Only appraisers make reports."),
            )
        return Organisation.objects.get(pk=next(iter(ids)))
    if appraiser.pk not in ids:
        raise PermissionDenied(_("You record reports only for an appraisal firm you belong to."))
    return appraiser


def _cny(amount) -> Money:
    try:
        return platform_money.money(amount)
    except platform_money.CurrencyError:
        raise GuardFailed("currency", _("Amounts are in CNY.")) from None


def create_report(
    *,
    by: User,
    programme: Programme,
    appraiser: Organisation,
    assets: list,
    method: str,
    value,
    value_date: date,
    valid_until: date | None = None,
    parameters: dict | None = None,
    reference: str = "",
    standard: str | None = None,
    today: date | None = None,
) -> ValuationReport:
    """A report of a panel appraiser (checked by the caller: membership) on `assets`, a list of (asset, value
    or None). Every rule of the standard but the caller's membership is checked here."""
    today = today or timezone.localdate()
    if not rules.on_panel(programme.pk, appraiser.pk, today):
        raise rules.not_on_panel()
    if method not in ValuationReport.Method.values:
        raise ValidationError({"method": [_("The method is income, market or cost.")]})
    total = _cny(value)
    refuse_if(rules.value_refusal(total.amount))
    if value_date > today:  # before a year is added to it (9999-12-31 has no year after it)
        refuse_if(rules.dates_refusal(value_date, value_date, today))
    valid_until = valid_until or rules.default_valid_until(value_date)
    refuse_if(rules.dates_refusal(value_date, valid_until, today))
    parameters = {} if parameters is None else parameters
    refuse_if(rules.parameters_refusal(parameters))
    if standard not in (None, "", rules.STANDARD_VERSION):
        raise GuardFailed(
            "standard_unknown",
            _("Reports are made under the standard %(version)s.") % {"version": rules.STANDARD_VERSION},
        )
    seen: dict[rules.Key, tuple] = {}
    for asset, part in assets:
        key = (asset.asset_type, asset.pk)
        if key in seen:
            raise GuardFailed("duplicate_asset", _("%(asset)s is named twice.") % {"asset": asset})
        seen[key] = (asset, None if part is None else Decimal(part))
    if not seen:
        raise ValidationError({"assets": [_("Name at least one patent or trademark.")]})
    refuse_if(rules.asset_values_refusal([part for _asset, part in seen.values()], total.amount))
    report = ValuationReport(
        programme=programme,
        appraiser=appraiser,
        method=method,
        parameters=parameters,
        value=total,
        value_date=value_date,
        valid_until=valid_until,
        standard=rules.STANDARD_VERSION,
        reference=(reference or "").strip(),
        created_by=by,
    )
    report.full_clean()
    report.save()
    ValuationReportAsset.objects.bulk_create(
        ValuationReportAsset(report=report, value=part, **{asset.asset_type: asset}) for asset, part in seen.values()
    )
    return report


@transaction.atomic
def valuation_create(*, by: User, programme: Programme, assets: list, appraiser: Organisation | None = None, **fields):
    """A member of a panel appraiser records a report (`assets`: (asset, value or None) pairs)."""
    appraiser = _appraiser_for(by, appraiser)
    return create_report(by=by, programme=programme, appraiser=appraiser, assets=assets, **fields)
