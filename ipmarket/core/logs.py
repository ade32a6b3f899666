"""Logs: a request id on every line of a request and of the Celery tasks it publishes, no personal data.

- `request_id` (a contextvar) is set by `RequestIdMiddleware` (first in MIDDLEWARE) from a sane incoming
  `X-Request-ID` header or a new uuid4 hex, and echoed in the response's `X-Request-ID` header.
- `RequestIdFilter` adds `record.request_id` to every record (`-` outside a request or task).
- `RedactFilter` masks passwords, tokens, secrets, API keys, resident ID numbers and `Token <key>` /
  `Bearer <key>` credentials in the message, its arguments, extra fields and the exception text.
- `JsonFormatter` (python-json-logger) writes one JSON object a line: time, level, logger, request_id,
  message and any extra fields. `settings.LOG_FORMAT` chooses it (`json`) or the plain text line (`plain`).
- Celery: `before_task_publish` puts the current request id into the task's headers; `task_prerun` sets it in
  the worker for the task's run and `task_postrun` resets it (`connect_signals`, called by the core
  app's `ready`).

Imported by logging.config while Django sets up (before the apps are ready): no models here.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Mapping

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

NO_REQUEST = "-"
HEADER = "X-Request-ID"
TASK_HEADER = "x_request_id"  # the Celery message header carrying the request id
MASK = "***"

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=NO_REQUEST)

_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def current_request_id() -> str:
    return request_id.get()


def sane_request_id(value: str | None) -> str:
    """The incoming id when it is a sane token (at most 64 of [A-Za-z0-9._-]), else a new uuid4 hex."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


# --- the request id ---------------------------------------------------------------------------------------


class RequestIdMiddleware:
    """Sets the request id for the request's lines and echoes it in the `X-Request-ID` response header.

    The id stays set until the response is closed (`request_finished`, see `clear_request_id`): Django logs a
    4xx or 5xx answer (`django.request`) after the middleware has returned it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = sane_request_id(request.headers.get(HEADER))
        request.request_id = rid
        request_id.set(rid)
        response = self.get_response(request)
        response[HEADER] = rid
        return response


def clear_request_id(sender=None, **kwargs) -> None:
    """`request_finished`: the lines after a response was sent belong to no request."""
    request_id.set(NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (`-` outside a request or task); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get()
        return True


# --- personal data ----------------------------------------------------------------------------------------

# Keys whose values are never logged (matched case-insensitively anywhere in the key: `new_password1`,
# `HTTP_AUTHORIZATION`, `stripe_api_key`, `csrfmiddlewaretoken`, `身份证号码`).
_SENSITIVE_KEY = re.compile(
    r"pass(?:word|wd)?|pwd|token|authori[sz]ation|secret|api[_-]?key|cookie|session(?:id)?|"
    r"id[_-]?(?:card|number|no)|identity|身份证",
    re.IGNORECASE,
)
_KEY_WORDS = (
    r"[\w-]*(?:pass(?:word|wd)|pwd|token|secret|api[_-]?key|id[_-]?(?:card|number|no)|sessionid|cookie)[\w-]*"
    r"|身份证(?:号码|号)?"
)
# key=value, key: value, 'key': 'value', "key": "value" (not `Authorization`, handled with its scheme below).
_KEY_VALUE = re.compile(
    rf"""(?P<key>["']?(?:{_KEY_WORDS})["']?\s*[:=]\s*)(?P<quote>["']?)(?P<value>[^\s"',;&}}\]]+)""",
    re.IGNORECASE,
)
# `Token <key>`, `Bearer <key>`, `Basic <b64>` (an Authorization header's value, or the whole header).
_SCHEME_CREDENTIAL = re.compile(r"\b(?P<scheme>Token|Bearer|Basic)\s+(?P<value>[A-Za-z0-9._~+/=-]{4,})")
_AUTHORIZATION = re.compile(
    r"""(?P<key>["']?(?:HTTP_)?authori[sz]ation["']?\s*[:=]\s*["']?)(?P<value>(?!(?:Token|Bearer|Basic)\s)[^\s"',;]+)""",
    re.IGNORECASE,
)
# A password passed to a call, as a debug line shows it: `set_password('…')`, `check_password("…")`.
_PASSWORD_CALL = re.compile(
    r"""(?P<key>\b\w*pass(?:word|wd)\w*\(\s*)(?P<quote>["'])(?:\\.|(?!(?P=quote)).)*(?P=quote)"""
)
# A mainland resident ID number: 17 digits and a digit or X (GB 11643), not inside a longer run.
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def redact_text(text: str) -> str:
    """`text` with every credential and resident ID number it shows masked."""
    text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m['scheme']} {MASK}", text)
    text = _AUTHORIZATION.sub(lambda m: f"{m['key']}{MASK}", text)
    text = _PASSWORD_CALL.sub(lambda m: f"{m['key']}{m['quote']}{MASK}{m['quote']}", text)
    text = _KEY_VALUE.sub(lambda m: f"{m['key']}{m['quote']}{MASK}", text)
    return _RESIDENT_ID.sub(MASK, text)


def is_sensitive_key(key) -> bool:
    return isinstance(key, str) and bool(_SENSITIVE_KEY.search(key))


def redact_value(value, depth: int = 0):
    """A copy of `value` with sensitive mapping keys masked and strings redacted (nested up to 5 deep)."""
    if depth > 5:
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: MASK if is_sensitive_key(k) else redact_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(redact_value(v, depth + 1) for v in value) if not hasattr(value, "_fields") else value
    return value


# Record attributes set by logging itself (never extra fields a caller passed).
_STANDARD_ATTRS = frozenset(RESERVED_ATTRS) | {"message", "asctime", "request_id", "taskName"}


class RedactFilter(logging.Filter):
    """Masks personal data in a record before any handler formats it: the message is formatted with its
    (redacted) arguments and redacted again, extra fields named like secrets are masked, and the exception's
    text is redacted. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):
            return True
        try:
            args = record.args
            if isinstance(args, Mapping):
                args = redact_value(args)
            elif isinstance(args, tuple):
                args = tuple(redact_value(a) if isinstance(a, Mapping | list | tuple) else a for a in args)
            record.args = args
            message = record.getMessage() if not isinstance(record.msg, Mapping) else None
        except Exception:  # a malformed call: leave it to the formatter to report
            return True
        if message is None:
            record.msg = redact_value(record.msg)
        else:
            record.msg, record.args = redact_text(message), ()
        for key, value in list(vars(record).items()):
            if key in _STANDARD_ATTRS or key.startswith("_"):
                continue
            if is_sensitive_key(key):
                setattr(record, key, MASK)
            elif isinstance(value, str | Mapping | list | tuple):
                setattr(record, key, redact_value(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        record._redacted = True
        return True


# --- formatters -------------------------------------------------------------------------------------------


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: time, level, logger, request_id, message, then any extra fields (Chinese kept
    as is). The request object Django attaches to its records is left out (the request id names it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["asctime", "levelname", "name", "request_id", "message"])
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "_redacted", "taskName"])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        return redact_text(super().formatException(ei))

    def add_fields(self, log_data, record, message_dict) -> None:
        if record.exc_text and not message_dict.get("exc_info"):
            message_dict = {**message_dict, "exc_info": record.exc_text}
        super().add_fields(log_data, record, message_dict)


# --- Celery -----------------------------------------------------------------------------------------------


def put_request_id_in_headers(sender=None, headers=None, **kwargs) -> None:
    """`before_task_publish`: a task published during a request (or a task) carries its request id."""
    rid = request_id.get()
    if headers is not None and rid != NO_REQUEST:
        headers.setdefault(TASK_HEADER, rid)


def request_id_of_task(task) -> str:
    """The request id a task runs under: the one it was published with, else (run eagerly inside a request)
    the current one, else its own task id."""
    req = getattr(task, "request", None)
    carried = getattr(req, TASK_HEADER, None) or (getattr(req, "headers", None) or {}).get(TASK_HEADER)
    if carried and _SANE_ID.fullmatch(str(carried)):
        return str(carried)
    if request_id.get() != NO_REQUEST:
        return request_id.get()
    return sane_request_id(getattr(req, "id", None))


_task_tokens: dict[str, contextvars.Token] = {}


def set_request_id_for_task(sender=None, task_id=None, task=None, **kwargs) -> None:
    """`task_prerun`."""
    _task_tokens[task_id] = request_id.set(request_id_of_task(task))


def reset_request_id_after_task(sender=None, task_id=None, **kwargs) -> None:
    """`task_postrun`."""
    token = _task_tokens.pop(task_id, None)
    if token is None:
        return
    try:
        request_id.reset(token)
    except ValueError:  # set in another context (should not happen): leave no id behind
        request_id.set(NO_REQUEST)


def connect_signals() -> None:
    from celery import signals
    from django.core.signals import request_finished

    request_finished.connect(clear_request_id, dispatch_uid="ipmarket-request-id")
    signals.before_task_publish.connect(put_request_id_in_headers, weak=False, dispatch_uid="ipmarket-request-id")
    signals.task_prerun.connect(set_request_id_for_task, weak=False, dispatch_uid="ipmarket-request-id")
    signals.task_postrun.connect(reset_request_id_after_task, weak=False, dispatch_uid="ipmarket-request-id")
