"""One application: its path, figures, documents and schedule, and the actions the person may take."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.core.errors import REFUSALS, Conflict
from ipmarket.core.money import cny, percent

from .. import guards, policies, selectors, services, valuations, workflow
from ..forms import DocumentForm
from ..models import Application, Claim
from ..services import days_past_due
from .common import S, error_text, ltv_figures, next_step, programme_name


def _distances(state: str) -> dict[str, int]:
    """How many forward moves each state lies ahead of `state`."""
    distance, frontier = {state: 0}, [state]
    while frontier:
        following = []
        for current in frontier:
            for nxt in workflow.FORWARD.get(current, []):
                if nxt not in distance:
                    distance[nxt] = distance[current] + 1
                    following.append(nxt)
        frontier = following
    return distance


def action_form(action: str, data=None, **kwargs):
    """The form of an action's inputs, prefixed with the action so that every id on the page is unique."""
    return workflow.ACTIONS[action].form(data, prefix=action, **kwargs)


def _facts(app: Application, periods, today, user) -> workflow.Facts:
    reports = app.documents.filter(kind="valuation_report").exclude(report_date=None).order_by("-report_date")
    valuing = app.state == S.IP_VERIFIED
    return workflow.Facts(
        today=today,
        days_past_due=days_past_due(periods, today) if app.state in Application.LOAN else 0,
        report_date=reports.values_list("report_date", flat=True).first() if valuing else None,
        reusable_reports=tuple(valuations.reusable_reports(app, user, today)) if valuing else (),
    )


def _guard_reason(action: workflow.Action, app: Application, user, facts: workflow.Facts) -> str | None:
    """The guard that would refuse the action now, where it is cheap to ask (input-free guards)."""
    refusal = action.check(app, user, facts) if action.check else None
    return refusal.reason if refusal else None


def _action_form(name: str, app: Application, bound: dict, ltv: dict, periods, facts: workflow.Facts):
    """The inputs of an enabled action, with the limits that apply as hints."""
    form = bound.get(name) or action_form(name)
    programme = app.programme
    if name == "value":
        form.offer(facts.reusable_reports)
    elif name == "bank_propose":
        if ltv["limit_amount"] is not None:
            form.fields["principal"].help_text = _("At most %(limit)s (programme maximum and loan-to-value).") % {
                "limit": ltv["limit"]
            }
            form.fields["principal"].widget.attrs["max"] = f"{ltv['limit_amount']:.2f}"
        form.fields["annual_rate"].help_text = _("At most %(cap)s.") % {"cap": percent(programme.max_annual_rate)}
        if not form.is_bound:
            proposed = app.proposed_principal or app.principal
            form.initial = {
                "principal": proposed.amount,
                "annual_rate": _percent_input(app.proposed_rate or app.annual_rate),
                "ip_share": _percent_input(app.proposed_ip_share or app.ip_share),
            }
    elif name == "bank_approve" and not form.is_bound:
        form.initial = {  # the terms this page shows, sent back with the decision
            "principal": app.proposed_principal.amount,
            "annual_rate": _percent_input(app.proposed_rate),
            "ip_share": _percent_input(app.proposed_ip_share),
        }
    elif name == "underwrite":
        form.fields["premium_rate"].help_text = _("At most %(cap)s a year.") % {
            "cap": percent(programme.premium_rate_cap)
        }
        form.fields["policy_limit"].help_text = _("At least %(min)s; empty: the programme's limit (%(limit)s).") % {
            "min": cny(guards.minimum_policy_limit(app)),
            "limit": cny(guards.loss_terms(app)["programme_policy_limit"]) or _("none"),
        }
    elif name == "record_repayment" and not form.is_bound:
        due = next((p for p in periods if not p.settled), None)
        if due is not None:
            form.initial["amount"] = due.unpaid_principal + due.unpaid_interest + due.unpaid_penalty
    return form


def _actions(user, app: Application, sides: set[str], bound: dict, ltv: dict, periods, today) -> list[dict]:
    """The actions of the person's sides: those possible now (enabled, or disabled with every reason that
    refuses them), else the nearest ones ahead ("possible once …"); side exits only when allowed now."""
    distance = _distances(app.state)
    facts = _facts(app, periods, today, user)
    now, ahead = [], []
    for action in workflow.ACTIONS_DECLARED:
        name, sources = action.name, action.sources
        if not action.sides & sides:
            continue
        role_refusal = action.refusal(user, app)
        if action.side_exit:
            if app.state in sources and role_refusal is None:
                now.append(_action(name, app, [], bound, ltv, periods, facts))
            continue
        if app.state in sources:
            reasons = [r for r in (_guard_reason(action, app, user, facts), role_refusal) if r]
            now.append(_action(name, app, reasons, bound, ltv, periods, facts))
        elif role_refusal is None:
            steps = [distance[s] for s in sources if s in distance]
            if steps:
                ahead.append((min(steps), _action(name, app, [str(action.waiting)], bound, ltv, periods, facts)))
    if not [a for a in now if not workflow.ACTIONS[a["name"]].side_exit] and ahead:
        nearest = min(d for d, _item in ahead)
        now = [item for d, item in ahead if d == nearest] + now
    return sorted(now, key=lambda a: a["secondary"])  # the way forward first, side exits last


def _percent_input(rate: Decimal) -> str:
    """0.0435 → "4.35", the way the forms take rates and shares."""
    return f"{rate.scaleb(2).normalize():f}"


def _action(name, app, reasons, bound, ltv, periods, facts) -> dict:
    enabled = not reasons
    label = workflow.ACTIONS[name].label
    if name == "bank_propose" and app.proposed_by_id is not None:
        label = _("Propose the loan again")
    elif name == "reject" and app.state == S.CLAIM_SUBMITTED:
        label = _("Reject the claim")
    return {
        "name": name,
        "label": label,
        "reasons": reasons,
        "enabled": enabled,
        "form": _action_form(name, app, bound, ltv, periods, facts) if enabled else None,
        "confirm": workflow.ACTIONS[name].confirm or "",
        "secondary": workflow.ACTIONS[name].side_exit,
    }


def _steps(app: Application, events) -> list[dict]:
    """The step indicator: the main path up to the end the application is heading for; a side exit is
    shown as the end after the last state reached."""
    visited = {e.to_state for e in events}
    state = app.state
    current = state
    if state in workflow.EXITS:
        current = next((e.from_state for e in reversed(events) if e.to_state == state), S.DRAFT)
    path = workflow.MAIN + (
        workflow.LOSS_END if current in workflow.LOSS_END or current == S.CLAIM_REJECTED else workflow.REPAID_END
    )
    if state == S.CLOSED_LOSS and S.IN_RECOVERY not in visited:
        path.remove(S.IN_RECOVERY)
    position = path.index(current) if current in path else 0
    steps = []
    for i, step in enumerate(path):
        if state in workflow.EXITS:
            if i > position:
                break
            status = "done"
        else:
            status = "done" if i < position else "current" if i == position else "todo"
        steps.append({"label": S(step).label, "status": status})
    if state in workflow.EXITS:
        steps.append({"label": S(state).label, "status": "current", "end": True})
    return steps


def _post(request, app: Application, bound: dict):
    """Run the posted action or upload. Returns a redirect, or None after a refusal (shown as a message)."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "upload":
        form = bound["upload"] = DocumentForm(request.POST, request.FILES)  # every kind: the service decides
        if not form.is_valid():
            messages.error(request, _("The document was not uploaded: check the fields of the upload form."))
            return None
        try:
            document = services.document_upload(application=app, by=user, **form.service_kwargs())
        except REFUSALS as exc:
            messages.error(request, _("The document was not uploaded: %(reason)s") % {"reason": error_text(exc)})
            return None
        messages.success(request, _("“%(name)s” is uploaded.") % {"name": document.original_name})
        return redirect("financing-application", app.pk)
    if action not in workflow.ACTIONS:
        messages.error(request, _("Unknown action."))
        return None
    form = bound[action] = action_form(action, request.POST)
    if not form.is_valid():
        messages.error(
            request, _("“%(action)s” needs the fields shown below.") % {"action": workflow.ACTIONS[action].label}
        )
        return None
    try:
        workflow.ACTIONS[action].service(application=app, by=user, **form.service_kwargs())
    except REFUSALS as exc:
        messages.error(request, error_text(exc))
        if isinstance(exc, Conflict):
            del bound[action]  # the page shows the current terms again, and its form sends those
        return None
    messages.success(request, workflow.ACTIONS[action].done)
    return redirect("financing-application", app.pk)


def _claim(app: Application) -> dict | None:
    claim = Claim.objects.filter(application=app).select_related("submitted_by", "settled_by").first()
    if claim is None:
        return None
    return {
        "claim": claim,
        "outstanding": cny(claim.outstanding_principal),
        "loss_base": cny(claim.loss_base),
        "fund": cny(claim.fund_share),
        "insurer": cny(claim.insurer_share),
        "bank": cny(claim.bank_share),
    }


@login_required
def application_detail(request, pk):
    visible = selectors.applications_visible_to(request.user)
    app = get_object_or_404(visible, pk=pk)
    bound, status = {}, 200
    if request.method == "POST":
        response = _post(request, app, bound)
        if response is not None:
            return response
        app, status = visible.get(pk=pk), 400  # what a refused action may have left changed: nothing, re-read
    return render(request, "financing/application_detail.html", _detail_context(request, app, bound), status=status)


def _detail_context(request, app: Application, bound: dict) -> dict:
    user = request.user
    today = timezone.localdate()
    sides = policies.sides_of(user, app)
    events = list(app.events.select_related("actor"))
    for event in events:
        event.label = (
            workflow.ACTIONS[event.action].label
            if event.action in workflow.ACTIONS
            else workflow.EVENT_LABELS.get(event.action, event.action)
        )
        event.from_label = S(event.from_state).label if event.from_state in S.values else event.from_state
        event.to_label = S(event.to_state).label if event.to_state in S.values else event.to_state
    periods = list(app.periods.order_by("period"))
    for p in periods:
        p.display = {
            name: cny(getattr(p, name))
            for name in (
                "payment",
                "principal",
                "interest",
                "balance",
                "paid_principal",
                "paid_interest",
                "penalty",
                "paid_penalty",
            )
        }
    ltv = ltv_figures(app)
    if ltv["valued"]:  # the guard's own figure, whatever the list pages show
        ltv["limit_amount"] = min(app.programme.max_principal.amount, guards.ltv_limit(app))
        ltv["limit"] = cny(ltv["limit_amount"])
    repayments = list(app.repayments.select_related("recorded_by"))
    recoveries = list(app.recoveries.select_related("recorded_by"))
    for r in recoveries:
        r.display = {name: cny(getattr(r, name)) for name in ("amount", "fund_part", "insurer_part", "bank_part")}
    documents = list(app.documents.select_related("uploaded_by"))
    assets = list(app.assets.all())
    outstanding = services.outstanding_principal(app) if app.disbursed_on else None
    upload_kinds = policies.document_kinds_for(user, app)
    totals = {
        name: cny(sum((getattr(p, name) for p in periods), Decimal("0")))
        for name in ("payment", "principal", "interest", "paid_principal", "paid_interest", "penalty", "paid_penalty")
    }
    return {
        "app": app,
        "programme_name": programme_name(app.programme),
        "sides": sides,
        "steps": _steps(app, events),
        "finished": app.state in workflow.FINISHED,
        "can_edit": "borrower" in sides and app.state in Application.EDITABLE,
        "next_step": next_step(app),
        "actions": _actions(user, app, sides, bound, ltv, periods, today),
        "ltv": ltv,
        "money": {
            "principal": cny(app.principal),
            "rate": percent(app.annual_rate),
            "proposed": cny(app.proposed_principal),
            "proposed_rate": percent(app.proposed_rate),
            "proposed_ip_share": percent(app.proposed_ip_share),
            "approved": cny(app.approved_principal),
            "approved_rate": percent(app.approved_rate),
            "appraised": cny(app.appraised_value),
            "premium_rate": percent(app.premium_rate),
            "premium": cny(app.premium),
            "policy_limit": cny(app.policy_limit),
            "covered": cny(app.covered_principal),
            "outstanding": cny(outstanding) if outstanding is not None else "",
            "ip_share": percent(app.ip_share),
        },
        "assets": assets,
        "documents": documents,
        "upload_form": bound.get("upload") or DocumentForm(kinds=upload_kinds),
        "can_upload": bool(upload_kinds) or "upload" in bound,
        "periods": periods,
        "totals": totals,
        "repayments": repayments,
        "claim": _claim(app),
        "recoveries": recoveries,
        "alerts": list(app.alerts.all()),
        "events": events,
    }
