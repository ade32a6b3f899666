"""REST API of the financing-demand registry under /api/v1/financing/ (docs/registry.md): demands, their
actions and the banks' interests; the bureau's registry batches and their export."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.settings import api_settings

from financing.api import ProgrammeRefField
from financing.bodies import RATE
from financing.models import Application, Programme
from ipmarket.accounts.models import Organisation
from ipmarket.assets import selectors as asset_selectors
from ipmarket.core.api.fields import DecimalString, MoneyField
from ipmarket.core.api.parsers import JSONParser

from . import export, selectors, services, workflow
from .models import Demand, DemandBatch, DemandEvent, Industry, Interest

NOTE = {"required": False, "allow_blank": True, "max_length": 2000}


def default_programme() -> Programme | None:
    """The programme a demand joins when none is named: the first active programme by id (docs/registry.md)."""
    return Programme.objects.filter(is_active=True).order_by("pk").first()


class DemandAssetsField(serializers.ListField):
    """`[{"type": "patent"|"trademark", "id"}]` → the caller's visible assets; shown with title and number."""

    child = serializers.DictField()

    def to_internal_value(self, data):
        items = super().to_internal_value(data)
        if not items:
            raise serializers.ValidationError(_("Offer at least one patent or trademark."))
        assets = []
        for item in items:
            kind = item.get("type")
            if kind not in ("patent", "trademark"):
                raise serializers.ValidationError(_('Name each asset as {"type": "patent" or "trademark", "id": …}.'))
            try:
                assets.append(asset_selectors.asset_visible_to(self.context["request"].user, kind, item.get("id")))
            except (TypeError, ValueError, OverflowError, ObjectDoesNotExist):
                raise serializers.ValidationError(_("There is no such asset.")) from None
        return assets

    def to_representation(self, items):
        return [
            {"type": i.asset.asset_type, "id": i.asset.pk, "title": i.asset.name, "number": export.asset_number(i)}
            for i in items.all()
        ]


class BanksField(serializers.ListField):
    child = serializers.IntegerField(min_value=1, max_value=2**63 - 1)

    def to_representation(self, banks):
        return [b.pk for b in banks.all()]


class DemandSerializer(serializers.ModelSerializer):
    programme = ProgrammeRefField(
        queryset=Programme.objects.all(),
        required=False,
        help_text=_("The programme's id or slug; the first active programme when not given."),
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    amount = MoneyField()
    industry = serializers.ChoiceField(choices=Industry.choices)
    assets = DemandAssetsField()
    banks = BanksField(required=False, help_text=_("The banks that see the demand; empty: every bank."))
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=50)
    state = serializers.CharField(read_only=True)
    chosen_interest = serializers.PrimaryKeyRelatedField(read_only=True)
    application = serializers.PrimaryKeyRelatedField(read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Demand
        fields = [
            "id",
            "programme",
            "enterprise",
            "enterprise_name",
            "amount",
            "term_months",
            "purpose",
            "industry",
            "assets",
            "all_banks",
            "banks",
            "contact_consent",
            "contact_name",
            "contact_phone",
            "state",
            "batch",
            "admitted_on",
            "expires_on",
            "chosen_interest",
            "application",
            "allowed_actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["enterprise", "all_banks", "batch", "admitted_on", "expires_on", "created_at", "updated_at"]
        extra_kwargs = {"term_months": {"min_value": 1, "max_value": 360}}

    def get_allowed_actions(self, demand) -> list[str]:
        return workflow.allowed_actions(demand, self.context["request"].user)

    def to_representation(self, demand):
        data = super().to_representation(demand)
        user = self.context["request"].user
        # Banks read the contact only if the enterprise agreed to be contacted; the bank list is the bureau's.
        if not selectors.can_see_all_interests(user, demand):
            if not demand.contact_consent:
                data["contact_name"] = data["contact_phone"] = ""
            data["banks"] = []
        return data

    def validate_banks(self, ids):
        return list(dict.fromkeys(ids))


class DemandEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = DemandEvent
        fields = ["at", "actor", "action", "from_state", "to_state", "note"]

    def get_actor(self, event) -> str | None:
        return event.actor.username if event.actor_id else None


class InterestSerializer(serializers.ModelSerializer):
    bank_name = serializers.CharField(source="bank.name", read_only=True)
    indicative_principal = MoneyField()
    indicative_rate = DecimalString(**RATE)
    note = serializers.CharField(**NOTE)

    class Meta:
        model = Interest
        fields = ["id", "demand", "bank", "bank_name", "indicative_principal", "indicative_rate", "note", "state"]
        read_only_fields = ["demand", "bank", "state"]


class ActionBodySerializer(serializers.Serializer):
    """The body of `actions/{action}/`: `note` (required by return and reject), `batch` (admit), `interest`
    (choose, with optional `insurer`, `appraiser` and repayment `method`)."""

    note = serializers.CharField(**NOTE)
    batch = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    interest = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    insurer = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    appraiser = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    method = serializers.ChoiceField(required=False, choices=Application.Method.choices)


class _NoFormatOverride:
    """DRF's settings, except that `?format=` does not pick a renderer (the export reads it itself)."""

    URL_FORMAT_OVERRIDE = None

    def __getattr__(self, name):
        return getattr(api_settings, name)


class ExportNegotiation(DefaultContentNegotiation):
    settings = _NoFormatOverride()


def _organisation(pk, kind: str, field: str) -> Organisation:
    try:
        return Organisation.objects.get(pk=pk, kind=kind)
    except Organisation.DoesNotExist:
        raise serializers.ValidationError({field: [_("There is no such organisation.")]}) from None


class DemandViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Financing demands (docs/registry.md): an enterprise sees its own, platform people every submitted one,
    a bank the admitted ones shown to it. Anyone else: 404."""

    serializer_class = DemandSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]
    filterset_fields = ["state", "industry", "batch"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.demands_visible_to(self.request.user)

    def get_object(self):
        return selectors.demand_for(self.request.user, self.kwargs["pk"])

    def _fresh(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        programme = data.pop("programme", None) or default_programme()
        if programme is None:
            raise serializers.ValidationError({"programme": [_("No programme is open.")]})
        demand = services.demand_create(
            by=request.user, programme=programme, assets=data.pop("assets"), banks=data.pop("banks", []), **data
        )
        return Response(self._fresh(demand.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        demand = self.get_object()
        body = self.get_serializer(demand, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "programme" in data:
            raise serializers.ValidationError({"programme": [_("The programme cannot be changed.")]})
        services.demand_update(demand=demand, by=request.user, **data)
        return Response(self._fresh(demand.pk))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        request=ActionBodySerializer,
        responses=DemandSerializer,
        parameters=[
            OpenApiParameter("action_name", str, OpenApiParameter.PATH, enum=list(workflow.ACTIONS)),
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def actions(self, request, pk=None, action_name=None):
        """Submit, withdraw (the enterprise); admit `{"batch"}`, return `{"note"}`, reject `{"note"}` (platform
        people); choose `{"interest"}` (the enterprise)."""
        demand = self.get_object()
        if action_name not in workflow.ACTIONS:
            raise NotFound(_("There is no such action."))
        body = ActionBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        args = {"demand": demand, "by": request.user, "note": data.get("note", "")}
        if action_name == "admit":
            if "batch" not in data:
                raise serializers.ValidationError({"batch": [_("Name the registry batch.")]})
            try:
                args["batch"] = DemandBatch.objects.get(pk=data["batch"])
            except DemandBatch.DoesNotExist:
                raise serializers.ValidationError({"batch": [_("There is no such batch.")]}) from None
        if action_name == "choose":
            if "interest" not in data:
                raise serializers.ValidationError({"interest": [_("Name the bank's interest you choose.")]})
            interest = Interest.objects.filter(pk=data["interest"]).first()
            if interest is None:
                raise serializers.ValidationError({"interest": [_("There is no such interest.")]})
            args["interest"] = interest
            if "insurer" in data:
                args["insurer"] = _organisation(data["insurer"], Organisation.Kind.INSURER, "insurer")
            if "appraiser" in data:
                args["appraiser"] = _organisation(data["appraiser"], Organisation.Kind.APPRAISER, "appraiser")
            if "method" in data:
                args["method"] = data["method"]
        workflow.ACTIONS[action_name].service(**args)
        return Response(self._fresh(demand.pk))

    @extend_schema(responses=DemandEventSerializer(many=True))
    @action(
        detail=True, methods=["get"], serializer_class=DemandEventSerializer, pagination_class=None, filter_backends=[]
    )
    def events(self, request, pk=None):
        """The demand's audit trail."""
        demand = self.get_object()
        return Response(DemandEventSerializer(demand.events.select_related("actor"), many=True).data)

    @extend_schema(methods=["GET"], responses=InterestSerializer(many=True))
    @extend_schema(methods=["POST"], request=InterestSerializer, responses={201: InterestSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=InterestSerializer,
        pagination_class=None,
        filter_backends=[],
    )
    def interests(self, request, pk=None):
        """The banks' interest: the enterprise and platform people see every one, a bank its own. A bank's
        member registers the bank's interest in an admitted demand shown to it."""
        demand = self.get_object()
        if request.method == "GET":
            return Response(InterestSerializer(selectors.interests_visible_to(request.user, demand), many=True).data)
        body = InterestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        interest = services.interest_register(
            demand=demand,
            by=request.user,
            indicative_principal=data["indicative_principal"],
            indicative_rate=data["indicative_rate"],
            note=data.get("note", ""),
        )
        return Response(InterestSerializer(interest).data, status=status.HTTP_201_CREATED)


class BatchSerializer(serializers.ModelSerializer):
    programme = ProgrammeRefField(queryset=Programme.objects.all())
    demand_count = serializers.IntegerField(read_only=True)
    admitted_count = serializers.IntegerField(read_only=True)
    matched_count = serializers.IntegerField(read_only=True)
    financed_count = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    number = serializers.IntegerField(min_value=1, max_value=32767)

    class Meta:
        model = DemandBatch
        fields = [
            "id",
            "name",
            "name_en",
            "year",
            "number",
            "programme",
            "is_open",
            "demand_count",
            "admitted_count",
            "matched_count",
            "financed_count",
            "created_at",
        ]
        read_only_fields = ["is_open", "created_at"]
        validators = []  # a duplicate is the service's 409 `batch_exists`


class DemandBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The bureau's registry batches, with counts of their demands: platform people only (others: 404 or an
    empty list; creating one: 403)."""

    serializer_class = BatchSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]
    filterset_fields = ["programme", "year", "is_open"]

    def get_queryset(self):
        return selectors.batches_visible_to(self.request.user)

    def get_object(self):
        return selectors.batch_for(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        batch = services.batch_create(by=request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_object_by_pk(batch.pk)).data, status=status.HTTP_201_CREATED)

    def get_object_by_pk(self, pk):
        return self.get_queryset().get(pk=pk)

    @extend_schema(request=None, responses=BatchSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the batch to further admissions."""
        batch = self.get_object()
        services.batch_close(batch=batch, by=request.user)
        return Response(self.get_serializer(self.get_object_by_pk(batch.pk)).data)

    @extend_schema(
        operation_id="financing_demand_batches_export",
        parameters=[
            OpenApiParameter(
                "format", str, OpenApiParameter.QUERY, enum=["xlsx", "csv"], description=_("xlsx (default) or csv")
            )
        ],
        responses={
            (200, export.XLSX): OpenApiResponse(OpenApiTypes.BINARY),
            (200, export.CSV): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        content_negotiation_class=ExportNegotiation,
    )
    def export(self, request, pk=None):
        """The batch's admitted (and later matched or financed) demands in the provincial list's layout."""
        batch = self.get_object()
        fmt = request.query_params.get("format", "xlsx")
        if fmt not in export.FORMATS:
            raise serializers.ValidationError({"format": [_("Ask for xlsx or csv.")]})
        content, content_type, filename = export.render(batch, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        response["X-Content-Type-Options"] = "nosniff"
        return response
