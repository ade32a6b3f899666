"""REST API of pledge financing: programmes, quote, loss split, applications and their actions."""

from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ipmarket.accounts import policies as people
from ipmarket.accounts.filters import MineFilterSet
from ipmarket.accounts.models import Organisation
from ipmarket.assets import selectors as asset_selectors
from ipmarket.core.api.fields import DecimalString, MoneyField
from ipmarket.core.api.filters import FilterSet
from ipmarket.core.api.parsers import JSONParser
from ipmarket.core.api.routers import ID_PATTERN
from ipmarket.core.api.shapes import LossSplitResultSerializer, QuoteResultSerializer

from . import guards, money, pool, selectors, services, valuations, workflow
from .bodies import AMOUNT, RATE, ValuationMethodField
from .models import Application, Document, Event, Programme, RepaymentPeriod, ValuationReport


def _s(value: Decimal) -> str:
    return f"{value:.2f}"


# --- programmes, quote, loss split --------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    max_principal = MoneyField()
    fund_cap_per_loan = MoneyField()
    insurer_policy_limit = MoneyField(allow_null=True)
    pool_balance = MoneyField()
    bank_ratio = serializers.DecimalField(max_digits=7, decimal_places=5, read_only=True)
    pool = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "slug",
            "name",
            "name_en",
            "description",
            "risk_fund",
            "eligible_cities",
            "is_active",
            "max_principal",
            "max_term_months",
            "max_annual_rate",
            "premium_rate_cap",
            "interest_subsidy_rate",
            "premium_subsidy_ratio",
            "ltv_invention",
            "ltv_utility_model",
            "ltv_design",
            "ltv_trademark",
            "fund_ratio",
            "insurer_ratio",
            "bank_ratio",
            "fund_cap_per_loan",
            "insurer_policy_limit",
            "pool_balance",
            "pool_leverage",
            "overdue_grace_days",
            "default_after_days",
            "claim_deadline_working_days",
            "penalty_rate_markup",
            "pool",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "object", "properties": {k: {"type": "string"} for k in ("capacity", "exposure", "headroom")}}
    )
    def get_pool(self, programme):
        standing = services.pool_standing(programme)
        return {
            key: _s(standing[key]) if key != "live_loans" else standing[key]
            for key in ("capacity", "exposure", "headroom", "available", "claims_paid", "recovered", "live_loans")
        }


class LossSplitSerializer(serializers.Serializer):
    outstanding_principal = DecimalString(min_value=Decimal("0"), **AMOUNT)
    ip_share = DecimalString(
        max_digits=7, decimal_places=5, min_value=Decimal("0.00001"), max_value=Decimal("1"), default=Decimal("1")
    )
    net_recovery = DecimalString(min_value=Decimal("0"), default=Decimal("0"), **AMOUNT)


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes and their settings (docs/financing.md); platform people edit them in the admin."""

    serializer_class = ProgrammeSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["slug", "is_active"]

    def get_queryset(self):
        return pool.with_standing(selectors.programmes_visible_to(self.request.user))

    @extend_schema(request=LossSplitSerializer, responses=LossSplitResultSerializer)
    @action(detail=True, methods=["post"], url_path="loss-split", permission_classes=[permissions.AllowAny])
    def loss_split(self, request, pk=None):
        """How a loss on a loan of this programme is shared, and recoveries paid back."""
        programme = self.get_object()
        body = LossSplitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        limit = programme.insurer_policy_limit
        try:
            split = money.loss_split(
                outstanding_principal=data["outstanding_principal"],
                ip_share=data["ip_share"],
                net_recovery=data["net_recovery"],
                fund_ratio=programme.fund_ratio,
                insurer_ratio=programme.insurer_ratio,
                fund_cap=programme.fund_cap_per_loan.amount,
                pool_headroom=max(services.pool_available(programme), Decimal("0")),
                policy_limit=limit.amount if limit is not None else None,
            )
        except ValueError as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(
            {
                "loss_base": _s(split.loss_base),
                "fund": _s(split.fund),
                "insurer": _s(split.insurer),
                "bank": _s(split.bank),
                "recovery": {
                    "fund": _s(split.recovery_fund),
                    "insurer": _s(split.recovery_insurer),
                    "bank": _s(split.recovery_bank),
                },
                "final": {
                    "fund": _s(split.final_fund),
                    "insurer": _s(split.final_insurer),
                    "bank": _s(split.final_bank),
                },
            }
        )


class QuoteSerializer(serializers.Serializer):
    principal = DecimalString(min_value=Decimal("0.01"), **AMOUNT)
    annual_rate = DecimalString(**RATE)
    months = serializers.IntegerField(min_value=1, max_value=money.MAX_MONTHS)
    method = serializers.ChoiceField(choices=Application.Method.choices)


class QuoteView(APIView):
    """A repayment schedule for any principal, rate, term and method (open to everyone)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = QuoteSerializer

    @extend_schema(request=QuoteSerializer, responses=QuoteResultSerializer)
    def post(self, request):
        body = QuoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            periods = money.schedule(data["principal"], data["annual_rate"], data["months"], data["method"])
        except ValueError as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        total_interest, total_payment = money.totals(periods)
        return Response(
            {
                "schedule": [
                    {
                        "period": p.period,
                        "principal": _s(p.principal),
                        "interest": _s(p.interest),
                        "payment": _s(p.payment),
                        "balance": _s(p.balance),
                    }
                    for p in periods
                ],
                "total_interest": _s(total_interest),
                "total_payment": _s(total_payment),
            }
        )


# --- applications -----------------------------------------------------------------------------------


class ProgrammeRefField(serializers.PrimaryKeyRelatedField):
    """A programme by id or by slug."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isdigit():
            try:
                validate_slug(data)  # also keeps a NUL byte away from PostgreSQL (a 500)
                return Programme.objects.get(slug=data)
            except (Programme.DoesNotExist, ValidationError):
                self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class AssetsField(serializers.ListField):
    """`[{"type": "patent"|"trademark", "id"}]` → assets."""

    child = serializers.DictField()

    def to_internal_value(self, data):
        items = super().to_internal_value(data)
        if not items:
            raise serializers.ValidationError(_("Pledge at least one patent or trademark."))
        assets = []
        for item in items:
            kind = item.get("type")
            if kind not in ("patent", "trademark"):
                raise serializers.ValidationError(_('Name each asset as {"type": "patent" or "trademark", "id": …}.'))
            try:
                assets.append(asset_selectors.asset_visible_to(self.context["request"].user, kind, item.get("id")))
            except (TypeError, ValueError, ObjectDoesNotExist):
                raise serializers.ValidationError(_("There is no such asset.")) from None
        return assets

    def to_representation(self, items):
        return [
            {
                "type": i.asset.asset_type,
                "id": i.asset.pk,
                "title": i.asset.name,
                "appraised_value": _s(i.appraised_value) if i.appraised_value is not None else None,
            }
            for i in items.all()
        ]


def _party(kind):
    return serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(kind=kind))


class ApplicationSerializer(serializers.ModelSerializer):
    programme = ProgrammeRefField(queryset=Programme.objects.all())
    applicant = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE), required=False
    )
    lender = _party(Organisation.Kind.BANK)
    insurer = _party(Organisation.Kind.INSURER)
    appraiser = _party(Organisation.Kind.APPRAISER)
    principal = MoneyField()
    annual_rate = DecimalString(**RATE)
    assets = AssetsField()
    state = serializers.CharField(read_only=True)
    appraised_value = MoneyField(read_only=True)
    proposed_principal = MoneyField(read_only=True)
    approved_principal = MoneyField(read_only=True)
    premium = MoneyField(read_only=True)
    policy_limit = MoneyField(read_only=True)
    covered_principal = MoneyField(read_only=True)
    fund_cap_per_loan = MoneyField(read_only=True, allow_null=True)
    programme_policy_limit = MoneyField(read_only=True, allow_null=True)
    outstanding_principal = serializers.SerializerMethodField()
    ltv_limit = serializers.SerializerMethodField()
    claim = serializers.SerializerMethodField()
    recoveries = serializers.SerializerMethodField()
    alerts = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "programme",
            "applicant",
            "lender",
            "insurer",
            "appraiser",
            "principal",
            "annual_rate",
            "term_months",
            "method",
            "purpose",
            "ip_share",
            "assets",
            "state",
            "appraised_value",
            "valuation_report_date",
            "proposed_principal",
            "proposed_rate",
            "proposed_ip_share",
            "proposed_by",
            "approved_principal",
            "approved_rate",
            "approved_by",
            "fund_ratio",
            "insurer_ratio",
            "fund_cap_per_loan",
            "programme_policy_limit",
            "premium_rate",
            "premium",
            "policy_limit",
            "covered_principal",
            "registration_number",
            "disbursed_on",
            "maturity_date",
            "defaulted_on",
            "claim_deadline",
            "outstanding_principal",
            "ltv_limit",
            "claim",
            "recoveries",
            "alerts",
            "allowed_actions",
            "created_at",
            "updated_at",
        ]
        # The IP share is the bank's (proposed with the loan, frozen at approval): a borrower's value is ignored.
        read_only_fields = [
            "ip_share",
            "proposed_ip_share",
            "fund_ratio",
            "insurer_ratio",
            "valuation_report_date",
            "proposed_rate",
            "proposed_by",
            "approved_rate",
            "approved_by",
            "premium_rate",
            "registration_number",
            "disbursed_on",
            "maturity_date",
            "defaulted_on",
            "claim_deadline",
            "created_at",
            "updated_at",
        ]

    def get_outstanding_principal(self, app) -> str | None:
        if app.disbursed_on is None:
            return None
        return _s(sum((p.unpaid_principal for p in app.periods.all()), Decimal("0")))

    def get_ltv_limit(self, app) -> str | None:
        return _s(guards.ltv_limit(app)) if app.appraised_value is not None else None

    @extend_schema_field({"type": "object", "nullable": True})
    def get_claim(self, app) -> dict | None:
        """The claim after a default and how the loss was shared (amounts as decimal strings)."""
        claim = getattr(app, "claim", None)  # selected with the application (get_queryset): no query per row
        if claim is None:
            return None
        shares = ("outstanding_principal", "loss_base", "fund_share", "insurer_share", "bank_share")
        return {
            **{name: _s(getattr(claim, name)) if getattr(claim, name) is not None else None for name in shares},
            "submitted_at": claim.submitted_at,
            "settled_at": claim.settled_at,
        }

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_recoveries(self, app) -> list[dict]:
        return [
            {
                "amount": _s(r.amount),
                "fund": _s(r.fund_part),
                "insurer": _s(r.insurer_part),
                "bank": _s(r.bank_part),
                "recorded_at": r.recorded_at,
            }
            for r in app.recoveries.all()
        ]

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_alerts(self, app) -> list[dict]:
        return [
            {
                "asset_type": a.asset_type,
                "asset_id": a.asset_id,
                "asset": a.asset_label,
                "reason": a.reason,
                "raised_at": a.raised_at,
            }
            for a in app.alerts.all()
        ]

    def get_allowed_actions(self, app) -> list[str]:
        user = self.context["request"].user
        return [a for a in services.allowed_actions(app) if workflow.actor_refusal(user, app, a) is None]


class ApplicationFilter(MineFilterSet):
    class Meta:
        model = Application
        fields = ["state", "programme", "lender", "applicant"]

    def filter_mine(self, queryset, name, value):
        """Applications one of the caller's organisations is a party to (borrower, bank, insurer,
        appraiser or fund) — for platform people, leaving out those they only supervise."""
        if value in ("0", "false"):
            return queryset
        ids = people.organisation_ids(self.request.user)
        return queryset.filter(
            Q(applicant_id__in=ids)
            | Q(lender_id__in=ids)
            | Q(insurer_id__in=ids)
            | Q(appraiser_id__in=ids)
            | Q(programme__risk_fund_id__in=ids)
        )


class ScheduleRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = RepaymentPeriod
        fields = [
            "period",
            "due_date",
            "principal",
            "interest",
            "payment",
            "balance",
            "paid_principal",
            "paid_interest",
            "penalty",
            "paid_penalty",
            "settled_on",
        ]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["at", "actor", "action", "from_state", "to_state", "note"]

    def get_actor(self, event) -> str | None:
        return event.actor.username if event.actor_id else None


class DocumentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
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
            "report_date",
            "uploaded_at",
            "file",
            "download",
        ]
        read_only_fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]

    def get_download(self, document) -> str:
        return f"/api/v1/financing/applications/{document.application_id}/documents/{document.pk}/"


class ApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Pledge-loan applications, seen by their parties only."""

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            selectors.applications_visible_to(self.request.user)
            .select_related("claim")
            .prefetch_related("periods", "recoveries", "alerts")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.application_create(by=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("programme", None)
        data.pop("applicant", None)
        serializer.instance = services.application_update(application=serializer.instance, by=self.request.user, **data)

    def _fresh(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def actions(self, request, pk=None, action_name=None):
        app = self.get_object()
        if action_name not in workflow.ACTIONS:
            raise NotFound(_("There is no such action."))
        body = workflow.ACTIONS[action_name].body(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        report = data.pop("report", None)
        with transaction.atomic():  # a report sent with `value` is kept only if the valuation is
            if report is not None:
                document = services.document_upload(
                    application=app,
                    by=request.user,
                    kind="valuation_report",
                    upload=report,
                    report_date=data.get("report_date") or None,
                )
                data.setdefault("report_date", document.report_date)
            workflow.ACTIONS[action_name].service(application=app, by=request.user, **data)
        return Response(self._fresh(app.pk))

    @extend_schema(responses=ScheduleRowSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=ScheduleRowSerializer, pagination_class=None)
    def schedule(self, request, pk=None):
        app = self.get_object()
        return Response(ScheduleRowSerializer(app.periods.order_by("period"), many=True).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=EventSerializer, pagination_class=None)
    def events(self, request, pk=None):
        app = self.get_object()
        return Response(EventSerializer(app.events.select_related("actor"), many=True).data)

    @extend_schema(methods=["GET"], responses=DocumentSerializer(many=True))
    @extend_schema(methods=["POST"], responses={201: DocumentSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=DocumentSerializer, pagination_class=None)
    def documents(self, request, pk=None):
        app = self.get_object()
        if request.method == "GET":
            return Response(DocumentSerializer(app.documents.all(), many=True).data)
        body = DocumentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = services.document_upload(
            application=app,
            by=request.user,
            kind=body.validated_data["kind"],
            upload=body.validated_data["file"],
            report_date=body.validated_data.get("report_date"),
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="financing_applications_document_download", responses={(200, "*/*"): bytes})
    @action(detail=True, methods=["get"], url_path=rf"documents/(?P<document_id>{ID_PATTERN})")
    def document(self, request, pk=None, document_id=None):
        """The file itself, to the application's parties only."""
        app = self.get_object()
        document = get_object_or_404(app.documents, pk=document_id)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- valuation reports (the shared valuation standard) -------------------------------------------------------


@extend_schema_field(
    {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["patent", "trademark"]},
                "id": {"type": "integer"},
                "value": {"type": "string", "format": "decimal", "nullable": True},
            },
            "required": ["type", "id"],
        },
    }
)
class ReportAssetsField(serializers.ListField):
    """`[{"type": "patent"|"trademark", "id", "value"?}]` → (asset, value or None) pairs; values, when given
    for every asset, add up to the report's value."""

    child = serializers.DictField()
    value_field = DecimalString(min_value=Decimal("0.01"), **AMOUNT)

    def to_internal_value(self, data):
        items = super().to_internal_value(data)
        if not items:
            raise serializers.ValidationError(_("Name at least one patent or trademark."))
        pairs = []
        for item in items:
            kind = item.get("type")
            if kind not in ("patent", "trademark"):
                raise serializers.ValidationError(_('Name each asset as {"type": "patent" or "trademark", "id": …}.'))
            try:
                asset = asset_selectors.asset_visible_to(self.context["request"].user, kind, item.get("id"))
            except (TypeError, ValueError, ObjectDoesNotExist):
                raise serializers.ValidationError(_("There is no such asset.")) from None
            value = item.get("value")
            pairs.append((asset, None if value is None else self.value_field.to_internal_value(value)))
        return pairs

    def to_representation(self, items):
        return [
            {
                "type": "patent" if i.patent_id else "trademark",
                "id": i.patent_id or i.trademark_id,
                "value": _s(i.value) if i.value is not None else None,
            }
            for i in items.all()
        ]


class ValuationReportSerializer(serializers.ModelSerializer):
    programme = ProgrammeRefField(queryset=Programme.objects.all())
    appraiser = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.APPRAISER),
        required=False,
        help_text=_("The appraisal firm that made the report; the caller's only one when not given."),
    )
    assets = ReportAssetsField()
    value = MoneyField()
    valid_until = serializers.DateField(
        required=False, help_text=_("The last valid day: at most a year after the value date (the default).")
    )
    standard = serializers.CharField(
        required=False,
        max_length=50,
        help_text=_("The version of the valuation standard; the current one (the only one accepted) when not given."),
    )
    parameters = serializers.DictField(required=False, help_text=_("The method's key parameters."))
    method = ValuationMethodField()

    class Meta:
        model = ValuationReport
        fields = [
            "id",
            "programme",
            "appraiser",
            "assets",
            "method",
            "parameters",
            "value",
            "value_date",
            "valid_until",
            "standard",
            "reference",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class ValuationReportFilter(FilterSet):
    class Meta:
        model = ValuationReport
        fields = ["programme", "appraiser", "method"]


class ValuationReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Panel valuation reports: seen by their appraiser's members, by the parties of an application that uses
    one and by platform people (anyone else: 404); recorded by a member of an appraiser on the programme's
    panel."""

    serializer_class = ValuationReportSerializer
    filterset_class = ValuationReportFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return valuations.reports_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.valuation_create(by=self.request.user, **data)
