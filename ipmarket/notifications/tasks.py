"""Celery tasks of notifications: thin, take ids, idempotent (a notification exists once per person and
key; an email is sent once per notification), acks_late."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)
OPTIONS = {"acks_late": True, "soft_time_limit": 300, "time_limit": 360, "ignore_result": True}


def _send(ids) -> int:
    from .services import notification_emails_send

    return notification_emails_send(ids)


@shared_task(**OPTIONS)
def notify_application_event(event_id: int) -> None:
    from .events import application_events_notify

    _send(application_events_notify([event_id]))


@shared_task(**OPTIONS)
def notify_deal_event(event_id: int) -> None:
    from .events import deal_events_notify

    _send(deal_events_notify([event_id]))


@shared_task(**OPTIONS)
def notify_inquiry(message_id: int) -> None:
    from .events import inquiries_notify

    _send(inquiries_notify([message_id]))


@shared_task(**OPTIONS)
def send_emails(notification_ids: list[int]) -> None:
    _send(notification_ids)


# --- beat ---------------------------------------------------------------------------


def _daily(name: str, job) -> None:
    ids = job()
    logger.info("%s: %s notifications with email pending, %s emails sent", name, len(ids), _send(ids))


@shared_task(**OPTIONS)
def remind_repayments_due() -> None:
    from .reminders import repayments_due_notify

    _daily("repayments due", repayments_due_notify)


@shared_task(**OPTIONS)
def remind_overdue() -> None:
    from .reminders import overdue_notify

    _daily("overdue", overdue_notify)


@shared_task(**OPTIONS)
def remind_annual_fees() -> None:
    from .reminders import annual_fees_due_notify

    _daily("annual fees", annual_fees_due_notify)


@shared_task(**OPTIONS)
def remind_trademark_renewals() -> None:
    from .reminders import trademark_renewals_notify

    _daily("trademark renewals", trademark_renewals_notify)


@shared_task(**OPTIONS)
def alert_collateral_at_risk() -> None:
    from .reminders import collateral_at_risk_notify

    _daily("collateral at risk", collateral_at_risk_notify)


@shared_task(**OPTIONS)
def catch_up() -> None:
    """Notifications of recent events whose task was lost, and emails still pending."""
    from .events import recent_events_notify
    from .services import pending_email_ids

    recent_events_notify()
    logger.info("pending notification emails sent: %s", _send(pending_email_ids()))
