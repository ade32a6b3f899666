"""Documents of an application: recognised by content, size-limited, stored privately, downloaded by parties."""

import hashlib
from pathlib import Path

import pytest

from financing.models import Document

from .conftest import APPS, JPEG, PDF, PNG, today, upload

pytestmark = pytest.mark.django_db


def post(api, person, app, content, name, kind="other", **fields):
    api.force_authenticate(person)
    return api.post(
        f"{APPS}{app.pk}/documents/",
        {"kind": kind, "file": upload(content, name, "application/pdf"), **fields},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "合同.pdf", "application/pdf"),
        (JPEG, "身份证.jpg", "image/jpeg"),
        (PNG, "scan.png", "image/png"),
        (PNG, "looks-like.pdf", "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_recognised_by_their_content(api, parties, make_app, content, name, content_type):
    app = make_app("submitted")
    response = post(api, parties.owner, app, content, name, kind="identity")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == content_type and body["original_name"] == name
    assert body["size"] == len(content) and body["sha256"] == hashlib.sha256(content).hexdigest()
    stored = Document.objects.get(pk=body["id"])
    assert Path(stored.file.name).suffix == "." + content_type.split("/")[1].replace("jpeg", "jpg")


@pytest.mark.parametrize("content", [b"just some text, not a PDF", b"<html><script>alert(1)</script>", b"%PD"])
def test_anything_else_is_refused_whatever_its_name(api, parties, make_app, content):
    app = make_app("submitted")
    response = post(api, parties.owner, app, content, "report.pdf")
    assert response.status_code == 400
    assert response.json()["code"] == "document_type"
    assert not Document.objects.exists()


def test_documents_above_the_size_limit_are_refused(api, parties, make_app, settings):
    settings.FINANCING_DOCUMENT_MAX_BYTES = len(PDF)
    app = make_app("submitted")
    assert post(api, parties.owner, app, PDF, "a.pdf").status_code == 201
    response = post(api, parties.owner, app, PDF + b" ", "b.pdf")
    assert response.status_code == 400 and response.json()["code"] == "document_too_large"
    assert Document.objects.count() == 1


def test_a_valuation_report_needs_its_date_and_an_unknown_kind_is_400(api, parties, make_app):
    app = make_app("ip_verified")
    response = post(api, parties.valuer, app, PDF, "评估报告.pdf", kind="valuation_report")
    assert response.status_code == 400 and response.json()["code"] == "report_date_required"
    response = post(api, parties.valuer, app, PDF, "x.pdf", kind="love_letter")
    assert response.status_code == 400 and "kind" in response.json(), response.json()
    response = post(api, parties.valuer, app, PDF, "评估报告.pdf", kind="valuation_report", report_date=str(today()))
    assert response.status_code == 201 and response.json()["report_date"] == str(today())


def test_files_are_stored_privately_and_not_served_as_media(api, parties, make_app, settings, private_media):
    app = make_app("submitted")
    body = post(api, parties.owner, app, PDF, "合同.pdf").json()
    stored = Document.objects.get(pk=body["id"])
    path = Path(stored.file.path)
    assert path.is_file() and path.read_bytes() == PDF
    assert path.is_relative_to(Path(private_media))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "合同" not in path.name  # stored under a name of our own
    api.force_authenticate(parties.owner)
    assert api.get(f"/media/{stored.file.name}").status_code == 404
    assert api.get(f"/media/private/{stored.file.name}").status_code == 404


def test_parties_download_with_safe_headers_and_others_get_404(api, parties, outsiders, make_app):
    app = make_app("submitted")
    body = post(api, parties.owner, app, PNG, "scan.pdf").json()
    url = body["download"]
    assert url == f"{APPS}{app.pk}/documents/{body['id']}/"
    for person in (
        parties.owner,
        parties.officer,
        parties.underwriter,
        parties.valuer,
        parties.fund_person,
        parties.platform,
    ):
        api.force_authenticate(person)
        response = api.get(url)
        assert response.status_code == 200, person
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"  # what it is, not what its name says
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
    for person in vars(outsiders).values():
        api.force_authenticate(person)
        assert api.get(url).status_code == 404
        assert api.get(f"{APPS}{app.pk}/documents/").status_code == 404
    api.force_authenticate(None)
    assert api.get(url).status_code == 401
    other = make_app("submitted")
    api.force_authenticate(parties.owner)
    assert api.get(f"{APPS}{other.pk}/documents/{body['id']}/").status_code == 404  # not that application's


def test_outsiders_cannot_upload(api, outsiders, make_app):
    app = make_app("submitted")
    assert post(api, outsiders.enterprise, app, PDF, "x.pdf").status_code == 404
    assert not Document.objects.exists()


def test_the_document_list_shows_what_was_uploaded(api, parties, make_app):
    app = make_app("submitted")
    post(api, parties.owner, app, PDF, "a.pdf", kind="identity")
    post(api, parties.officer, app, JPEG, "b.jpg", kind="other")
    api.force_authenticate(parties.underwriter)
    listed = api.get(f"{APPS}{app.pk}/documents/").json()
    assert [(d["kind"], d["original_name"], d["content_type"]) for d in listed] == [
        ("identity", "a.pdf", "application/pdf"),
        ("other", "b.jpg", "image/jpeg"),
    ]
    assert "file" not in listed[0]  # no storage path leaks


@pytest.mark.parametrize(
    ("who", "report_date", "status"),
    [("owner", 30, 403), ("officer", 30, 403), ("valuer", 400, 400)],
)
def test_a_report_sent_with_a_refused_valuation_is_not_kept(api, parties, make_app, who, report_date, status):
    from datetime import timedelta

    from .conftest import act

    app = make_app("ip_verified")
    body = {"appraised_value": "1000000", "report_date": str(today() - timedelta(days=report_date)), "report": upload()}
    response = act(api, getattr(parties, who), app, "value", body, format="multipart")
    assert response.status_code == status, response.json()
    assert not Document.objects.filter(application=app).exists()
