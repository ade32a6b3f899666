from .deals import (  # noqa: F401
    DEAL_ACTIONS,
    deal_accept,
    deal_cancel,
    deal_confirm_recordal,
    deal_mark_paid,
    deal_pay,
    deal_post_message,
    deal_release,
    inquiry_create,
)
from .listings import LISTING_ACTIONS, listing_create, listing_publish, listing_update, listing_withdraw  # noqa: F401
