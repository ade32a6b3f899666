"""The case packet (docs/disputes.md): a ZIP of the case record and the evidence a partner (a court, an
arbitration commission, a mediation organisation, another city's bureau) receives, with a manifest.

- `case.json`: the case's fields, its assets, parties, audit trail, sessions, steps, outcomes and shares;
- `documents/<id>-<name>`: the documents the person it is built for may read (selectors.documents_visible_to);
- `manifest.json`: the case, when and for whom the packet was generated, and every other file with its size
  and SHA-256.

The packet is for platform people, the case's mediation organisation and the partners it is shared with; the
parties read the case and their documents on the platform itself (`refusal`)."""

import hashlib
import io
import json
import os
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation

from . import selectors, workflow
from .models import Dispute

FIELDS = [
    "id",
    "kind",
    "state",
    "facts",
    "remedy",
    "route",
    "accepted_on",
    "mediation_due",
    "mediation_extended",
    "respondent_consent",
    "judicial_confirmation",
    "decision_number",
    "decided_on",
    "decision",
    "decision_public",
    "ended_on",
    "created_at",
    "updated_at",
]


def refusal(user, dispute: Dispute) -> str | None:
    """Why this person may not download the packet (None: they may)."""
    if workflow.is_platform(user, dispute) or workflow.is_mediator(user, dispute) or workflow.is_partner(user, dispute):
        return None
    return _(
        "The case packet is for the bureau, the mediation organisation and the partners the case is shared with; "
        "read the case and its documents here."
    )


def safe_name(name: str) -> str:
    """A file name safe inside a ZIP: no directories, no characters a file system may refuse."""
    base = os.path.basename((name or "").replace("\\", "/"))
    try:
        return get_valid_filename(base)[:150]
    except Exception:  # Django refuses a name that comes out empty, "." or ".."
        return "document"


def _organisation(org: Organisation | None) -> dict | None:
    if org is None:
        return None
    return {"id": org.pk, "name": org.name, "kind": org.kind, "credit_code": org.unified_social_credit_code or ""}


def _asset(item) -> dict:
    asset = item.asset
    number = asset.application_number if asset.asset_type == "patent" else asset.registration_number
    return {"type": asset.asset_type, "id": asset.pk, "title": asset.name, "number": number}


def record(dispute: Dispute, documents) -> dict:
    """The case record as `case.json` holds it."""
    data = {name: getattr(dispute, name) for name in FIELDS}
    data["parties"] = {
        "claimant": _organisation(dispute.claimant),
        "respondent": _organisation(dispute.respondent)
        or {"id": None, "name": dispute.respondent_name, "kind": "", "credit_code": dispute.respondent_credit_code},
        "mediator": _organisation(dispute.mediator),
        "referred_to": _organisation(dispute.referred_to),
        "bureau": _organisation(dispute.bureau),
    }
    data["listing"] = dispute.listing_id
    data["deal"] = dispute.deal_id
    data["assets"] = [_asset(item) for item in dispute.assets.select_related("patent", "trademark")]
    data["events"] = [
        {
            "at": e.at,
            "actor": e.actor.username if e.actor_id else None,
            "organisation": e.organisation.name if e.organisation_id else None,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "note": e.note,
        }
        for e in dispute.events.select_related("actor", "organisation")
    ]
    data["sessions"] = [
        {"held_on": s.held_on, "mode": s.mode, "summary": s.summary, "recorded_by": s.recorded_by.username}
        for s in dispute.sessions.select_related("recorded_by")
    ]
    data["steps"] = [
        {"taken_on": s.taken_on, "kind": s.kind, "summary": s.summary, "recorded_by": s.recorded_by.username}
        for s in dispute.steps.select_related("recorded_by")
    ]
    data["outcomes"] = [
        {"partner": o.partner.name, "reference": o.reference, "result": o.result, "posted_at": o.posted_at}
        for o in dispute.outcomes.select_related("partner")
    ]
    data["shares"] = [
        {"partner": s.partner.name, "shared_at": s.shared_at, "documents": [d.pk for d in s.documents.all()]}
        for s in dispute.shares.select_related("partner").prefetch_related("documents")
    ]
    data["documents"] = [
        {
            "id": d.pk,
            "kind": d.kind,
            "name": d.original_name,
            "content_type": d.content_type,
            "size": d.size,
            "sha256": d.sha256,
            "uploaded_at": d.uploaded_at,
        }
        for d in documents
    ]
    return data


def _dumps(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def build(dispute: Dispute, user) -> tuple[bytes, str]:
    """The packet of `dispute` for `user` (who must pass `refusal`): the ZIP's bytes and its file name."""
    documents = list(selectors.documents_visible_to(user, dispute))
    files: list[tuple[str, bytes]] = [("case.json", _dumps(record(dispute, documents)))]
    for document in documents:
        with document.file.open("rb") as handle:
            files.append((f"documents/{document.pk}-{safe_name(document.original_name)}", handle.read()))
    organisations = Organisation.objects.filter(pk__in=policies.organisation_ids(user)).order_by("pk")
    manifest = {
        "case": dispute.pk,
        "generated_at": timezone.now(),
        "generated_for": {"user": user.username, "organisations": [o.name for o in organisations]},
        "files": [
            {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            for path, content in files
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content in files:
            archive.writestr(path, content)
        archive.writestr("manifest.json", _dumps(manifest))
    return buffer.getvalue(), f"case-{dispute.pk}-packet.zip"
