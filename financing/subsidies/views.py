"""The subsidy pages (docs/subsidies.md): the borrower's subsidies with their claim buttons and totals per
year, the platform's approval queue, the fund's payment queue, and the totals per enterprise and year. Thin:
reads through `selectors`, changes through `services`; the number of queries does not grow with the rows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ipmarket.accounts import policies as people
from ipmarket.accounts.models import Organisation
from ipmarket.core.errors import REFUSALS, refusal_text

from . import policies, selectors, services
from .forms import FORMS, YearForm
from .models import Subsidy

PAGE_SIZE = 20
S = Subsidy.State
CONFIRM = {
    "claim": gettext_lazy("Claim this subsidy? Platform staff will review the claim."),
    "approve": gettext_lazy("Approve this subsidy? The fund will then pay it."),
    "reject": gettext_lazy("Reject this subsidy? This is final."),
    "pay": gettext_lazy("Record the payment of this subsidy? This is final."),
}
LABELS = {
    "claim": gettext_lazy("Claim"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "pay": gettext_lazy("Record payment"),
}


def _state_label(state: str) -> str:
    return S(state).label if state in S.values else state


def _rows(user, subsidies) -> list:
    """Each subsidy of the page with the forms of the actions the person may take on it now."""
    for s in subsidies:
        s.actions = [
            {
                "name": name,
                "label": LABELS[name],
                "confirm": CONFIRM[name],
                "form": FORMS[name](prefix=f"s{s.pk}"),
                "secondary": name == "reject",
            }
            for name in policies.allowed_actions(user, s)
        ]
    return subsidies


def _shown(rows: list[dict]) -> list[dict]:
    """Totals rows (services.totals) with what the tables show: per kind its amounts in the order of the
    states, and per state both kinds together."""
    for row in rows:
        row["kinds"] = [
            {"label": label, "amounts": [row[kind][state] for state in S.values]}
            for kind, label in Subsidy.Kind.choices
        ]
        row["by_state"] = [(state, sum(row[kind][state] for kind in Subsidy.Kind.values)) for state in S.values]
    return rows


def _year(request):
    form = YearForm(request.GET)
    return form.cleaned_data.get("year") if form.is_valid() else None


def _list(request, *, title, intro, empty, state=None, template="subsidies/list.html", extra=None):
    visible = selectors.subsidies_visible_to(request.user)
    qs = visible
    chosen = state or request.GET.get("state") or ""
    if chosen in S.values:
        qs = qs.filter(state=chosen)
    else:
        chosen = ""
    year = _year(request)
    if year is not None:
        qs = qs.filter(year=year)
    page = Paginator(qs.order_by("-year", "state", "application_id", "kind", "period", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = urlencode({k: v for k, v in (("state", "" if state else chosen), ("year", year or "")) if v})
    context = {
        "title": title,
        "intro": intro,
        "empty": empty,
        "page": page,
        "rows": _rows(request.user, list(page.object_list)),
        "query": query,
        "fixed_state": state,
        "state": chosen,
        "states": S.choices,
        "year": year or "",
        "here": request.get_full_path(),
        **(extra or {}),
    }
    return render(request, template, context)


@login_required
def home(request):
    """The borrower's subsidies (and, for the fund and platform staff, those they see), with the totals per
    year of the borrower's enterprises."""
    user = request.user
    enterprises = people.organisation_ids(user, kinds=[Organisation.Kind.ENTERPRISE])
    own = selectors.subsidies_visible_to(user).filter(application__applicant_id__in=enterprises)
    extra = {
        "totals": _shown(services.totals(own)) if enterprises else [],
        "claimable": own.filter(state=S.CLAIMABLE).exists() if enterprises else False,
        "is_enterprise": bool(enterprises),
        "is_platform": people.is_platform_staff(user),
        "is_fund": bool(people.organisation_ids(user, kinds=[Organisation.Kind.RISK_FUND])),
    }
    return _list(
        request,
        title=_("Subsidies"),
        intro=_(
            "The programme pays an interest subsidy on each instalment whose interest is paid on time, and part "
            "of the insurance premium. Claim what is claimable; platform staff review the claim and the fund pays."
        ),
        empty=_("No subsidies yet. They appear here once a loan is disbursed and its instalments are paid on time."),
        template="subsidies/home.html",
        extra=extra,
    )


@login_required
def approvals(request):
    """Platform staff: the claimed subsidies waiting for a decision."""
    if not people.is_platform_staff(request.user):
        raise PermissionDenied
    return _list(
        request,
        title=_("Subsidy claims to review"),
        intro=_("Approve a claim the figures support, or reject it with the reason."),
        empty=_("No claims wait for a decision."),
        state=S.CLAIMED,
    )


@login_required
def payments(request):
    """The fund: the approved subsidies of its programmes waiting for payment."""
    if not people.organisation_ids(request.user, kinds=[Organisation.Kind.RISK_FUND]):
        raise PermissionDenied
    return _list(
        request,
        title=_("Subsidies to pay"),
        intro=_("Record each payment with its date and reference once the money has left the fund."),
        empty=_("No approved subsidies wait for payment."),
        state=S.APPROVED,
    )


@login_required
def totals(request):
    """The totals per enterprise and year, by kind and state, of the subsidies the person sees."""
    form = YearForm(request.GET)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    rows = services.totals(selectors.subsidies_visible_to(request.user), year=year)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/totals.html",
        {
            "form": form,
            "page": page,
            "rows": _shown(list(page.object_list)),
            "year": year or "",
            "query": urlencode({"year": year}) if year else "",
            "states": S.choices,
        },
        status=200 if form.is_valid() else 400,
    )


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("subsidies-home")


@login_required
@require_POST
def act(request, pk: int, action: str):
    """One action on one subsidy: the service decides; a refusal is shown as a message."""
    subsidy = get_object_or_404(selectors.subsidies_visible_to(request.user), pk=pk)
    if action not in services.SERVICES:
        raise Http404
    form = FORMS[action](request.POST, prefix=f"s{pk}")
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())
        messages.error(request, errors)
        return _back(request)
    try:
        services.SERVICES[action](subsidy=subsidy, by=request.user, **form.cleaned_data)
    except REFUSALS as exc:
        messages.error(request, refusal_text(exc, _state_label))
    else:
        messages.success(
            request, _("Subsidy %(id)s: %(state)s.") % {"id": pk, "state": _state_label(_done_state(action))}
        )
    return _back(request)


def _done_state(action: str) -> str:
    return {"claim": S.CLAIMED, "approve": S.APPROVED, "reject": S.REJECTED, "pay": S.PAID}[action]


@login_required
@require_POST
def claim_all(request):
    claimed = services.subsidies_claim_all(by=request.user)
    if claimed:
        messages.success(request, _("%(count)s subsidies claimed.") % {"count": len(claimed)})
    else:
        messages.info(request, _("Nothing is claimable now."))
    return redirect(reverse("subsidies-home"))
