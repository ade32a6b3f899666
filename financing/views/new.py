"""A new application, and changes to a draft or returned one, with a live quote of the repayment schedule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ipmarket.accounts import policies as people
from ipmarket.accounts.models import Organisation
from ipmarket.accounts.selectors import organisations_of, organisations_visible_to
from ipmarket.core.errors import REFUSALS, GuardFailed
from ipmarket.core.money import cny, percent

from .. import money, selectors, services
from ..forms import ApplicationForm, QuoteForm, asset_key, fraction, pledgeable_assets
from ..models import Application
from .common import error_text, programme_name


def _form_kwargs(user, enterprises) -> dict:
    orgs = organisations_visible_to(user).order_by("city", "name")
    return {
        "enterprises": enterprises,
        "programmes": selectors.programmes_visible_to(user).filter(is_active=True),
        "assets": pledgeable_assets([e.pk for e in enterprises]),
        "banks": orgs.filter(kind=Organisation.Kind.BANK),
        "insurers": orgs.filter(kind=Organisation.Kind.INSURER),
        "appraisers": orgs.filter(kind=Organisation.Kind.APPRAISER),
    }


GUARD_FIELDS = {  # where a refusal of the new application is shown in the form
    "principal_above_programme_max": "principal",
    "principal_required": "principal",
    "term_too_long": "term_months",
    "rate_above_cap": "annual_rate",
    "not_owner": "assets",
    "no_assets": "assets",
    "not_eligible": "programme",
    "programme_closed": "programme",
    "applicant_required": "applicant",
}


def _show_refusal(form, exc) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, GuardFailed):
        form.add_error(GUARD_FIELDS.get(exc.code), exc.reason)
    else:
        form.add_error(None, error_text(exc))


def _create(user, form) -> Application:
    return services.application_create(by=user, **form.service_kwargs())


def _quote(data) -> dict | None:
    try:
        periods = money.schedule(data["principal"], fraction(data["annual_rate"]), data["term_months"], data["method"])
    except ValueError:
        return None
    total_interest, total_payment = money.totals(periods)
    return {
        "rows": [
            {
                "period": p.period,
                "payment": cny(p.payment),
                "principal": cny(p.principal),
                "interest": cny(p.interest),
                "balance": cny(p.balance),
            }
            for p in periods
        ],
        "total_interest": cny(total_interest),
        "total_payment": cny(total_payment),
        "total_principal": cny(data["principal"]),
    }


def _initial_of(app: Application) -> dict:
    """The form's values from a saved application (rates back in percent)."""
    return {
        "applicant": app.applicant_id,
        "programme": app.programme_id,
        "assets": [asset_key(item.asset) for item in app.assets.select_related("patent", "trademark")],
        "principal": app.principal.amount,
        "annual_rate": app.annual_rate.scaleb(2).normalize(),
        "term_months": app.term_months,
        "method": app.method,
        "purpose": app.purpose,
        "lender": app.lender_id,
        "insurer": app.insurer_id,
        "appraiser": app.appraiser_id,
    }


def _update(user, app: Application, form) -> Application:
    data = form.service_kwargs()
    data.pop("applicant")
    data.pop("programme")  # the programme of an application does not change; a new one is a new application
    return services.application_update(application=app, by=user, **data)


@login_required
def application_new(request):
    user = request.user
    enterprises = organisations_of(user).filter(kind=Organisation.Kind.ENTERPRISE).order_by("name")
    if not enterprises:
        return render(request, "financing/not_enterprise.html", status=403)
    return _form_page(request, enterprises)


@login_required
def application_edit(request, pk):
    """The borrower changes a draft or a returned application; others who see it get its page back."""
    app = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    if not people.is_member(request.user, app.applicant):
        raise Http404
    if app.state not in Application.EDITABLE:
        messages.error(request, _("Only a draft or a returned application can be changed."))
        return redirect("financing-application", app.pk)
    return _form_page(request, Organisation.objects.filter(pk=app.applicant_id), app=app)


def _form_page(request, enterprises, app: Application | None = None):
    user = request.user
    kwargs = _form_kwargs(user, enterprises)
    if app is not None:  # the assets pledged on the draft stay choosable, and its programme even if closed since
        current = [item.asset for item in app.assets.select_related("patent__owner", "trademark__owner")]
        keys = {(a.asset_type, a.pk) for a in kwargs["assets"]}
        kwargs["assets"] = kwargs["assets"] + [a for a in current if (a.asset_type, a.pk) not in keys]
        kwargs["programmes"] = selectors.programmes_visible_to(user).filter(pk=app.programme_id)
    quote, quote_errors, status = None, None, 200
    if request.method == "POST" and "preview" in request.POST:
        # "Show the schedule" (without JavaScript): the form comes back as typed, with the schedule.
        initial = {name: request.POST[name] for name in ApplicationForm.base_fields if name in request.POST}
        initial["assets"] = request.POST.getlist("assets")
        if app is not None:
            initial.update(applicant=app.applicant_id, programme=app.programme_id)
        form = ApplicationForm(initial=initial, **kwargs)
        quote_form = QuoteForm(request.POST)
        if quote_form.is_valid():
            quote = _quote(quote_form.cleaned_data)
        if quote is None:
            quote_errors = [
                f"{quote_form.fields[name].label}: {' '.join(errors)}" for name, errors in quote_form.errors.items()
            ] or [_("These numbers give no schedule.")]
    elif request.method == "POST":
        data = request.POST
        if app is not None:  # borrower and programme are fixed: whatever was posted for them is ignored
            data = data.copy()
            data["applicant"], data["programme"] = str(app.applicant_id), str(app.programme_id)
        form = ApplicationForm(data, **kwargs)
        if form.is_valid():
            try:
                saved = _create(user, form) if app is None else _update(user, app, form)
            except REFUSALS as exc:
                _show_refusal(form, exc)
            else:
                if app is None:
                    messages.success(request, _("Your draft application is saved. Check it, then submit it."))
                else:
                    messages.success(request, _("Your changes are saved. Check them, then submit the application."))
                return redirect("financing-application", saved.pk)
        status = 400
    elif app is not None:
        form = ApplicationForm(initial=_initial_of(app), **kwargs)
    else:
        initial = {"method": Application.Method.EQUAL_INSTALMENT}
        if request.GET.get("applicant") in {str(e.pk) for e in enterprises}:
            initial["applicant"] = request.GET["applicant"]
        form = ApplicationForm(initial=initial, **kwargs)
    if app is not None:
        form.fields["applicant"].disabled = True
        form.fields["programme"].disabled = True
    programmes = list(kwargs["programmes"])
    for programme in programmes:
        programme.label = programme_name(programme)
        programme.limits = {
            "max_principal": cny(programme.max_principal),
            "max_rate": percent(programme.max_annual_rate),
            "ltv": [
                (_("Invention patents"), percent(programme.ltv_invention)),
                (_("Utility models"), percent(programme.ltv_utility_model)),
                (_("Designs"), percent(programme.ltv_design)),
                (_("Trademarks"), percent(programme.ltv_trademark)),
            ],
            "premium_cap": percent(programme.premium_rate_cap),
            "interest_subsidy": percent(programme.interest_subsidy_rate),
        }
    return render(
        request,
        "financing/application_new.html",
        {
            "form": form,
            "programmes": programmes,
            "quote": quote,
            "quote_errors": quote_errors,
            "no_assets": not form.fields["assets"].choices,
            "app": app,
        },
        status=status,
    )
