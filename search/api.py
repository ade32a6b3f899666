"""`/api/v1/search/firms/`, `/api/v1/search/ip/`, `/api/v1/search/suggest/` (GET, open to everyone)."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ipmarket.accounts.models import Organisation
from ipmarket.market.models import Listing

from . import queries
from .results import FirmResults, IPResults, Suggestions

# `lat,lon` in decimal degrees, latitude −90 to 90 and longitude −180 to 180: one pattern that the schema
# publishes and the server applies, so both accept exactly the same points.
LATITUDE = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
LONGITUDE = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
NEAR_PATTERN = rf"^{LATITUDE},{LONGITUDE}$"


@extend_schema_field({"type": "string", "pattern": NEAR_PATTERN, "example": "30.1222,104.6273"})
class NearField(serializers.CharField):
    """`lat,lon` in decimal degrees."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if not re.fullmatch(NEAR_PATTERN, text):
            if re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?,-?[0-9]+(?:\.[0-9]+)?", text):
                raise serializers.ValidationError(_("Latitude is −90 to 90 and longitude −180 to 180."))
            raise serializers.ValidationError(_("Give a point as lat,lon, e.g. 30.1222,104.6273."))
        lat, lon = (float(part) for part in text.split(","))
        return (lat, lon)


class PageParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)

    def validate(self, attrs):
        if attrs["page"] * attrs["page_size"] > queries.MAX_WINDOW:
            raise serializers.ValidationError(
                {"page": [_("Results go %(n)s deep at most: narrow the search.") % {"n": queries.MAX_WINDOW}]}
            )
        return attrs


class FirmParams(PageParams):
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False, allow_blank=True, default="")
    city = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    service = serializers.SlugField(required=False, allow_blank=True, max_length=50, default="")
    near = NearField(required=False)
    radius_km = serializers.FloatField(required=False, min_value=0.1, max_value=2000)
    sort = serializers.ChoiceField(choices=["relevance", "distance"], required=False, default="relevance")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "radius_km" in attrs and "near" not in attrs:
            raise serializers.ValidationError({"near": [_("A radius needs a point: give near=lat,lon.")]})
        if attrs["sort"] == "distance" and "near" not in attrs:
            raise serializers.ValidationError({"sort": [_("Sorting by distance needs near=lat,lon.")]})
        return attrs


class IPParams(PageParams):
    type = serializers.ChoiceField(choices=["patent", "trademark"], required=False, allow_blank=True, default="")
    deal_type = serializers.ChoiceField(choices=Listing.DealType.choices, required=False, allow_blank=True, default="")
    ipc = serializers.RegexField(
        r"^[A-Ha-h](\d{2}([A-Za-z](\s?\d{1,4}(/\d{0,6})?)?)?)?$",
        required=False,
        allow_blank=True,
        default="",
        max_length=20,
    )
    city = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    kind = serializers.ChoiceField(
        choices=["invention", "utility_model", "design", "trademark"], required=False, allow_blank=True, default=""
    )
    status = serializers.ChoiceField(
        choices=["pending", "granted", "lapsed", "expired", "invalidated", "registered", "cancelled"],
        required=False,
        allow_blank=True,
        default="",
    )


class SuggestParams(serializers.Serializer):
    # Not trimmed: a blank-looking `q` of spaces is still a (schema-valid) string of 1 to 100 characters.
    q = serializers.CharField(max_length=100, trim_whitespace=False)


def _params(serializer_class, request):
    # A plain dict (the last value of each name), not the QueryDict: DRF reads a QueryDict as a form, where an
    # empty value (`?sort=`) means "not given"; in the API it is the empty string, valid only where the schema
    # allows one.
    params = serializer_class(data=request.query_params.dict())
    params.is_valid(raise_exception=True)
    return params.validated_data


class FirmSearchView(APIView):
    """Firms and agencies: text, kind, city, service, distance; facets; highlights."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[FirmParams], responses=FirmResults)
    def get(self, request):
        return Response(queries.search_firms(queries.FirmQuery(**_params(FirmParams, request))))


class IPSearchView(APIView):
    """Patents and trademarks with the deal types they are offered for."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[IPParams], responses=IPResults)
    def get(self, request):
        return Response(queries.search_ip(queries.IPQuery(**_params(IPParams, request))))


class SuggestView(APIView):
    """Autocomplete of names and titles."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SuggestParams], responses=Suggestions)
    def get(self, request):
        result = queries.suggest(_params(SuggestParams, request)["q"])
        return Response({"suggestions": result["suggestions"], "backend": result["backend"]})
