"""Errors raised by services, independent of the API. `ipmarket/core/api/exceptions.py` maps them:
GuardFailed → 400 `{"detail", "code"}`, RoleRefused → 403 `{"detail", "code"}`,
Conflict → 409 `{"detail", "code"}`, InvalidTransition → 409 with
the allowed actions; the pages show them with `refusal_text`."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


class GuardFailed(Exception):
    """A business rule refused the action; `code` is stable, `reason` is for people."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class RoleRefused(GuardFailed):
    """The caller's side in a deal or listing may not take the action (`not_seller`, `not_buyer`,
    `not_party`): 403 in the API, like any role that may not act."""


class Conflict(Exception):
    """A decision named terms that are no longer current (compare-and-set): the caller decided on what it
    saw, and that changed meanwhile. `code` is stable (`proposal_changed`, `offer_changed`); 409 in the API."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class InvalidTransition(Exception):
    """The action is not possible from the current state."""

    def __init__(self, action: str, state: str, allowed):
        super().__init__(f"{action} is not possible in state {state}")
        self.action = action
        self.state = state
        self.allowed = list(allowed)


class PaymentUnavailable(Exception):
    """The payment provider could not be reached or refused the request; nothing changed here."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# What a page catches from a service and shows as a message instead of an error page.
REFUSALS = (GuardFailed, Conflict, InvalidTransition, PaymentUnavailable, ValidationError, PermissionDenied)


def refusal_text(exc: Exception, state_label: Callable[[str], str]) -> str:
    """A refusal (one of REFUSALS) in words for the page; `state_label` names the state of an invalid
    transition. Anything else is raised again."""
    if isinstance(exc, GuardFailed | Conflict | PaymentUnavailable):
        return exc.reason
    if isinstance(exc, InvalidTransition):
        return _("This is not possible now: the state is “%(state)s”. Reload the page to see what changed.") % {
            "state": state_label(exc.state)
        }
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("You may not do this.")
    raise exc
