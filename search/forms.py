"""The query string of the search pages, read and written.

Read with the API's own parameter serializers (`search.api.FirmParams`, `IPParams`), leniently: a
value that does not validate is dropped and named in a note, the rest of the search still runs.
Never a 500 for a bad link. Written back into the links of facets, pages and forms, with every
filter kept and the defaults left out.
"""

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from . import queries

PAGE_SIZES = (10, 20, 50)  # offered in the page-size select (any size the API accepts is honoured)
DEFAULTS = {"page": "1", "page_size": "20", "sort": "relevance"}  # left out of links

# A field whose error is reported on another name: a radius without a centre is an error on `near`.
DEPENDENT = {"near": "radius_km"}


@dataclass
class Cleaned:
    values: dict  # the validated parameters (serializer output)
    text: dict  # the accepted parameters as they were written (for links)
    notes: list[str] = field(default_factory=list)
    deep_page: int | None = None  # a page beyond the result window that was asked for


def _int(text, default: int) -> int | None:
    try:
        return int(text) if text not in (None, "") else default
    except (TypeError, ValueError):
        return None


def _page_wording(name: str, key: str, value: str) -> str | None:
    """The checks across fields, worded for the page's controls rather than the API's parameters."""
    if name == "near" and key == "radius_km":
        return _("Choose a city to search within a distance.")
    if name == "sort" and value == "distance":
        return _("Choose a city to sort by distance.")
    return None


def read(serializer_class, querydict, labels: dict) -> Cleaned:
    """Validate the parameters named in `labels` ({name: label}) and drop the invalid ones, each
    named in a note."""
    data = QueryDict(mutable=True)
    for name in labels:
        if name in querydict:
            data[name] = querydict[name].strip()  # the last value, as Django reads it
    notes = []
    deep_page = None
    page, size = _int(data.get("page"), 1), _int(data.get("page_size"), 20)
    if page and size and page >= 1 and 1 <= size <= 100 and page * size > queries.MAX_WINDOW:
        deep_page = page
        data["page"] = "1"  # the facets and count of the first page; the page says why no results
    for _attempt in range(len(labels) + 1):
        params = serializer_class(data=data)
        if params.is_valid():
            break
        dropped = False
        for name, errors in params.errors.items():
            key = name if name in data else DEPENDENT.get(name)
            if key not in data:
                continue
            value = data.pop(key)[-1]
            dropped = True
            error = _page_wording(name, key, value) or " ".join(str(e) for e in errors)
            shown = value if len(value) <= 40 else value[:40] + "…"
            message = _("%(field)s “%(value)s” was ignored: %(error)s")
            notes.append(message % {"field": labels[key], "value": shown, "error": error})
        if not dropped:  # an error no single parameter explains: search with the defaults
            data = QueryDict(mutable=True)
    else:  # every round drops a parameter, so this is only a safety net
        data = QueryDict(mutable=True)
        params = serializer_class(data=data)
        params.is_valid()
    values = dict(params.validated_data)
    text = {name: data[name] for name in labels if data.get(name) not in (None, "")}
    return Cleaned(values=values, text=text, notes=notes, deep_page=deep_page)


def link(path: str, text: dict, **changes) -> str:
    """The page with the current parameters and `changes` (None removes one). A change of filter goes
    back to page 1 unless it names the page."""
    values = {**text, "page": None, **changes}
    pairs = [(k, v) for k, v in values.items() if v not in (None, "") and DEFAULTS.get(k) != str(v)]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def hidden(text: dict, *leave_out: str) -> list[tuple[str, str]]:
    """The current parameters as hidden inputs of a form that sets the others (never the page)."""
    return [(k, v) for k, v in text.items() if k not in leave_out and k != "page" and DEFAULTS.get(k) != v]


def pagination(count: int, cleaned: Cleaned, path: str) -> dict:
    """Numbered pages around the current one (first and last always), and what to say when the page
    asked for has no results: past the last page, or deeper than the search goes."""
    size = cleaned.values["page_size"]
    page = cleaned.deep_page or cleaned.values["page"]
    reachable = queries.MAX_WINDOW // size
    last = max(1, min(math.ceil(count / size), reachable))
    numbers = sorted({1, last, *range(page - 2, page + 3)} & set(range(1, last + 1)))
    items, previous = [], 0
    for n in numbers:
        if n - previous > 1:
            items.append(None)  # a gap
        items.append({"number": n, "url": link(path, cleaned.text, page=n), "current": n == page})
        previous = n
    message = None
    if cleaned.deep_page:
        message = _("Results go %(n)s deep at most: narrow the search.") % {"n": f"{queries.MAX_WINDOW:,}"}
    elif count and page > last:
        message = _("There is no page %(page)s: the results end on page %(last)s.") % {"page": page, "last": last}
    return {
        "page": page,
        "last": last,
        "items": items if last > 1 else [],
        "previous": link(path, cleaned.text, page=page - 1) if 1 < page <= last else None,
        "next": link(path, cleaned.text, page=page + 1) if page < last else None,
        "message": message,
        "last_url": link(path, cleaned.text, page=last) if message else None,
        "sizes": [{"value": s, "selected": s == size} for s in sorted({*PAGE_SIZES, size})],
    }
