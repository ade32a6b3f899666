"""Programme settings: set by platform people (the Wagtail admin calls these), validated in one place
(`Programme.clean`). A change applies to what comes next: the loss-sharing terms of loans already approved
are frozen on them (`bank_approve`)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ipmarket.accounts import policies as people
from ipmarket.accounts.models import User

from ..models import Programme

# Every setting a person may set; the rest (ids, timestamps) is bookkeeping.
SETTINGS = frozenset(
    f.name
    for f in Programme._meta.get_fields()
    if getattr(f, "concrete", False) and f.name not in ("id", "created_at", "updated_at")
)


def _set(programme: Programme, fields: dict) -> None:
    unknown = set(fields) - SETTINGS
    if unknown:
        raise TypeError(f"unknown programme settings: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.full_clean()


def _require_platform(by: User) -> None:
    if not people.is_platform_staff(by):
        raise PermissionDenied(_("Only platform people set up and change programmes."))


@transaction.atomic
def programme_create(*, by: User, **fields) -> Programme:
    _require_platform(by)
    programme = Programme()
    _set(programme, fields)
    programme.save()
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, by: User, **fields) -> Programme:
    """Change settings under the programme's row lock (the pool's), so a filing never sees half a change."""
    _require_platform(by)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _set(programme, fields)
    programme.save()
    return programme
