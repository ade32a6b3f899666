"""The pages of one patent and one trademark (public registers), with their active listings. The
directory itself (`/ip/`) is a search page: `search.views.ip_list`."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import pages, rules, selectors

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


def trademark_detail(request, pk):
    trademark = get_object_or_404(selectors.trademarks_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    renewal_state = trademark.renewal_state(today)
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
            },
            "classes": [
                {"number": n, "kind": _("goods") if n <= 34 else _("services")} for n in trademark.nice_classes
            ],
            "in_force": trademark.in_force(today),
            **pages.context(request, trademark),
            **_owner_context(request, trademark),
        },
    )
