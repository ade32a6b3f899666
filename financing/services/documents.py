"""Documents of an application: PDF, JPEG or PNG, recognised by their content, kept out of public media."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ipmarket.core import uploads
from ipmarket.core.errors import GuardFailed, InvalidTransition

from .. import policies
from ..models import Application, Document
from .common import lock


@transaction.atomic
def document_upload(*, application: Application, by, kind: str, upload, report_date=None) -> Document:
    """A document of the application, by the party it belongs to and in the states where it makes sense
    (`policies.DOCUMENTS`), checked under the application's row lock."""
    application = lock(application.pk)
    if not policies.is_party(by, application):
        raise PermissionDenied(_("Only the parties to this application upload documents."))
    if kind not in Document.Kind.values:
        raise GuardFailed("document_kind", _("Unknown document kind."))
    sides, states, who = policies.DOCUMENTS[kind]
    if not sides & policies.sides_of(by, application):
        raise PermissionDenied(str(who))
    if application.state not in states:
        raise InvalidTransition(f"upload_{kind}", application.state, policies.document_kinds_for(by, application))
    inspected = uploads.inspect(upload, limit=settings.FINANCING_DOCUMENT_MAX_BYTES)
    if kind == Document.Kind.VALUATION_REPORT and report_date is None:
        raise GuardFailed("report_date_required", _("Give the date of the valuation report."))
    document = Document(
        application=application,
        kind=kind,
        original_name=inspected.name or f"document.{inspected.extension}",
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        report_date=report_date,
        uploaded_by=by,
    )
    # Stored under a name of our own: the uploaded name is kept only as a label.
    document.file.save(f"{application.pk}-{inspected.sha256[:16]}.{inspected.extension}", upload, save=False)
    document.save()
    return document
