"""Services of pledge financing. `ACTION_SERVICES` maps each action of the API to its service."""

from .applications import (
    application_bank_approve,
    application_bank_propose,
    application_create,
    application_fund_file,
    application_prescreen,
    application_register_pledge,
    application_reject,
    application_return,
    application_sign_contract,
    application_submit,
    application_underwrite,
    application_update,
    application_value,
    application_verify_ip,
    application_withdraw,
)
from .claims import (
    application_close,
    application_record_recovery,
    application_release_pledge,
    application_settle_claim,
    application_submit_claim,
    pool_available,
    split_for,
)
from .common import ACTIONS, allowed_actions
from .documents import document_upload
from .monitoring import collateral_check, pool_snapshot, pool_standing
from .programmes import programme_create, programme_update
from .servicing import (
    application_disburse,
    application_mark_default,
    application_record_repayment,
    days_past_due,
    loans_check_overdue,
    outstanding_principal,
)

ACTION_SERVICES = {
    "submit": application_submit,
    "prescreen": application_prescreen,
    "return": application_return,
    "reject": application_reject,
    "withdraw": application_withdraw,
    "verify_ip": application_verify_ip,
    "value": application_value,
    "bank_propose": application_bank_propose,
    "bank_approve": application_bank_approve,
    "underwrite": application_underwrite,
    "fund_file": application_fund_file,
    "sign_contract": application_sign_contract,
    "register_pledge": application_register_pledge,
    "disburse": application_disburse,
    "record_repayment": application_record_repayment,
    "mark_default": application_mark_default,
    "submit_claim": application_submit_claim,
    "settle_claim": application_settle_claim,
    "record_recovery": application_record_recovery,
    "close": application_close,
    "release_pledge": application_release_pledge,
}
assert set(ACTION_SERVICES) == set(ACTIONS)

__all__ = [
    "ACTIONS",
    "ACTION_SERVICES",
    "allowed_actions",
    "days_past_due",
    "application_create",
    "application_update",
    "collateral_check",
    "document_upload",
    "loans_check_overdue",
    "outstanding_principal",
    "pool_available",
    "pool_snapshot",
    "pool_standing",
    "programme_create",
    "programme_update",
    "split_for",
]
