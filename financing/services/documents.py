"""Documents of an application: PDF, JPEG or PNG, recognised by their content, kept out of public media."""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ipmarket.core.errors import GuardFailed, InvalidTransition

from .. import policies
from ..models import Application, Document
from .common import lock

SIGNATURES = [  # (leading bytes, content type, extension)
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]


def sniff(head: bytes) -> tuple[str, str] | None:
    """The content type told by the file's first bytes (never by its name or the browser's claim)."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


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
    limit = settings.FINANCING_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise GuardFailed("document_too_large", _("Documents are at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    if upload.size == 0:
        raise GuardFailed("document_empty", _("The file is empty."))
    head = upload.read(16)
    upload.seek(0)
    sniffed = sniff(head)
    if sniffed is None:
        raise GuardFailed("document_type", _("Upload a PDF, JPEG or PNG file."))
    content_type, extension = sniffed
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    if kind == Document.Kind.VALUATION_REPORT and report_date is None:
        raise GuardFailed("report_date_required", _("Give the date of the valuation report."))
    document = Document(
        application=application,
        kind=kind,
        original_name=(upload.name or f"document.{extension}")[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        report_date=report_date,
        uploaded_by=by,
    )
    # Stored under a name of our own: the uploaded name is kept only as a label.
    document.file.save(f"{application.pk}-{digest.hexdigest()[:16]}.{extension}", upload, save=False)
    document.save()
    return document
