"""The registry search (`/financing/registry/search/`): a bank's members search the listed financing demands
shown to their bank (platform people: every listed demand), with facets by city, industry, IP kind and amount
band and the credit estimate of each result (docs/registry.md, "Search and pages").

The page reads the query string with a parameter serializer (`search.forms.read`: a bad value is dropped and
named, never a 500), asks `search.demands` (Elasticsearch, or the database when it is down), then loads the
demands of the page through the registry's selector, so a result the caller may not see is never shown even
if the index lags behind. The queries do not grow with the results: the page's demands, their estimates and the
bank's own interests are each read once.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from financing.registry import estimate, selectors
from financing.registry.models import Demand, Industry, Interest, LoanProduct
from financing.registry.views import estimate_figures
from ipmarket.accounts import policies
from ipmarket.accounts.cities import city_label
from ipmarket.accounts.models import Organisation

from . import demands, forms
from .api import PageParams
from .views import _chips, _facet, _marked

FIELDS = {
    "q": gettext_lazy("Search"),
    "city": gettext_lazy("City"),
    "industry": gettext_lazy("Industry"),
    "ip_kind": gettext_lazy("IP offered"),
    "band": gettext_lazy("Amount sought"),
    "page": gettext_lazy("Page"),
    "page_size": gettext_lazy("Results per page"),
}
INDUSTRIES = dict(Industry.choices)
IP_KIND_LABELS = dict(LoanProduct.AssetKind.choices)


class DemandParams(PageParams):
    city = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    industry = serializers.ChoiceField(choices=Industry.choices, required=False, allow_blank=True, default="")
    ip_kind = serializers.ChoiceField(choices=demands.IP_KINDS, required=False, allow_blank=True, default="")
    band = serializers.ChoiceField(
        choices=[key for key, *_rest in demands.AMOUNT_BANDS], required=False, allow_blank=True, default=""
    )


def _card(demand: Demand, hit: dict, est, own: Interest | None) -> dict:
    enterprise = demand.enterprise
    return {
        "url": reverse("registry-demand", args=[demand.pk]),
        "name": _marked(hit, "enterprise_name", enterprise.name),
        "city": city_label(enterprise.city) if enterprise.city else "",
        "industry": demand.get_industry_display(),
        "amount": demand.amount,
        "band": demands.BAND_LABELS[demands.amount_band(demand.amount.amount)],
        "term_months": demand.term_months,
        "kinds": [IP_KIND_LABELS.get(k, k) for k in sorted({a.kind for a in demand.assets.all()})],
        "purpose": _marked(hit, "purpose", demand.purpose),
        "admitted_on": demand.admitted_on,
        "state": demand.get_state_display(),
        "state_key": demand.state,
        "batch": demand.batch.name if demand.batch_id else "",
        "estimate": estimate_figures(est, demand.amount.amount),
        "own_interest": own,
    }


@login_required
def registry_search(request):
    user = request.user
    platform = policies.is_platform_staff(user)
    bank_ids = policies.organisation_ids(user, kinds=[Organisation.Kind.BANK])
    if not platform and not bank_ids:
        message = _("The registry search is for banks' members and platform staff.")
        return render(request, "registry/refused.html", {"message": message}, status=403)
    cleaned = forms.read(DemandParams, request.GET, FIELDS)
    values = cleaned.values
    query = demands.DemandQuery(**values, bank_ids=None if platform else tuple(sorted(bank_ids)))
    result = demands.search_demands(query)
    path, text = reverse("registry-search"), cleaned.text
    facets = [
        _facet("city", _("City"), result["facets"]["city"], values["city"], city_label, path, text),
        _facet(
            "industry",
            _("Industry"),
            result["facets"]["industry"],
            values["industry"],
            lambda k: INDUSTRIES.get(k, k),
            path,
            text,
        ),
        _facet(
            "ip_kind",
            _("IP offered"),
            result["facets"]["ip_kind"],
            values["ip_kind"],
            lambda k: IP_KIND_LABELS.get(k, k),
            path,
            text,
        ),
        _facet(
            "band",
            _("Amount sought"),
            _in_band_order(result["facets"]["band"]),
            values["band"],
            lambda k: demands.BAND_LABELS.get(k, k),
            path,
            text,
        ),
    ]
    pagination = forms.pagination(result["count"], cleaned, path)
    cards = []
    if not pagination["message"]:
        hits = {hit["id"]: hit for hit in result["results"]}
        shown = {d.pk: d for d in selectors.demands_visible_to(user).filter(pk__in=hits, state__in=Demand.LISTED)}
        rows = [shown[pk] for pk in hits if pk in shown]  # the search's order; anything not visible is left out
        estimates = estimate.estimates_for(rows)
        own = {
            i.demand_id: i
            for i in Interest.objects.filter(
                demand_id__in=shown, bank_id__in=bank_ids, state__in=[Interest.State.OPEN, Interest.State.CHOSEN]
            )
        }
        cards = [_card(d, hits[d.pk], estimates[d.pk], own.get(d.pk)) for d in rows]
    return render(
        request,
        "registry/search.html",
        {
            "backend": result["backend"],
            "count": result["count"],
            "cards": cards,
            "facets": facets,
            "chips": _chips(facets),
            "clear_url": forms.link(path, {"q": text["q"]} if "q" in text else {}),
            "q": values["q"],
            "q_hidden": forms.hidden(text, "q"),
            "size_hidden": forms.hidden(text, "page_size"),
            "pagination": pagination,
            "notes": cleaned.notes,
            "platform": platform,
        },
    )


def _in_band_order(buckets: list[dict]) -> list[dict]:
    """The amount bands from the smallest up, rather than by count."""
    order = {key: i for i, (key, *_rest) in enumerate(demands.AMOUNT_BANDS)}
    return sorted(buckets, key=lambda b: order.get(b["key"], len(order)))
