"""The OpenAPI schema of /api/v1/ (drf-spectacular), made to tell the truth.

`AutoSchema` adds to what drf-spectacular infers:

- the error answers every operation can give, with their shapes (ipmarket/core/api/exceptions.py): 400
  `{"field": ["message"]}` or `{"detail", "code"}`, 401 (with `WWW-Authenticate`), 403, 404, 409
  `{"detail", "code", "allowed"?}`, 429 and 503 (with `Retry-After`), each where it can happen;
- optional authentication (`security: [..., {}]`) wherever an anonymous caller passes the view's permission
  checks (drf-spectacular only recognises the exact classes `AllowAny` and `IsAuthenticatedOrReadOnly`);
- `nullable` on a response field stored in a nullable model column (a money field declared on the
  serializer, say), which drf-spectacular cannot see.

`tests/api/test_schemathesis.py` holds the schema to this: Schemathesis fuzzes a live server against it.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, append_meta
from rest_framework import permissions, serializers
from rest_framework.request import Request

from ipmarket.core.money import CURRENCY

from .decimals import decimal_pattern
from .fields import MAX_AMOUNT, MoneyField


def only_public_api(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: document /api/v1/ only (not Wagtail's admin API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


ERROR = {
    "type": "object",
    "description": _("An error: a sentence for people (`detail`) and a stable `code`."),
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": _(
        "What is wrong with the input: each field (or `non_field_errors`) with its messages; a nested object or "
        "list has its own errors nested the same way."
    ),
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}}, {"type": "object"}]
    },
}
CONFLICT = {
    "type": "object",
    "description": _(
        "The state does not allow this (`invalid_transition`, with the actions it `allowed`), or the terms "
        "decided on changed meanwhile (`proposal_changed`, `offer_changed`)."
    ),
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "allowed": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["detail", "code"],
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": _("Seconds to wait before trying again."),
        "required": True,
    }
}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "schema": {"type": "string"},
        "description": _("How to authenticate: `Token`."),
        "required": True,
    }
}
DESCRIPTIONS = {
    "400": _("The input is not valid (field errors), or a business rule refused it (`detail`, `code`)."),
    "401": _("Not signed in, or the token is not valid (any more)."),
    "403": _("Signed in, but this person may not do this."),
    "404": _("There is no such object, or the caller may not see it (also a page past the last one)."),
    "409": _("The object's state does not allow this now."),
    "429": _("Too many requests (e.g. failed sign-ins): try again after `Retry-After` seconds."),
    "503": _("The database is busy (`busy`) or unreachable (`unavailable`): try again after `Retry-After` seconds."),
}


# What MoneyField reads: {"amount", "currency"?} (CNY only), or a bare amount; an amount is a decimal string
# with at most two places, or a whole number, from 0 to MAX_AMOUNT.
AMOUNT_PATTERN = decimal_pattern(min_value=0, max_value=MAX_AMOUNT, max_digits=None, decimal_places=2)
AMOUNT = {
    "oneOf": [
        {"type": "string", "pattern": AMOUNT_PATTERN, "example": "5000000.00"},
        {"type": "integer", "minimum": 0, "maximum": int(MAX_AMOUNT)},
    ]
}
MONEY_REQUEST = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"amount": AMOUNT, "currency": {"type": "string", "enum": [CURRENCY], "default": CURRENCY}},
            "required": ["amount"],
        },
        *AMOUNT["oneOf"],
    ],
    "description": _('Money: {"amount": "5000000.00", "currency": "CNY"}, or the amount alone (in CNY).'),
}


def _admits_anonymous(view, method: str) -> bool:
    """Whether an anonymous caller passes every permission check of the view for `method`."""
    http_request = HttpRequest()
    http_request.method = method
    request = Request(http_request)
    request.user = AnonymousUser()
    try:
        return all(permission.has_permission(request, view) for permission in view.get_permissions())
    except Exception:  # a permission that needs more of a real request than this: assume it wants a person
        return False


def _stored_as_nullable(field) -> bool:
    """Whether a ModelSerializer field reads a model column that may be NULL (`source` one attribute deep)."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or source == "*" or "." in source:
        return False
    try:
        column = model._meta.get_field(source)
    except FieldDoesNotExist:
        return False
    # A reverse or many-to-many relation (a case's `assets`) is a list, never NULL, whatever its column says.
    return column.concrete and not column.many_to_many and column.null


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        if {} not in auths and _admits_anonymous(self.view, self.method):
            auths.append({})
        return auths

    def _get_filter_parameters(self):
        """django-filter takes an empty value (`?state=`) as "no filter": say so."""
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and "enum" in schema:
                if "" not in schema["enum"]:
                    parameter["schema"] = {**schema, "enum": [*schema["enum"], ""]}
            elif not (schema.get("type") == "string" and not {"minLength", "pattern", "format"} & set(schema)):
                parameter["schema"] = {"anyOf": [schema, {"type": "string", "enum": [""]}]}
        return parameters

    def map_parsers(self):
        """The request formats of the contract: JSON, or multipart/form-data where a file is uploaded.

        The server also parses form-encoded bodies (DRF's default), but a form cannot carry what most bodies
        hold (money as `{"amount", "currency"}`, lists of objects), so the schema does not offer it."""
        media_types = super().map_parsers()
        wanted = "multipart/form-data" if self._uploads_a_file() else "application/json"
        return [wanted] if wanted in media_types else media_types

    def _uploads_a_file(self) -> bool:
        serializer = self.get_request_serializer()
        fields = getattr(serializer, "fields", None) if isinstance(serializer, serializers.BaseSerializer) else None
        return bool(fields) and any(isinstance(field, serializers.FileField) for field in fields.values())

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request" or not isinstance(schema, dict):
            return schema
        if isinstance(field, MoneyField):
            return append_meta(MONEY_REQUEST, self._get_serializer_field_meta(field, direction))
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            pattern = decimal_pattern(
                min_value=field.min_value,
                max_value=field.max_value,
                max_digits=field.max_digits,
                decimal_places=field.decimal_places,
            )
            return {**schema, "pattern": pattern or schema["pattern"]}
        return schema

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "response" and not meta.get("nullable") and _stored_as_nullable(field):
            meta["nullable"] = True
        return meta

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code, schema in self._error_answers(operation).items():
            response = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
            response.setdefault("content", {"application/json": {"schema": schema}})
            if code == "401":
                response.setdefault("headers", WWW_AUTHENTICATE)
            if code in ("429", "503"):
                response.setdefault("headers", RETRY_AFTER)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def _error_answers(self, operation: dict) -> dict:
        error = self._component("Error", ERROR)
        safe = self.method in permissions.SAFE_METHODS
        public = _admits_anonymous(self.view, self.method)
        has_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
        has_path = any(parameter.get("in") == "path" for parameter in operation.get("parameters", []))
        answers = {"401": error, "503": error}  # a wrong token, anywhere; a busy database, anywhere
        if not safe or has_query:
            answers["400"] = {"anyOf": [error, self._component("FieldErrors", FIELD_ERRORS)]}
        if not (safe and public):  # the role may not act (or, signed in by session, a missing CSRF token)
            answers["403"] = error
        if has_path or (self._is_list_view() and self._get_paginator()):
            answers["404"] = error
        if not safe and not public:  # a write through a service may find the state changed
            answers["409"] = self._component("Conflict", CONFLICT)
        if self.view.get_throttles() or "429" in operation["responses"]:
            answers["429"] = error
        return answers
