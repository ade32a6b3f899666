"""The API's JSON parser: any JSON body, but nested at most MAX_JSON_DEPTH deep.

The standard library's decoder recurses once per level: a body of 100,000 `[` raises RecursionError (a 500),
and a body just under the interpreter's limit still reaches serializers and the database as a tower of
lists. Our bodies nest three or four levels; deeper ones are refused with 400 `parse_error`.
"""

import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


def json_depth_exceeds(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when lists and objects in `value` nest deeper than `limit` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def too_deep_message() -> str:
    return _("The JSON is nested too deeply (at most %(depth)s levels).") % {"depth": MAX_JSON_DEPTH}


def loads_bounded(text: str | bytes):
    """`json.loads` for request bodies outside DRF: too deep a nesting raises ValueError, like any malformed
    JSON."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(too_deep_message()) from None
    if json_depth_exceeds(value):
        raise ValueError(too_deep_message())
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser with a bound on nesting (400 `parse_error` beyond MAX_JSON_DEPTH)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep_message()) from None
        if json_depth_exceeds(data):
            raise ParseError(too_deep_message())
        return data
