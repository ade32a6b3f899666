"""The inbox pages: the list, opening one notification, marking all read, email preferences. Thin: reads
through `selectors`, changes through `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferencesForm
from .services import render as render_text

PAGE_SIZE = 20


@login_required
def inbox(request):
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for n in page.object_list:
        title, body = render_text(n)
        items.append({"n": n, "title": title, "body": body})
    return render(request, "notifications/inbox.html", {"page": page, "items": items})


@login_required
def open_notification(request, pk: int):
    """Mark it read and go to what it is about."""
    notification = get_object_or_404(selectors.notifications_of(request.user), pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(by=request.user)
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect("inbox")


@login_required
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_update(by=request.user, email_kinds=form.cleaned_data["email_kinds"])
            messages.success(request, _("Your email choices are saved."))
            return redirect("inbox-preferences")
        status = 400
    else:
        form = PreferencesForm(initial={"email_kinds": sorted(selectors.email_kinds_of(request.user))})
        status = 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
