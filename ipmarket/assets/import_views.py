"""Pages of the patent CSV import: the workspace (/ip/imports/) and the Wagtail admin screen.

Thin: forms and rendering here, everything else in ipmarket/assets/imports.py.
"""

import csv
import io
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ipmarket.accounts import policies

from . import imports
from .models import PatentImport

TEMPLATE_CSV = Path(__file__).parent / "data" / "patent_import_template.csv"
ERRORS_SHOWN = 200  # rows in the error table; the CSV download has them all
PAGE_SIZE = 20
PROGRESS_FIELDS = ("status", "total_rows", "processed_rows", "created", "skipped", "failed", "message")


class ImportFileField(forms.FileField):
    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("CSV file"),
            widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.txt"}),
            **kwargs,
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > imports.MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)d MB: split it into several files.")
                % {"mb": imports.MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class PatentImportForm(forms.Form):
    """Workspace upload: the file and, for people in several enterprises, which one."""

    owner = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Import for"), empty_label=None)
    file = ImportFileField()

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.only_owner = owners[0] if len(owners) == 1 else None  # evaluates and caches the queryset
        if self.only_owner:
            self.fields["owner"].initial = self.only_owner.pk
            self.fields["owner"].required = False
            self.fields["owner"].widget = forms.HiddenInput()

    def clean_owner(self):
        return self.cleaned_data.get("owner") or self.only_owner


class PlatformImportForm(forms.Form):
    """Wagtail admin upload: the owner of each row is in the owner_credit_code column."""

    file = ImportFileField()


def _create_import(request, form, owner):
    upload = form.cleaned_data["file"]
    try:
        return imports.patent_import_create(
            by=request.user, owner=owner, file_name=upload.name, content=upload.read(), language=get_language()
        )
    except ValidationError as exc:
        form.add_error("file", exc)
    return None


def _columns(platform: bool) -> list[dict]:
    required = set(imports.REQUIRED) | ({"owner_credit_code"} if platform else set())
    hints = {
        "application_number": _("e.g. 201910123456.X; the CN/ZL prefix, spaces and the dot are optional."),
        "patent_type": imports.TYPE_HINT,
        "title": _("Up to 300 characters."),
        "abstract": _("Optional."),
        "ipc_codes": _("e.g. H01L 21/02; several separated by ; or ，, the main one first."),
        "filing_date": _("YYYY-MM-DD, e.g. 2019-03-15."),
        "grant_date": _("YYYY-MM-DD; required unless the status is pending."),
        "legal_status": imports.STATUS_HINT + " " + _("Empty means pending."),
        "annual_fee_paid_until": _("YYYY-MM-DD; required for a granted patent."),
        "owner_credit_code": _("18 characters; the owner must be an enterprise registered here."),
    }
    return [
        {"name": name, "zh": zh, "label": label, "required": name in required, "hint": hints[name]}
        for name, (label, zh) in imports.HEADERS.items()
        if platform or name != "owner_credit_code"
    ]


def _limits() -> dict:
    return {"max_mb": imports.MAX_FILE_BYTES // (1024 * 1024), "max_rows": f"{imports.MAX_ROWS:,}"}


def progress_data(patent_import: PatentImport) -> dict:
    total, done = patent_import.total_rows, patent_import.processed_rows
    text = ngettext("%(done)s of %(total)s row", "%(done)s of %(total)s rows", total) % {
        "done": f"{done:,}",
        "total": f"{total:,}",
    }
    return {
        "id": patent_import.pk,
        "status": patent_import.status,
        "status_label": patent_import.get_status_display(),
        "finished": patent_import.finished,
        "total_rows": total,
        "processed_rows": done,
        "percent": round(100 * done / total) if total else 0,
        "created": patent_import.created,
        "skipped": patent_import.skipped,
        "failed": patent_import.failed,
        "text": text,
        "message": patent_import.message,
    }


def _detail_context(patent_import: PatentImport) -> dict:
    errors = patent_import.errors if patent_import.finished else []
    shown = [
        {
            "row": e["row"],
            "application_number": e["application_number"],
            "problems": [(imports.column_label(col), msgs) for col, msgs in e["errors"].items()],
        }
        for e in errors[:ERRORS_SHOWN]
    ]
    return {
        "import": patent_import,
        "progress": progress_data(patent_import),
        "progress_url": reverse("patent-import-progress", args=[patent_import.pk]),
        "errors_url": reverse("patent-import-errors", args=[patent_import.pk]),
        "errors_shown": shown,
        "errors_more": max(0, len(errors) - ERRORS_SHOWN),
    }


# --- workspace pages -----------------------------------------------------------------------


@login_required
def import_list(request):
    qs = imports.patent_imports_visible_to(request.user).defer("errors")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/import_list.html",
        {"page": page, "can_import": imports.importable_enterprises(request.user).exists()},
    )


@login_required
def import_new(request):
    owners = imports.importable_enterprises(request.user)
    context = {"columns": _columns(False), **_limits(), "platform_staff": policies.is_platform_staff(request.user)}
    if not owners:
        return render(request, "assets/import_new.html", context, status=403)
    form = PatentImportForm(request.POST or None, request.FILES or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        patent_import = _create_import(request, form, form.cleaned_data["owner"])
        if patent_import:
            messages.success(request, _("File received: the import runs in the background."))
            return redirect("patent-import-detail", patent_import.pk)
    return render(request, "assets/import_new.html", {**context, "form": form, "owners": owners})


@login_required
def import_detail(request, pk):
    patent_import = get_object_or_404(imports.patent_imports_visible_to(request.user), pk=pk)
    return render(request, "assets/import_detail.html", _detail_context(patent_import))


@never_cache
@login_required
def import_progress(request, pk):
    qs = imports.patent_imports_visible_to(request.user).select_related(None).only(*PROGRESS_FIELDS)
    return JsonResponse(progress_data(get_object_or_404(qs, pk=pk)))


@login_required
def import_errors_csv(request, pk):
    """Every row error, one line per message; with a BOM so that Excel reads the Chinese."""
    patent_import = get_object_or_404(imports.patent_imports_visible_to(request.user), pk=pk)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Application number"), _("Column"), _("Error")])
    for error in patent_import.errors:
        for column, msgs in error["errors"].items():
            for message in msgs:
                writer.writerow(
                    [error["row"], _cell(error["application_number"]), imports.column_label(column), _cell(message)]
                )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patent-import-{patent_import.pk}-errors.csv"'
    return response


def _cell(text) -> str:
    """Cells echo the uploaded file: keep a spreadsheet from reading them as formulas."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def import_template_csv(request):
    """The template file; `?owner=1` adds the owner column of platform imports."""
    if request.GET.get("owner"):
        header = TEMPLATE_CSV.read_text(encoding="utf-8-sig").splitlines()[0]
        body = "\ufeff" + header + "," + imports.HEADERS["owner_credit_code"][1] + "\r\n"
        response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="patent_import_template_platform.csv"'
        return response
    return FileResponse(
        TEMPLATE_CSV.open("rb"), as_attachment=True, filename=TEMPLATE_CSV.name, content_type="text/csv; charset=utf-8"
    )


# --- Wagtail admin (platform people; registered in wagtail_hooks.py) -----------------------


class _PlatformOnly:
    def dispatch(self, request, *args, **kwargs):
        if not policies.is_platform_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AdminImportView(_PlatformOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "assets/import_admin.html"
    page_title = gettext_lazy("Import patents")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, form=None, **kwargs):
        recent = imports.patent_imports_visible_to(self.request.user).defer("errors")[:PAGE_SIZE]
        return super().get_context_data(
            form=form or PlatformImportForm(), recent=recent, columns=_columns(True), **_limits(), **kwargs
        )

    def post(self, request):
        form = PlatformImportForm(request.POST, request.FILES)
        if form.is_valid():
            patent_import = _create_import(request, form, owner=None)
            if patent_import:
                messages.success(request, _("File received: the import runs in the background."))
                return redirect("patent_import_admin_detail", patent_import.pk)
        return self.render_to_response(self.get_context_data(form=form))


class AdminImportDetailView(_PlatformOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "assets/import_admin_detail.html"
    header_icon = "upload"

    def get_page_title(self):
        return _("Import %(file)s") % {"file": self.patent_import.file_name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("patent_import_admin"), "label": AdminImportView.page_title},
            {"url": "", "label": self.patent_import.file_name},
        ]

    def get(self, request, pk):
        self.patent_import = get_object_or_404(imports.patent_imports_visible_to(request.user), pk=pk)
        return super().get(request, pk=pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_detail_context(self.patent_import), **kwargs)
