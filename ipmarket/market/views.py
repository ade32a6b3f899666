"""Marketplace pages: the listings, one listing (inquiry, publish, withdraw) and one deal (thread and actions).

Thin: every read goes through `selectors`, every change through `services`; refusals come from
`guards` so a button is greyed out with the same reason the service would give.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation
from ipmarket.accounts.selectors import organisations_of
from ipmarket.assets import cautions
from ipmarket.assets.models import PatentClassification
from ipmarket.core.errors import REFUSALS, refusal_text
from ipmarket.core.money import cny
from ipmarket.core.pagecache import cached_public_page

from . import filing, guards, selectors, services, workflow
from .forms import AcceptForm, InquiryForm, ListingFilterForm, MessageForm, RecordalForm
from .models import Deal, Listing
from .payments import PaymentHandle

PAGE_SIZE = 20
# What the listing pages show, for the page cache (ipmarket/core/pagecache.py): the listing, its patent or
# trademark, the seller, and the cautions of accepted disputes on the asset.
SHOWS = ("listings", "assets", "organisations", "disputes")
State = Deal.State

DEAL_TYPE_HELP = {
    Listing.DealType.ASSIGNMENT: gettext_lazy(
        "Assignment: the patent or trademark itself passes to the buyer. It takes effect when the assignment "
        "is registered with CNIPA."
    ),
    Listing.DealType.EXCLUSIVE_LICENSE: gettext_lazy(
        "Exclusive licence: only the licensee may use it in the territory and term, not even the owner."
    ),
    Listing.DealType.SOLE_LICENSE: gettext_lazy(
        "Sole licence: the licensee and the owner may use it in the territory and term; nobody else is licensed."
    ),
    Listing.DealType.NON_EXCLUSIVE_LICENSE: gettext_lazy(
        "Non-exclusive licence: the licensee may use it; the owner may license others too."
    ),
    Listing.DealType.OPEN_LICENSE: gettext_lazy(
        "Open licence (Patent Law Arts. 50–52): the owner has declared that anyone may use the patent at the "
        "posted fee. The licence is obtained by written notice plus payment of the fee, with no negotiation."
    ),
}

# The happy path of a deal, in order (ipmarket/market/workflow.py); cancelled and refunded are ends shown after it.
STEPS = workflow.DEAL_STEPS
STEP_AT = {State.ACCEPTED: "accepted_at", State.PAID: "paid_at", State.RECORDED: "recorded_at"}


def _error_text(exc) -> str:
    """A refusal from a service, in words for the page."""
    return refusal_text(exc, lambda state: State(state).label if state in State.values else Listing.Status(state).label)


# --- listings ----------------------------------------------------------------------


@cached_public_page("market-list", shows=SHOWS, query=(*ListingFilterForm.base_fields, "page"))
def listing_list(request):
    form = ListingFilterForm(request.GET)
    values = form.values()
    qs = form.filter(selectors.listings_visible_to(request.user)).prefetch_related(
        Prefetch("patent__classifications", queryset=PatentClassification.objects.order_by("position"))
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return render(
        request,
        "market/listing_list.html",
        {
            "form": form,
            "page": page,
            "notes": form.notes(),
            "query": urlencode({name: request.GET[name] for name in values}),
        },
    )


def _my_enterprises(user, listing):
    """The enterprises the person could buy for (not the seller)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return organisations_of(user).filter(kind=Organisation.Kind.ENTERPRISE).exclude(pk=listing.seller_id)


def _inquiry_form(request, listing, data=None):
    enterprises = _my_enterprises(request.user, listing)
    form = InquiryForm(data, enterprises=enterprises, open_licence=listing.deal_type == Listing.DealType.OPEN_LICENSE)
    choices = list(enterprises)
    if len(choices) == 1:
        form.fields["buyer"].widget = form.fields["buyer"].hidden_widget()
        form.fields["buyer"].initial = choices[0].pk
    form.enterprise_count = len(choices)
    return form


def _seller_panel(request, listing) -> dict | None:
    """Publish / withdraw with the reason each is refused, and the listing's deals."""
    if guards.seller_refusal(request.user, listing) is not None:
        return None
    deals = list(selectors.deals_visible_to(request.user).filter(listing=listing).order_by("-updated_at", "-id"))
    today = timezone.localdate()
    panel = {"deals": deals}
    for name, action in workflow.LISTING_ACTIONS.items():
        if listing.status not in action.sources:
            reason = action.waiting % {"status": listing.get_status_display()}
        else:
            refusal = action.check(listing, today) if action.check else None
            reason = refusal.reason if refusal else None
        panel[f"{name}_refusal"] = reason
    return panel


@cached_public_page("market-listing", shows=SHOWS)
def listing_detail(request, pk):
    listing = get_object_or_404(selectors.listings_visible_to(request.user), pk=pk)
    inquiry_form = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = request.POST.get("action")
        if action == "inquire":
            inquiry_form = _inquiry_form(request, listing, request.POST)
            if inquiry_form.is_valid():
                try:
                    message = services.inquiry_create(listing=listing, by=request.user, **inquiry_form.service_kwargs())
                except REFUSALS as exc:
                    inquiry_form.add_error(None, _error_text(exc))
                else:
                    if listing.deal_type == Listing.DealType.OPEN_LICENSE:
                        messages.success(request, _("Notice given: pay the posted fee to obtain the licence."))
                    else:
                        messages.success(request, _("Your inquiry was sent to the seller."))
                    return redirect("deal-detail", message.deal_id)
        elif action in workflow.LISTING_ACTIONS:
            try:
                workflow.LISTING_ACTIONS[action].run(listing, request.user)
                messages.success(request, workflow.LISTING_ACTIONS[action].done)
            except REFUSALS as exc:
                messages.error(request, _error_text(exc))
            return redirect("listing-detail", listing.pk)
        else:
            messages.error(request, _("Unknown action."))
            return redirect("listing-detail", listing.pk)
    return render(
        request,
        "market/listing_detail.html",
        _listing_context(request, listing, inquiry_form),
        status=400 if inquiry_form is not None else 200,
    )


def _listing_context(request, listing, inquiry_form) -> dict:
    user = request.user
    asset = listing.asset
    context = {
        "listing": listing,
        "asset": asset,
        "ipc_codes": asset.ipc_codes if listing.asset_type == "patent" else [],
        "deal_type_help": DEAL_TYPE_HELP[listing.deal_type],
        "open_licence": listing.deal_type == Listing.DealType.OPEN_LICENSE,
        "is_open": listing.status in (Listing.Status.PUBLISHED, Listing.Status.UNDER_NEGOTIATION),
        "seller_panel": _seller_panel(request, listing),
        "cautions": cautions.of(asset),
        "inquiry_form": None,
        "my_deals": [],
        "not_enterprise": False,
    }
    if user.is_authenticated:
        form = inquiry_form or _inquiry_form(request, listing)
        if form.enterprise_count or form.is_bound:  # a refused inquiry shows why, whoever sent it
            context["inquiry_form"] = form
            context["my_deals"] = list(
                selectors.deals_visible_to(user).filter(
                    listing=listing, buyer__in=form.fields["buyer"].queryset, state__in=Deal.OPEN
                )
            )
        elif context["seller_panel"] is None:
            context["not_enterprise"] = True
    return context


# --- deals -------------------------------------------------------------------------


def _steps(deal) -> list[dict]:
    steps = []
    if deal.state in (State.CANCELLED, State.REFUNDED):
        reached = [State.NEGOTIATING] + [s for s in (State.ACCEPTED, State.PAID) if getattr(deal, STEP_AT[s])]
        for state in reached:
            steps.append({"label": State(state).label, "status": "done"})
        steps.append({"label": State(deal.state).label, "status": "current", "end": True})
        return steps
    position = STEPS.index(deal.state)
    for i, state in enumerate(STEPS):
        status = "done" if i < position else "current" if i == position else "todo"
        steps.append({"label": State(state).label, "status": status})
    return steps


def _deal_actions(user, deal) -> list[dict]:
    """Every action still ahead in the deal's path, enabled or with the reason it is refused."""
    if deal.state not in Deal.OPEN:
        return []
    position = STEPS.index(deal.state)
    actions = []
    for name, action in workflow.DEAL_ACTIONS.items():
        sources = action.sources
        last_source = max(STEPS.index(s) for s in sources)
        if position > last_source:
            continue  # done already, or no longer possible
        reason = None
        if (role := action.actor(user, deal)) is not None:
            reason = role.reason
        elif deal.state not in sources:
            reason = action.waiting or ""
        elif action.check is not None:
            refusal = action.check(deal, timezone.localdate())
            reason = refusal.reason if refusal else None
        label = action.label
        if name == "cancel" and deal.state == State.PAID:
            label = _("Cancel the deal and refund the buyer")
        if name == "pay":
            label = _("Pay %(amount)s") % {"amount": cny(deal.price)}
        actions.append({"name": name, "label": label, "reason": reason, "enabled": reason is None})
    return actions


def _payment_context(request, deal, handle) -> dict:
    lang = (get_language() or "zh-hans").split("-")[0]
    return {
        "client_secret": handle.client_secret,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "return_url": request.build_absolute_uri(reverse("deal-detail", args=[deal.pk])),
        "pending_url": reverse("deal-detail", args=[deal.pk]) + "?pending=1",
        "locale": "zh" if lang == "zh" else "en",
    }


def _deal_post(request, deal, forms) -> tuple[object, dict | None]:
    """Run the posted action. Returns (a response or None, the payment handle context or None)."""
    action = request.POST.get("action")
    user = request.user
    try:
        if action == "message":
            form = forms["message"] = MessageForm(request.POST)
            if not form.is_valid():
                return None, None
            services.deal_post_message(
                deal=deal, by=user, body=form.cleaned_data["body"], offer=form.cleaned_data["offer"]
            )
            messages.success(request, _("Message sent."))
        elif action in workflow.DEAL_ACTIONS:
            step = workflow.DEAL_ACTIONS[action]
            # Without its input (a price, a number) the service refuses with the reason: it never accepts
            # terms the seller did not see, nor records without a number.
            data = {"price": None, "recordal_number": ""}
            if step.form is not None:
                form = forms[action] = step.form(request.POST)
                if form.is_valid():
                    data.update(form.cleaned_data)
            result = step.run(deal, user, **data)
            if isinstance(result, PaymentHandle):
                return None, _payment_context(request, deal, result)
            messages.success(request, step.done)
        else:
            messages.error(request, _("Unknown action."))
    except REFUSALS as exc:
        messages.error(request, _error_text(exc))
        return None, None
    return redirect("deal-detail", deal.pk), None


FILING_STATES = {
    filing.NOT_REQUIRED: (gettext_lazy("Not required"), "muted"),
    filing.NOT_EFFECTIVE: (gettext_lazy("Not yet: the licence has not taken effect"), "muted"),
    filing.PENDING: (gettext_lazy("To be filed"), "warn"),
    filing.FILED: (gettext_lazy("Filed"), "ok"),
    filing.OVERDUE: (gettext_lazy("Overdue: not filed within 3 months"), "bad"),
}


def _filing(deal) -> dict:
    """The licence contract's filing deadline (ipmarket/market/filing.py) as the deal page shows it."""
    state = deal.filing_state()
    label, tone = FILING_STATES[state]
    return {
        "state": state,
        "label": label,
        "tone": tone,
        "effective_on": deal.licence_effective_on,
        "due_on": deal.filing_due_on,
    }


@login_required
def deal_detail(request, pk):
    visible = selectors.deals_visible_to(request.user)
    deal = get_object_or_404(visible, pk=pk)
    forms = {}
    payment = None
    status = 200
    if request.method == "POST":
        response, payment = _deal_post(request, deal, forms)
        if response is not None:
            return response
        deal = visible.get(pk=pk)  # what the action changed
        if payment is None:
            status = 400
    party_ids = policies.organisation_ids(request.user)
    is_buyer, is_seller = deal.buyer_id in party_ids, deal.seller_id in party_ids
    negotiable = deal.state == State.NEGOTIATING and deal.listing.negotiable
    message_form = forms.get("message") or MessageForm()
    if not negotiable:
        message_form.fields.pop("offer")
    # The accept button sends the price this page shows (compare-and-set in the service).
    accept_form = AcceptForm(initial={"price": deal.price.amount})
    pending = deal.state == State.ACCEPTED and bool(deal.payment_intent_id) and payment is None
    thread = list(deal.messages.all())
    for message in thread:
        message.side = "buyer" if message.organisation_id == deal.buyer_id else "seller"
    return render(
        request,
        "market/deal_detail.html",
        {
            "deal": deal,
            "listing": deal.listing,
            "asset": deal.listing.asset,
            "deal_type_help": DEAL_TYPE_HELP[deal.listing.deal_type],
            "steps": _steps(deal),
            # While the payment form is open, it is the way to pay.
            "actions": [a for a in _deal_actions(request.user, deal) if not (payment and a["name"] == "pay")],
            "thread": thread,
            "is_buyer": is_buyer,
            "is_seller": is_seller,
            "is_party": is_buyer or is_seller,
            "message_form": message_form,
            "accept_form": accept_form,
            "recordal_form": forms.get("confirm_recordal") or RecordalForm(),
            "filing": _filing(deal),
            "payment": payment,
            "payment_pending": pending and is_buyer,
            # Reload while waiting for the provider's confirmation (after returning from Stripe).
            "poll": pending and ("pending" in request.GET or request.GET.get("redirect_status") == "succeeded"),
            "payment_failed": request.GET.get("redirect_status") == "failed" and deal.state == State.ACCEPTED,
        },
        status=status,
    )
