"""The request bodies of the application actions in the API (`POST …/actions/{name}/`), one per action that
takes more than a note; financing/workflow.py names each action's body."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ipmarket.core.api.fields import DecimalString, MoneyField

RATE = {"max_digits": 7, "decimal_places": 5, "min_value": Decimal("0"), "max_value": Decimal("0.99999")}
AMOUNT = {"max_digits": 16, "decimal_places": 2}


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AssetValueSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["patent", "trademark"])
    id = serializers.IntegerField()
    appraised_value = DecimalString(min_value=Decimal("0.01"), **AMOUNT)


# A pattern, not an enum: the schema's enum components are named after the field, and the loan's repayment
# `method` has that name.
@extend_schema_field({"type": "string", "pattern": "^(income|market|cost)$"})
class ValuationMethodField(serializers.ChoiceField):
    """A valuation method: income, market or cost approach."""

    def __init__(self, **kwargs):
        super().__init__(choices=["income", "market", "cost"], **kwargs)


class ValueSerializer(NoteSerializer):
    """Either `valuation` (reuse a valid panel report: the appraiser confirms it still stands) or
    `appraised_value` with the new report's details (a new panel report is recorded)."""

    valuation = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_(
            "Reuse this valid panel report of the application's appraiser on the same assets instead of a new "
            "valuation; the action confirms that it still stands. Not with appraised_value."
        ),
    )
    appraised_value = MoneyField(required=False, help_text=_("A new valuation: the value in total."))
    report_date = serializers.DateField(
        required=False, help_text=_("The value date: that of an uploaded valuation report (the latest when empty).")
    )
    asset_values = AssetValueSerializer(many=True, required=False)
    method = ValuationMethodField(required=False, help_text=_("The valuation method; market when empty."))
    parameters = serializers.DictField(required=False, help_text=_("The method's key parameters."))
    reference = serializers.CharField(required=False, allow_blank=True, max_length=64)
    valid_until = serializers.DateField(
        required=False, help_text=_("The report's last valid day: at most a year after the value date (the default).")
    )
    report = serializers.FileField(required=False, help_text=_("The valuation report (PDF, JPEG or PNG)."))

    def validate(self, attrs):
        if ("valuation" in attrs) == ("appraised_value" in attrs):
            raise serializers.ValidationError(
                {"appraised_value": [_("Give the appraised value of a new valuation, or a valid report to reuse.")]}
            )
        return attrs


IP_SHARE = {"max_digits": 5, "decimal_places": 4, "min_value": Decimal("0.0001"), "max_value": Decimal("1")}


class ProposeSerializer(NoteSerializer):
    principal = MoneyField()
    annual_rate = DecimalString(**RATE)
    ip_share = DecimalString(
        required=False, help_text=_("The IP share of the collateral (0 < share ≤ 1); 1 when not given."), **IP_SHARE
    )


class ApproveSerializer(NoteSerializer):
    """The terms the approver decides on: they must be the current proposal (else 409 `proposal_changed`)."""

    principal = MoneyField()
    annual_rate = DecimalString(**RATE)
    ip_share = DecimalString(
        required=False, help_text=_("The proposed IP share the approver saw; 1 when not given."), **IP_SHARE
    )


class UnderwriteSerializer(NoteSerializer):
    premium_rate = DecimalString(**RATE)
    policy_limit = MoneyField(required=False)


class RegisterPledgeSerializer(NoteSerializer):
    registration_number = serializers.CharField(max_length=200, allow_blank=True)


class RepaymentSerializer(NoteSerializer):
    amount = DecimalString(min_value=Decimal("0.01"), **AMOUNT)
    paid_on = serializers.DateField()


class RecoverySerializer(NoteSerializer):
    amount = DecimalString(min_value=Decimal("0.01"), **AMOUNT)
