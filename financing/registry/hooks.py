"""The registry listens to pledge financing's announcements (ipmarket/core/notices.py): financing announces
every state change of an application, and never imports the registry."""

import logging

from financing.models import Application, Event

logger = logging.getLogger(__name__)


def application_announced(producer: str, object_id: int) -> None:
    """After an application event commits: a disbursement finances the demand the application came from."""
    if producer != "application_events":
        return
    event = Event.objects.filter(pk=object_id).values("action", "to_state", "application_id").first()
    if event is None or event["action"] != "disburse" or event["to_state"] != Application.State.ACTIVE:
        return
    from .services import demand_finance

    if demand_finance(application_id=event["application_id"]):
        logger.info("demand of application %s financed", event["application_id"])
