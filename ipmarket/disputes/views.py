"""Pages of IP protection (docs/disputes.md):

- everyone signed in: their cases (`dispute-list-page`): the claimant's, the respondent's once accepted, the
  mediator's, a partner's; platform people see every case, filter them by state and see the mediations past
  their time limit first;
- an enterprise's members: the filing form (`dispute-new-page`);
- a case's page (`dispute-detail-page`) with the actions `workflow.allowed_actions` gives the person, each a
  small form posted to `actions/<name>/`, its documents (downloads recorded), sessions, steps, shares,
  outcomes and its audit trail; a case the person may not see answers 404;
- anyone: the published enforcement decisions (`enforcement-decisions-page`) and one decision.

Thin: reads go through `selectors`, changes through `services`; a refusal is shown on the page, by field where
it names one, never as an error page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation
from ipmarket.accounts.selectors import organisations_of
from ipmarket.assets import selectors as asset_selectors
from ipmarket.core.errors import REFUSALS, GuardFailed, refusal_text

from . import finders, forms, selectors, services, workflow
from .models import Dispute

S = Dispute.State
PAGE_SIZE = 20
OVERDUE_SHOWN = 50

# Where a service's refusal of a form is shown.
GUARD_FIELDS = {
    "not_owner": "assets",
    "claimant_required": "claimant",
    "respondent_is_claimant": "respondent",
    "note_required": "note",
    "mediator_kind": "mediator",
    "bureau_kind": "bureau",
    "referred_to_kind": "referred_to",
    "partner_kind": "partner",
    "decision_number_taken": "number",
    "document_too_large": "evidence",
    "document_empty": "evidence",
    "document_type": "evidence",
    "agreement_missing": None,
    "no_consent": None,
}


def state_label(state: str) -> str:
    return S(state).label if state in S.values else state


def error_text(exc) -> str:
    return refusal_text(exc, state_label)


def show_refusal(form, exc) -> None:
    """A service's refusal on the form: by field when it names one the form has, else above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    field = GUARD_FIELDS.get(exc.code) if isinstance(exc, GuardFailed) else None
    form.add_error(field if field in form.fields else None, error_text(exc))


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _enterprises(user):
    return organisations_of(user).filter(kind=Organisation.Kind.ENTERPRISE).order_by("name")


def _refused(request, message: str):
    return render(request, "disputes/refused.html", {"message": message}, status=403)


def _overdue(dispute: Dispute, today) -> bool:
    return dispute.state == S.IN_MEDIATION and dispute.mediation_due is not None and dispute.mediation_due < today


# --- the list of cases ---------------------------------------------------------------------------------


@login_required
def dispute_list(request):
    user = request.user
    platform = policies.is_platform_staff(user)
    today = timezone.localdate()
    disputes = selectors.disputes_visible_to(user)
    state = request.GET.get("state", "")
    if state not in S.values:
        state = ""
    if state:
        disputes = disputes.filter(state=state)
    page = _page(request, disputes.order_by("-updated_at", "-pk"))
    rows = list(page)
    for d in rows:
        d.overdue = _overdue(d, today)
    overdue = []
    if platform:
        overdue = list(services.mediation_overdue(today).select_related("claimant", "respondent", "mediator"))
        overdue = overdue[:OVERDUE_SHOWN]
    return render(
        request,
        "disputes/dispute_list.html",
        {
            "page": page,
            "disputes": rows,
            "is_platform": platform,
            "states": S.choices,
            "state": state,
            "query": urlencode({"state": state}) if state else "",
            "overdue": overdue,
            "today": today,
            "can_file": _enterprises(user).exists(),
        },
    )


# --- filing -------------------------------------------------------------------------------------------


def _own_assets(user, enterprises) -> list:
    ids = [e.pk for e in enterprises]
    patents = asset_selectors.owned_by(asset_selectors.patents_visible_to(user), ids).order_by("-filing_date", "pk")
    trademarks = asset_selectors.owned_by(asset_selectors.trademarks_visible_to(user), ids).order_by(
        "-registration_date", "pk"
    )
    return [*patents, *trademarks]


@login_required
def dispute_new(request):
    user = request.user
    enterprises = list(_enterprises(user))
    if not enterprises:
        return _refused(request, _("Only an enterprise's members file IP disputes."))
    kwargs = {"enterprises": enterprises, "assets": _own_assets(user, enterprises)}
    status = 200
    if request.method == "POST":
        form = forms.DisputeForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            evidence = form.cleaned_data.get("evidence")
            try:
                # The case and its first evidence together: a refused file leaves no case behind.
                with transaction.atomic():
                    dispute = services.dispute_create(by=user, **form.service_kwargs())
                    if evidence:
                        try:
                            services.document_upload(dispute=dispute, by=user, kind="evidence", upload=evidence)
                        except ValidationError as exc:
                            raise ValidationError({"evidence": exc.messages}) from None
            except REFUSALS as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, _("Your case is filed. The bureau reviews it and decides how to handle it."))
                return redirect("dispute-detail-page", dispute.pk)
        status = 400
    else:
        form = forms.DisputeForm(**kwargs)
    return render(
        request,
        "disputes/dispute_form.html",
        {"form": form, "no_assets": not form.fields["assets"].choices},
        status=status,
    )


# --- one case -----------------------------------------------------------------------------------------

EVENT_LABELS = {
    "file": gettext_lazy("Filed"),
    "viewed": gettext_lazy("Viewed"),
    "upload": gettext_lazy("Document uploaded"),
    "session": gettext_lazy("Mediation session"),
    "step": gettext_lazy("Investigation step"),
}
# What only platform people read in the trail: who saw what, and with whom the case was shared.
PLATFORM_ONLY_EVENTS = ("viewed", "share")


def _events(user, dispute: Dispute) -> list:
    events = dispute.events.select_related("actor", "organisation")
    if not policies.is_platform_staff(user):
        events = events.exclude(action__in=PLATFORM_ONLY_EVENTS)
    events = list(events)
    for event in events:
        action = workflow.ACTIONS.get(event.action)
        event.label = action.label if action else EVENT_LABELS.get(event.action, event.action)
        event.from_label = state_label(event.from_state) if event.from_state else ""
        event.to_label = state_label(event.to_state) if event.to_state else ""
    return events


def _actions(user, dispute: Dispute, bound: dict) -> list[dict]:
    actions = []
    for name in workflow.allowed_actions(dispute, user):
        spec = workflow.ACTIONS[name]
        actions.append(
            {
                "name": name,
                "label": spec.label,
                "confirm": spec.confirm or "",
                "form": bound.get(name) or forms.action_form(name, dispute),
                "secondary": name in ("withdraw", "dismiss", "decline", "transfer"),
            }
        )
    return actions


def _detail_context(request, dispute: Dispute, bound: dict) -> dict:
    user = request.user
    today = timezone.localdate()
    platform = policies.is_platform_staff(user)
    kinds = services.document_kinds_for(user, dispute)
    documents = list(selectors.documents_visible_to(user, dispute))
    return {
        "dispute": dispute,
        "state_label": dispute.get_state_display(),
        "assets": [item.asset for item in dispute.assets.all()],
        "overdue": _overdue(dispute, today),
        "is_platform": platform,
        "actions": _actions(user, dispute, bound),
        "documents": documents,
        "document_form": bound.get("document") or (forms.DocumentForm(kinds=kinds) if kinds else None),
        "sessions": list(dispute.sessions.select_related("recorded_by")),
        "session_form": (bound.get("session") or forms.SessionForm())
        if workflow.is_mediator(user, dispute) and dispute.state == S.IN_MEDIATION
        else None,
        "steps": list(dispute.steps.select_related("recorded_by")),
        "step_form": (bound.get("step") or forms.StepForm())
        if platform and dispute.state == S.UNDER_INVESTIGATION
        else None,
        "shares": list(dispute.shares.select_related("partner").prefetch_related("documents"))
        if platform or selectors.sees_everything(user, dispute)
        else [],
        "outcomes": list(dispute.outcomes.select_related("partner")),
        "events": _events(user, dispute),
    }


def _render_detail(request, dispute: Dispute, bound: dict | None = None, status: int = 200):
    return render(
        request, "disputes/dispute_detail.html", _detail_context(request, dispute, bound or {}), status=status
    )


@login_required
def dispute_detail(request, pk):
    dispute = selectors.dispute_for(request.user, pk)
    if selectors.is_partner_only(request.user, dispute):
        services.record_access(dispute=dispute, by=request.user, what="case record")
    return _render_detail(request, dispute)


@login_required
@require_POST
def dispute_action(request, pk, name):
    user = request.user
    dispute = selectors.dispute_for(user, pk)
    spec = workflow.ACTIONS.get(name)
    if spec is None:
        raise Http404(_("No such action."))
    form = forms.action_form(name, dispute, request.POST)
    if not form.is_valid():
        messages.error(request, _("“%(action)s” needs the fields shown below.") % {"action": spec.label})
        return _render_detail(request, dispute, {name: form}, status=400)
    try:
        spec.service(dispute=dispute, by=user, **form.service_kwargs())
    except REFUSALS as exc:
        show_refusal(form, exc)
        messages.error(request, error_text(exc))
        return _render_detail(request, selectors.dispute_for(user, pk), {name: form}, status=400)
    messages.success(request, str(spec.done))
    try:
        return redirect("dispute-detail-page", selectors.dispute_for(user, pk).pk)
    except Http404:  # e.g. a mediator who declined no longer sees the case
        return redirect("dispute-list-page")


def _record_form(request, pk, key: str, form_class, service, done: str):
    """A session (mediator) or an investigation step (platform) posted from the case's page."""
    user = request.user
    dispute = selectors.dispute_for(user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(dispute=dispute, by=user, **form.cleaned_data)
        except REFUSALS as exc:
            show_refusal(form, exc)
            messages.error(request, error_text(exc))
        else:
            messages.success(request, done)
            return redirect("dispute-detail-page", dispute.pk)
    return _render_detail(request, selectors.dispute_for(user, pk), {key: form}, status=400)


@login_required
@require_POST
def session_new(request, pk):
    return _record_form(
        request, pk, "session", forms.SessionForm, services.session_record, _("The session is recorded.")
    )


@login_required
@require_POST
def step_new(request, pk):
    return _record_form(request, pk, "step", forms.StepForm, services.step_record, _("The step is recorded."))


@login_required
@require_POST
def document_new(request, pk):
    user = request.user
    dispute = selectors.dispute_for(user, pk)
    form = forms.DocumentForm(request.POST, request.FILES, kinds=services.document_kinds_for(user, dispute))
    if form.is_valid():
        try:
            services.document_upload(
                dispute=dispute, by=user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except REFUSALS as exc:
            if isinstance(exc, GuardFailed) and GUARD_FIELDS.get(exc.code) == "evidence":
                form.add_error("file", exc.reason)
            else:
                show_refusal(form, exc)
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The document is uploaded."))
            return redirect("dispute-detail-page", dispute.pk)
    return _render_detail(request, selectors.dispute_for(user, pk), {"document": form}, status=400)


@login_required
def document_download(request, pk, document_id):
    user = request.user
    dispute = selectors.dispute_for(user, pk)
    document = selectors.document_for(user, dispute, document_id)
    services.record_access(dispute=dispute, by=user, what=f"document {document.pk}: {document.original_name}")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- public decisions ---------------------------------------------------------------------------------


def decision_results(q: str, page):
    """One page of the published decisions matching `q` (its number, the parties, the decision's text, the IP),
    through the search app's finder (Elasticsearch, or the database when it is down); newest first without
    a search app."""
    if finders.decision_search is None:
        return Paginator(selectors.public_decisions(), PAGE_SIZE).get_page(page)
    try:
        number = max(1, int(page or 1))
    except (TypeError, ValueError):
        number = 1
    try:
        answer = finders.decision_search(q, number, PAGE_SIZE)
    except ValueError:  # past the deepest page a search can reach
        number, answer = 1, finders.decision_search(q, 1, PAGE_SIZE)
    ids = [hit["id"] for hit in answer["results"]]
    rows = selectors.public_decisions().in_bulk(ids)
    result = Paginator(range(answer["count"]), PAGE_SIZE).get_page(number)
    result.object_list = [rows[pk] for pk in ids if pk in rows]
    return result


def decision_list(request):
    q = request.GET.get("q", "").strip()[:100]
    page = decision_results(q, request.GET.get("page"))
    return render(
        request,
        "disputes/decision_list.html",
        {"page": page, "decisions": list(page), "q": q, "query": urlencode({"q": q}) if q else ""},
    )


def decision_detail(request, pk):
    return render(request, "disputes/decision_detail.html", {"dispute": selectors.public_decision(pk)})
