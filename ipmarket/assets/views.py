"""The IP directory: patents and trademarks (public registers), with their active listings."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipmarket.accounts.selectors import organisations_visible_to
from ipmarket.formats import cny
from ipmarket.market.models import Listing
from ipmarket.market.selectors import listings_visible_to

from . import rules, selectors
from .forms import ASSET_TYPES, PatentFilterForm, TrademarkFilterForm

PAGE_SIZE = 20

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


def _query(values: dict, **extra) -> str:
    return urlencode({**{k: v for k, v in values.items() if v not in (None, "")}, **extra})


def ip_list(request):
    asset_type = request.GET.get("type")
    if asset_type not in ("patent", "trademark"):
        asset_type = "patent"
    if asset_type == "patent":
        form = PatentFilterForm(request.GET)
        qs = selectors.patents_visible_to(request.user).order_by("-filing_date", "id")
    else:
        form = TrademarkFilterForm(request.GET)
        qs = selectors.trademarks_visible_to(request.user).order_by("-registration_date", "id")
    values = form.values()
    page = Paginator(form.filter(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    owner = None
    if values.get("owner"):
        owner = organisations_visible_to(request.user).filter(pk=values["owner"]).first()
    shared = {name: values.get(name) for name in form.shared}
    type_extra = {"type": asset_type} if asset_type != "patent" else {}
    return render(
        request,
        "assets/ip_list.html",
        {
            "asset_type": asset_type,
            "form": form,
            "page": page,
            "owner": owner,
            "owner_id": values.get("owner"),
            "ignored": form.ignored(),
            "tabs": [
                {
                    "value": value,
                    "label": label,
                    "query": _query(shared, **({"type": value} if value != "patent" else {})),
                    "current": value == asset_type,
                }
                for value, label in ASSET_TYPES
            ],
            "query": _query(values, **type_extra),
            "clear_owner_query": _query({k: v for k, v in values.items() if k != "owner"}, **type_extra),
            "today": timezone.localdate(),
        },
    )


def _listings_of(request, **asset):
    """The asset's listings on the market (drafts only for the seller's people)."""
    listings = list(listings_visible_to(request.user).filter(**asset, status__in=Listing.ACTIVE))
    for listing in listings:
        listing.price_display = cny(listing.price)
    return listings


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
            "listings": _listings_of(request, patent=patent),
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
            "listings": _listings_of(request, trademark=trademark),
            **_owner_context(request, trademark),
        },
    )
