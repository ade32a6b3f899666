from django.db import IntegrityError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import mixins, permissions, serializers, viewsets

from ipmarket.api.filters import MineFilterSet

from . import policies, selectors, services
from .models import Organisation, Service


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
