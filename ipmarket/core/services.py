"""The service kit every domain's services use: refuse with a guard's answer, refuse an action its state does
not allow (409 with the actions it does allow), and read a row afresh under its lock."""

from ipmarket.core.errors import GuardFailed, InvalidTransition


def refuse_if(refusal: GuardFailed | None) -> None:
    """Raise the guard's refusal, if it has one."""
    if refusal is not None:
        raise refusal


def require_state(obj, field: str, action: str, actions: dict[str, list[str]]) -> None:
    """409 with the allowed actions unless `action` may start from the object's current state."""
    state = getattr(obj, field)
    if state not in actions[action]:
        raise InvalidTransition(action, state, [a for a, sources in actions.items() if state in sources])


def locked(obj):
    """The object's row, locked until the transaction ends and read afresh (a concurrent change may just have
    committed)."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def record_event(model, *, announce=None, **fields):
    """Write an audit event row (who, what, from, to, note) in the action's transaction; `announce(event)`, a
    domain's notices hook, then decides whether people are told once it commits."""
    event = model.objects.create(**fields)
    if announce is not None:
        announce(event)
    return event
