"""Errors raised by services, independent of the API. `ipmarket/api/exceptions.py` maps them:
GuardFailed → 400 `{"detail", "code"}`, InvalidTransition → 409 with the allowed actions."""


class GuardFailed(Exception):
    """A business rule refused the action; `code` is stable, `reason` is for people."""

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
