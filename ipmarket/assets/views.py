"""The pages of one patent and one trademark (public registers), with their active listings. The
directory itself (`/ip/`) is a search page: `search.views.ip_list`."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipmarket.accounts import policies
from ipmarket.core.errors import REFUSALS, refusal_text

from . import cautions, pages, rules, selectors, services
from .forms import RenewalForm

FEE_STATES = {
    rules.FEE_NOT_APPLICABLE: (_("Not applicable: annual fees start with the grant"), "muted"),
    rules.FEE_PAID: (_("Paid"), "ok"),
    rules.FEE_DUE_SOON: (_("Due within 30 days"), "warn"),
    rules.FEE_OVERDUE: (_("Overdue: in the 6-month grace period (with a surcharge)"), "warn"),
    rules.FEE_LAPSED: (_("Lapsed: unpaid past the grace period"), "bad"),
}

RENEWAL_STATES = {
    rules.RENEWAL_NOT_DUE: (_("Not due yet"), "ok"),
    rules.RENEWAL_OPEN: (_("Renewal window open"), "warn"),
    rules.RENEWAL_GRACE_PERIOD: (_("Expired: in the 6-month grace period for renewal"), "warn"),
    rules.RENEWAL_TOO_LATE: (_("Too late to renew"), "bad"),
}


def _owner_context(request, asset) -> dict:
    return {
        "cautions": cautions.of(asset),
        "owner_side": selectors.is_owner_side(request.user, asset),
        "co_owners": list(asset.co_owners.all()),
    }


def patent_detail(request, pk):
    patent = get_object_or_404(selectors.patents_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    fee_state = patent.annual_fee_state(today)
    label, tone = FEE_STATES[fee_state]
    return render(
        request,
        "assets/patent_detail.html",
        {
            "patent": patent,
            "fee": {"state": fee_state, "label": label, "tone": tone, "lapse_date": patent.annual_fee_lapse_date},
            "in_force": patent.in_force(today),
            **pages.context(request, patent),
            **_owner_context(request, patent),
        },
    )


def _may_renew(user, trademark) -> bool:
    return user.is_authenticated and (
        policies.can_act_for_enterprise(user, trademark.owner) or policies.is_platform_staff(user)
    )


def _renewal_form(request, trademark, renewal_state):
    """The owner's renewal form (POST: bound and, when valid, recorded): offered from the window's opening on
    (a renewal filed in time can be recorded later; the service checks its date) for a registered or expired
    mark. Returns (form or None, redirect or None)."""
    if renewal_state == rules.RENEWAL_NOT_DUE or trademark.status not in services.RENEWABLE_STATUSES:
        form = None
    elif not _may_renew(request.user, trademark):
        form = None
    else:
        form = RenewalForm(initial={"expected_expiry": trademark.expiry_date})
    if request.method != "POST":
        return form, None
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    if form is None:
        raise PermissionDenied(_("Only the owner's people record a renewal, once its window has opened."))
    form = RenewalForm(request.POST)
    if form.is_valid():
        try:
            services.trademark_renew(trademark=trademark, by=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            messages.error(request, refusal_text(exc, str))
            return form, None
        messages.success(request, _("Renewal recorded: the registration now runs 10 more years."))
        return None, redirect("trademark-detail", trademark.pk)
    return form, None


def trademark_detail(request, pk):
    trademark = get_object_or_404(selectors.trademarks_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    renewal_state = trademark.renewal_state(today)
    renewal_form, done = _renewal_form(request, trademark, renewal_state)
    if done is not None:
        return done
    label, tone = RENEWAL_STATES[renewal_state]
    return render(
        request,
        "assets/trademark_detail.html",
        {
            "trademark": trademark,
            "renewal": {
                "state": renewal_state,
                "label": label,
                "tone": tone,
                "opens": trademark.expiry_date - rules.RENEWAL_WINDOW,
                "grace_ends": trademark.expiry_date + rules.RENEWAL_GRACE,
                "form": renewal_form,
                # `renewals` counts them: a mark never renewed costs no query.
                "history": list(trademark.renewal_records.all()) if trademark.renewals else [],
            },
            "classes": [
                {"number": n, "kind": _("goods") if n <= 34 else _("services")} for n in trademark.nice_classes
            ],
            "in_force": trademark.in_force(today),
            **pages.context(request, trademark),
            **_owner_context(request, trademark),
        },
    )
