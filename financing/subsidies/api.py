"""REST API of the programme's subsidies under /api/v1/financing/subsidies/ (docs/subsidies.md): the list and
one subsidy as the caller may see them (the borrower its own, the fund its programmes', platform staff all),
the actions claim / approve / reject / pay, claiming everything claimable at once, and the totals per
enterprise and year."""

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from financing.models import Application
from ipmarket.accounts import policies as people
from ipmarket.accounts.filters import MineFilterSet
from ipmarket.core.api.filters import IdFilter
from ipmarket.core.limits import MAX_ID

from . import policies, selectors, services
from .models import Subsidy

AMOUNT = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True, "read_only": True}
RATE = {"max_digits": 7, "decimal_places": 5, "coerce_to_string": True, "read_only": True}
YEARS = {"min_value": 2000, "max_value": 2999}
YEAR_SCHEMA = {"type": "integer", "minimum": 2000, "maximum": 2999}


class SubsidySerializer(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="application.applicant_id", read_only=True)
    enterprise_name = serializers.CharField(source="application.applicant.name", read_only=True)
    programme = serializers.IntegerField(source="application.programme_id", read_only=True)
    base = serializers.DecimalField(**AMOUNT)
    rate = serializers.DecimalField(**RATE)
    interest = serializers.DecimalField(allow_null=True, **AMOUNT)
    amount = serializers.DecimalField(**AMOUNT)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Subsidy
        fields = [
            "id",
            "application",
            "enterprise",
            "enterprise_name",
            "programme",
            "kind",
            "period",
            "due_date",
            "year",
            "base",
            "rate",
            "interest",
            "amount",
            "state",
            "computed_at",
            "claimed_at",
            "decided_at",
            "decision_note",
            "paid_on",
            "payment_reference",
            "paid_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, subsidy) -> list[str]:
        return policies.allowed_actions(self.context["request"].user, subsidy)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(**{**YEARS, **kwargs})


@extend_schema_field(YEAR_SCHEMA)
class YearFilter(filters.NumberFilter):
    """A year from 2000 to 2999; anything else is a 400."""

    field_class = YearField

    def get_max_validator(self):
        return None


class SubsidyFilter(MineFilterSet):
    enterprise = IdFilter(field_name="application__applicant_id", label=_("the borrowing enterprise"))
    application = IdFilter(field_name="application_id", label=_("the loan"))
    year = YearFilter(field_name="year")

    class Meta:
        model = Subsidy
        fields = ["state", "kind", "year", "application", "enterprise"]

    def filter_mine(self, queryset, name, value):
        """Subsidies of the caller's enterprises' loans or of its fund's programmes."""
        if value in ("0", "false"):
            return queryset
        ids = people.organisation_ids(self.request.user)
        return queryset.filter(Q(application__applicant_id__in=ids) | Q(application__programme__risk_fund_id__in=ids))


class NoteBody(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=services.NOTE_MAX)


class RejectBody(serializers.Serializer):
    # Not trimmed here: a note of spaces reaches the service, which checks the state and role first (409, 403)
    # and then refuses it (400 `note_required`).
    note = serializers.CharField(
        max_length=services.NOTE_MAX, trim_whitespace=False, help_text=_("Why the subsidy is rejected.")
    )


class PayBody(serializers.Serializer):
    paid_on = serializers.DateField(help_text=_("The day the fund paid (between the approval and today)."))
    reference = serializers.CharField(max_length=services.REFERENCE_MAX, help_text=_("The payment reference."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=services.NOTE_MAX)


class ClaimAllBody(serializers.Serializer):
    application = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Only the subsidies of this loan.")
    )


class TotalsQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, **YEARS)


def _by_state() -> dict:
    return {
        "type": "object",
        "properties": {state: {"type": "string", "format": "decimal"} for state in Subsidy.State.values},
        "required": list(Subsidy.State.values),
    }


TOTALS_ROW = {
    "type": "object",
    "properties": {
        "enterprise": {"type": "integer"},
        "enterprise_name": {"type": "string"},
        "year": {"type": "integer"},
        "interest": _by_state(),
        "premium": _by_state(),
        "total": {"type": "string", "format": "decimal", "description": "Everything not rejected."},
    },
    "required": ["enterprise", "enterprise_name", "year", "interest", "premium", "total"],
}


def _money(row: dict) -> dict:
    out = dict(row)
    for kind in Subsidy.Kind.values:
        out[kind] = {state: f"{amount:.2f}" for state, amount in row[kind].items()}
    out["total"] = f"{row['total']:.2f}"
    return out


class SubsidyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The programme's interest and premium subsidies, as the caller may see them."""

    serializer_class = SubsidySerializer
    filterset_class = SubsidyFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.subsidies_visible_to(self.request.user).order_by("-year", "application_id", "kind", "period")

    def _act(self, request, name: str, body_class, **fixed):
        subsidy = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        services.SERVICES[name](subsidy=subsidy, by=request.user, **body.validated_data, **fixed)
        return Response(self.get_serializer(self.get_queryset().get(pk=subsidy.pk)).data)

    @extend_schema(request=NoteBody, responses=SubsidySerializer)
    @action(detail=True, methods=["post"], url_path="actions/claim")
    def claim(self, request, pk=None):
        """The borrower claims a claimable subsidy."""
        return self._act(request, "claim", NoteBody)

    @extend_schema(request=NoteBody, responses=SubsidySerializer)
    @action(detail=True, methods=["post"], url_path="actions/approve")
    def approve(self, request, pk=None):
        """Platform staff approve a claimed subsidy."""
        return self._act(request, "approve", NoteBody)

    @extend_schema(request=RejectBody, responses=SubsidySerializer)
    @action(detail=True, methods=["post"], url_path="actions/reject")
    def reject(self, request, pk=None):
        """Platform staff reject a claimed subsidy, saying why (final)."""
        return self._act(request, "reject", RejectBody)

    @extend_schema(request=PayBody, responses=SubsidySerializer)
    @action(detail=True, methods=["post"], url_path="actions/pay")
    def pay(self, request, pk=None):
        """The programme's fund records the payment of an approved subsidy."""
        return self._act(request, "pay", PayBody)

    @extend_schema(request=ClaimAllBody, responses=SubsidySerializer(many=True))
    @action(detail=False, methods=["post"], url_path="claim-all", pagination_class=None, filterset_class=None)
    def claim_all(self, request):
        """Claim every claimable subsidy of the caller's enterprises (of one loan if named): the subsidies
        claimed; none if nothing was claimable (or the loan is not one of the caller's enterprises)."""
        body = ClaimAllBody(data=request.data)
        body.is_valid(raise_exception=True)
        application = None
        if "application" in body.validated_data:
            application = Application.objects.filter(
                pk=body.validated_data["application"], applicant_id__in=people.organisation_ids(request.user)
            ).first()
            if application is None:  # not a loan of the caller's enterprises: nothing of it to claim
                return Response([])
        with transaction.atomic():
            claimed = services.subsidies_claim_all(by=request.user, application=application)
        rows = self.get_queryset().filter(pk__in=[s.pk for s in claimed])
        return Response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", YEAR_SCHEMA, description=_("Only this year (2000–2999)."), required=False)
        ],
        responses={200: {"type": "array", "items": TOTALS_ROW}},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def totals(self, request):
        """Sums per enterprise and year, by kind and state, of the subsidies the caller sees (Decimal strings;
        `total` is everything not rejected)."""
        query = TotalsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = services.totals(self.get_queryset(), year=query.validated_data.get("year"))
        return Response([_money(row) for row in rows])
