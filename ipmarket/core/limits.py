"""Maximum lengths of free text, and what an id may be, in one place.

Django does not enforce a TextField's `max_length` (it only reaches forms and DRF serializers), so every
TextField takes `**text_limit(N)`: the `max_length` that forms and serializers derive their checks from,
and a validator that `full_clean()` runs — the services call it, so the pages, the API, the admin and
imports all refuse a 2 MB description the same way.
"""

from django.core.validators import MaxLengthValidator

NOTE = 2_000  # a note on an action, a consent, an audit event; a loan's purpose; payment terms
DESCRIPTION = 5_000  # what an organisation, a listing or a programme says about itself; internal notes
MESSAGE = 5_000  # a message in a deal
ABSTRACT = 10_000  # a patent's abstract, a trademark's goods and services, a page's introduction
SUMMARY = 400  # a page's summary (the meta description)
FOOTER = 2_000  # the site's footer text
SYSTEM_ERROR = 4_000  # an error the system recorded (truncated by its writer)


def text_limit(limit: int) -> dict:
    """Keyword arguments of a TextField of at most `limit` characters."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}


MAX_ID = 2**63 - 1  # the largest value of a BigAutoField (a signed 64-bit integer)
ID_DIGITS = len(str(MAX_ID)) - 1  # 18: any string of this many digits is an id the database can hold


def as_id(value) -> int | None:
    """The id `value` names (an int, or a string of digits from a JSON body), or None: not `true` (which
    Python reads as 1), not 1.5, not 0, nothing the database's bigint cannot hold."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= ID_DIGITS:
        value = int(value)
    return value if isinstance(value, int) and 0 < value <= MAX_ID else None
