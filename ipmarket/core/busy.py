"""A database that cannot answer right now: a 503 with Retry-After, never a 500.

Two troubles, each over if the request is simply sent again:

- `busy`: too busy to answer in time (a lock or statement timeout, a lost deadlock, no connection slot
  left; SQLite's "database is locked" after its busy timeout);
- `unavailable`: not reachable at all (down, restarting, the connection lost or refused).

Shared by the page middleware (ipmarket.middleware), the handler of errors raised outside views
(ipmarket.views.server_error: a middleware that reads the session or the user) and the API's exception
handler (ipmarket.core.api.exceptions).
"""

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 5

BUSY = "busy"
UNAVAILABLE = "unavailable"

# PostgreSQL: lock_timeout expired (lock_not_available), statement_timeout expired (query_canceled), a
# deadlock one of the two transactions lost, and every connection slot taken (too_many_connections).
_POSTGRES_BUSY = {"55P03", "57014", "40P01", "53300"}
# PostgreSQL: the server ended the session because it is shutting down or restarting (admin_shutdown,
# crash_shutdown), or refuses sessions while it starts up or shuts down (cannot_connect_now); and the whole
# class 08, connection exceptions.
_POSTGRES_UNAVAILABLE = {"57P01", "57P02", "57P03"}
_CONNECTION_EXCEPTION_CLASS = "08"

try:  # the PostgreSQL driver; absent where only SQLite is used
    from psycopg import OperationalError as _DriverOperationalError
except ImportError:  # pragma: no cover
    _DriverOperationalError = None


def database_trouble(exc: BaseException | None) -> str | None:
    """BUSY or UNAVAILABLE when `exc` says the database could not answer now rather than that the request
    (or the code) was wrong; None for any other exception, which stays a 500.

    Unavailable: a server-reported shutdown or start-up (57P01/57P02/57P03) or connection exception (class
    08), or an operational error the PostgreSQL driver raised itself, without a server code: the connection
    was refused, timed out, broke, or is already closed."""
    if not isinstance(exc, OperationalError):
        return None
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate in _POSTGRES_BUSY:
        return BUSY
    if sqlstate in _POSTGRES_UNAVAILABLE or (sqlstate or "").startswith(_CONNECTION_EXCEPTION_CLASS):
        return UNAVAILABLE
    if sqlstate is None and _DriverOperationalError is not None and isinstance(cause, _DriverOperationalError):
        return UNAVAILABLE
    if "database is locked" in str(exc) or "database table is locked" in str(exc):  # SQLite
        return BUSY
    return None


def busy_detail() -> str:
    return _("The service is busy. Please try again in a few seconds.")


def unavailable_detail() -> str:
    return _("The service is temporarily unavailable. Please try again in a few seconds.")


def trouble_detail(trouble: str) -> str:
    return unavailable_detail() if trouble == UNAVAILABLE else busy_detail()


def trouble_response(trouble: str, *, json: bool) -> HttpResponse:
    """The 503 with Retry-After: `{"detail", "code"}` when `json`, else the 503 page. The page is rendered
    without the request: its context processors would query the database that cannot answer."""
    if json:
        response = JsonResponse({"detail": trouble_detail(trouble), "code": trouble}, status=503)
    else:
        page = loader.get_template("503.html").render({"unavailable": trouble == UNAVAILABLE})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
