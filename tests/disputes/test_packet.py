"""The case packet (ipmarket/disputes/packet.py, GET /api/v1/disputes/{id}/packet/): a ZIP of case.json, the
documents the caller may read and a manifest with every file's size and SHA-256; the download is recorded."""

import hashlib
import io
import json
import zipfile

from ipmarket.disputes import packet, services
from tests.disputes.factories import dispute, upload

URL = "/api/v1/disputes/"


def _case(w):
    """A case in mediation with evidence of both sides, then referred to the court (which is given every
    document) and shared with the arbitration commission with the claimant's evidence only."""
    d = dispute(w, "consented")
    mine = services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload("../申请人 证据.pdf"))
    services.document_upload(
        dispute=d, by=w.respondent_person, kind="evidence", upload=upload("被申请人证据.pdf", b"%PDF-1.7 other\n")
    )
    services.dispute_record_failure(dispute=d, by=w.mediator, referred_to=w.court)
    services.dispute_share(dispute=d, by=w.platform, partner=w.arbitration, documents=[mine])
    return d, mine


def _download(api, user, d):
    api.force_authenticate(user)
    return api.get(f"{URL}{d.pk}/packet/")


def _open(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_packet_holds_the_record_the_documents_and_a_true_manifest(api, w):
    d, _mine = _case(w)
    response = _download(api, w.judge, d)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="case-{d.pk}-packet.zip"'
    assert response["X-Content-Type-Options"] == "nosniff"
    archive = _open(response)
    names = set(archive.namelist())
    documents = list(d.documents.order_by("pk"))
    expected_docs = {f"documents/{doc.pk}-{packet.safe_name(doc.original_name)}" for doc in documents}
    assert names == {"case.json", "manifest.json"} | expected_docs
    assert all("/" not in name.removeprefix("documents/") for name in names)  # no directory in a name

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["case"] == d.pk and manifest["generated_for"]["user"] == w.judge.username
    assert w.court.name in manifest["generated_for"]["organisations"]
    assert {f["path"] for f in manifest["files"]} == names - {"manifest.json"}
    for entry in manifest["files"]:
        content = archive.read(entry["path"])
        assert entry["size"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
    for doc in documents:  # the stored hash is the file's
        path = f"documents/{doc.pk}-{packet.safe_name(doc.original_name)}"
        assert hashlib.sha256(archive.read(path)).hexdigest() == doc.sha256

    case = json.loads(archive.read("case.json"))
    assert (case["id"], case["state"], case["kind"]) == (d.pk, "referred", "infringement")
    assert case["parties"]["claimant"]["id"] == w.claimant.pk
    assert case["parties"]["respondent"]["id"] == w.respondent.pk
    assert case["parties"]["referred_to"]["id"] == w.court.pk
    assert case["assets"] == [
        {"type": "patent", "id": w.patent.pk, "title": w.patent.name, "number": w.patent.application_number}
    ]
    assert [e["action"] for e in case["events"]][:3] == ["file", "accept", "consent"]
    assert {s["partner"] for s in case["shares"]} == {w.court.name, w.arbitration.name}
    assert sorted(doc["id"] for doc in case["documents"]) == [doc.pk for doc in documents]


def test_a_partner_gets_only_the_documents_shared_with_it(api, w):
    d, mine = _case(w)
    archive = _open(_download(api, w.arbitrator, d))
    assert [n for n in archive.namelist() if n.startswith("documents/")] == [
        f"documents/{mine.pk}-{packet.safe_name(mine.original_name)}"
    ]
    case = json.loads(archive.read("case.json"))
    assert [doc["id"] for doc in case["documents"]] == [mine.pk]


def test_the_download_is_recorded_in_the_audit_trail(api, w):
    d, _mine = _case(w)
    assert _download(api, w.judge, d).status_code == 200
    event = d.events.filter(action="viewed", note="case packet").get()
    assert (event.actor, event.organisation) == (w.judge, w.court)
    events = api.get(f"{URL}{d.pk}/events/").json()
    assert any(e["action"] == "viewed" and e["note"] == "case packet" for e in events)


def test_who_downloads_the_packet(api, w):
    d, _mine = _case(w)
    assert _download(api, w.platform, d).status_code == 200
    assert _download(api, w.mediator, d).status_code == 200
    for party in (w.owner, w.respondent_person):
        response = _download(api, party, d)
        assert response.status_code == 403 and "案卷材料包" in response.json()["detail"]
    assert _download(api, w.stranger, d).status_code == 404
    assert _download(api, w.bureau_person, d).status_code == 404
    assert _download(api, None, d).status_code == 401
    assert d.events.filter(action="viewed").count() == 2


def test_safe_names():
    assert packet.safe_name("../../etc/passwd") == "passwd"
    assert packet.safe_name("C:\\docs\\证据 1.pdf") == "证据_1.pdf"
    assert packet.safe_name("..") == "document"
    assert packet.safe_name("") == "document"
