"""The export of a registry batch in the provincial list's layout: xlsx and CSV from one column list."""

import csv
import io

from openpyxl import load_workbook
from rest_framework.test import APIClient

from financing.registry import export
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.registry.factories import demand

BATCHES = "/api/v1/financing/demand-batches/"
HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所在城市",
    "所属行业",
    "知识产权类型及号码",
    "融资需求金额（万元）",
    "融资期限（月）",
    "融资用途",
    "联系人",
    "联系电话",
]


def get(person, url):
    client = APIClient()
    client.force_authenticate(person)
    return client.get(url)


def two_demands(w):
    patent = PatentFactory(owner=w.borrower)
    mark = TrademarkFactory(owner=w.borrower)
    first = demand(
        w,
        "admitted",
        assets=[patent, mark],
        amount="3500000",
        contact_consent=True,
        contact_name="张三",
        contact_phone="13800000000",
    )
    second = demand(w, "admitted", amount="1234567.89", contact_name="不公开", contact_phone="13900000000")
    demand(w, "submitted")  # not admitted: not in the list
    return first, second, patent, mark


def test_the_columns_are_the_provincial_lists():
    assert [c.title for c in export.COLUMNS] == HEADER


def test_xlsx(w):
    first, second, patent, mark = two_demands(w)
    response = get(w.platform, f"{BATCHES}{w.batch.pk}/export/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == export.XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == w.batch.name
    assert values[1] == HEADER
    assert sheet.cell(row=2, column=1).font.bold
    assert sheet.column_dimensions["B"].width == 32
    rows = values[2:]
    assert len(rows) == 2
    assert rows[0][:4] == ["1", w.borrower.name, w.borrower.unified_social_credit_code, "资阳"]
    assert rows[0][5].splitlines() == [f"发明专利 {patent.application_number}", f"商标 {mark.registration_number}"]
    assert rows[0][6:] == ["350.00", "12", first.purpose, "张三", "13800000000"]
    assert rows[1][0] == "2" and rows[1][6] == "123.46"
    assert rows[1][9:] == ["", ""]  # no consent: no contact


def test_csv_is_utf8_with_a_bom(w):
    two_demands(w)
    response = get(w.platform, f"{BATCHES}{w.batch.pk}/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER and len(rows) == 3
    assert rows[1][6] == "350.00"


def test_xlsx_is_the_default_and_an_unknown_format_is_400(w):
    assert get(w.platform, f"{BATCHES}{w.batch.pk}/export/")["Content-Type"] == export.XLSX
    response = get(w.platform, f"{BATCHES}{w.batch.pk}/export/?format=pdf")
    assert response.status_code == 400 and "format" in response.json()


def test_only_platform_people_export(w):
    two_demands(w)
    for person in (w.owner, w.officer):
        assert get(person, f"{BATCHES}{w.batch.pk}/export/?format=csv").status_code == 404


def test_a_formula_is_written_as_text(w):
    demand(w, "admitted", purpose='=HYPERLINK("http://x")')
    rows = export.rows(w.batch)
    assert rows[0][8].startswith("=")
    assert export.to_csv(w.batch).decode("utf-8-sig").splitlines()[1].count("'=HYPERLINK") == 1
