"""A registry batch exported in the provincial list's layout (docs/registry.md): one row per demand of the
batch, its columns declared once in `COLUMNS` and used by both formats — xlsx (a title row naming the batch,
a bold header, column widths) and CSV (UTF-8 with a BOM, so that Excel reads the Chinese)."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

from .models import Demand, DemandAsset, DemandBatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
FORMATS = {"xlsx": XLSX, "csv": CSV}
TEN_THOUSAND = Decimal("10000")

PATENT_KIND = {"invention": "发明专利", "utility_model": "实用新型专利", "design": "外观设计专利"}


def asset_number(item: DemandAsset) -> str:
    """The asset's official number: a patent's application number, a trademark's registration number."""
    asset = item.asset
    if item.patent_id:
        return asset.application_number
    return asset.registration_number


def asset_line(item: DemandAsset) -> str:
    kind = PATENT_KIND.get(item.kind, "商标") if item.patent_id else "商标"
    return f"{kind} {asset_number(item)}"


def _wan(demand: Demand) -> str:
    """The amount in 万元 (ten thousand yuan), to two decimals, rounded half up."""
    return str((demand.amount.amount / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    value: Callable[[int, Demand], str]


COLUMNS = [
    Column("序号", 6, lambda n, d: str(n)),
    Column("企业名称", 32, lambda n, d: d.enterprise.name),
    Column("统一社会信用代码", 22, lambda n, d: d.enterprise.unified_social_credit_code or ""),
    Column("所在城市", 10, lambda n, d: d.enterprise.city or ""),
    Column("所属行业", 24, lambda n, d: f"{d.industry} {d.get_industry_display()}"),
    Column("知识产权类型及号码", 34, lambda n, d: "\n".join(asset_line(i) for i in d.assets.all())),
    Column("融资需求金额（万元）", 14, lambda n, d: _wan(d)),
    Column("融资期限（月）", 10, lambda n, d: str(d.term_months)),
    Column("融资用途", 30, lambda n, d: d.purpose),
    Column("联系人", 10, lambda n, d: d.contact_name if d.contact_consent else ""),
    Column("联系电话", 16, lambda n, d: d.contact_phone if d.contact_consent else ""),
]


def demands_of(batch: DemandBatch):
    """The batch's demands the bureau lists: admitted, matched or financed, in order of admission."""
    return (
        batch.demands.filter(state__in=Demand.LISTED)
        .select_related("enterprise")
        .prefetch_related("assets__patent", "assets__trademark")
        .order_by("admitted_on", "pk")
    )


def rows(batch: DemandBatch) -> list[list[str]]:
    return [[column.value(n, d) for column in COLUMNS] for n, d in enumerate(demands_of(batch), start=1)]


def _safe(value: str) -> str:
    """A cell a spreadsheet would read as a formula is written as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def to_csv(batch: DemandBatch) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.title for c in COLUMNS])
    for row in rows(batch):
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(batch: DemandBatch) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "名录"
    sheet.append([batch.name])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sheet.append([c.title for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=2, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row in rows(batch):
        sheet.append([_safe(v) for v in row])
        for index in range(1, len(COLUMNS) + 1):
            sheet.cell(row=sheet.max_row, column=index).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(batch: DemandBatch, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name quoted for Content-Disposition)."""
    content = to_xlsx(batch) if fmt == "xlsx" else to_csv(batch)
    return content, FORMATS[fmt], quote(f"{batch.name}.{fmt}")
