"""The words of a notification, rendered from its kind and params in the active language, so the inbox
reads in Chinese or English whichever the reader chose (emails go out in the site's default language)."""

from django.utils.translation import gettext as _

from .models import Kind


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _deal_state(value):
    from ipmarket.market.models import Deal

    return _label(Deal.State, value)


def _application_state(value):
    from financing.models import Application

    return _label(Application.State, value)


def _collateral_reason(value):
    from financing.models import CollateralAlert

    return _label(CollateralAlert.Reason, value)


def _with_note(text: str, note: str) -> str:
    if not note:
        return text
    return text + "\n" + _("Note: %(note)s") % {"note": note}


def _inquiry(p):
    title = _("New inquiry on your listing: %(asset)s") % {"asset": p.get("asset", "")}
    body = _("%(buyer)s wrote: %(message)s") % {"buyer": p.get("buyer", ""), "message": p.get("message", "")}
    return title, body


def _deal(p):
    to = _deal_state(p.get("to", ""))
    title = _("Deal %(deal)s (%(asset)s): %(state)s") % {
        "deal": p.get("deal"),
        "asset": p.get("asset", ""),
        "state": to,
    }
    body = _("The deal went from “%(from)s” to “%(to)s”.") % {"from": _deal_state(p.get("from", "")), "to": to}
    return title, _with_note(body, p.get("note", ""))


def _application(p):
    to = _application_state(p.get("to", ""))
    title = _("Loan application %(application)s: %(state)s") % {"application": p.get("application"), "state": to}
    body = _("The application went from “%(from)s” to “%(to)s”.") % {
        "from": _application_state(p.get("from", "")),
        "to": to,
    }
    return title, _with_note(body, p.get("note", ""))


def _repayment_due(p):
    values = {
        "application": p.get("application"),
        "period": p.get("period"),
        "amount": p.get("amount"),
        "date": p.get("due_date"),
    }
    title = _("Repayment due on %(date)s: loan application %(application)s") % values
    body = _("Instalment %(period)s, CNY %(amount)s, is due on %(date)s.") % values
    return title, body


def _overdue(p):
    values = {
        "application": p.get("application"),
        "period": p.get("period"),
        "amount": p.get("amount"),
        "date": p.get("due_date"),
    }
    title = _("Repayment overdue: loan application %(application)s") % values
    body = _("Instalment %(period)s, CNY %(amount)s, fell due on %(date)s and is not fully paid.") % values
    return title, body


def _annual_fee(p):
    values = {"number": p.get("number"), "title": p.get("title", ""), "date": p.get("due_date")}
    title = _("Annual fee due on %(date)s: patent %(number)s") % values
    body = (
        _(
            "The next annual fee of patent %(number)s (%(title)s) is due on %(date)s. Unpaid six months after "
            "that date, the patent lapses."
        )
        % values
    )
    return title, body


def _renewal(p):
    values = {"number": p.get("number"), "mark": p.get("mark", ""), "date": p.get("expiry_date")}
    title = _("Renewal window open: trademark %(mark)s") % values
    body = (
        _(
            "Trademark %(number)s (%(mark)s) expires on %(date)s and can be renewed now; a renewal within six "
            "months after expiry pays a surcharge."
        )
        % values
    )
    return title, body


def _collateral(p):
    values = {
        "application": p.get("application"),
        "asset": p.get("asset", ""),
        "reason": _collateral_reason(p.get("reason", "")),
    }
    title = _("Collateral at risk: loan application %(application)s") % values
    body = _("%(asset)s: %(reason)s. Check the loan and its security.") % values
    return title, body


RENDERERS = {
    Kind.INQUIRY_RECEIVED: _inquiry,
    Kind.DEAL_STATE: _deal,
    Kind.APPLICATION_STATE: _application,
    Kind.REPAYMENT_DUE: _repayment_due,
    Kind.OVERDUE: _overdue,
    Kind.ANNUAL_FEE_DUE: _annual_fee,
    Kind.TRADEMARK_RENEWAL: _renewal,
    Kind.COLLATERAL_AT_RISK: _collateral,
}


def render(notification) -> tuple[str, str]:
    """(title, body) of a notification in the active language."""
    return RENDERERS[notification.kind](notification.params or {})
