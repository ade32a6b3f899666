"""When the loan earns a subsidy: financing does not know of subsidies (it never imports this app), so this
app listens to financing's audit events. A `disburse` or `record_repayment` event (written in the action's
transaction) computes the loan's subsidies once that transaction commits; financing's notices announce only
changes of state, and most repayments change none, hence the event rows rather than the announcements. The
daily sweep (tasks.py) makes up for a computation that failed or was lost."""

import logging

from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)
EARNING_ACTIONS = {"disburse", "record_repayment"}


def _compute(application_id: int) -> None:
    from .services import subsidies_compute

    try:
        subsidies_compute(application=application_id)
    except Exception:  # the loan's action has committed: never fail it; the daily sweep computes it again
        logger.exception("subsidies of loan %s not computed", application_id)


def event_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw and instance.action in EARNING_ACTIONS:
        application_id = instance.application_id
        # A lambda, not a partial: Django's log of a failed robust hook reads the callable's __qualname__.
        transaction.on_commit(lambda: _compute(application_id), robust=True)


def connect() -> None:
    from financing.models import Event

    post_save.connect(event_saved, sender=Event, dispatch_uid="subsidies.event_saved")
