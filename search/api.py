"""`/api/v1/search/firms/`, `/api/v1/search/ip/`, `/api/v1/search/suggest/` (GET, open to everyone)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ipmarket.accounts.models import Organisation
from ipmarket.market.models import Listing

from . import queries


class NearField(serializers.CharField):
    """`lat,lon` in decimal degrees."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            lat, lon = (float(part) for part in text.split(","))
        except ValueError:
            raise serializers.ValidationError(_("Give a point as lat,lon, e.g. 30.1222,104.6273.")) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise serializers.ValidationError(_("Latitude is −90 to 90 and longitude −180 to 180."))
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
    ipc = serializers.RegexField(r"^[A-Ha-h](\d{2}([A-Za-z](\s?\d{1,4}(/\d{0,6})?)?)?)?$", required=False,
                                 allow_blank=True, default="", max_length=20)  # fmt: skip
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
    q = serializers.CharField(max_length=100)


def _params(serializer_class, request):
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


class FirmSearchView(APIView):
    """Firms and agencies: text, kind, city, service, distance; facets; highlights."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[FirmParams], responses=None)
    def get(self, request):
        return Response(queries.search_firms(queries.FirmQuery(**_params(FirmParams, request))))


class IPSearchView(APIView):
    """Patents and trademarks with the deal types they are offered for."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[IPParams], responses=None)
    def get(self, request):
        return Response(queries.search_ip(queries.IPQuery(**_params(IPParams, request))))


class SuggestView(APIView):
    """Autocomplete of names and titles."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SuggestParams], responses=None)
    def get(self, request):
        result = queries.suggest(_params(SuggestParams, request)["q"])
        return Response({"suggestions": result["suggestions"], "backend": result["backend"]})
