from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ipmarket.accounts.filters import MineFilterSet

from . import policies, selectors, services
from .auth import signin_locked, token_signin_succeeded
from .models import Organisation, OrganisationEvent, Service


class LocationSerializer(serializers.Serializer):
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, coerce_to_string=False)
    lon = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, coerce_to_string=False
    )


class OrganisationSerializer(serializers.ModelSerializer):
    # A plain field: the model normalises (lower case, spaces, hyphens) and validates it.
    unified_social_credit_code = serializers.CharField(max_length=40)
    location = LocationSerializer(required=False, allow_null=True)
    services = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Service.objects.all(), required=False
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "name_en",
            "kind",
            "unified_social_credit_code",
            "city",
            "district",
            "address",
            "location",
            "services",
            "description",
            "phone",
            "email",
            "website",
            "is_active",
        ]

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "location" in values:
            location = values.pop("location") or {}
            values["latitude"] = location.get("lat")
            values["longitude"] = location.get("lon")
        return values


class OrganisationEventSerializer(serializers.ModelSerializer):
    """`field` (an identity field) or `action` (the other one null); `person` names the member concerned."""

    actor = serializers.CharField(source="actor_name", allow_null=True)
    field = serializers.SerializerMethodField()
    action = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)

    class Meta:
        model = OrganisationEvent
        fields = ["at", "actor", "field", "action", "person", "before", "after"]

    def get_field(self, event) -> str | None:
        return event.field or None

    def get_action(self, event) -> str | None:
        return event.action or None

    def get_person(self, event) -> str | None:
        return event.person_name or None


class OrganisationFilter(MineFilterSet):
    q = filters.CharFilter(method="filter_q", label=_("name contains"))
    service = filters.CharFilter(field_name="services__code", distinct=True, label=_("service code"))

    class Meta:
        model = Organisation
        fields = ["kind", "city"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value))


class OrganisationPermission(permissions.IsAuthenticatedOrReadOnly):
    """Refuse a write before reading its body when the person may not make it (403, not 400)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return view.action != "create" or policies.can_create_organisation(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or policies.can_edit_organisation(request.user, obj)


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations of the directory. Platform people create and edit them."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    permission_classes = [OrganisationPermission]

    def get_queryset(self):
        return selectors.organisations_visible_to(self.request.user).order_by("name", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.organisation_create(by=self.request.user, **data)
        except IntegrityError as exc:  # a concurrent insert of the same credit code
            raise serializers.ValidationError(
                {"unified_social_credit_code": [_("An organisation with this code already exists.")]}
            ) from exc

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.organisation_update(
            organisation=serializer.instance, by=self.request.user, **data
        )

    @extend_schema(responses=OrganisationEventSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        serializer_class=OrganisationEventSerializer,
        pagination_class=None,
        filterset_class=None,
        permission_classes=[permissions.IsAuthenticated],
    )
    def events(self, request, pk=None):
        """Changes of the organisation's identity and memberships, newest first (platform people)."""
        organisation = self.get_object()  # 404 when hidden from the caller
        if not policies.can_read_organisation_events(request.user, organisation):
            raise PermissionDenied(_("Only platform people read an organisation's history."))
        events = OrganisationEvent.objects.filter(organisation=organisation).order_by("-at", "-id")
        return Response(OrganisationEventSerializer(events, many=True).data)


class ObtainApiToken(ObtainAuthToken):
    """`POST {"username", "password"}` → `{"token"}`. Failed attempts count towards the sign-in lockout
    (django-axes): once locked, 429 with Retry-After, even for the right password. No authentication: a
    client still sending its revoked token signs in again rather than getting 401."""

    authentication_classes = ()
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # ObtainAuthToken's own list skips the depth limit

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description=_("Wrong or missing credentials.")),
            429: OpenApiResponse(description=_("Too many failed sign-ins; Retry-After says when to try again.")),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except serializers.ValidationError:
            if getattr(request, "axes_locked_out", False):  # axes marks the DRF request it was given
                raise signin_locked(request) from None
            raise
        user = serializer.validated_data["user"]
        token_signin_succeeded(request, user)
        token = services.api_token_issue(user=user)
        return Response({"token": token.key})
