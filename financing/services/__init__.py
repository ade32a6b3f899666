"""Services of pledge financing. Each action's service is named in financing/workflow.py."""

from .. import workflow
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
from .valuations import panel_admit, panel_end, valuation_create

# action → its service (each marked `@workflow.executes(name)`): the dispatch of the API and the pages
ACTION_SERVICES = {name: action.service for name, action in workflow.ACTIONS.items()}

__all__ = [
    "ACTIONS",
    "ACTION_SERVICES",
    "allowed_actions",
    "application_bank_approve",
    "application_bank_propose",
    "application_close",
    "application_create",
    "application_disburse",
    "application_fund_file",
    "application_mark_default",
    "application_prescreen",
    "application_record_recovery",
    "application_record_repayment",
    "application_register_pledge",
    "application_reject",
    "application_release_pledge",
    "application_return",
    "application_settle_claim",
    "application_sign_contract",
    "application_submit",
    "application_submit_claim",
    "application_underwrite",
    "application_update",
    "application_value",
    "application_verify_ip",
    "application_withdraw",
    "collateral_check",
    "days_past_due",
    "document_upload",
    "loans_check_overdue",
    "outstanding_principal",
    "panel_admit",
    "panel_end",
    "pool_available",
    "pool_snapshot",
    "pool_standing",
    "programme_create",
    "programme_update",
    "split_for",
    "valuation_create",
]
