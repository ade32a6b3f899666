"""The API's router: a detail route matches only what a 64-bit id can be.

DRF's default lookup pattern takes any path segment, so `/api/v1/trademarks/false/…` reached a view that
asked the database for id "false" (a 500). Here an id is 1 to 18 digits (below 2**63 − 1, the largest
BigAutoField value), so anything else never matches and answers 404. A viewset may still set its own
`lookup_value_regex`.
"""

from rest_framework.routers import DefaultRouter

from ipmarket.core.limits import ID_DIGITS

# 18 digits: every value fits a signed 64-bit integer (the largest is 19 digits, 9223372036854775807).
ID_PATTERN = f"[0-9]{{1,{ID_DIGITS}}}"


class Router(DefaultRouter):
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        lookup_value = getattr(viewset, "lookup_value_regex", ID_PATTERN)
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{lookup_value})"
