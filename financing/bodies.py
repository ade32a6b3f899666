"""The request bodies of the application actions in the API (`POST …/actions/{name}/`), one per action that
takes more than a note; financing/workflow.py names each action's body."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
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


class ValueSerializer(NoteSerializer):
    appraised_value = MoneyField()
    report_date = serializers.DateField(required=False)
    asset_values = AssetValueSerializer(many=True, required=False)
    report = serializers.FileField(required=False, help_text=_("The valuation report (PDF, JPEG or PNG)."))


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
