from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from ipmarket.accounts import policies
from ipmarket.accounts.filters import MineFilterSet
from ipmarket.accounts.models import Organisation
from ipmarket.core.api.filters import IdFilter

from . import identifiers, selectors, services
from .models import AssetEvent, Patent, Trademark


class OwnerField(serializers.PrimaryKeyRelatedField):
    """The owning enterprise; defaults to the caller's only enterprise."""

    def get_queryset(self):
        return Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)


class AssetSerializer(serializers.ModelSerializer):
    owner = OwnerField(required=False)
    owner_name = serializers.CharField(source="owner.label", read_only=True)
    city = serializers.CharField(source="owner.city", read_only=True)
    co_owners = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
    )
    pledged = serializers.BooleanField(read_only=True)
    ownership_disputed_by_platform = serializers.BooleanField(read_only=True)

    private_fields = ("internal_notes",)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not (request and selectors.is_owner_side(request.user, instance)):
            for name in self.private_fields:
                data.pop(name, None)
        return data

    def validate(self, attrs):
        if self.instance is None and "owner" not in attrs:
            user = self.context["request"].user
            ids = policies.organisation_ids(user, kinds=[Organisation.Kind.ENTERPRISE])
            if len(ids) != 1:
                raise serializers.ValidationError(
                    {"owner": [_("Say which of your enterprises owns it.") if ids else _("Only enterprises own IP.")]}
                )
            attrs["owner"] = Organisation.objects.get(pk=ids.pop())
        if self.instance is not None and "owner" in attrs and attrs["owner"] != self.instance.owner:
            raise serializers.ValidationError({"owner": [_("Ownership changes only through a recorded assignment.")]})
        return attrs


class PatentSerializer(AssetSerializer):
    # Plain fields: the model's clean() validates and normalises (one path for API, admin and import).
    application_number = serializers.CharField(max_length=32)
    ipc_codes = serializers.ListField(child=serializers.CharField(max_length=30), required=False, allow_empty=True)
    annual_fee_state = serializers.SerializerMethodField()
    annual_fee_lapse_date = serializers.DateField(read_only=True, allow_null=True)  # null: no annual fee due

    class Meta:
        model = Patent
        fields = [
            "id",
            "application_number",
            "patent_type",
            "title",
            "abstract",
            "ipc_codes",
            "filing_date",
            "grant_date",
            "expiry_date",
            "legal_status",
            "annual_fee_paid_until",
            "annual_fee_state",
            "annual_fee_lapse_date",
            "owner",
            "owner_name",
            "city",
            "co_owners",
            "pledged",
            "ownership_disputed",
            "ownership_disputed_by_platform",
            "internal_notes",
        ]
        read_only_fields = ["expiry_date"]

    def get_annual_fee_state(self, patent) -> str:
        return patent.annual_fee_state()


class TrademarkSerializer(AssetSerializer):
    registration_number = serializers.CharField(max_length=32)
    nice_classes = serializers.ListField(child=serializers.JSONField(), allow_empty=False)
    renewal_state = serializers.SerializerMethodField()
    renewals = serializers.IntegerField(
        read_only=True, help_text=_("Renewals recorded: the expiry is 10 years from registration and 10 more each.")
    )

    class Meta:
        model = Trademark
        fields = [
            "id",
            "registration_number",
            "mark_name",
            "nice_classes",
            "goods_services",
            "registration_date",
            "expiry_date",
            "renewal_state",
            "renewals",
            "status",
            "owner",
            "owner_name",
            "city",
            "co_owners",
            "pledged",
            "ownership_disputed",
            "ownership_disputed_by_platform",
            "internal_notes",
        ]
        read_only_fields = ["expiry_date"]

    def get_renewal_state(self, trademark) -> str:
        return trademark.renewal_state()


class AssetFilter(MineFilterSet):
    owner = IdFilter(field_name="owner_id", label=_("owner organisation id"))
    city = filters.CharFilter(field_name="owner__city", label=_("owner's city"))

    def filter_mine(self, queryset, name, value):
        if value in ("0", "false"):
            return queryset
        return selectors.owned_by(queryset, policies.organisation_ids(self.request.user))


class PatentFilter(AssetFilter):
    q = filters.CharFilter(method="filter_q", label=_("title, abstract or application number"))
    ipc = filters.CharFilter(method="filter_ipc", label=_("IPC code or prefix, e.g. H01L"))

    class Meta:
        model = Patent
        fields = ["patent_type", "legal_status"]

    def filter_q(self, queryset, name, value):
        number = identifiers.normalise_application_number(value)
        return queryset.filter(
            Q(title__icontains=value) | Q(abstract__icontains=value) | Q(application_number__startswith=number)
        )

    def filter_ipc(self, queryset, name, value):
        prefix = identifiers.normalise_ipc(value)
        return queryset.filter(classifications__code__startswith=prefix).distinct()


class TrademarkFilter(AssetFilter):
    q = filters.CharFilter(method="filter_q", label=_("mark, goods/services or registration number"))

    class Meta:
        model = Trademark
        fields = ["status"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(mark_name__icontains=value)
            | Q(goods_services__icontains=value)
            | Q(registration_number=identifiers.normalise_trademark_number(value))
        )


class AssetPermission(permissions.IsAuthenticatedOrReadOnly):
    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return policies.can_act_for_enterprise(request.user, obj.owner) or policies.is_platform_staff(request.user)


class ConsentSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RenewalSerializer(serializers.Serializer):
    renewed_on = serializers.DateField(
        help_text=_(
            "The date CNIPA's renewal was filed or granted: not in the future, within the 12 months before the "
            "current expiry or the 6 months after it."
        )
    )
    reference = serializers.CharField(max_length=64, help_text=_("The number of CNIPA's renewal notice."))
    expected_expiry = serializers.DateField(
        help_text=_("The current expiry date as the caller saw it; 409 `expiry_changed` when it is no longer so.")
    )


class AssetEventSerializer(serializers.ModelSerializer):
    """One change of a register fact: `by` is null for a change made by the system (the nightly job, a
    pledge, an assignment without a person)."""

    by = serializers.SerializerMethodField()
    before = serializers.JSONField(read_only=True)
    after = serializers.JSONField(read_only=True)

    class Meta:
        model = AssetEvent
        fields = ["id", "at", "field", "before", "after", "source", "reason", "by"]
        read_only_fields = fields

    def get_by(self, event) -> str | None:
        return str(event.by) if event.by else None


class AssetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [AssetPermission]
    asset_type: str

    def perform_create(self, serializer):
        serializer.instance = self.create_service(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.update_service(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=ConsentSerializer)
    @action(detail=True, methods=["post"], url_path="actions/record_pledge_consent")
    def record_pledge_consent(self, request, pk=None):
        """The pledgee bank records its consent to assign or license this pledged asset."""
        asset = get_object_or_404(self.get_queryset(), pk=pk)
        body = ConsentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.pledge_consent_record(asset=asset, by=request.user, note=body.validated_data.get("note", ""))
        return Response(self.get_serializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=AssetEventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], permission_classes=[permissions.IsAuthenticated], filterset_class=None)
    def events(self, request, pk=None):
        """The changes of this asset's register facts, newest first: for the owner's people and the platform."""
        asset = get_object_or_404(self.get_queryset(), pk=pk)
        if not selectors.may_see_register_history(request.user, asset):
            raise PermissionDenied(_("Only the owner's people and the platform read the register history."))
        page = self.paginate_queryset(selectors.events_of(asset))
        return self.get_paginated_response(AssetEventSerializer(page, many=True).data)


@extend_schema_view(record_pledge_consent=extend_schema(responses={201: PatentSerializer}))
class PatentViewSet(AssetViewSet):
    """Patents. Enterprise members create and edit their own organisation's patents."""

    serializer_class = PatentSerializer
    filterset_class = PatentFilter

    def get_queryset(self):
        return selectors.patents_visible_to(self.request.user).order_by("-filing_date", "id")

    @staticmethod
    def create_service(**kwargs):
        return services.patent_create(**kwargs)

    @staticmethod
    def update_service(patent, **kwargs):
        return services.patent_update(patent=patent, **kwargs)


@extend_schema_view(record_pledge_consent=extend_schema(responses={201: TrademarkSerializer}))
class TrademarkViewSet(AssetViewSet):
    """Trademarks. Enterprise members create and edit their own organisation's trademarks."""

    serializer_class = TrademarkSerializer
    filterset_class = TrademarkFilter

    @extend_schema(request=RenewalSerializer, responses={200: TrademarkSerializer})
    @action(detail=True, methods=["post"], url_path="actions/renew")
    def renew(self, request, pk=None):
        """The owner's people (or the platform) record a renewal granted by CNIPA: the expiry moves 10 years on
        from the current one. Allowed while the mark is pledged or listed; refused (400
        `outside_renewal_window`) outside the 12 months before expiry and the 6 months after it, (400
        `trademark_not_registered`) for an invalidated, cancelled or pending mark; 409 `expiry_changed` when the
        expiry is no longer `expected_expiry`."""
        trademark = get_object_or_404(self.get_queryset(), pk=pk)
        body = RenewalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        trademark = services.trademark_renew(trademark=trademark, by=request.user, **body.validated_data)
        return Response(self.get_serializer(trademark).data)

    def get_queryset(self):
        return selectors.trademarks_visible_to(self.request.user).order_by("-registration_date", "id")

    @staticmethod
    def create_service(**kwargs):
        return services.trademark_create(**kwargs)

    @staticmethod
    def update_service(trademark, **kwargs):
        return services.trademark_update(trademark=trademark, **kwargs)
