"""Pages of the pledge-financing workspace: the signed-in person's workspace, a new application, and
one application with its actions.

Thin: every read goes through `selectors`, every change through `services`; a button is greyed out
with the reason `policies.actor_refusal` or a `guards` function gives — the same reason the service
would refuse with.
"""

from .detail import application_detail
from .new import application_edit, application_new
from .valuations import valuation_reports
from .workspace import home

__all__ = ["application_detail", "application_edit", "application_new", "home", "valuation_reports"]
