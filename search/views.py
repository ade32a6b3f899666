"""The public search pages: `/firms/` (firms and agencies), `/firms/<id>/`, and `/ip/` (patents and
trademarks).

Thin: the query string is read with the API's own parameter serializers (`search.forms.read`), the
answer comes from `search.queries` (Elasticsearch, or the database when it is down), and the view only
puts labels on it. The list pages are rendered from the search results alone, never a database read
per row: one query for the service labels on `/firms/`, one for the owners on `/ip/`.
"""

import math
import re
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ipmarket.accounts.cities import cities, city_label
from ipmarket.accounts.models import Organisation, Service
from ipmarket.accounts.selectors import organisations_visible_to
from ipmarket.assets import identifiers
from ipmarket.assets import selectors as asset_selectors
from ipmarket.assets.models import IPC_SECTIONS, Patent, Trademark
from ipmarket.core.money import cny
from ipmarket.core.pagecache import cached_public_page
from ipmarket.market.models import Listing
from ipmarket.market.selectors import listings_visible_to

from . import forms, queries
from .api import FirmParams, IPParams

RADII_KM = (5, 10, 20, 50)
NEARBY_KM = 5  # "firms nearby" on a firm's page
DETAIL_ROWS = 20  # patents, trademarks and listings shown on a firm's page
OPEN_LISTINGS = (Listing.Status.PUBLISHED, Listing.Status.UNDER_NEGOTIATION)

FIRM_FIELDS = {
    "q": gettext_lazy("Search"),
    "kind": gettext_lazy("Kind"),
    "city": gettext_lazy("City"),
    "service": gettext_lazy("Services"),
    "near": gettext_lazy("City centre"),
    "radius_km": gettext_lazy("Distance"),
    "sort": gettext_lazy("Sort by"),
    "page": gettext_lazy("Page"),
    "page_size": gettext_lazy("Results per page"),
}
IP_FIELDS = {
    "q": gettext_lazy("Search"),
    "type": gettext_lazy("Patent or trademark"),
    "deal_type": gettext_lazy("Deal type"),
    "ipc": gettext_lazy("IPC code or prefix"),
    "city": gettext_lazy("City"),
    "kind": gettext_lazy("Kind of right"),
    "status": gettext_lazy("Legal status"),
    "page": gettext_lazy("Page"),
    "page_size": gettext_lazy("Results per page"),
}
IP_TYPES = {"patent": gettext_lazy("Patents"), "trademark": gettext_lazy("Trademarks")}
IP_KINDS = {**dict(Patent.Type.choices), "trademark": gettext_lazy("Trademark")}
STATUSES = {"patent": dict(Patent.LegalStatus.choices), "trademark": dict(Trademark.Status.choices)}
DEAL_TYPES = dict(Listing.DealType.choices)
KINDS = dict(Organisation.Kind.choices)


# --- shared pieces -------------------------------------------------------------------------------

_MARK = re.compile(r"(</?mark>)")


def highlighted(fragment: str) -> SafeString:
    """An Elasticsearch highlight is the document's own text with `<mark>` tags added, not escaped:
    escape the text and put back only the `<mark>` tags, balanced."""
    out, open_ = [], False
    for part in _MARK.split(fragment):
        if part == "<mark>":
            if not open_:
                out.append("<mark>")
                open_ = True
        elif part == "</mark>":
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(str(escape(part)))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))


def _marked(hit: dict, field: str, whole: str | None = None) -> SafeString | None:
    """The first highlighted fragment of `field`, or `whole` (escaped) when the fragment is not all of it."""
    fragments = hit.get("highlight", {}).get(field) or []
    if fragments and (whole is None or _MARK.sub("", fragments[0]) == whole):
        return highlighted(fragments[0])
    return escape(whole) if whole is not None else None


def _facet(name: str, title, buckets: list, active: str, label, path: str, text: dict) -> dict:
    """A facet group: each value a link that sets the filter, or removes it when it is the active one."""
    values = [
        {
            "label": label(b["key"]),
            "count": b["count"],
            "active": b["key"] == active,
            "url": forms.link(path, text, **{name: None if b["key"] == active else b["key"]}),
        }
        for b in buckets
    ]
    if active and not any(v["active"] for v in values):  # nothing matches it with the other filters
        values.insert(
            0, {"label": label(active), "count": 0, "active": True, "url": forms.link(path, text, **{name: None})}
        )
    return {"name": name, "title": title, "values": values}


def _chips(facets: list[dict]) -> list[dict]:
    """The active facet filters, each removable."""
    return [
        {"title": group["title"], "label": v["label"], "url": v["url"]}
        for group in facets
        for v in group["values"]
        if v["active"]
    ]


def _suggest_box(q: str, hidden: list, label, placeholder) -> dict:
    """The search box; `kinds` labels the suggestions (organisation kinds, patent, trademark)."""
    kinds = {key: str(kind) for key, kind in KINDS.items()}
    for model in (Patent, Trademark):
        kinds[model._meta.model_name] = str(capfirst(model._meta.verbose_name))
    return {"q": q, "hidden": hidden, "label": label, "placeholder": placeholder, "kinds": kinds}


# --- /firms/ -------------------------------------------------------------------------------------


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _kind_label(key: str) -> str:
    return KINDS.get(key, key)


def _firm_card(hit: dict, service_labels: dict, english: bool) -> dict:
    return {
        "url": reverse("firm-detail", args=[hit["id"]]),
        "name_en": hit.get("name_en") if english else "",  # the title in English; the Chinese name below
        "name": _marked(hit, "name", hit["name"]),
        "kind": _kind_label(hit["kind"]),
        "city": city_label(hit["city"]) if hit.get("city") else "",
        "services": [service_labels.get(code, code) for code in hit.get("services", [])],
        "distance_km": hit.get("distance_km"),
        "snippet": _marked(hit, "description"),
    }


def _distance_controls(cleaned: forms.Cleaned) -> dict:
    """The city select (centres as `lat,lon` values, so the form sends `near` as the API reads it),
    the radius select and, once a centre is chosen, the sort."""
    near = cleaned.values.get("near")
    centres, chosen = [], None
    for city in cities().values():
        point = (float(city.lat), float(city.lon))
        selected = near is not None and math.dist(point, near) < 1e-6
        centres.append({"value": f"{city.lat},{city.lon}", "label": city_label(city.name), "selected": selected})
        if selected:
            chosen = city_label(city.name)
    if near is not None and chosen is None:  # a point from a link, not a city centre
        chosen = f"{near[0]:.4f}, {near[1]:.4f}"
        centres.insert(0, {"value": cleaned.text["near"], "label": chosen, "selected": True})
    radius = cleaned.values.get("radius_km")
    radii = [{"value": f"{r:g}", "selected": radius == r} for r in sorted({*RADII_KM, *([radius] if radius else [])})]
    return {
        "centres": centres,
        "centre": chosen,
        "radii": radii,
        "radius": f"{radius:g}" if radius else "",
        "sort": cleaned.values["sort"],
        "has_query": bool(cleaned.values["q"]),
    }


def firm_list(request):
    cleaned = forms.read(FirmParams, request.GET, FIRM_FIELDS)
    result = queries.search_firms(queries.FirmQuery(**cleaned.values))
    service_labels = {s.code: s.label for s in Service.objects.only("code", "name", "name_en")}
    english = _english()
    path, text, values = reverse("firm-list"), cleaned.text, cleaned.values
    facets = [
        _facet("kind", _("Kind"), result["facets"]["kind"], values["kind"], _kind_label, path, text),
        _facet("city", _("City"), result["facets"]["city"], values["city"], city_label, path, text),
        _facet(
            "service",
            _("Services"),
            result["facets"]["service"],
            values["service"],
            lambda code: service_labels.get(code, code),
            path,
            text,
        ),
    ]
    distance = _distance_controls(cleaned)
    chips = _chips(facets)
    if distance["centre"]:
        label = (
            _("Within %(km)s km of %(place)s") % {"km": distance["radius"], "place": distance["centre"]}
            if distance["radius"]
            else _("Distance from %(place)s") % {"place": distance["centre"]}
        )
        remove = forms.link(path, text, near=None, radius_km=None, sort=None)
        chips.append({"title": _("Distance"), "label": label, "url": remove})
    pagination = forms.pagination(result["count"], cleaned, path)
    cards = [] if pagination["message"] else [_firm_card(hit, service_labels, english) for hit in result["results"]]
    return render(
        request,
        "search/firm_list.html",
        {
            "backend": result["backend"],
            "count": result["count"],
            "cards": cards,
            "facets": facets,
            "chips": chips,
            "clear_url": forms.link(path, {"q": text["q"]} if "q" in text else {}),
            "distance": distance,
            "distance_hidden": forms.hidden(text, "near", "radius_km", "sort"),
            "size_hidden": forms.hidden(text, "page_size"),
            "pagination": pagination,
            "notes": cleaned.notes,
            "box": _suggest_box(
                values["q"],
                forms.hidden(text, "q"),
                _("Search firms and agencies"),
                _("e.g. patent agency, Ziyang"),
            ),
        },
    )


# --- /firms/<id>/ --------------------------------------------------------------------------------


@cached_public_page("firm", shows=("organisations", "assets", "listings"))  # the page cache (ipmarket/core)
def firm_detail(request, pk):
    firm = get_object_or_404(organisations_visible_to(request.user), pk=pk)
    held_patents = asset_selectors.owned_by(asset_selectors.patents_visible_to(request.user), [firm.pk])
    held_marks = asset_selectors.owned_by(asset_selectors.trademarks_visible_to(request.user), [firm.pk])
    listings = listings_visible_to(request.user).filter(seller=firm, status__in=OPEN_LISTINGS)
    location = None
    if firm.latitude is not None:
        point = (float(firm.latitude), float(firm.longitude))
        centre = cities().get(firm.city)
        location = {
            "lat": f"{firm.latitude:.5f}",
            "lon": f"{firm.longitude:.5f}",
            "from_centre_km": queries.km_between(point, (float(centre.lat), float(centre.lon))) if centre else None,
            "nearby_url": forms.link(
                reverse("firm-list"),
                {"near": f"{firm.latitude},{firm.longitude}", "radius_km": str(NEARBY_KM), "sort": "distance"},
            ),
        }
    listing_rows = list(listings[:DETAIL_ROWS])
    return render(
        request,
        "search/firm_detail.html",
        {
            "firm": firm,
            "city": city_label(firm.city),
            "services": list(firm.services.all()),
            "location": location,
            "nearby_km": NEARBY_KM,
            "patents": list(held_patents.order_by("-filing_date", "-pk")[:DETAIL_ROWS]),
            "patent_count": held_patents.count(),
            "trademarks": list(held_marks.order_by("-registration_date", "-pk")[:DETAIL_ROWS]),
            "trademark_count": held_marks.count(),
            "listings": listing_rows,
            "listing_count": listings.count(),
            "shown": DETAIL_ROWS,
        },
    )


# --- /ip/ ----------------------------------------------------------------------------------------


def _ip_row(hit: dict, owners: dict) -> dict:
    is_patent = hit["type"] == "patent"
    owner = owners.get(hit["owner"])
    if owner:
        owner_label = owner["name_en"] if _english() and owner["name_en"] else owner["name"]
    else:
        owner_label = hit["owner_name"]
    market = reverse("market-home")
    return {
        "type": hit["type"],
        "url": reverse("patent-detail" if is_patent else "trademark-detail", args=[hit["id"]]),
        "number": hit["number"],
        "title": _marked(hit, "title", hit["title"]),
        "kind": IP_KINDS.get(hit["kind"], hit["kind"]),
        "status": STATUSES[hit["type"]].get(hit["status"], hit["status"]),
        "status_key": hit["status"],
        "owner": owner_label,
        "owner_url": reverse("firm-detail", args=[hit["owner"]]) if owner and owner["is_active"] else None,
        "city": city_label(hit["city"]) if hit.get("city") else "",
        "deals": [
            {
                "label": DEAL_TYPES.get(deal_type, deal_type),
                "url": f"{market}?{urlencode({'q': hit['title'], 'deal_type': deal_type, 'asset_type': hit['type']})}",
            }
            for deal_type in hit.get("deal_types", [])
        ],
        "min_price": cny(hit["min_price"]) if hit.get("min_price") else "",
        "pledged": hit.get("pledged", False),
    }


_TRADEMARK_NUMBER = re.compile(r"^第?\s*\d{1,9}\s*号?$")


def _as_number(q: str) -> str:
    """A patent or trademark number as people write it (`CN201910123456.7`, `第 12345678 号`) in the
    form the registers store, so that it finds the asset; any other text unchanged."""
    try:
        return identifiers.parse_application_number(q)["number"]
    except ValidationError:
        pass
    if _TRADEMARK_NUMBER.match(q):
        return identifiers.normalise_trademark_number(q)
    return q


def _status_label(key: str) -> str:
    return str(STATUSES["patent"].get(key) or STATUSES["trademark"].get(key) or key)


def ip_list(request):
    owner = request.GET.get("owner", "")
    if owner.isdigit():  # the old /ip/?owner=<id>: an owner's IP is on its page now
        return redirect(reverse("firm-detail", args=[int(owner)]) + "#ip")
    cleaned = forms.read(IPParams, request.GET, IP_FIELDS)
    result = queries.search_ip(queries.IPQuery(**{**cleaned.values, "q": _as_number(cleaned.values["q"])}))
    owner_ids = {hit["owner"] for hit in result["results"]}
    owners = {
        row["pk"]: row
        for row in Organisation.objects.filter(pk__in=owner_ids).values("pk", "name", "name_en", "is_active")
    }
    path, text, values = reverse("ip-home"), cleaned.text, cleaned.values
    facets = [
        _facet(
            "type",
            IP_FIELDS["type"],
            result["facets"]["type"],
            values["type"],
            lambda k: IP_TYPES.get(k, k),
            path,
            text,
        ),
        _facet(
            "deal_type",
            _("Offered for"),
            result["facets"]["deal_type"],
            values["deal_type"],
            lambda k: DEAL_TYPES.get(k, k),
            path,
            text,
        ),
        _facet("city", _("Owner's city"), result["facets"]["city"], values["city"], city_label, path, text),
        _facet(
            "kind",
            IP_FIELDS["kind"],
            result["facets"]["kind"],
            values["kind"],
            lambda k: IP_KINDS.get(k, k),
            path,
            text,
        ),
        _facet("status", _("Legal status"), result["facets"]["status"], values["status"], _status_label, path, text),
    ]
    chips = _chips(facets)
    if values["ipc"]:
        chips.append({"title": _("IPC"), "label": values["ipc"].upper(), "url": forms.link(path, text, ipc=None)})
    pagination = forms.pagination(result["count"], cleaned, path)
    return render(
        request,
        "search/ip_list.html",
        {
            "backend": result["backend"],
            "count": result["count"],
            "rows": [] if pagination["message"] else [_ip_row(hit, owners) for hit in result["results"]],
            "type": values["type"],
            "facets": facets,
            "chips": chips,
            "clear_url": forms.link(path, {"q": text["q"]} if "q" in text else {}),
            "ipc": text.get("ipc", ""),
            "ipc_sections": IPC_SECTIONS,
            "ipc_hidden": forms.hidden(text, "ipc"),
            "size_hidden": forms.hidden(text, "page_size"),
            "pagination": pagination,
            "notes": cleaned.notes,
            "box": _suggest_box(
                values["q"], forms.hidden(text, "q"), _("Search patents and trademarks"), _("Title, number or owner")
            ),
        },
    )
