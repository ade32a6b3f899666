from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ipmarket.accounts import policies
from ipmarket.accounts.filters import MineFilterSet
from ipmarket.accounts.models import Organisation
from ipmarket.assets import selectors as asset_selectors
from ipmarket.core.api.fields import MoneyField
from ipmarket.core.api.filters import AmountFilter, IdFilter
from ipmarket.core.api.schema import ERROR
from ipmarket.core.api.shapes import InquiryCreatedSerializer, PaymentHandleSerializer

from . import filing, selectors, services, workflow
from .models import Deal, Listing, Message
from .payments import PaymentHandle


@extend_schema_field(
    {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["patent", "trademark"]}, "id": {"type": "integer"}},
        "required": ["type", "id"],
    }
)
class AssetRefField(serializers.Field):
    """`{"type": "patent"|"trademark", "id"}`."""

    def to_representation(self, listing):
        return {"type": listing.asset_type, "id": listing.asset.pk}

    def to_internal_value(self, data):
        """→ {"patent": asset} or {"trademark": asset} (merged into the validated data)."""
        if not isinstance(data, dict) or data.get("type") not in ("patent", "trademark"):
            raise serializers.ValidationError(_('Name the asset as {"type": "patent" or "trademark", "id": …}.'))
        try:
            asset = asset_selectors.asset_visible_to(self.context["request"].user, data["type"], data.get("id"))
        except (TypeError, ValueError, ObjectDoesNotExist):
            raise serializers.ValidationError(_("There is no such asset.")) from None
        return {data["type"]: asset}


class ListingSerializer(serializers.ModelSerializer):
    asset = AssetRefField(source="*")
    asset_title = serializers.CharField(source="asset.name", read_only=True)
    price = MoneyField()
    seller_name = serializers.CharField(source="seller.label", read_only=True)
    city = serializers.CharField(source="seller.city", read_only=True)
    status = serializers.CharField(read_only=True)
    # The owner by default; a pledgee bank names itself to sell a defaulted pledge.
    seller = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)

    class Meta:
        model = Listing
        fields = [
            "id",
            "asset",
            "asset_title",
            "deal_type",
            "price",
            "negotiable",
            "territory",
            "term_months",
            "payment_terms",
            "description",
            "status",
            "seller",
            "seller_name",
            "city",
            "published_at",
        ]
        read_only_fields = ["published_at"]

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("deal_type",):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [_("This cannot change; withdraw and list again.")]})
            attrs.pop("deal_type", None)
            if "seller" in attrs and attrs["seller"] != self.instance.seller:
                raise serializers.ValidationError({"seller": [_("This cannot change; withdraw and list again.")]})
            attrs.pop("seller", None)
            if "asset" in self.initial_data:
                raise serializers.ValidationError({"asset": [_("This cannot change; withdraw and list again.")]})
        return attrs


class ListingFilter(MineFilterSet):
    mine_field = "seller"
    asset_type = filters.ChoiceFilter(
        choices=[("patent", "patent"), ("trademark", "trademark")], method="filter_asset_type"
    )
    seller = IdFilter(field_name="seller_id")
    ipc = filters.CharFilter(method="filter_ipc", label=_("IPC section or prefix, e.g. H or H01L"))
    city = filters.CharFilter(field_name="seller__city")
    price_min = AmountFilter(field_name="price", lookup_expr="gte")
    price_max = AmountFilter(field_name="price", lookup_expr="lte")
    q = filters.CharFilter(method="filter_q")

    class Meta:
        model = Listing
        fields = ["status", "deal_type"]

    def filter_asset_type(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})

    def filter_ipc(self, queryset, name, value):
        prefix = value.replace(" ", "").upper()
        prefix = f"{prefix[:4]} {prefix[4:]}" if len(prefix) > 4 else prefix
        return queryset.filter(patent__classifications__code__startswith=prefix).distinct()

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(patent__title__icontains=value)
            | Q(trademark__mark_name__icontains=value)
            | Q(description__icontains=value)
        )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class InquirySerializer(serializers.Serializer):
    message = serializers.CharField(max_length=5000)
    offer = MoneyField(required=False, allow_null=True)
    buyer = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE), required=False
    )


class ListingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Listings. Drafts and withdrawn listings are seen only by the seller's people."""

    serializer_class = ListingSerializer
    filterset_class = ListingFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        return selectors.listings_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        asset = data.pop("patent", None) or data.pop("trademark")
        serializer.instance = services.listing_create(by=self.request.user, asset=asset, **data)

    def perform_update(self, serializer):
        serializer.instance = services.listing_update(
            listing=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=NoteSerializer)
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def actions(self, request, pk=None, action_name=None):
        listing = self.get_object()
        if action_name not in workflow.LISTING_ACTIONS:
            raise NotFound(_("There is no such action."))
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        listing = workflow.LISTING_ACTIONS[action_name].run(listing, request.user, **body.validated_data)
        return Response(self.get_serializer(listing).data)

    @extend_schema(request=InquirySerializer, responses={201: InquiryCreatedSerializer})
    @action(detail=True, methods=["post"], serializer_class=InquirySerializer)
    def inquiries(self, request, pk=None):
        listing = self.get_object()
        body = InquirySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.inquiry_create(listing=listing, by=request.user, **body.validated_data)
        return Response({"id": message.pk, "deal": message.deal_id}, status=status.HTTP_201_CREATED)


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.__str__", read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    offer = MoneyField(required=False, allow_null=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "author", "organisation", "body", "offer", "created_at"]
        read_only_fields = ["kind", "created_at"]


class DealSerializer(serializers.ModelSerializer):
    price = MoneyField(read_only=True)
    listing = serializers.PrimaryKeyRelatedField(read_only=True)
    deal_type = serializers.CharField(source="listing.deal_type", read_only=True)
    asset = AssetRefField(source="listing", read_only=True)
    messages = MessageSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    licence_effective_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The day the licence contract took effect (acceptance; an open licence: payment). Null for an "
            "assignment or before then."
        ),
    )
    filing_due_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_("The licence contract is to be filed with CNIPA by this day: 3 months after it took effect."),
    )
    filing_state = serializers.ChoiceField(
        choices=filing.STATES,
        read_only=True,
        help_text=_(
            "not_required: an assignment, or a deal ended; not_effective: the licence has not taken effect; "
            "pending: to be filed by filing_due_on; filed: the filing number is recorded; overdue: past "
            "filing_due_on and not filed."
        ),
    )

    class Meta:
        model = Deal
        fields = [
            "id",
            "listing",
            "deal_type",
            "asset",
            "buyer",
            "seller",
            "price",
            "state",
            "recordal_number",
            "payment_intent_id",
            "transfer_id",
            "refund_id",
            "accepted_at",
            "paid_at",
            "recorded_at",
            "released_at",
            "ended_at",
            "licence_effective_on",
            "filing_due_on",
            "filing_state",
            "allowed_actions",
            "messages",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, deal) -> list[str]:
        return workflow.allowed(workflow.DEAL_ACTIONS, deal.state)


class DealActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    price = MoneyField(required=False)
    recordal_number = serializers.CharField(required=False, allow_blank=True, max_length=200)


class DealFilter(MineFilterSet):
    class Meta:
        model = Deal
        fields = ["state", "listing"]

    def filter_mine(self, queryset, name, value):
        """Deals one of the caller's organisations buys or sells in (platform people see others' too)."""
        if value in ("0", "false"):
            return queryset
        ids = policies.organisation_ids(self.request.user)
        return queryset.filter(Q(buyer_id__in=ids) | Q(seller_id__in=ids))


class DealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deals, seen by their buyer and seller only (and platform people)."""

    serializer_class = DealSerializer
    filterset_class = DealFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.deals_visible_to(self.request.user)

    @extend_schema(
        request=DealActionSerializer,
        responses={
            200: PolymorphicProxySerializer(  # `pay` answers the payment to confirm, every other action the deal
                component_name="DealActionResult",
                serializers=[DealSerializer, PaymentHandleSerializer],
                resource_type_field_name=None,
            ),
            502: OpenApiResponse(
                response=ERROR,
                description=_("The payment provider could not be reached or refused (`payment_provider_error`)."),
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def actions(self, request, pk=None, action_name=None):
        deal = self.get_object()
        if action_name not in workflow.DEAL_ACTIONS:
            raise NotFound(_("There is no such action."))
        body = DealActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = {"price": None, "recordal_number": "", **body.validated_data}  # what a service takes when absent
        result = workflow.DEAL_ACTIONS[action_name].run(deal, request.user, **data)
        if isinstance(result, PaymentHandle):  # `pay`: the payment the buyer confirms in the browser
            return Response({"payment_intent_id": result.payment_intent_id, "client_secret": result.client_secret})
        return Response(self.get_serializer(selectors.deals_visible_to(request.user).get(pk=deal.pk)).data)

    @extend_schema(responses={201: MessageSerializer})
    @action(detail=True, methods=["post"], serializer_class=MessageSerializer)
    def messages(self, request, pk=None):
        deal = get_object_or_404(self.get_queryset(), pk=pk)
        body = MessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.deal_post_message(
            deal=deal, by=request.user, body=body.validated_data["body"], offer=body.validated_data.get("offer")
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
