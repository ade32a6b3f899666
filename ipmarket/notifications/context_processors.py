from django.utils.functional import cached_property


class Inbox:
    """The signed-in person's unread count, queried only when a template asks for it, and once."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        from .selectors import unread_count

        return unread_count(self.user)


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox": Inbox(user)}
