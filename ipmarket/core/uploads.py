"""Uploaded documents: PDF, JPEG or PNG, recognised by their content (never by their name or the browser's
claim), bounded in size, fingerprinted. Each domain keeps its documents out of public media
(`private_storage`) and decides who may upload what; this is what a file must be."""

import hashlib
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from ipmarket.core.errors import GuardFailed

SIGNATURES = [  # (leading bytes, content type, extension)
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]


class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT, read when a file is stored or opened (not once when the model
    is imported, so the setting can change, e.g. in tests), and without a public URL."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private documents have no URL: they are served only through a checked view.")


def private_storage():
    """Documents are stored outside the public media path and served only through a checked view."""
    return PrivateStorage()


def sniff(head: bytes) -> tuple[str, str] | None:
    """The content type told by the file's first bytes."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


@dataclass(frozen=True)
class Inspected:
    content_type: str
    extension: str
    sha256: str
    size: int
    name: str


def inspect(upload, *, limit: int) -> Inspected:
    """Refuse (GuardFailed) a file that is empty, larger than `limit` bytes or not a PDF, JPEG or PNG."""
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
    return Inspected(content_type, extension, digest.hexdigest(), upload.size, (upload.name or "")[:255])
