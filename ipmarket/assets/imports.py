"""Bulk import of patents from a CSV file: the workspace page and the Wagtail admin upload, a
Celery task (`tasks.run_patent_import`) does the work, a page polls the progress.

Rules (docs/domain.md states the register facts they check):

- The file is UTF-8 (with or without BOM), GBK/GB18030 (what Excel writes as "CSV" on Chinese
  Windows) or UTF-16 with BOM (Excel's "Unicode text", tab-separated). Headers are the English
  column names or their Chinese names (`HEADERS`). At most `MAX_FILE_BYTES` and `MAX_ROWS`.
- Each row is validated by `Patent.full_clean()` plus `identifiers.clean_ipc_codes`, as
  `services.patent_create` does, so the rules live in the model. Rows are independent: good rows
  are created, bad rows are reported as `{row, application_number, errors: {column: [messages]}}`
  where `row` is the row number a spreadsheet shows (the header is row 1).
- An application number that appears twice in the file: the first row counts, later rows are errors.
- A valid row whose application number is already registered to the same owner is skipped as
  "already present" and the existing patent is left unchanged, so re-running an import is
  idempotent. Registered to another owner it is an error. (A row with errors is reported as such
  even when its number is present.)
- Rows go in chunks of `CHUNK_SIZE`: one transaction per chunk creates its patents and
  classifications (`bulk_create`) and advances the import's counters and error list. A
  re-delivered task therefore resumes after the last committed chunk; a task for a finished import
  does nothing; two workers on one import serialise on the import row and the late one stops.
- Who may import is checked when the file is uploaded and again when the task starts: a member of
  the owning enterprise (or platform staff); a platform import (owner column per row) needs
  platform staff and every row's owner must be a registered enterprise.
"""

import codecs
import csv
import io
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipmarket.accounts import policies
from ipmarket.accounts.models import Organisation
from ipmarket.accounts.validators import normalise_uscc, validate_uscc
from ipmarket.core import pagecache

from . import identifiers
from .models import Patent, PatentClassification, PatentImport

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
CHUNK_SIZE = 500
CHUNK_ATTEMPTS = 3  # a chunk is retried when a concurrent insert of the same number wins the race
STALLED_AFTER = timedelta(minutes=10)  # a running import advances every second or so

# Column → (label shown to people, Chinese header). Either header is accepted, in any case,
# with or without spaces/underscores.
HEADERS = {
    "application_number": (gettext_lazy("Application number"), "申请号"),
    "patent_type": (gettext_lazy("Patent type"), "专利类型"),
    "title": (gettext_lazy("Title"), "名称"),
    "abstract": (gettext_lazy("Abstract"), "摘要"),
    "ipc_codes": (gettext_lazy("IPC codes"), "IPC分类号"),
    "filing_date": (gettext_lazy("Filing date"), "申请日"),
    "grant_date": (gettext_lazy("Grant date"), "授权日"),
    "legal_status": (gettext_lazy("Legal status"), "法律状态"),
    "annual_fee_paid_until": (gettext_lazy("Annual fees paid until"), "年费缴至"),
    "owner_credit_code": (gettext_lazy("Owner's unified social credit code"), "权利人统一社会信用代码"),
}
HEADER_ALIASES = {"专利名称": "title", "发明名称": "title", "ipc": "ipc_codes", "专利申请号": "application_number"}
REQUIRED = ("application_number", "patent_type", "title", "filing_date")
DATE_COLUMNS = ("filing_date", "grant_date", "annual_fee_paid_until")

T, S = Patent.Type, Patent.LegalStatus
PATENT_TYPES = {
    **{t.value: t.value for t in T},
    **{"发明": T.INVENTION, "发明专利": T.INVENTION, "utility": T.UTILITY_MODEL},
    **{"实用新型": T.UTILITY_MODEL, "实用新型专利": T.UTILITY_MODEL, "外观设计": T.DESIGN, "外观设计专利": T.DESIGN},
}
LEGAL_STATUSES = {
    **{s.value: s.value for s in S},
    **{"审中": S.PENDING, "审查中": S.PENDING, "有效": S.GRANTED, "授权": S.GRANTED, "失效": S.LAPSED},
    **{"届满": S.EXPIRED, "期限届满": S.EXPIRED, "无效": S.INVALIDATED, "全部无效": S.INVALIDATED},
}
TYPE_HINT = "发明 / 实用新型 / 外观设计 (invention / utility_model / design)"
STATUS_HINT = "审中 / 有效 / 失效 / 届满 / 无效 (pending / granted / lapsed / expired / invalidated)"

_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]0?0:00(?::00)?)?$")
_IPC_SPLIT = re.compile(r"[;；,，、\n]+")


class ImportFileError(Exception):
    """Something wrong with the file as a whole; the message is for the person who uploaded it."""


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, str]


def _key(text: str) -> str:
    """`Filing date (YYYY-MM-DD)` → `filingdate`: notes in brackets, spaces, underscores and stars are ignored."""
    return re.sub(r"[\s_\-*]+|[(（][^)）]*[)）]", "", text).lower()


_HEADER_LOOKUP = {
    **{_key(name): name for name in HEADERS},
    **{_key(str(zh)): name for name, (_label, zh) in HEADERS.items()},
    **{_key(alias): name for alias, name in HEADER_ALIASES.items()},
}


def column_label(column: str) -> str:
    """`申请号 (application_number)`: how a column is named in messages and the error table."""
    if column not in HEADERS:
        return column
    label, zh = HEADERS[column]
    return f"{zh} ({column})" if translation.get_language() == "zh-hans" else f"{label} ({zh})"


# --- reading the file ----------------------------------------------------------------------


def decode(content: bytes) -> str:
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            _("This is an Excel workbook, not a CSV file. In Excel choose Save As → “CSV UTF-8 (comma delimited)”.")
        )
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            try:
                return content.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError:
                break
    else:
        for encoding in ("utf-8", "gb18030"):  # GB18030 is a superset of GBK and GB2312
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise ImportFileError(
        _(
            "This file is not CSV text in UTF-8 or GBK. In Excel choose Save As → “CSV UTF-8 (comma delimited)” "
            "and upload that file."
        )
    )


def read_rows(content: bytes, *, platform: bool) -> list[Row]:
    """The file's non-blank data rows with canonical column names; ImportFileError for the file as a whole."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)d MB: split it into several files.") % _limits())
    text = decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise ImportFileError(_("The file is empty: the first row must name the columns."))
        columns = _map_header(header, platform=platform)
        rows = []
        for record_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(rows)s rows: split it into several files.") % _limits()
                )
            values = {col: cells[i].strip() for i, col in columns.items() if i < len(cells)}
            rows.append(Row(record_number, values))
    except csv.Error as exc:
        raise ImportFileError(
            _("The file is not valid CSV near row %(row)d: %(error)s") % {"row": reader.line_num, "error": exc}
        ) from exc
    if not rows:
        raise ImportFileError(_("The file has a header row but no patents."))
    return rows


def _limits() -> dict:
    return {"mb": MAX_FILE_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}"}


def _map_header(header: list[str], *, platform: bool) -> dict[int, str]:
    columns, seen = {}, set()
    for i, cell in enumerate(header):
        name = _HEADER_LOOKUP.get(_key(cell))
        if name is None:
            continue  # extra columns (notes, row numbers) are ignored
        if name in seen:
            raise ImportFileError(_("The column %(column)s appears twice.") % {"column": column_label(name)})
        seen.add(name)
        columns[i] = name
    required = (*REQUIRED, "owner_credit_code") if platform else REQUIRED
    missing = [name for name in required if name not in seen]
    if missing:
        raise ImportFileError(
            _("The file has no column for: %(columns)s. Start from the template file.")
            % {"columns": ", ".join(column_label(name) for name in missing)}
        )
    return columns


# --- one row -------------------------------------------------------------------------------


def _parse_date(value: str) -> date | None:
    match = _DATE_RE.match(value)
    if not match:
        raise ValueError
    return date(*map(int, match.groups()))


def _choice(value: str, choices: dict) -> str | None:
    return choices.get(re.sub(r"[\s\-]+", "_", value.strip().lower()))


def _number_key(row: Row) -> str:
    """The application number as stored, for finding a number twice in the file (validity is checked later)."""
    raw = row.values.get("application_number", "")
    return identifiers.normalise_application_number(raw) if raw else ""


def validate_row(row: Row, *, owner_id: int | None) -> tuple[Patent | None, list[str], dict[str, list[str]]]:
    """(unsaved patent, IPC codes, errors) for one row; the patent is None when errors is not empty."""
    v, errors, fields = row.values, {}, {}
    raw_number = v.get("application_number", "")
    if not raw_number:
        errors["application_number"] = [_("Give the application number.")]
    fields["patent_type"] = _choice(v.get("patent_type", ""), PATENT_TYPES) or ""
    if not fields["patent_type"]:
        errors["patent_type"] = [
            _("Use one of %(choices)s; got “%(value)s”.") % {"choices": TYPE_HINT, "value": v.get("patent_type", "")}
        ]
    status = v.get("legal_status", "")
    fields["legal_status"] = _choice(status, LEGAL_STATUSES) if status else Patent.LegalStatus.PENDING
    if not fields["legal_status"]:
        errors["legal_status"] = [
            _("Use one of %(choices)s; got “%(value)s”.") % {"choices": STATUS_HINT, "value": status}
        ]
        fields["legal_status"] = Patent.LegalStatus.PENDING  # the model then adds no follow-on errors
    for column in DATE_COLUMNS:
        text = v.get(column, "")
        try:
            fields[column] = _parse_date(text) if text else None
        except ValueError:
            errors[column] = [_("Give a date as YYYY-MM-DD, e.g. 2019-03-15; got “%(value)s”.") % {"value": text}]
    codes = []
    try:
        codes = identifiers.clean_ipc_codes([c.strip() for c in _IPC_SPLIT.split(v.get("ipc_codes", "")) if c.strip()])
        code_field = PatentClassification._meta.get_field("code")
        for code in codes:
            code_field.clean(code, None)  # the model field's own checks (length, format)
    except ValidationError as exc:
        errors["ipc_codes"] = exc.messages
    patent = Patent(
        owner_id=owner_id,
        application_number=identifiers.normalise_application_number(raw_number) if raw_number else "",
        title=v.get("title", ""),
        abstract=v.get("abstract", ""),
        **fields,
    )
    try:
        patent.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field not in errors:  # a message about the raw cell says more than the model's
                errors[field] = list(dict.fromkeys(messages))
    return (None if errors else patent), codes, errors


# --- the import ----------------------------------------------------------------------------


def patent_imports_visible_to(user) -> QuerySet[PatentImport]:
    """Imports of the person's enterprises; platform people see all. The file itself is deferred."""
    qs = PatentImport.objects.select_related("owner", "created_by").defer("content")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if policies.is_platform_staff(user):
        return qs
    return qs.filter(owner_id__in=policies.organisation_ids(user, kinds=[Organisation.Kind.ENTERPRISE]))


def importable_enterprises(user) -> QuerySet[Organisation]:
    """The enterprises a person may import patents for on the workspace page."""
    candidates = Organisation.objects.filter(
        pk__in=policies.organisation_ids(user, kinds=[Organisation.Kind.ENTERPRISE]), is_active=True
    )
    ids = [org.pk for org in candidates if policies.can_act_for_enterprise(user, org)]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def _may_import(user, owner: Organisation | None) -> bool:
    if not getattr(user, "is_active", False):
        return False
    if owner is None:
        return policies.is_platform_staff(user)
    return owner.kind == Organisation.Kind.ENTERPRISE and (
        policies.can_act_for_enterprise(user, owner) or policies.is_platform_staff(user)
    )


@transaction.atomic
def patent_import_create(*, by, file_name: str, content: bytes, owner: Organisation | None = None, language: str = ""):
    """Store an uploaded file and queue its import. `owner=None` is a platform import (owner column per row).

    The file's shape (size, encoding, columns, row count) is checked now so that the person sees
    those mistakes on the form; the rows are checked by the task."""
    if not _may_import(by, owner):
        raise PermissionDenied(_("Only people of the owning enterprise or platform staff import its patents."))
    try:
        rows = read_rows(content, platform=owner is None)
    except ImportFileError as exc:
        raise ValidationError(str(exc), code="import_file") from exc
    patent_import = PatentImport.objects.create(
        owner=owner,
        created_by=by,
        file_name=file_name[:255],
        file_size=len(content),
        content=content,
        language=language or translation.get_language() or "",
        total_rows=len(rows),
    )
    transaction.on_commit(lambda: _enqueue(patent_import.pk))
    return patent_import


def _enqueue(import_id: int) -> None:
    """After the upload's commit: the worker runs the import. With the broker down the upload still succeeds;
    `resume_stalled_patent_imports` enqueues the import again once the broker is back."""
    from .tasks import run_patent_import

    try:
        run_patent_import.delay(import_id)
    except Exception:  # kombu's OperationalError after its publish retries
        logger.warning(
            "assets: could not enqueue patent import %s; the stalled-import sweep will", import_id, exc_info=True
        )


def patent_imports_stalled(*, now=None) -> list[int]:
    """Unfinished imports without progress for STALLED_AFTER: their message was lost (a broker that does
    not redeliver after a worker was killed). Enqueuing them again is safe: a run resumes or does nothing."""
    cutoff = (now or timezone.now()) - STALLED_AFTER
    unfinished = [PatentImport.Status.QUEUED, PatentImport.Status.RUNNING]
    return list(PatentImport.objects.filter(status__in=unfinished, updated_at__lt=cutoff).values_list("pk", flat=True))


def _claim(import_id: int) -> PatentImport | None:
    """Lock the import and mark it running; None when there is nothing to do."""
    with transaction.atomic():
        patent_import = PatentImport.objects.select_for_update().filter(pk=import_id).first()
        if patent_import is None or patent_import.finished:
            return None
        if patent_import.status == PatentImport.Status.RUNNING:
            logger.info("patent import %s: resuming after row %s", import_id, patent_import.processed_rows)
        else:
            patent_import.status = PatentImport.Status.RUNNING
            patent_import.started_at = timezone.now()
            patent_import.save(update_fields=["status", "started_at", "updated_at"])
    return patent_import


def patent_import_fail(*, import_id: int, reason: str = "error") -> None:
    """Mark an unfinished import failed ("timeout" or "error"), with a message in the importer's language."""
    with transaction.atomic():
        patent_import = PatentImport.objects.select_for_update().defer("content", "errors").filter(pk=import_id).first()
        if patent_import is None or patent_import.finished:
            return
        with translation.override(patent_import.language or settings.LANGUAGE_CODE):
            message = (
                _("The import took too long and was stopped. Rows already imported stay; upload the file again.")
                if reason == "timeout"
                else _("The import stopped on an unexpected error. Rows already imported stay; please try again.")
            )
        _finish(patent_import, PatentImport.Status.FAILED, str(message))


def _finish(patent_import: PatentImport, status: str, message: str = "") -> None:
    patent_import.status, patent_import.message, patent_import.finished_at = status, message, timezone.now()
    patent_import.save(update_fields=["status", "message", "finished_at", "updated_at"])


def patent_import_run(*, import_id: int) -> PatentImport | None:
    """Run (or resume) an import. Idempotent: a finished import is left alone."""
    patent_import = _claim(import_id)
    if patent_import is None:
        return None
    with translation.override(patent_import.language or settings.LANGUAGE_CODE):
        try:
            if not _may_import(patent_import.created_by, patent_import.owner):
                raise ImportFileError(_("You may no longer import patents for this enterprise."))
            rows = read_rows(bytes(patent_import.content), platform=patent_import.is_platform_import)
        except ImportFileError as exc:
            with transaction.atomic():
                _finish(PatentImport.objects.select_for_update().defer("content").get(pk=import_id), "failed", str(exc))
            return PatentImport.objects.defer("content").get(pk=import_id)
        if patent_import.total_rows != len(rows):
            PatentImport.objects.filter(pk=import_id).update(total_rows=len(rows), updated_at=timezone.now())
        _run_chunks(patent_import, rows)
    return PatentImport.objects.defer("content").get(pk=import_id)


def _run_chunks(patent_import: PatentImport, rows: list[Row]) -> None:
    keys = [_number_key(row) for row in rows]
    first_row_of: dict[str, int] = {}
    for row, key in zip(rows, keys, strict=True):
        if key:
            first_row_of.setdefault(key, row.number)
    owners = _row_owners(patent_import, rows)
    errors = list(patent_import.errors)
    for start in range(patent_import.processed_rows, len(rows), CHUNK_SIZE):
        end = start + CHUNK_SIZE
        chunk = [
            _prepare(row, key, patent_import, owners, first_row_of)
            for row, key in zip(rows[start:end], keys[start:end], strict=True)
        ]
        for attempt in range(CHUNK_ATTEMPTS):
            try:
                errors = _commit_chunk(patent_import.pk, start, chunk, errors)
                break
            except IntegrityError:  # a number inserted meanwhile by someone else: look again
                if attempt == CHUNK_ATTEMPTS - 1:
                    raise
        if errors is None:
            logger.info("patent import %s: another worker has it; stopping", patent_import.pk)
            return
    with transaction.atomic():
        locked = PatentImport.objects.select_for_update().only("status", "processed_rows").get(pk=patent_import.pk)
        if locked.status == PatentImport.Status.RUNNING and locked.processed_rows >= len(rows):
            _finish(locked, PatentImport.Status.DONE)


def _row_owners(patent_import: PatentImport, rows: list[Row]) -> dict[str, Organisation]:
    """Organisations named in the owner column, by normalised credit code (one query)."""
    codes = {normalise_uscc(r.values["owner_credit_code"]) for r in rows if r.values.get("owner_credit_code")}
    return {o.unified_social_credit_code: o for o in Organisation.objects.filter(unified_social_credit_code__in=codes)}


def _owner_error(code_text: str, patent_import: PatentImport, owners: dict) -> tuple[int | None, list[str]]:
    if not patent_import.is_platform_import:
        owner = patent_import.owner
        if code_text and normalise_uscc(code_text) != owner.unified_social_credit_code:
            return None, [_("This row names another owner than %(owner)s, for whom you import.") % {"owner": owner}]
        return owner.pk, []
    if not code_text:
        return None, [_("Give the owner's unified social credit code.")]
    try:
        validate_uscc(code_text)
    except ValidationError as exc:
        return None, exc.messages
    owner = owners.get(normalise_uscc(code_text))
    if owner is None:
        return None, [_("No organisation with credit code %(code)s is registered here.") % {"code": code_text}]
    if owner.kind != Organisation.Kind.ENTERPRISE:
        return None, [
            _("%(name)s is a %(kind)s: only enterprises own patents here.")
            % {"name": owner, "kind": owner.get_kind_display()}
        ]
    return owner.pk, []


def _prepare(row: Row, key: str, patent_import: PatentImport, owners: dict, first_row_of: dict[str, int]):
    owner_id, owner_errors = _owner_error(row.values.get("owner_credit_code", ""), patent_import, owners)
    patent, codes, errors = validate_row(row, owner_id=owner_id)
    if owner_errors:
        errors["owner_credit_code"] = owner_errors
    if key and first_row_of[key] != row.number:
        errors.setdefault("application_number", []).append(
            _("This application number already appears in row %(row)d.") % {"row": first_row_of[key]}
        )
    return row, (None if errors else patent), codes, errors


def _commit_chunk(import_id: int, start: int, chunk: list, errors: list) -> list | None:
    """Create the chunk's patents and advance the import, in one transaction; None if another worker did it."""
    with transaction.atomic():
        locked = PatentImport.objects.select_for_update().only("status", "processed_rows").get(pk=import_id)
        if locked.status != PatentImport.Status.RUNNING or locked.processed_rows != start:
            return None
        numbers = [p.application_number for _row, p, _codes, _errors in chunk if p is not None]
        existing = dict(
            Patent.objects.filter(application_number__in=numbers).values_list("application_number", "owner_id")
        )
        new_errors, to_create, skipped = [], [], 0
        for row, patent, codes, row_errors in chunk:
            if patent is not None and patent.application_number in existing:
                if existing[patent.application_number] == patent.owner_id:
                    skipped += 1
                    continue
                row_errors = {"application_number": [_("This application number is registered to another owner.")]}
            if row_errors:
                new_errors.append(
                    {
                        "row": row.number,
                        "application_number": row.values.get("application_number", ""),
                        "errors": row_errors,
                    }
                )
            else:
                to_create.append((patent, codes))
        Patent.objects.bulk_create([patent for patent, _codes in to_create])
        if to_create:  # bulk inserts send no signal: the cached pages showing patents (ipmarket/core/pagecache.py)
            pagecache.invalidate("assets")
        PatentClassification.objects.bulk_create(
            [
                PatentClassification(patent_id=patent.pk, code=code, position=i)
                for patent, codes in to_create
                for i, code in enumerate(codes)
            ]
        )
        if new_errors:
            errors = errors + new_errors
        update = {
            "processed_rows": start + len(chunk),
            "created": F("created") + len(to_create),
            "skipped": F("skipped") + skipped,
            "failed": F("failed") + len(new_errors),
            "updated_at": timezone.now(),
        }
        if new_errors:
            update["errors"] = errors
        PatentImport.objects.filter(pk=import_id).update(**update)
    return errors
