"""Pages of the financing-demand registry (docs/registry.md, "Search and pages"):

- an enterprise's members: their demands (`registry-demands`), a new demand and changes to a draft or returned
  one, a demand's page with its history, the banks' interests (to choose one), the loan products it is
  eligible for, and the actions `workflow.allowed_actions` gives them;
- platform people: the review queue of submitted demands (oldest first), the demand's page with admit (into an
  open batch), return and reject, the registry batches with their counts and exports, and one batch;
- a bank's members: the registry search (search/demand_views.py: the search layer sits above this one) and a
  listed demand shown to their bank, with their bank's interest or the form to register it.

Thin: reads go through `selectors` (a demand the person may not see answers 404), changes through `services`;
a refusal is shown on the page, by field where it names one, never as an error page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from financing.forms import pledgeable_assets
from financing.models import PanelAppraiser
from financing.selectors import programmes_visible_to
from ipmarket.accounts import policies
from ipmarket.accounts.cities import city_label
from ipmarket.accounts.models import Organisation
from ipmarket.accounts.selectors import organisations_of
from ipmarket.core.errors import REFUSALS, GuardFailed, refusal_text
from ipmarket.core.money import cny, percent

from . import estimate, forms, selectors, services, workflow
from .models import Demand, DemandBatch, Interest

S = Demand.State
PAGE_SIZE = 20

# Where a service's refusal of the demand form is shown.
GUARD_FIELDS = {
    "amount_above_programme_max": "amount",
    "term_too_long": "term_months",
    "programme_closed": "programme",
    "not_owner": "assets",
    "asset_not_granted": "assets",
    "asset_not_registered": "assets",
    "already_pledged": "assets",
    "not_a_bank": "banks",
    "enterprise_required": "enterprise",
    "rate_above_cap": "indicative_rate",
    "batch_closed": "batch",
    "batch_programme": "batch",
    "note_required": "note",
    "insurer_required": "insurer",
    "appraiser_required": "appraiser",
    "wrong_party": None,
    "currency": None,
}


def state_label(state: str) -> str:
    return S(state).label if state in S.values else state


def error_text(exc) -> str:
    return refusal_text(exc, state_label)


def show_refusal(form, exc) -> None:
    """A service's refusal on the form: by field when it names one the form has, else above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    field = GUARD_FIELDS.get(exc.code) if isinstance(exc, GuardFailed) else None
    form.add_error(field if field in form.fields else None, error_text(exc))


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _name(obj) -> str:
    return obj.name_en if _english() and getattr(obj, "name_en", "") else obj.name


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _enterprises(user):
    return organisations_of(user).filter(kind=Organisation.Kind.ENTERPRISE).order_by("name")


def _refused(request, message: str):
    return render(request, "registry/refused.html", {"message": message}, status=403)


# --- the registry's entry -----------------------------------------------------------------------------


@login_required
def home(request):
    """Each person to their part of the registry."""
    user = request.user
    if policies.is_platform_staff(user):
        return redirect("registry-review")
    if _enterprises(user).exists():
        return redirect("registry-demands")
    if policies.organisation_ids(user, kinds=[Organisation.Kind.BANK]):
        return redirect("registry-search")
    return _refused(request, _("The registry is for enterprises seeking loans, banks and platform staff."))


# --- an enterprise's demands --------------------------------------------------------------------------


@login_required
def demand_list(request):
    enterprises = list(_enterprises(request.user))
    if not enterprises:
        return _refused(request, _("Only an enterprise's members file financing demands."))
    demands = (
        selectors.demands_visible_to(request.user)
        .filter(enterprise__in=enterprises)
        .annotate(interest_count=Count("interests", filter=~Q(interests__state=Interest.State.WITHDRAWN)))
        .order_by("-updated_at", "-pk")
    )
    page = _page(request, demands)
    for demand in page:
        demand.state_label = demand.get_state_display()
    return render(
        request,
        "registry/demand_list.html",
        {"page": page, "demands": list(page), "several": len(enterprises) > 1},
    )


def _form_kwargs(user, enterprises, demand=None) -> dict:
    programmes = programmes_visible_to(user).filter(is_active=True)
    today = timezone.localdate()
    # The enterprise's IP a demand may offer: granted or registered, in force, not pledged nor held by a pledge.
    assets = [
        a for a in pledgeable_assets([e.pk for e in enterprises]) if not services.asset_refusal(a, a.owner_id, today)
    ]
    if demand is not None:  # its programme even if closed since, its offered assets even if no longer eligible
        programmes = programmes_visible_to(user).filter(pk=demand.programme_id)
        keys = {(a.asset_type, a.pk) for a in assets}
        assets = assets + [i.asset for i in demand.assets.all() if (i.asset.asset_type, i.asset.pk) not in keys]
    banks = Organisation.objects.filter(kind=Organisation.Kind.BANK, is_active=True).order_by("city", "name")
    return {"enterprises": enterprises, "programmes": programmes, "assets": assets, "banks": banks}


@login_required
def demand_new(request):
    enterprises = _enterprises(request.user)
    if not enterprises:
        return _refused(request, _("Only an enterprise's members file financing demands."))
    return _form_page(request, enterprises)


@login_required
def demand_edit(request, pk):
    demand = selectors.demand_for(request.user, pk)
    if not workflow.is_enterprise_member(request.user, demand):
        raise Http404("No such demand.")
    if demand.state not in Demand.EDITABLE:
        messages.error(request, _("Only a draft or a returned demand can be changed."))
        return redirect("registry-demand", demand.pk)
    return _form_page(request, Organisation.objects.filter(pk=demand.enterprise_id), demand)


def _form_page(request, enterprises, demand: Demand | None = None):
    user = request.user
    kwargs = _form_kwargs(user, enterprises, demand)
    status = 200
    if request.method == "POST":
        data = request.POST
        if demand is not None:  # enterprise and programme are fixed: whatever was posted for them is ignored
            data = data.copy()
            data["enterprise"], data["programme"] = str(demand.enterprise_id), str(demand.programme_id)
        form = forms.DemandForm(data, **kwargs)
        if form.is_valid():
            values = form.service_kwargs()
            try:
                if demand is None:
                    saved = services.demand_create(by=user, **values)
                else:
                    values.pop("enterprise")
                    values.pop("programme")
                    saved = services.demand_update(demand=demand, by=user, **values)
            except REFUSALS as exc:
                show_refusal(form, exc)
            else:
                messages.success(
                    request,
                    _("Your demand is saved as a draft. Check it, then submit it to the registry.")
                    if demand is None
                    else _("Your changes are saved. Check them, then submit the demand."),
                )
                return redirect("registry-demand", saved.pk)
        status = 400
    elif demand is not None:
        form = forms.DemandForm(initial=forms.initial_of(demand), **kwargs)
    else:
        form = forms.DemandForm(**kwargs)
    if demand is not None:
        form.fields["enterprise"].disabled = True
        form.fields["programme"].disabled = True
    programmes = list(kwargs["programmes"])
    for programme in programmes:
        programme.label = _name(programme)
        programme.limits = {
            "max_principal": cny(programme.max_principal),
            "max_term": programme.max_term_months,
            "ltv": [
                (_("Invention patents"), percent(programme.ltv_invention)),
                (_("Utility models"), percent(programme.ltv_utility_model)),
                (_("Designs"), percent(programme.ltv_design)),
                (_("Trademarks"), percent(programme.ltv_trademark)),
            ],
        }
    return render(
        request,
        "registry/demand_form.html",
        {
            "form": form,
            "demand": demand,
            "programmes": programmes,
            "no_assets": not form.fields["assets"].choices,
        },
        status=status,
    )


# --- one demand ---------------------------------------------------------------------------------------


def _open_batches(demand: Demand):
    return DemandBatch.objects.filter(is_open=True, programme_id=demand.programme_id).order_by("-year", "-number")


def _choose_kwargs(demand: Demand) -> dict:
    today = timezone.localdate()
    panel = PanelAppraiser.objects.filter(
        programme_id=demand.programme_id, valid_from__lte=today, valid_until__gte=today
    ).values_list("appraiser_id", flat=True)
    appraisers = Organisation.objects.filter(kind=Organisation.Kind.APPRAISER, is_active=True)
    panel_ids = list(appraisers.filter(pk__in=panel).values_list("pk", flat=True))
    return {
        "insurers": Organisation.objects.filter(kind=Organisation.Kind.INSURER, is_active=True).order_by("name"),
        "appraisers": appraisers.order_by("name"),
        "preferred_appraiser": panel_ids[0] if len(panel_ids) == 1 else None,
    }


def _action_form(name: str, demand: Demand, data=None):
    """The form of an action on the demand's page, prefixed with the action (unique ids on the page)."""
    if name == "admit":
        return forms.AdmitForm(data, prefix=name, batches=_open_batches(demand))
    if name in ("return", "reject"):
        return forms.RequiredNoteForm(data, prefix=name)
    if name == "register_interest":
        return forms.InterestForm(data, prefix=name)
    return forms.NoteForm(data, prefix=name)


def _bank_ids(user) -> set[int]:
    return policies.organisation_ids(user, kinds=[Organisation.Kind.BANK])


def _sees_as_bank(user, demand: Demand) -> bool:
    """The person sees the demand because it is listed and shown to their bank (not as its enterprise or
    platform people)."""
    return not selectors.can_see_all_interests(user, demand) and bool(_bank_ids(user))


def _post(request, demand: Demand, bound: dict):
    """Run the posted action. Returns a redirect, or None after a refusal (shown on the page)."""
    user = request.user
    action = request.POST.get("action", "")
    if action == "choose":
        form = bound["choose"] = forms.ChooseForm(request.POST, prefix="choose", **_choose_kwargs(demand))
        form.posted_interest = request.POST.get("choose-interest", "")
        if not form.is_valid():
            messages.error(request, _("Choosing a bank needs the fields shown below."))
            return None
        interest = Interest.objects.filter(pk=form.cleaned_data["interest"], demand=demand).first()
        if interest is None:
            messages.error(request, _("That bank's interest is no longer open."))
            return None
        try:
            chosen = services.demand_choose(demand=demand, by=user, interest=interest, **form.service_kwargs())
        except REFUSALS as exc:
            show_refusal(form, exc)
            messages.error(request, error_text(exc))
            return None
        messages.success(request, str(workflow.ACTIONS["choose"].done))
        if chosen.application_id:
            return redirect("financing-application", chosen.application_id)
        return redirect("registry-demand", demand.pk)
    if action == "withdraw_interest":
        interest = Interest.objects.filter(pk=request.POST.get("interest", "0") or 0, demand=demand).first()
        if interest is None or interest.bank_id not in _bank_ids(user):
            messages.error(request, _("Your bank has no open interest in this demand."))
            return None
        try:
            services.interest_withdraw(interest=interest, by=user)
        except REFUSALS as exc:
            messages.error(request, error_text(exc))
            return None
        messages.success(request, _("Your bank's interest is withdrawn."))
        return redirect("registry-demand", demand.pk)
    if action == "register_interest":
        form = bound[action] = _action_form(action, demand, request.POST)
        if not form.is_valid():
            messages.error(request, _("Registering interest needs the fields shown below."))
            return None
        try:
            services.interest_register(demand=demand, by=user, **form.service_kwargs())
        except REFUSALS as exc:
            show_refusal(form, exc)
            messages.error(request, error_text(exc))
            return None
        messages.success(request, _("Your bank's interest is registered: the enterprise sees it now."))
        return redirect("registry-demand", demand.pk)
    if action not in workflow.ACTIONS or action == "choose":
        messages.error(request, _("Unknown action."))
        return None
    form = bound[action] = _action_form(action, demand, request.POST)
    if not form.is_valid():
        messages.error(
            request, _("“%(action)s” needs the fields shown below.") % {"action": workflow.ACTIONS[action].label}
        )
        return None
    try:
        workflow.ACTIONS[action].service(demand=demand, by=user, **form.service_kwargs())
    except REFUSALS as exc:
        show_refusal(form, exc)
        messages.error(request, error_text(exc))
        return None
    messages.success(request, str(workflow.ACTIONS[action].done))
    if action in ("admit", "return", "reject") and policies.is_platform_staff(user):
        return redirect("registry-review")
    return redirect("registry-demand", demand.pk)


@login_required
def demand_detail(request, pk):
    demand = selectors.demand_for(request.user, pk)
    bound, status = {}, 200
    if request.method == "POST":
        response = _post(request, demand, bound)
        if response is not None:
            return response
        demand, status = selectors.demand_for(request.user, pk), 400  # re-read what a refusal left
    return render(request, "registry/demand_detail.html", _detail_context(request, demand, bound), status=status)


EVENT_LABELS = {
    "create": _("Created"),
    "edit": _("Changed"),
    "register_interest": _("A bank registered interest"),
    "withdraw_interest": _("A bank withdrew its interest"),
    "expire": _("Expired"),
    "finance": _("Financed: the loan was disbursed"),
}


def _events(demand: Demand) -> list:
    events = list(demand.events.select_related("actor"))
    for event in events:
        action = workflow.ACTIONS.get(event.action)
        event.label = action.label if action else EVENT_LABELS.get(event.action, event.action)
        event.from_label = state_label(event.from_state) if event.from_state else ""
        event.to_label = state_label(event.to_state) if event.to_state else ""
    return events


def estimate_figures(est: estimate.Estimate, amount=None) -> dict:
    """An estimate in words and figures for the templates."""
    kinds = dict(
        invention=_("Invention patent"), utility_model=_("Utility model"), design=_("Design"), trademark=_("Trademark")
    )
    lines = [
        {
            "asset": line.key.asset,
            "kind": kinds.get(line.kind, line.kind),
            "cap": percent(line.cap),
            "value": cny(line.value),
            "part": cny(line.part),
            "report": line.report.reference if line.report else "",
            "valid_until": line.report.valid_until if line.report else None,
            "missing": line.value is None,
            "reason": _("The latest valid report values several assets together, without this one's part.")
            if line.reason == estimate.NO_SPLIT
            else _("No valid report by a panel appraiser."),
        }
        for line in est.lines
    ]
    return {
        "status": est.status,
        "amount": cny(est.amount),
        "total": cny(est.total),
        "max_principal": cny(est.max_principal),
        "capped": est.capped,
        "lines": lines,
        "missing": len(est.missing),
        "covers": est.covers(amount) if amount is not None else None,
    }


def _detail_context(request, demand: Demand, bound: dict) -> dict:
    user = request.user
    as_bank = _sees_as_bank(user, demand)
    is_owner = workflow.is_enterprise_member(user, demand)
    allowed = workflow.allowed_actions(demand, user)
    actions = []
    for name in allowed:
        if name == "choose":
            continue  # one button per open interest
        spec = workflow.ACTIONS[name]
        actions.append(
            {
                "name": name,
                "label": spec.label,
                "confirm": spec.confirm or "",
                "form": bound.get(name) or _action_form(name, demand),
                "secondary": name in ("withdraw", "reject", "return"),
            }
        )
    if "admit" in allowed and not _open_batches(demand).exists():
        for a in actions:
            if a["name"] == "admit":
                a["blocked"] = _("No registry batch of this programme is open: create one first.")
    interests = list(selectors.interests_visible_to(user, demand))
    for interest in interests:
        interest.rate_label = percent(interest.indicative_rate)
    can_choose = "choose" in allowed
    choose_form = None
    if can_choose:
        choose_form = bound.get("choose") or forms.ChooseForm(prefix="choose", **_choose_kwargs(demand))
    own_interest = next((i for i in interests if i.state in (Interest.State.OPEN, Interest.State.CHOSEN)), None)
    interest_form = None
    if as_bank and demand.state == S.ADMITTED and own_interest is None:
        interest_form = bound.get("register_interest") or _action_form("register_interest", demand)
        interest_form.fields["indicative_rate"].help_text = _("At most %(cap)s.") % {
            "cap": percent(demand.programme.max_annual_rate)
        }
        if not interest_form.is_bound:
            interest_form.initial = {"indicative_principal": demand.amount.amount}
    est = estimate.estimate_for(demand)
    from .products import eligible_products  # the loan-product catalogue

    products = list(eligible_products(demand).select_related("bank")) if not as_bank else []
    return {
        "demand": demand,
        "state_label": demand.get_state_display(),
        "programme_name": _name(demand.programme),
        "city": city_label(demand.enterprise.city),
        "industry": demand.get_industry_display(),
        "assets": list(demand.assets.all()),
        "banks": list(demand.banks.all()),
        "as_bank": as_bank,
        "is_owner": is_owner,
        "is_platform": policies.is_platform_staff(user),
        "can_edit": is_owner and demand.state in Demand.EDITABLE,
        "actions": actions,
        "interests": interests,
        "can_choose": can_choose,
        "choose_form": choose_form,
        "own_interest": own_interest if as_bank else None,
        "interest_form": interest_form,
        "estimate": estimate_figures(est, demand.amount.amount),
        "products": products,
        "events": _events(demand) if not as_bank else [],
        "show_contact": demand.contact_consent and (as_bank or not is_owner),
    }


# --- the platform: review queue and batches -----------------------------------------------------------


@login_required
def review(request):
    if not policies.is_platform_staff(request.user):
        return _refused(request, _("The review queue is for platform staff."))
    submitted = (
        selectors.demands_visible_to(request.user)
        .filter(state=S.SUBMITTED)
        .annotate(submitted_at=_submitted_at())
        .order_by("submitted_at", "pk")
    )
    page = _page(request, submitted)
    demands = list(page)
    estimates = estimate.estimates_for(demands)
    for demand in demands:
        demand.estimate = estimate_figures(estimates[demand.pk], demand.amount.amount)
    open_batches = DemandBatch.objects.filter(is_open=True).count()
    return render(request, "registry/review.html", {"page": page, "demands": demands, "open_batches": open_batches})


def _submitted_at():
    """When the demand was last submitted (its latest `submit` event)."""
    return Max("events__at", filter=Q(events__action="submit"))


def _export_url(batch: DemandBatch, fmt: str) -> str:
    return f"{reverse('demand-batch-export', args=[batch.pk])}?format={fmt}"


@login_required
def batch_list(request):
    user = request.user
    if not policies.is_platform_staff(user):
        return _refused(request, _("Registry batches are for platform staff."))
    programmes = programmes_visible_to(user)
    status = 200
    if request.method == "POST":
        form = forms.BatchForm(request.POST, programmes=programmes)
        if form.is_valid():
            try:
                batch = services.batch_create(by=user, **form.service_kwargs())
            except REFUSALS as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, _("The batch “%(name)s” is created.") % {"name": batch.name})
                return redirect("registry-batch", batch.pk)
        status = 400
    else:
        form = forms.BatchForm(programmes=programmes)
    page = _page(request, selectors.batches_visible_to(user).order_by("-year", "-number", "-pk"))
    batches = list(page)
    for batch in batches:
        batch.exports = [("xlsx", _export_url(batch, "xlsx")), ("csv", _export_url(batch, "csv"))]
    return render(request, "registry/batch_list.html", {"page": page, "batches": batches, "form": form}, status=status)


@login_required
def batch_detail(request, pk):
    user = request.user
    batch = selectors.batch_for(user, pk)
    if request.method == "POST" and request.POST.get("action") == "close":
        try:
            services.batch_close(batch=batch, by=user)
        except REFUSALS as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The batch is closed: no more demands are admitted into it."))
        return redirect("registry-batch", batch.pk)
    demands = (
        selectors.demands_visible_to(user)
        .filter(batch=batch)
        .annotate(interest_count=Count("interests", filter=~Q(interests__state=Interest.State.WITHDRAWN)))
        .order_by("admitted_on", "pk")
    )
    page = _page(request, demands)
    for demand in page:
        demand.state_label = demand.get_state_display()
    return render(
        request,
        "registry/batch_detail.html",
        {
            "batch": batch,
            "programme_name": _name(batch.programme),
            "page": page,
            "demands": list(page),
            "exports": [("xlsx", _export_url(batch, "xlsx")), ("csv", _export_url(batch, "csv"))],
        },
    )
