"""The public directory of firms and agencies (database-backed)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .cities import cities, city_label
from .models import Organisation
from .selectors import organisations_visible_to

PAGE_SIZE = 20


def firm_list(request):
    qs = organisations_visible_to(request.user).order_by("name", "id")
    kind = request.GET.get("kind", "")
    city = request.GET.get("city", "")
    q = request.GET.get("q", "").strip()
    if kind in Organisation.Kind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    if city:
        qs = qs.filter(city=city)
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/firm_list.html",
        {
            "page": page,
            "kinds": Organisation.Kind.choices,
            "cities": [(name, city_label(name)) for name in cities()],
            "selected": {"kind": kind, "city": city, "q": q},
            "query": urlencode({k: v for k, v in {"q": q, "kind": kind, "city": city}.items() if v}),
        },
    )


def firm_detail(request, pk):
    firm = get_object_or_404(organisations_visible_to(request.user), pk=pk)
    return render(request, "accounts/firm_detail.html", {"firm": firm, "city": city_label(firm.city)})
