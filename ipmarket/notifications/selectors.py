"""Reads of notifications: a person only ever sees their own."""

from django.db.models import QuerySet

from .models import Kind, Notification, NotificationPreference


def notifications_of(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return notifications_of(user).filter(read_at=None).count()


def email_kinds_of(user) -> set[str]:
    """The kinds the person gets by email (every kind unless opted out)."""
    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    return set(Kind.values) - off
