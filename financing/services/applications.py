"""From application to contract: create, submit, pre-screen, verify, value, approve, insure, file, sign,
register the pledge. Each action runs in `acting()` (lock, 409, 403), checks its guards, transitions."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from ipmarket.accounts import policies as people
from ipmarket.accounts.models import Organisation, User
from ipmarket.assets.services import asset_pledge
from ipmarket.core import limits
from ipmarket.core import money as platform_money
from ipmarket.core.errors import GuardFailed
from ipmarket.core.services import refuse_if

from .. import guards, money, workflow
from ..models import Application, ApplicationAsset, Programme, ValuationReport
from . import valuations as valuation_services
from .common import acting, lock_pledged_assets, record_event

# The borrower's fields. The IP share of the collateral is not among them: the bank sets it with its proposal.
EDITABLE_FIELDS = {"principal", "annual_rate", "term_months", "method", "purpose", "lender", "insurer", "appraiser"}


def _cny(amount) -> Money:
    """An amount given to a service (Money, Decimal, int or decimal string) in the platform's currency."""
    try:
        return platform_money.money(amount)
    except platform_money.CurrencyError:
        raise GuardFailed("currency", _("Amounts are in CNY.")) from None


def _applicant_for(by: User, applicant: Organisation | None) -> Organisation:
    enterprises = people.organisation_ids(by, kinds=[Organisation.Kind.ENTERPRISE])
    if applicant is None:
        if len(enterprises) != 1:
            raise GuardFailed(
                "applicant_required",
                _("Say which of your enterprises applies.") if enterprises else _("Only enterprises apply."),
            )
        return Organisation.objects.get(pk=next(iter(enterprises)))
    if applicant.pk not in enterprises:
        raise PermissionDenied(_("You apply only for an enterprise you belong to."))
    return applicant


def _set_assets(app: Application, assets) -> None:
    seen, items = set(), []
    for asset in assets:
        key = (asset.asset_type, asset.pk)
        if key in seen:
            continue
        seen.add(key)
        if asset.owner_id != app.applicant_id:
            raise GuardFailed("not_owner", _("%(asset)s is not owned by the borrowing enterprise.") % {"asset": asset})
        items.append(ApplicationAsset(application=app, **{asset.asset_type: asset}))
    if not items:
        raise ValidationError({"assets": [_("Pledge at least one patent or trademark.")]})
    app.assets.all().delete()
    ApplicationAsset.objects.bulk_create(items)


def _validate(app: Application) -> None:
    errors = {}
    if app.principal.amount <= 0:
        errors["principal"] = [_("Give a positive principal.")]
    if not 1 <= app.term_months <= 360:
        errors["term_months"] = [_("The term is 1 to 360 months.")]
    if errors:
        raise ValidationError(errors)
    app.full_clean(exclude=["state"])


@transaction.atomic
def application_create(
    *, by: User, programme: Programme, assets, applicant: Organisation | None = None, **fields
) -> Application:
    """A draft application by an enterprise's member, pledging the enterprise's own IP."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown application fields: {sorted(unknown)}")
    applicant = _applicant_for(by, applicant)
    if "principal" in fields:
        fields["principal"] = _cny(fields["principal"])
    app = Application(programme=programme, applicant=applicant, created_by=by, **fields)
    _validate(app)
    app.save()
    _set_assets(app, assets)
    # The draft is kept only if the programme would take it, so the borrower hears about a limit now.
    refuse_if(guards.eligibility_refusal(app))
    record_event(app, by=by, action="create", before="")
    return app


@transaction.atomic
def application_update(*, application: Application, by: User, assets=None, **fields) -> Application:
    """The borrower edits a draft or a returned application."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if not people.is_member(by, app.applicant):
        raise PermissionDenied(_("Only the borrowing enterprise edits its application."))
    if app.state not in Application.EDITABLE:
        raise GuardFailed("not_editable", _("Only a draft or a returned application can be edited."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    for name, value in fields.items():
        setattr(app, name, _cny(value) if name == "principal" else value)
    _validate(app)
    app.save()
    if assets is not None:
        _set_assets(app, assets)
    refuse_if(guards.eligibility_refusal(app))  # as on create: a change the programme would refuse is not kept
    record_event(app, by=by, action="edit", before=app.state)
    return app


def _clear_proposal(app: Application) -> None:
    """The terms a bank officer proposed no longer stand: the application changed or goes back for changes."""
    app.proposed_principal = app.proposed_rate = app.proposed_ip_share = app.proposed_by = None


@workflow.executes("submit")
def application_submit(*, application, by, note=""):
    with acting(application, by, "submit", note=note) as app:
        refuse_if(guards.eligibility_refusal(app))
        _clear_proposal(app)  # a resubmission is reviewed afresh
        app.submit()
    return app


@workflow.executes("prescreen")
def application_prescreen(*, application, by, note=""):
    with acting(application, by, "prescreen", note=note) as app:
        refuse_if(guards.eligibility_refusal(app))
        app.prescreen()
    return app


@workflow.executes("return")
def application_return(*, application, by, note=""):
    with acting(application, by, "return", note=note) as app:
        _clear_proposal(app)
        app.return_for_changes()
    return app


@workflow.executes("reject")
def application_reject(*, application, by, note=""):
    with acting(application, by, "reject", note=note) as app:
        if app.state == Application.State.CLAIM_SUBMITTED:
            app.reject_claim()
        else:
            app.reject()
    return app


@workflow.executes("withdraw")
def application_withdraw(*, application, by, note=""):
    with acting(application, by, "withdraw", note=note) as app:
        app.withdraw()
    return app


@workflow.executes("verify_ip")
def application_verify_ip(*, application, by, note=""):
    with acting(application, by, "verify_ip", note=note) as app:
        lock_pledged_assets(app)  # from now the asset is committed to the pledge: no transfer of it may be under way
        refuse_if(guards.verify_ip_refusal(app, timezone.localdate()))
        app.verify_ip()
    return app


@workflow.executes("value")
def application_value(
    *,
    application,
    by,
    valuation=None,
    appraised_value=None,
    report_date=None,
    asset_values=None,
    method=None,
    parameters=None,
    reference="",
    valid_until=None,
    note="",
):
    """The appraiser's value of the pledged IP under the valuation standard, either

    - reusing a valid panel report (`valuation`: its id) of the application's appraiser on exactly the pledged
      assets — the appraiser's action is its confirmation that the report still stands (written in the event's
      note); no new upload is needed; or
    - recording a new panel report: the value (in total, optionally per asset), the date of a valuation report
      uploaded (the latest when not given; at most 12 months old), the method (`market` when not given), key
      parameters, report number, last valid day (a year on by default). Refused unless the appraiser is on
      the programme's panel today.
    """
    if valuation is not None:
        if appraised_value is not None or asset_values:
            raise ValidationError({"valuation": [_("Reuse a report or record a new value, not both.")]})
        return _value_by_reuse(application, by, valuation, note)
    if appraised_value is None:
        raise ValidationError({"appraised_value": [_("Give the appraised value, or a valid report to reuse.")]})
    with acting(application, by, "value", note=note) as app:
        today = timezone.localdate()
        if report_date is None:
            latest = app.documents.filter(kind="valuation_report").exclude(report_date=None).order_by("-report_date")
            report_date = latest.values_list("report_date", flat=True).first()
        refuse_if(guards.valuation_refusal(app, report_date, today))
        total = _cny(appraised_value)
        if total.amount <= 0:
            raise GuardFailed("value_required", _("Give a positive appraised value."))
        items = {(i.asset.asset_type, i.asset.pk): i for i in guards.asset_items(app)}
        given = None
        if asset_values:
            given = {(v["type"], int(v["id"])): Decimal(v["appraised_value"]) for v in asset_values}
            if set(given) != set(items) or sum(given.values()) != total.amount:
                raise GuardFailed(
                    "asset_values_mismatch",
                    _("Give a value for each pledged asset, adding up to the appraised value."),
                )
        report = valuation_services.create_report(
            by=by,
            programme=app.programme,
            appraiser=app.appraiser,
            assets=[(item.asset, given[key] if given else None) for key, item in items.items()],
            method=method or ValuationReport.Method.MARKET,
            value=total,
            value_date=report_date,
            valid_until=valid_until,
            parameters=parameters,
            reference=reference,
            today=today,
        )
        _take_valuation(app, report, {key: given[key] for key in items} if given else None)
        app.value()
    return app


def _take_valuation(app: Application, report: ValuationReport, parts: dict | None) -> None:
    """The application's value is the report's: in total and per asset (one asset: its value is the total;
    several without values each: none of an earlier valuation stays)."""
    items = {(i.asset.asset_type, i.asset.pk): i for i in guards.asset_items(app)}
    only = len(items) == 1
    for key, item in items.items():
        item.appraised_value = parts[key] if parts else (report.value.amount if only else None)
        item.save(update_fields=["appraised_value"])
    app.appraised_value, app.valuation_report_date, app.valuation = report.value, report.value_date, report


def _value_by_reuse(application, by, valuation, note: str):
    report_id = valuation.pk if isinstance(valuation, ValuationReport) else valuation
    confirmation = _("The appraiser confirms that panel valuation report #%(id)s still stands and reuses it.") % {
        "id": report_id
    }
    note = f"{confirmation} {note}".strip()[: limits.NOTE]
    with acting(application, by, "value", note=note) as app:
        today = timezone.localdate()
        report = (
            ValuationReport.objects.filter(pk=report_id, appraiser_id__in=people.organisation_ids(by))
            .prefetch_related("assets")
            .first()
        )
        refuse_if(guards.reuse_refusal(app, report, today))
        parts = {
            ("patent", a.patent_id) if a.patent_id else ("trademark", a.trademark_id): a.value
            for a in report.assets.all()
        }
        _take_valuation(app, report, parts if all(v is not None for v in parts.values()) else None)
        app.value()
    return app


def _ip_share(value) -> Decimal:
    share = Decimal("1") if value is None else Decimal(value)
    if not share.is_finite() or not Decimal("0") < share <= Decimal("1") or share.as_tuple().exponent < -4:
        raise ValidationError({"ip_share": [_("The IP share of the collateral is more than 0 and at most 1.")]})
    return share


@workflow.executes("bank_propose")
def application_bank_propose(*, application, by, principal, annual_rate, ip_share=None, note=""):
    """A bank officer proposes the loan — principal, rate and the IP share of the collateral (1 when not
    given) — replacing any earlier proposal; a different approver decides."""
    with acting(application, by, "bank_propose", note=note) as app:
        principal, annual_rate, ip_share = _cny(principal), Decimal(annual_rate), _ip_share(ip_share)
        refuse_if(guards.loan_terms_refusal(app, principal.amount, annual_rate))
        app.proposed_principal, app.proposed_rate, app.proposed_ip_share = principal, annual_rate, ip_share
        app.proposed_by = by
    return app


@workflow.executes("bank_approve")
def application_bank_approve(*, application, by, principal, annual_rate, ip_share=None, note=""):
    """An approver decides on the terms it saw (compare-and-set): the principal, the rate and the IP share (1
    when not sent, as in a proposal) must be the current proposal, else nothing is approved (409
    `proposal_changed`). The programme's loss-sharing terms are frozen on the loan from now."""
    with acting(application, by, "bank_approve", note=note) as app:
        if principal is None or annual_rate is None:
            refuse_if(guards.approval_refusal(app, by))  # one who may not approve hears why first
            raise ValidationError(
                {"principal": [_("Send the terms you approve, as the proposal shows them.")]}
                if principal is None
                else {"annual_rate": [_("Send the terms you approve, as the proposal shows them.")]}
            )
        terms = (_cny(principal).amount, Decimal(annual_rate), None if ip_share is None else Decimal(ip_share))
        refuse_if(guards.approval_refusal(app, by, terms=terms))
        app.approved_principal, app.approved_rate, app.approved_by = app.proposed_principal, app.proposed_rate, by
        app.ip_share = app.proposed_ip_share if app.proposed_ip_share is not None else app.ip_share
        programme = app.programme
        app.fund_ratio, app.insurer_ratio = programme.fund_ratio, programme.insurer_ratio
        app.fund_cap_per_loan, app.programme_policy_limit = programme.fund_cap_per_loan, programme.insurer_policy_limit
        app.bank_approve()
    return app


@workflow.executes("underwrite")
def application_underwrite(*, application, by, premium_rate, policy_limit=None, note=""):
    """The insurer's premium (up to the programme's cap) and policy limit (by default the programme's, frozen at
    approval; never below what the programme promises of the insurer's share)."""
    with acting(application, by, "underwrite", note=note) as app:
        premium_rate = Decimal(premium_rate)
        refuse_if(guards.premium_refusal(app, premium_rate))
        if policy_limit is None:
            limit = guards.loss_terms(app)["programme_policy_limit"]
        else:
            limit = _cny(policy_limit).amount
        refuse_if(guards.policy_limit_refusal(app, limit))
        years = Decimal(app.term_months) / Decimal(12)
        app.premium_rate = premium_rate
        app.premium = _cny(money.round_cents(app.approved_principal.amount * premium_rate * years))
        app.policy_limit = _cny(limit) if limit is not None else None
        app.underwrite()
    return app


@workflow.executes("fund_file")
def application_fund_file(*, application, by, note=""):
    """The fund files the loan against its pool. The programme row is locked first, so concurrent
    filings are checked one after the other and can never over-commit the pool."""
    with acting(application, by, "fund_file", note=note, with_programme=True) as app:
        refuse_if(guards.headroom_refusal(app))
        app.covered_principal = app.approved_principal
        app.fund_file()
    return app


@workflow.executes("sign_contract")
def application_sign_contract(*, application, by, note=""):
    with acting(application, by, "sign_contract", note=note) as app:
        app.sign_contract()
    return app


@workflow.executes("register_pledge")
def application_register_pledge(*, application, by, registration_number, note=""):
    """The CNIPA pledge registration: from now the assets are locked (`pledged`)."""
    with acting(application, by, "register_pledge", note=note) as app:
        refuse_if(guards.registration_refusal(registration_number))
        lock_pledged_assets(app)
        refuse_if(guards.ownership_refusal(app))  # the borrower may have assigned an asset since verify_ip
        for item in sorted(guards.asset_items(app), key=lambda i: (i.kind == "trademark", i.asset.pk)):
            try:
                asset_pledge(asset=item.asset, pledgee=app.lender)
            except ValidationError as exc:
                raise GuardFailed("already_pledged", " ".join(exc.messages)) from exc
        app.registration_number = registration_number.strip()
        app.register_pledge()
    return app
