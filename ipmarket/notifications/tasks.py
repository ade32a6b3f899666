"""Celery tasks of notifications: thin, take ids or names, idempotent (a notification exists once per
person and key; an email is sent once per notification), acks_late. What to say and to whom is the
domains' (their `notices` modules, registered in ipmarket/core/notices.py); these tasks only run them."""

import logging

from celery import shared_task
from django.utils import timezone

from ipmarket.core import notices

from .services import CATCH_UP_WINDOW, notification_emails_send, notifications_create, pending_email_ids

logger = logging.getLogger(__name__)
OPTIONS = {"acks_late": True, "soft_time_limit": 300, "time_limit": 360, "ignore_result": True}


def _send(ids) -> int:
    return notification_emails_send(ids)


def _create(notice_list) -> list[int]:
    return notifications_create(notice_list)


@shared_task(**OPTIONS)
def notify(producer: str, object_id: int) -> None:
    """What a domain announced (an event, a message): its notifications, then their emails."""
    _send(_create(notices.PRODUCERS[producer]([object_id])))


@shared_task(**OPTIONS)
def send_emails(notification_ids: list[int]) -> None:
    _send(notification_ids)


# --- beat ---------------------------------------------------------------------------


def _daily(name: str) -> int:
    ids = _create(notices.DAILY[name]())
    sent = _send(ids)
    logger.info("%s: %s notifications with email pending, %s emails sent", name, len(ids), sent)
    return len(ids)


@shared_task(**OPTIONS)
def remind_repayments_due() -> None:
    _daily("repayments_due")


@shared_task(**OPTIONS)
def remind_overdue() -> None:
    _daily("overdue")


@shared_task(**OPTIONS)
def remind_annual_fees() -> None:
    _daily("annual_fees")


@shared_task(**OPTIONS)
def remind_trademark_renewals() -> None:
    _daily("trademark_renewals")


@shared_task(**OPTIONS)
def alert_collateral_at_risk() -> None:
    _daily("collateral_at_risk")


@shared_task(**OPTIONS)
def remind_demands_expiring() -> None:
    _daily("demands_expiring")


@shared_task(**OPTIONS)
def remind_licence_filing() -> None:
    _daily("licence_filing")


@shared_task(**OPTIONS)
def remind_mediation_overdue() -> None:
    _daily("mediation_overdue")


@shared_task(**OPTIONS)
def remind_valuations_expiring() -> None:
    _daily("valuations_expiring")


@shared_task(**OPTIONS)
def catch_up() -> None:
    """Notifications of recent events whose task was lost (broker down when the change was committed), and
    emails still pending."""
    since = timezone.now() - CATCH_UP_WINDOW
    for sweep in notices.CATCH_UP.values():
        _create(sweep(since))
    logger.info("pending notification emails sent: %s", _send(pending_email_ids()))
