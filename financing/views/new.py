"""A new application, with a live quote of the repayment schedule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ipmarket.accounts.models import Organisation
from ipmarket.accounts.selectors import organisations_of, organisations_visible_to
from ipmarket.errors import GuardFailed
from ipmarket.formats import cny

from .. import money, selectors, services
from ..forms import ApplicationForm, QuoteForm, fraction, percent, pledgeable_assets
from ..models import Application
from .common import REFUSALS, error_text, programme_name


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


@login_required
def application_new(request):
    user = request.user
    enterprises = organisations_of(user).filter(kind=Organisation.Kind.ENTERPRISE).order_by("name")
    if not enterprises:
        return render(request, "financing/not_enterprise.html", status=403)
    kwargs = _form_kwargs(user, enterprises)
    quote, quote_errors, status = None, None, 200
    if request.method == "POST" and "preview" in request.POST:
        # "Show the schedule" (without JavaScript): the form comes back as typed, with the schedule.
        initial = {name: request.POST[name] for name in ApplicationForm.base_fields if name in request.POST}
        initial["assets"] = request.POST.getlist("assets")
        form = ApplicationForm(initial=initial, **kwargs)
        quote_form = QuoteForm(request.POST)
        if quote_form.is_valid():
            quote = _quote(quote_form.cleaned_data)
        if quote is None:
            quote_errors = [
                f"{quote_form.fields[name].label}: {' '.join(errors)}" for name, errors in quote_form.errors.items()
            ] or [_("These numbers give no schedule.")]
    elif request.method == "POST":
        form = ApplicationForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                app = _create(user, form)
            except REFUSALS as exc:
                _show_refusal(form, exc)
            else:
                messages.success(request, _("Your draft application is saved. Check it, then submit it."))
                return redirect("financing-application", app.pk)
        status = 400
    else:
        initial = {"method": Application.Method.EQUAL_INSTALMENT}
        if request.GET.get("applicant") in {str(e.pk) for e in enterprises}:
            initial["applicant"] = request.GET["applicant"]
        form = ApplicationForm(initial=initial, **kwargs)
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
        },
        status=status,
    )
