"""Writes of notifications: create them (idempotently, set-based), send their emails, mark them read,
save a person's email choices."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ipmarket.accounts.models import Membership, User
from ipmarket.core import notices
from ipmarket.core.notices import Notice

from .models import Kind, Notification, NotificationPreference

logger = logging.getLogger(__name__)
EMAIL_RETRY_WINDOW = timedelta(days=2)  # pending emails older than this are given up (left pending)
CATCH_UP_WINDOW = timedelta(days=2)  # the hourly sweep makes up for announcements lost this recently


def members_of(organisation_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Active members of each organisation as (user id, email), in one query."""
    members: dict[int, list[tuple[int, str]]] = {}
    rows = Membership.objects.filter(
        organisation_id__in=set(organisation_ids), is_active=True, user__is_active=True
    ).values_list("organisation_id", "user_id", "user__email")
    for org_id, user_id, email in rows:
        members.setdefault(org_id, []).append((user_id, email))
    return members


def _opted_out(user_ids: set[int]) -> set[tuple[int, str]]:
    return set(NotificationPreference.objects.filter(user_id__in=user_ids, email=False).values_list("user_id", "kind"))


@transaction.atomic
def notifications_create(drafts: Iterable[Notice]) -> list[int]:
    """Create the notifications of the drafts for every member of their organisations, skipping any
    (person, key) that exists already: a second run creates nothing. A few queries whatever the number of
    drafts. Returns the ids of notifications whose email is still to be sent (new ones, and any older one
    whose email is still pending)."""
    drafts = list(drafts)
    if not drafts:
        return []
    members = members_of(org for d in drafts for org in d.organisation_ids)
    user_ids = {user_id for people in members.values() for user_id, _email in people}
    opted_out = _opted_out(user_ids)
    now = timezone.now()
    rows: dict[tuple[int, str], Notification] = {}
    for d in drafts:
        for org_id in d.organisation_ids:
            for user_id, address in members.get(org_id, ()):
                if user_id == d.exclude_user_id or (user_id, d.key) in rows:
                    continue
                wants = bool(address) and (user_id, d.kind) not in opted_out
                rows[(user_id, d.key)] = Notification(
                    recipient_id=user_id,
                    kind=d.kind,
                    key=d.key,
                    params=d.params,
                    link=d.link,
                    created_at=now,
                    email=Notification.Email.PENDING if wants else Notification.Email.OFF,
                )
    if not rows:
        return []
    Notification.objects.bulk_create(rows.values(), ignore_conflicts=True, batch_size=500)
    keys = {key for _user, key in rows}
    return list(
        Notification.objects.filter(key__in=keys, email=Notification.Email.PENDING, recipient_id__in=user_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def render(notification: Notification) -> tuple[str, str]:
    """(title, body) of a notification in the active language, in the words its domain declared."""
    return notices.render(notification.kind, notification.params)


def _message(notification: Notification, connection) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        title, body = render(notification)
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        lines = [body, ""]
        if notification.link:
            lines.append(f"{base}{notification.link}")
        lines += ["", "—", _("Choose which emails you get: %(url)s") % {"url": f"{base}/inbox/preferences/"}]
        return EmailMessage(
            subject=" ".join(title.split()),  # one line: a name with a line break must not break the header
            body="\n".join(lines),
            to=[notification.recipient.email],
            connection=connection,
        )


def notification_emails_send(ids: Iterable[int]) -> int:
    """Send the pending emails of these notifications, each once: the row is locked while its email goes
    out (a concurrent sender skips it) and marked sent in the same transaction. A failed send leaves it
    pending for the next sweep. Returns how many were sent."""
    sent = 0
    connection = get_connection()
    for pk in sorted(set(ids)):
        try:
            with transaction.atomic():
                notification = (
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient")
                    .filter(pk=pk, email=Notification.Email.PENDING)
                    .first()
                )
                if notification is None:
                    continue
                if not notification.recipient.email:
                    notification.email = Notification.Email.OFF
                else:
                    _message(notification, connection).send()
                    notification.email = Notification.Email.SENT
                    notification.email_sent_at = timezone.now()
                    sent += 1
                notification.save(update_fields=["email", "email_sent_at"])
        except Exception:  # one bad address must not stop the others; the sweep retries
            logger.exception("notification email %s not sent", pk)
    return sent


def pending_email_ids(*, now=None) -> list[int]:
    """Emails whose task was lost (broker down, worker killed) or failed, from the last two days."""
    since = (now or timezone.now()) - EMAIL_RETRY_WINDOW
    return list(
        Notification.objects.filter(email=Notification.Email.PENDING, created_at__gte=since)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _own(notification: Notification, by: User) -> None:
    if notification.recipient_id != by.pk:
        raise Http404  # someone else's notification does not exist for this person


@transaction.atomic
def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    _own(notification, by)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, by: User) -> int:
    if not by.is_authenticated:
        raise PermissionDenied
    return Notification.objects.filter(recipient=by, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def preferences_update(*, by: User, email_kinds: Iterable[str]) -> set[str]:
    """The person gets emails of `email_kinds` and none of the other kinds. Returns the kinds emailed."""
    if not by.is_authenticated:
        raise PermissionDenied
    wanted = set(email_kinds)
    unknown = wanted - set(Kind.values)
    if unknown:
        raise ValidationError({"email_kinds": [_("Unknown kind of notification.")]})
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=by, kind=kind, email=kind in wanted) for kind in Kind.values],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["email"],
    )
    # Emails not yet sent follow the new choice.
    Notification.objects.filter(recipient=by, email=Notification.Email.PENDING).filter(~Q(kind__in=wanted)).update(
        email=Notification.Email.OFF
    )
    return wanted
