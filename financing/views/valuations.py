"""The panel valuation reports a person sees (an appraiser: its own), newest first, a page at a time."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ipmarket.accounts import policies as people
from ipmarket.accounts.models import Organisation

from .. import valuations

PAGE_SIZE = 20


@login_required
def valuation_reports(request):
    today = timezone.localdate()
    qs = valuations.reports_visible_to(request.user).order_by("-value_date", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for report in page.object_list:
        assets = [a.asset for a in report.assets.all()]
        state = "valid" if report.valid_until >= today else "expired"
        if state == "valid" and (report.valid_until - today).days <= valuations.REMINDER_DAYS:
            state = "expiring"
        rows.append({"report": report, "assets": assets, "state": state})
    context = {
        "page": page,
        "rows": rows,
        "is_appraiser": bool(people.organisation_ids(request.user, kinds=[Organisation.Kind.APPRAISER])),
        "standard": valuations.STANDARD_VERSION,
    }
    return render(request, "financing/valuation_reports.html", context)
