"""REST API of IP protection under /api/v1/ (docs/disputes.md): cases, their actions, documents, sessions,
investigation steps, shares, partners' outcomes, the case packet; and the public enforcement decisions.

A case the caller may not see answers 404 for everything under it (ipmarket/disputes/selectors.py); an
action answers 409 when the state does not allow it, then 403 when the caller may not take it, before its
body is read; a partner's read of the case, and anyone's download of a document or the packet, is written
into the audit trail."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ipmarket.accounts import policies
from ipmarket.accounts.filters import MineFilterSet
from ipmarket.accounts.models import Organisation
from ipmarket.assets import selectors as asset_selectors
from ipmarket.core.api.parsers import JSONParser
from ipmarket.core.api.routers import ID_PATTERN
from ipmarket.core.errors import InvalidTransition
from ipmarket.core.limits import MAX_ID, NOTE
from ipmarket.market import selectors as market_selectors

from . import packet, selectors, services, workflow
from .models import Dispute, DisputeEvent, Document, Outcome, Session, Share, Step

ID = {"min_value": 1, "max_value": MAX_ID}
NOTE_FIELD = {"required": False, "allow_blank": True, "max_length": NOTE}


def asset_number(asset) -> str:
    """A patent's application number, a trademark's registration number."""
    return asset.application_number if asset.asset_type == "patent" else asset.registration_number


def assets_of(items) -> list[dict]:
    return [
        {"type": i.asset.asset_type, "id": i.asset.pk, "title": i.asset.name, "number": asset_number(i.asset)}
        for i in items.all()
    ]


ASSET_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["patent", "trademark"]},
            "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID},
            "title": {"type": "string", "readOnly": True},
            "number": {"type": "string", "readOnly": True},
        },
        "required": ["type", "id"],
    },
}


@extend_schema_field(ASSET_SCHEMA)
class DisputeAssetsField(serializers.ListField):
    """`[{"type": "patent"|"trademark", "id"}]` → the caller's visible assets (the service checks they are the
    claimant's); shown with their title and number."""

    child = serializers.DictField()

    def to_internal_value(self, data):
        items = super().to_internal_value(data)
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
        return assets_of(items)


class DisputeSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Dispute.Kind.choices)
    claimant = serializers.IntegerField(source="claimant_id", read_only=True)
    claimant_name = serializers.CharField(source="claimant.name", read_only=True)
    respondent = serializers.IntegerField(
        source="respondent_id",
        required=False,
        allow_null=True,
        help_text=_("The other party's id in the directory; or give its name and credit code."),
        **ID,
    )
    respondent_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    respondent_credit_code = serializers.CharField(required=False, allow_blank=True, max_length=18)
    listing = serializers.IntegerField(
        source="listing_id",
        required=False,
        allow_null=True,
        help_text=_("A listing the claimant is party to."),
        **ID,
    )
    deal = serializers.IntegerField(
        source="deal_id", required=False, allow_null=True, help_text=_("A deal the claimant is party to."), **ID
    )
    assets = DisputeAssetsField(required=False, help_text=_("The claimant's own patents or trademarks."))
    state = serializers.CharField(read_only=True)
    # "" until the bureau routes the case (declared here: a read-only ModelSerializer field loses allow_blank,
    # and the schema would then leave "" out of the enum).
    route = serializers.ChoiceField(
        choices=Dispute.Route.choices,
        allow_blank=True,
        read_only=True,
        label=Dispute._meta.get_field("route").verbose_name,
    )
    mediator = serializers.IntegerField(source="mediator_id", read_only=True, allow_null=True)
    referred_to = serializers.IntegerField(source="referred_to_id", read_only=True, allow_null=True)
    bureau = serializers.IntegerField(source="bureau_id", read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = [
            "id",
            "kind",
            "state",
            "claimant",
            "claimant_name",
            "respondent",
            "respondent_name",
            "respondent_credit_code",
            "listing",
            "deal",
            "assets",
            "facts",
            "remedy",
            "route",
            "mediator",
            "accepted_on",
            "mediation_due",
            "mediation_extended",
            "respondent_consent",
            "judicial_confirmation",
            "referred_to",
            "bureau",
            "decision_number",
            "decided_on",
            "decision",
            "decision_public",
            "ended_on",
            "allowed_actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "accepted_on",
            "mediation_due",
            "mediation_extended",
            "respondent_consent",
            "judicial_confirmation",
            "decision_number",
            "decided_on",
            "decision",
            "decision_public",
            "ended_on",
            "created_at",
            "updated_at",
        ]

    def get_allowed_actions(self, dispute) -> list[str]:
        return workflow.allowed_actions(dispute, self.context["request"].user)


class DisputeFilter(MineFilterSet):
    class Meta:
        model = Dispute
        fields = ["state", "kind"]

    def filter_mine(self, queryset, name, value):
        """The cases one of the caller's organisations takes part in (claimant, respondent once accepted,
        mediator, a partner it is shared with) — for platform people, leaving out those they only supervise."""
        if value in ("0", "false"):
            return queryset
        ids = policies.organisation_ids(self.request.user)
        return queryset.filter(
            Q(claimant_id__in=ids)
            | Q(respondent_id__in=ids, accepted_on__isnull=False)
            | Q(mediator_id__in=ids)
            | Q(pk__in=Share.objects.filter(partner_id__in=ids).values("dispute_id"))
        )


class DisputeActionBodySerializer(serializers.Serializer):
    """The body of `actions/{action}/`; each action reads what it needs (docs/disputes.md)."""

    note = serializers.CharField(**NOTE_FIELD)
    route = serializers.ChoiceField(required=False, choices=Dispute.Route.choices, help_text=_("accept"))
    mediator = serializers.IntegerField(required=False, help_text=_("accept (mediation): the organisation"), **ID)
    bureau = serializers.IntegerField(required=False, help_text=_("transfer: the other city's bureau"), **ID)
    referred_to = serializers.IntegerField(
        required=False, help_text=_("record_failure: the court or arbitration commission"), **ID
    )
    number = serializers.CharField(required=False, max_length=100, help_text=_("record_decision"))
    decided_on = serializers.DateField(required=False, help_text=_("record_decision"))
    decision = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE, help_text=_("record_decision: the penalty or order")
    )
    public = serializers.BooleanField(required=False, help_text=_("record_decision: publish it"))
    judicial_confirmation = serializers.BooleanField(required=False, help_text=_("record_agreement"))
    partner = serializers.IntegerField(required=False, help_text=_("share; post_outcome (optional)"), **ID)
    documents = serializers.ListField(
        child=serializers.IntegerField(**ID),
        required=False,
        max_length=1000,
        help_text=_("share: the documents shared (every one when not given)"),
    )
    reference = serializers.CharField(required=False, max_length=100, help_text=_("post_outcome"))
    result = serializers.CharField(required=False, max_length=NOTE, help_text=_("post_outcome"))


def _organisation(data: dict, field: str, *, required: bool) -> Organisation | None:
    if field not in data:
        if required:
            raise serializers.ValidationError({field: [_("Name the organisation.")]})
        return None
    found = Organisation.objects.filter(pk=data[field]).first()
    if found is None:
        raise serializers.ValidationError({field: [_("There is no such organisation.")]})
    return found


def _arguments(name: str, dispute: Dispute, data: dict) -> dict:
    """The service's arguments of action `name` from the validated body."""
    args: dict = {"note": data.get("note", "")}
    if name == "accept":
        args["route"] = data.get("route", "")
        args["mediator"] = _organisation(data, "mediator", required=False)
    elif name == "transfer":
        args["bureau"] = _organisation(data, "bureau", required=True)
    elif name == "record_failure":
        args["referred_to"] = _organisation(data, "referred_to", required=True)
    elif name == "record_agreement":
        args["judicial_confirmation"] = data.get("judicial_confirmation", False)
    elif name == "record_decision":
        args.update(
            number=data.get("number", ""),
            decided_on=data.get("decided_on"),
            decision=data.get("decision", ""),
            public=data.get("public", False),
        )
    elif name == "share":
        args["partner"] = _organisation(data, "partner", required=True)
        if "documents" in data:
            ids = list(dict.fromkeys(data["documents"]))
            documents = list(dispute.documents.filter(pk__in=ids))
            if len(documents) != len(ids):
                raise serializers.ValidationError({"documents": [_("Share only this case's documents.")]})
            args["documents"] = documents
    elif name == "post_outcome":
        args.update(reference=data.get("reference", ""), result=data.get("result", ""))
        args["partner"] = _organisation(data, "partner", required=False)
    return args


class DisputeEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    organisation = serializers.IntegerField(source="organisation_id", read_only=True, allow_null=True)
    organisation_name = serializers.SerializerMethodField()

    class Meta:
        model = DisputeEvent
        fields = ["at", "actor", "organisation", "organisation_name", "action", "from_state", "to_state", "note"]

    def get_actor(self, event) -> str | None:
        return event.actor.username if event.actor_id else None

    def get_organisation_name(self, event) -> str | None:
        return event.organisation.name if event.organisation_id else None


class DisputeDocumentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    file = serializers.FileField(write_only=True, help_text=_("A PDF, JPEG or PNG file."))
    organisation = serializers.IntegerField(source="organisation_id", read_only=True, allow_null=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "organisation",
            "uploaded_at",
            "file",
            "download",
        ]
        read_only_fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]

    def get_download(self, document) -> str:
        return f"/api/v1/disputes/{document.dispute_id}/documents/{document.pk}/"


class MediationSessionSerializer(serializers.ModelSerializer):
    mode = serializers.ChoiceField(choices=Session.Mode.choices, required=False)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ["id", "held_on", "mode", "summary", "recorded_by", "created_at"]
        read_only_fields = ["created_at"]

    def get_recorded_by(self, session) -> str:
        return session.recorded_by.username


class InvestigationStepSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Step.Kind.choices)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Step
        fields = ["id", "taken_on", "kind", "summary", "recorded_by", "created_at"]
        read_only_fields = ["created_at"]

    def get_recorded_by(self, step) -> str:
        return step.recorded_by.username


class DisputeShareSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    documents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Share
        fields = ["id", "partner", "partner_name", "documents", "shared_at"]
        read_only_fields = fields


class PartnerOutcomeSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "partner", "partner_name", "reference", "result", "posted_at"]
        read_only_fields = fields


SUB = {"pagination_class": None, "filter_backends": []}


class DisputeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """IP disputes (docs/disputes.md): seen by their parties (the respondent once the bureau accepted the case),
    platform people, the mediation organisation and the partners they are shared with. Anyone else: 404."""

    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.disputes_visible_to(self.request.user)

    def get_object(self):
        return selectors.dispute_for(self.request.user, self.kwargs["pk"])

    def _fresh(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def retrieve(self, request, *args, **kwargs):
        dispute = self.get_object()
        if selectors.is_partner_only(request.user, dispute):
            services.record_access(dispute=dispute, by=request.user, what="case record")
        return Response(self.get_serializer(dispute).data)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        user = request.user
        args = {
            "kind": data["kind"],
            "facts": data.get("facts", ""),
            "remedy": data.get("remedy", ""),
            "assets": data.get("assets", []),
            "respondent_name": data.get("respondent_name", ""),
            "respondent_credit_code": data.get("respondent_credit_code", ""),
        }
        if data.get("respondent_id") is not None:
            args["respondent"] = Organisation.objects.filter(pk=data["respondent_id"], is_active=True).first()
            if args["respondent"] is None:
                raise serializers.ValidationError({"respondent": [_("There is no such organisation.")]})
        if data.get("listing_id") is not None:
            args["listing"] = market_selectors.listings_visible_to(user).filter(pk=data["listing_id"]).first()
            if args["listing"] is None:
                raise serializers.ValidationError({"listing": [_("There is no such listing.")]})
        if data.get("deal_id") is not None:
            args["deal"] = market_selectors.deals_visible_to(user).filter(pk=data["deal_id"]).first()
            if args["deal"] is None:
                raise serializers.ValidationError({"deal": [_("There is no such deal.")]})
        dispute = services.dispute_create(by=user, **args)
        return Response(self._fresh(dispute.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DisputeActionBodySerializer,
        responses=DisputeSerializer,
        parameters=[OpenApiParameter("action_name", str, OpenApiParameter.PATH, enum=list(workflow.ACTIONS))],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def actions(self, request, pk=None, action_name=None):
        """accept `{"route", "mediator"?}`, transfer `{"bureau"}`, dismiss `{"note"}`, record_decision
        `{"number", "decided_on", "decision"?, "public"?}`, close `{"note"}`, share `{"partner", "documents"?}`
        (platform people); consent, decline (the respondent); extend (platform people or the mediator);
        record_agreement `{"judicial_confirmation"?}`, record_failure `{"referred_to"}` (the mediator); withdraw
        (the claimant); post_outcome `{"reference", "result", "partner"?}` (a partner the case is shared with)."""
        dispute = self.get_object()
        spec = workflow.ACTIONS.get(action_name)
        if spec is None:
            raise NotFound(_("There is no such action."))
        # The state and the caller's side first (the service checks them again under the row lock).
        if dispute.state not in spec.sources:
            raise InvalidTransition(action_name, dispute.state, workflow.allowed_actions(dispute))
        if reason := spec.refusal(request.user, dispute):
            raise PermissionDenied(reason)
        body = DisputeActionBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        spec.service(dispute=dispute, by=request.user, **_arguments(action_name, dispute, body.validated_data))
        return Response(self._fresh(dispute.pk))

    @extend_schema(responses=DisputeEventSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=DisputeEventSerializer, **SUB)
    def events(self, request, pk=None):
        """The case's audit trail: every action, and who saw what."""
        dispute = self.get_object()
        events = dispute.events.select_related("actor", "organisation")
        return Response(DisputeEventSerializer(events, many=True).data)

    @extend_schema(methods=["GET"], responses=DisputeDocumentSerializer(many=True))
    @extend_schema(methods=["POST"], responses={201: DisputeDocumentSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=DisputeDocumentSerializer, **SUB)
    def documents(self, request, pk=None):
        """The case's documents the caller may read; a party uploads evidence, the mediator the agreement,
        platform people the decision (multipart `kind`, `file`)."""
        dispute = self.get_object()
        if request.method == "GET":
            return Response(
                DisputeDocumentSerializer(selectors.documents_visible_to(request.user, dispute), many=True).data
            )
        body = DisputeDocumentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = services.document_upload(
            dispute=dispute, by=request.user, kind=body.validated_data["kind"], upload=body.validated_data["file"]
        )
        return Response(DisputeDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="disputes_document_download",
        responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description=_("The file itself."))},
    )
    @action(detail=True, methods=["get"], url_path=rf"documents/(?P<document_id>{ID_PATTERN})", **SUB)
    def document(self, request, pk=None, document_id=None):
        """The file itself, to those who may read it; the download is recorded in the audit trail."""
        dispute = self.get_object()
        document = selectors.document_for(request.user, dispute, document_id)
        services.record_access(dispute=dispute, by=request.user, what=f"document {document.original_name}")
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(methods=["GET"], responses=MediationSessionSerializer(many=True))
    @extend_schema(methods=["POST"], request=MediationSessionSerializer, responses={201: MediationSessionSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=MediationSessionSerializer, **SUB)
    def sessions(self, request, pk=None):
        """Mediation sessions; the mediation organisation records one while the case is in mediation."""
        dispute = self.get_object()
        if request.method == "GET":
            return Response(MediationSessionSerializer(dispute.sessions.select_related("recorded_by"), many=True).data)
        body = MediationSessionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session = services.session_record(dispute=dispute, by=request.user, **body.validated_data)
        return Response(MediationSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=InvestigationStepSerializer(many=True))
    @extend_schema(methods=["POST"], request=InvestigationStepSerializer, responses={201: InvestigationStepSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=InvestigationStepSerializer, **SUB)
    def steps(self, request, pk=None):
        """Investigation steps; platform people record one while the case is under investigation."""
        dispute = self.get_object()
        if request.method == "GET":
            return Response(InvestigationStepSerializer(dispute.steps.select_related("recorded_by"), many=True).data)
        body = InvestigationStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = services.step_record(dispute=dispute, by=request.user, **body.validated_data)
        return Response(InvestigationStepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=DisputeShareSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=DisputeShareSerializer, **SUB)
    def shares(self, request, pk=None):
        """Whom the case is shared with: platform people see every grant, a partner its own, others none."""
        dispute = self.get_object()
        shares = dispute.shares.select_related("partner").prefetch_related("documents")
        if not policies.is_platform_staff(request.user):
            shares = shares.filter(partner_id__in=policies.organisation_ids(request.user))
        return Response(DisputeShareSerializer(shares, many=True).data)

    @extend_schema(responses=PartnerOutcomeSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=PartnerOutcomeSerializer, **SUB)
    def outcomes(self, request, pk=None):
        """What the partners posted back."""
        dispute = self.get_object()
        return Response(PartnerOutcomeSerializer(dispute.outcomes.select_related("partner"), many=True).data)

    @extend_schema(
        operation_id="disputes_packet",
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("A ZIP: case.json, the documents, manifest.json.")
            )
        },
    )
    @action(detail=True, methods=["get"], **SUB)
    def packet(self, request, pk=None):
        """The case packet for platform people, the mediation organisation and the partners the case is shared
        with (the parties: 403); the download is recorded in the audit trail."""
        dispute = self.get_object()
        if reason := packet.refusal(request.user, dispute):
            raise PermissionDenied(reason)
        content, filename = packet.build(dispute, request.user)
        services.record_access(dispute=dispute, by=request.user, what="case packet")
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class PublicAssetSerializer(serializers.Serializer):
    type = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()


class EnforcementDecisionSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="decision_number", read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text=_("The kind of dispute: infringement, ownership, licence or counterfeit.")
    )
    respondent_name = serializers.CharField(source="respondent_label", read_only=True)
    claimant_name = serializers.CharField(source="claimant.name", read_only=True)
    assets = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = ["id", "number", "decided_on", "kind", "respondent_name", "decision", "assets", "claimant_name"]
        read_only_fields = fields

    @extend_schema_field(PublicAssetSerializer(many=True))
    def get_assets(self, dispute) -> list[dict]:
        return [{"type": a["type"], "number": a["number"], "title": a["title"]} for a in assets_of(dispute.assets)]


class EnforcementDecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative enforcement decisions the bureau published: public, no token needed."""

    serializer_class = EnforcementDecisionSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.public_decisions()

    def get_object(self):
        return selectors.public_decision(self.kwargs["pk"])
