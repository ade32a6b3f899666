"""Bulk import of patents from CSV: parsing, row validation, idempotency, pages, admin, speed, a real worker."""

import codecs
import csv
import datetime as dt
import io
import time

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipmarket.assets import imports
from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.imports import patent_import_create, patent_import_run
from ipmarket.assets.models import Patent, PatentClassification, PatentImport
from ipmarket.assets.tasks import run_patent_import
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory

pytestmark = pytest.mark.django_db

COLUMNS = list(imports.HEADERS)[:9]  # without owner_credit_code
ZH = [imports.HEADERS[c][1] for c in COLUMNS]
PLATFORM_COLUMNS = [*COLUMNS, "owner_credit_code"]


def number(serial: int, type_digit: str = "1", year: int = 2019) -> str:
    return make_application_number(year, type_digit, serial)


def row(serial: int, **fields) -> dict:
    """A granted invention patent in force."""
    return {
        "application_number": number(serial),
        "patent_type": "invention",
        "title": f"一种批量导入测试装置{serial}",
        "abstract": "本发明公开了一种测试装置。",
        "ipc_codes": "H01L 21/02; G06F 17/30",
        "filing_date": "2019-03-15",
        "grant_date": "2021-06-01",
        "legal_status": "granted",
        "annual_fee_paid_until": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
        **fields,
    }


def csv_bytes(rows, columns=COLUMNS, header=None, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns] if isinstance(r, dict) else r)
    return out.getvalue().encode(encoding)


def run_import(by, owner, content: bytes, name="patents.csv") -> PatentImport:
    created = patent_import_create(by=by, owner=owner, file_name=name, content=content, language="en")
    return patent_import_run(import_id=created.pk)


def errors_by_row(patent_import) -> dict[int, dict]:
    return {e["row"]: e["errors"] for e in patent_import.errors}


@pytest.fixture
def other_enterprise(db):
    return OrganisationFactory(kind="enterprise", name="另一家测试企业")


# --- parsing ------------------------------------------------------------------------------


def test_english_headers_create_patents_with_their_classifications(enterprise, enterprise_admin):
    result = run_import(enterprise_admin, enterprise, csv_bytes([row(1), row(2, ipc_codes="")]))

    assert (result.status, result.total_rows, result.processed_rows) == ("done", 2, 2)
    assert (result.created, result.skipped, result.failed, result.errors) == (2, 0, 0, [])
    patent = Patent.objects.get(application_number=number(1))
    assert patent.owner == enterprise and patent.title == "一种批量导入测试装置1"
    assert patent.legal_status == "granted" and patent.expiry_date == dt.date(2039, 3, 15)
    assert patent.ipc_codes == ["H01L 21/02", "G06F 17/30"]
    assert Patent.objects.get(application_number=number(2)).ipc_codes == []
    assert result.started_at <= result.finished_at


def test_chinese_headers_and_labels_in_a_utf8_file_with_bom(enterprise, enterprise_admin):
    rows = [
        row(3, application_number=f"CN {number(3)[:4]} 1 {number(3)[5:]}", patent_type="发明", legal_status="有效"),
        row(
            4,
            application_number=number(4, "2"),
            patent_type="实用新型",
            legal_status="审中",
            grant_date="",
            annual_fee_paid_until="",
            ipc_codes="h01l21/02，G06F 17/30；A61K 31/00",
            filing_date="2020/1/5",
        ),
    ]
    content = codecs.BOM_UTF8 + csv_bytes(rows, header=ZH)

    result = run_import(enterprise_admin, enterprise, content)

    assert (result.created, result.failed) == (2, 0), result.errors
    assert Patent.objects.get(application_number=number(3)).legal_status == "granted"
    utility = Patent.objects.get(application_number=number(4, "2"))
    assert (utility.patent_type, utility.legal_status, utility.filing_date) == (
        "utility_model",
        "pending",
        dt.date(2020, 1, 5),
    )
    assert utility.ipc_codes == ["H01L 21/02", "G06F 17/30", "A61K 31/00"]


def test_a_gbk_file_saved_by_excel_is_decoded(enterprise, enterprise_admin):
    content = csv_bytes([row(5, title="一种石墨烯散热装置", patent_type="发明专利")], header=ZH, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    result = run_import(enterprise_admin, enterprise, content)

    assert result.created == 1, result.errors
    assert Patent.objects.get(application_number=number(5)).title == "一种石墨烯散热装置"


def test_every_kind_of_row_error_is_reported_and_the_good_rows_still_go_in(enterprise, enterprise_admin):
    PatentFactory(application_number=number(90), owner=OrganisationFactory(kind="enterprise"))
    bad_check = number(11)[:-1] + ("0" if number(11)[-1] != "0" else "1")
    rows = [
        row(10),  # row 2: good
        row(11, application_number=bad_check),  # 3
        row(12, application_number="2019-12345"),  # 4
        row(13, application_number=number(13, "2")),  # 5: utility-model digit, type says invention
        row(14, ipc_codes="H01L 21/02; XYZ"),  # 6
        row(15, filing_date="15.03.2019"),  # 7
        row(10, title="重复"),  # 8: same number as row 2
        row(90),  # 9: registered to another owner
        row(16, patent_type="软件"),  # 10
        row(17, grant_date=""),  # 11: granted without a grant date
        ["", "", "", "", "", "", "", "", ""],  # 12: blank, ignored
        row(18, filing_date=(timezone.localdate() + dt.timedelta(days=3)).isoformat(), grant_date="", legal_status=""),
    ]

    result = run_import(enterprise_admin, enterprise, csv_bytes(rows))

    assert (result.total_rows, result.created, result.skipped, result.failed) == (11, 1, 0, 10)
    errors = errors_by_row(result)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 10, 11, 13}
    assert "check character" in errors[3]["application_number"][0]
    assert "looks like" in errors[4]["application_number"][0]
    assert "Utility model" in errors[5]["patent_type"][0]
    assert "XYZ" in errors[6]["ipc_codes"][0]
    assert "YYYY-MM-DD" in errors[7]["filing_date"][0]
    assert errors[8] == {"application_number": ["This application number already appears in row 2."]}
    assert errors[9] == {"application_number": ["This application number is registered to another owner."]}
    assert "软件" in errors[10]["patent_type"][0]
    assert list(errors[11]) == ["grant_date"]
    assert "future" in errors[13]["filing_date"][0]
    assert {e["application_number"] for e in result.errors if e["row"] == 4} == {"2019-12345"}
    assert list(Patent.objects.filter(owner=enterprise).values_list("application_number", flat=True)) == [number(10)]


def test_a_number_already_present_for_the_owner_is_skipped_so_a_rerun_changes_nothing(enterprise, enterprise_admin):
    content = csv_bytes([row(20), row(21), row(22, filing_date="bad")])
    first = run_import(enterprise_admin, enterprise, content)
    Patent.objects.filter(application_number=number(20)).update(title="在平台上修改过的名称")

    again = run_import(enterprise_admin, enterprise, content)

    assert (first.created, first.skipped, first.failed) == (2, 0, 1)
    assert (again.created, again.skipped, again.failed) == (0, 2, 1)
    assert Patent.objects.filter(owner=enterprise).count() == 2
    assert PatentClassification.objects.filter(patent__owner=enterprise).count() == 4
    assert Patent.objects.get(application_number=number(20)).title == "在平台上修改过的名称"  # left unchanged


def test_a_redelivered_task_for_a_finished_import_does_nothing(enterprise, enterprise_admin):
    done = run_import(enterprise_admin, enterprise, csv_bytes([row(30)]))

    run_patent_import(done.pk)  # what a re-delivered message does
    patent_import_run(import_id=done.pk)

    after = PatentImport.objects.get(pk=done.pk)
    assert (after.status, after.created, after.skipped, after.updated_at) == ("done", 1, 0, done.updated_at)
    run_patent_import(10**9)  # a message for an import that no longer exists is dropped quietly


def test_an_interrupted_import_resumes_after_its_last_committed_chunk(enterprise, enterprise_admin, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_SIZE", 2)
    content = csv_bytes([row(40), row(41), row(42, filing_date="x"), row(43), row(44), row(45)])
    done = run_import(enterprise_admin, enterprise, content)
    assert (done.created, done.failed) == (5, 1)
    # The state a worker leaves when it dies after committing two chunks (chunks commit atomically).
    Patent.objects.filter(application_number__in=[number(44), number(45)]).delete()
    PatentImport.objects.filter(pk=done.pk).update(
        status="running", processed_rows=4, created=3, failed=1, finished_at=None, errors=done.errors
    )

    resumed = patent_import_run(import_id=done.pk)

    assert (resumed.status, resumed.processed_rows, resumed.created, resumed.skipped, resumed.failed) == (
        "done",
        6,
        5,
        0,
        1,
    )
    assert [e["row"] for e in resumed.errors] == [4]
    assert Patent.objects.filter(owner=enterprise).count() == 5


def test_imports_without_progress_for_ten_minutes_are_found_to_be_enqueued_again(enterprise, enterprise_admin):
    content = csv_bytes([row(46)])
    lost = patent_import_create(by=enterprise_admin, owner=enterprise, file_name="lost.csv", content=content)
    fresh = patent_import_create(by=enterprise_admin, owner=enterprise, file_name="fresh.csv", content=content)
    done = run_import(enterprise_admin, enterprise, content)
    PatentImport.objects.filter(pk__in=[lost.pk, done.pk]).update(updated_at=timezone.now() - dt.timedelta(minutes=11))

    assert imports.patent_imports_stalled() == [lost.pk]
    assert fresh.pk not in imports.patent_imports_stalled(now=timezone.now() + dt.timedelta(minutes=9))


def test_platform_import_names_each_owner_by_credit_code(platform_person, enterprise):
    bank = OrganisationFactory(kind="bank")
    unknown = OrganisationFactory.build().unified_social_credit_code  # valid but not registered
    rows = [
        row(50, owner_credit_code=enterprise.unified_social_credit_code.lower()),
        row(51, owner_credit_code=bank.unified_social_credit_code),
        row(52, owner_credit_code=unknown),
        row(53, owner_credit_code="91512000ABC"),
        row(54, owner_credit_code=""),
    ]

    result = run_import(platform_person, None, csv_bytes(rows, columns=PLATFORM_COLUMNS))

    assert (result.created, result.failed) == (1, 4)
    assert Patent.objects.get(application_number=number(50)).owner == enterprise
    errors = errors_by_row(result)
    assert "only enterprises own patents" in errors[3]["owner_credit_code"][0]
    assert "No organisation" in errors[4]["owner_credit_code"][0]
    assert "18 characters" in errors[5]["owner_credit_code"][0]
    assert "Give the owner" in errors[6]["owner_credit_code"][0]


def test_who_may_import(enterprise, enterprise_admin, other_enterprise, platform_person):
    content = csv_bytes([row(60)])
    with pytest.raises(PermissionDenied):
        patent_import_create(by=enterprise_admin, owner=other_enterprise, file_name="x.csv", content=content)
    with pytest.raises(PermissionDenied):  # a platform import (owner column) is for platform staff only
        patent_import_create(by=enterprise_admin, owner=None, file_name="x.csv", content=content)
    # A row naming another owner in an enterprise's own import is refused.
    own = csv_bytes([row(61, owner_credit_code=other_enterprise.unified_social_credit_code)], columns=PLATFORM_COLUMNS)
    result = run_import(enterprise_admin, enterprise, own)
    assert result.failed == 1 and "another owner" in result.errors[0]["errors"]["owner_credit_code"][0]
    # Permission is checked again when the task starts.
    queued = patent_import_create(
        by=enterprise_admin, owner=enterprise, file_name="x.csv", content=content, language="en"
    )
    enterprise_admin.memberships.all().delete()
    failed = patent_import_run(import_id=queued.pk)
    assert failed.status == "failed" and "no longer" in failed.message and failed.created == 0


# --- pages --------------------------------------------------------------------------------


def upload(client, content, name="patents.csv", **data):
    return client.post("/ip/imports/new/", {"file": _named(content, name), **data})


def _named(content: bytes, name: str):
    f = io.BytesIO(content)
    f.name = name
    return f


def test_upload_page_explains_the_columns_and_offers_the_template(client, enterprise_admin):
    client.force_login(enterprise_admin)
    html = client.get("/ip/imports/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/ip/imports/template.csv"' in html and 'type="file"' in html
    for zh in ZH:
        assert zh in html
    assert "权利人统一社会信用代码" not in html  # that column is for platform imports
    template = client.get("/ip/imports/template.csv")
    assert template.status_code == 200
    body = b"".join(template.streaming_content)
    assert body.startswith(codecs.BOM_UTF8) and body.decode("utf-8-sig").split("\r\n")[0].split(",") == ZH
    with_owner = client.get("/ip/imports/template.csv?owner=1").content.decode("utf-8-sig")
    assert with_owner.strip().endswith(",权利人统一社会信用代码")


def test_upload_runs_to_the_detail_page_with_counts_errors_and_the_error_csv(client, enterprise, enterprise_admin):
    client.force_login(enterprise_admin)
    response = upload(client, csv_bytes([row(70), row(71, ipc_codes="bad")]), name="我的专利.csv")
    patent_import = PatentImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ip/imports/{patent_import.pk}/"
    assert (patent_import.owner, patent_import.status, patent_import.total_rows) == (enterprise, "queued", 2)

    progress = client.get(f"/ip/imports/{patent_import.pk}/progress/").json()
    assert progress == {
        "id": patent_import.pk,
        "status": "queued",
        "status_label": progress["status_label"],
        "finished": False,
        "total_rows": 2,
        "processed_rows": 0,
        "percent": 0,
        "created": 0,
        "skipped": 0,
        "failed": 0,
        "text": progress["text"],
        "message": "",
    }
    html = client.get(f"/ip/imports/{patent_import.pk}/").content.decode()
    assert "import-progress.js" in html and "data-import-progress" in html and "<progress" in html

    patent_import_run(import_id=patent_import.pk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    progress = client.get(f"/ip/imports/{patent_import.pk}/progress/").json()
    assert progress["finished"] and progress["percent"] == 100 and progress["text"] == "2 of 2 rows"
    assert (progress["status"], progress["created"], progress["failed"]) == ("done", 1, 1)
    html = client.get(f"/ip/imports/{patent_import.pk}/").content.decode()
    assert "data-import-progress" not in html and "import-progress.js" not in html
    assert 'value="2"' in html and "2 of 2 rows" in html and number(71) in html and "bad" in html
    errors_csv = client.get(f"/ip/imports/{patent_import.pk}/errors.csv")
    assert errors_csv["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(errors_csv.content.decode("utf-8-sig"))))
    assert lines[0] == ["Row", "Application number", "Column", "Error"]
    assert lines[1][:3] == ["3", number(71), "IPC codes (IPC分类号)"] and "bad" in lines[1][3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (csv_bytes([["201910123456.X", "invention"]], header=["申请号", "专利类型"]), "no column for"),
        (b"PK\x03\x04\x14\x00\x06\x00 workbook", "Excel workbook"),
        (b"\x81\x20\x81\x20,\xff\xfe", "not CSV text"),
        (csv_bytes([], header=ZH), "no patents"),
        (csv_bytes([row(80), row(81), row(82), row(83)]), "more than 3 rows"),
        (csv_bytes([row(84)] * 20), "larger than 0 MB"),
    ],
)
def test_problems_with_the_whole_file_are_shown_on_the_form(client, enterprise_admin, monkeypatch, content, message):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 2000)
    client.force_login(enterprise_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = upload(client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PatentImport.objects.exists()


def test_a_person_in_two_enterprises_chooses_which(client, enterprise, enterprise_admin, other_enterprise):
    member_of_both = member_of(enterprise)
    member_of_both.memberships.create(organisation=other_enterprise, role="member")
    client.force_login(member_of_both)
    html = client.get("/ip/imports/new/").content.decode()
    assert "<select" in html and enterprise.name in html and other_enterprise.name in html

    assert upload(client, csv_bytes([row(85)]), owner=other_enterprise.pk).status_code == 302
    assert PatentImport.objects.get().owner == other_enterprise

    client.force_login(enterprise_admin)  # in one enterprise only: no choice, and no other enterprise either
    html = client.get("/ip/imports/new/").content.decode()
    assert "<select" not in html and enterprise.name in html
    response = upload(client, csv_bytes([row(86)]), owner=other_enterprise.pk)
    assert response.status_code == 200 and PatentImport.objects.count() == 1


def test_imports_are_seen_only_by_the_importing_enterprise_and_platform_people(
    client, enterprise, enterprise_admin, other_enterprise, platform_person
):
    mine = run_import(enterprise_admin, enterprise, csv_bytes([row(87, filing_date="x")]))
    urls = [f"/ip/imports/{mine.pk}/", f"/ip/imports/{mine.pk}/progress/", f"/ip/imports/{mine.pk}/errors.csv"]

    for url in ["/ip/imports/", "/ip/imports/new/", *urls]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url

    client.force_login(member_of(other_enterprise))
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert "patents.csv" not in client.get("/ip/imports/").content.decode()

    colleague = member_of(enterprise)  # any member of the enterprise
    for person in (colleague, platform_person):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 200, url

    client.force_login(platform_person)  # not in an enterprise: no workspace upload, a pointer to the admin
    response = client.get("/ip/imports/new/")
    assert response.status_code == 403 and 'href="/admin/patent-imports/"' in response.content.decode()


def test_the_list_shows_my_imports_newest_first_in_constant_queries(client, enterprise, enterprise_admin):
    client.force_login(enterprise_admin)
    for name in ["一月.csv", "二月.csv"]:
        run_import(enterprise_admin, enterprise, csv_bytes([row(88)]), name=name)
    stranger = OrganisationFactory(kind="enterprise")
    run_import(member_of(stranger), stranger, csv_bytes([row(89)]), name="别人的.csv")
    client.get("/ip/imports/")
    with CaptureQueriesContext(connection) as few:
        html = client.get("/ip/imports/").content.decode()
    assert html.index("二月.csv") < html.index("一月.csv") and "别人的.csv" not in html
    for n in range(5):
        run_import(enterprise_admin, enterprise, csv_bytes([row(88)]), name=f"more{n}.csv")
    with CaptureQueriesContext(connection) as many:
        client.get("/ip/imports/")
    assert len(many) == len(few)


# --- Wagtail admin ------------------------------------------------------------------------


def test_platform_people_import_from_the_wagtail_admin_with_the_owner_column(client, platform_person, enterprise):
    platform_person.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(platform_person)
    assert '"url": "/admin/patent-imports/"' in client.get("/admin/").content.decode()  # the sidebar menu item
    page = client.get("/admin/patent-imports/").content.decode()
    assert "权利人统一社会信用代码" in page and "template.csv?owner=1" in page

    content = csv_bytes([row(95, owner_credit_code=enterprise.unified_social_credit_code)], columns=PLATFORM_COLUMNS)
    response = client.post("/admin/patent-imports/", {"file": _named(content, "platform.csv")})
    patent_import = PatentImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/patent-imports/{patent_import.pk}/"
    assert patent_import.owner is None and patent_import.created_by == platform_person
    detail = client.get(response["Location"]).content.decode()
    assert "import-progress.js" in detail and f"/ip/imports/{patent_import.pk}/progress/" in detail

    patent_import_run(import_id=patent_import.pk)
    assert Patent.objects.get(application_number=number(95)).owner == enterprise
    # A file without the owner column is refused on the form.
    response = client.post("/admin/patent-imports/", {"file": _named(csv_bytes([row(96)]), "no-owner.csv")})
    assert response.status_code == 200 and PatentImport.objects.count() == 1


def test_enterprise_people_do_not_get_the_admin_import(client, enterprise_admin):
    enterprise_admin.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(enterprise_admin)
    assert "/admin/patent-imports/" not in client.get("/admin/").content.decode()
    assert client.get("/admin/patent-imports/").status_code in (302, 403)


# --- size --------------------------------------------------------------------------------


def test_ten_thousand_rows_import_in_chunks(enterprise, enterprise_admin):
    """10,000 rows in one job, a bounded number of queries (speed: bench/bench_patent_import.py)."""
    rows = [
        row(100_000 + i, ipc_codes="H01L 21/02; XYZ" if i % 100 == 99 else "H01L 21/02; G06F 17/30")
        for i in range(10_000)
    ]
    created = patent_import_create(by=enterprise_admin, owner=enterprise, file_name="big.csv", content=csv_bytes(rows))
    with CaptureQueriesContext(connection) as queries:
        result = patent_import_run(import_id=created.pk)
    assert (result.status, result.total_rows, result.processed_rows) == ("done", 10_000, 10_000)
    assert (result.created, result.skipped, result.failed) == (9_900, 0, 100)
    assert Patent.objects.filter(owner=enterprise).count() == 9_900
    assert PatentClassification.objects.filter(patent__owner=enterprise).count() == 19_800
    assert len(queries) <= 20 + 20 * 7  # per chunk of 500: savepoint, lock, lookup, 2 inserts, progress, release


# --- a real worker ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_by_a_real_worker_while_the_page_polls(
    celery_worker_thread, client, enterprise, enterprise_admin
):
    client.force_login(enterprise_admin)
    rows = [row(200_000 + i) for i in range(1_200)] + [row(200_000, title="重复")]
    response = upload(client, csv_bytes(rows))
    assert response.status_code == 302
    progress_url = response["Location"] + "progress/"

    seen, deadline = [], time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = client.get(progress_url).json()
        seen.append(progress["processed_rows"])
        if progress["finished"]:
            break
        time.sleep(0.1)

    assert progress["status"] == "done", progress
    assert (progress["total_rows"], progress["created"], progress["failed"]) == (1_201, 1_200, 1)
    assert seen == sorted(seen)
    assert Patent.objects.filter(owner=enterprise).count() == 1_200
