"""A database too busy to answer in time (a lock or statement timeout): a 503 with Retry-After, never a
500. Shared by the page middleware (ipmarket.middleware) and the API's exception handler."""

from django.db import OperationalError
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 5

# PostgreSQL: lock_timeout expired (lock_not_available), statement_timeout expired (query_canceled), and a
# deadlock one of the two transactions lost. Each is over if the request is simply sent again.
_POSTGRES_BUSY = {"55P03", "57014", "40P01"}


def database_is_busy(exc: BaseException) -> bool:
    """True when `exc` says the database was too busy to answer in time, not that the request was wrong:
    SQLite's "database is locked" after its busy timeout, or PostgreSQL's lock or statement timeout."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _POSTGRES_BUSY:
        return True
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def busy_detail() -> str:
    return _("The service is busy. Please try again in a few seconds.")
