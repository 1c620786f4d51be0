"""Kunden importieren: upload → preview → confirm, for team leads (their own team, under
/kunden/import/) and for admins (any team of a job centre, in the Django admin under
Kunden → Import). Thin views over `import_files` (reading), `imports` (plan, apply, the
waiting rows).

The upload is read in memory by `LimitedMemoryUploadHandler` (never written to a temporary
file) and refused above `import_files.MAX_BYTES`; the rows wait in a `PendingImport` until the
person confirms or discards them (`imports.KEEP_MINUTES` at most), addressed by a random id and
opened only by the person who uploaded them.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from kontaktdichte.commands import german_number
from kontaktdichte.uploads import LimitedMemoryUploadHandler
from policies.models import JobCentre

from . import import_files, imports
from .access import staff_required
from .import_files import FileRows, ImportFileError, megabytes


class UploadForm(forms.Form):
    datei = forms.FileField(
        label="Datei (CSV oder XLSX)",
        required=False,
        help_text=f"CSV mit Semikolon (UTF-8) oder Excel-Arbeitsmappe (.xlsx), höchstens "
        f"{megabytes(import_files.MAX_BYTES)} MB und {german_number(import_files.MAX_ROWS)} Zeilen.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, too_big=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big

    def clean(self):
        data = super().clean()
        if self.too_big:
            self.add_error(
                "datei",
                f"Die Datei ist größer als {megabytes(import_files.MAX_BYTES)} MB und wurde nicht gelesen. Bitte in "
                f"kleinere Dateien teilen (oder auf dem Server mit „manage.py import_customers“ einlesen).",
            )
        elif not data.get("datei"):
            self.add_error("datei", "Bitte eine Datei wählen.")
        return data


class AdminUploadForm(UploadForm):
    job_centre = forms.ModelChoiceField(label="Jobcenter", queryset=JobCentre.objects.order_by("name"))
    field_order = ["job_centre", "datei"]


def _memory_only(request) -> LimitedMemoryUploadHandler | None:
    """Replace the upload handlers before the body is read (the caller is csrf_exempt and
    checks the token itself, after this)."""
    if request.method != "POST":
        return None
    handler = LimitedMemoryUploadHandler(import_files.MAX_BYTES)
    request.upload_handlers = [handler]
    return handler


def _receive(request, form, *, job_centre, team):
    """The upload's rows kept for the preview, or None with the form's error."""
    if not form.is_valid():
        return None
    upload = form.cleaned_data["datei"]
    try:
        rows = import_files.read(upload.name, upload.read())
        imports.match_header(rows.header, team_given=team is not None)
    except ImportFileError as error:
        form.add_error("datei", str(error))
        return None
    return imports.keep(rows, job_centre=job_centre, team=team, user=request.user)


def _preview(request, pending, *, template: str, again_url: str, done_url: str, context: dict):
    """Show the plan; on POST import it (aktion=importieren) or discard it (aktion=verwerfen)."""
    today = timezone.localdate()
    rows = FileRows(pending.header, [(line, cells) for line, cells in pending.rows])
    try:
        plan = imports.plan(pending.job_centre, rows, team=pending.team, today=today)
    except ImportFileError as error:  # the teams changed since the upload
        pending.delete()
        messages.error(request, str(error))
        return redirect(again_url)
    problem = ""
    if request.method == "POST" and request.POST.get("aktion") == "verwerfen":
        pending.delete()
        messages.info(request, "Import verworfen: nichts übernommen.")
        return redirect(again_url)
    if request.method == "POST" and request.POST.get("aktion") == "importieren":
        if plan.with_duplicates and not request.POST.get("dubletten_geprueft"):
            problem = "Bitte zuerst bestätigen, dass die möglichen Dubletten geprüft sind."
        else:
            try:
                done = imports.apply(pending.job_centre, plan, by=request.user, today=today)
            except imports.ImportRefused as refused:
                problem = str(refused)
            else:
                pending.delete()
                messages.success(
                    request,
                    f"Import abgeschlossen: {german_number(done[imports.CREATE])} neu angelegt, "
                    f"{german_number(done[imports.CHANGE])} geändert, "
                    f"{german_number(done[imports.UNCHANGED])} unverändert.",
                )
                return redirect(done_url)
    expires = timezone.localtime(pending.created_at) + timedelta(minutes=imports.KEEP_MINUTES)
    return render(
        request,
        template,
        {**context, "plan": plan, "pending": pending, "problem": problem, "expires": expires},
        status=400 if problem else 200,
    )


def _forbidden(request):
    return render(
        request,
        "caseload/forbidden.html",
        {"message": "Kunden importiert die Teamleitung (für das eigene Team) oder die Fachadministration."},
        status=403,
    )


# --- The team lead's pages --------------------------------------------------------------------


@csrf_exempt  # checked by _upload, once the upload handler is in place
@require_http_methods(["GET", "POST"])
def upload(request):
    return _upload(request, _memory_only(request))


@csrf_protect
@staff_required
def _upload(request, handler):
    staff = request.staff
    if not staff.is_team_lead:
        return _forbidden(request)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        too_big=bool(handler and handler.too_big),
    )
    if form.is_bound:
        pending = _receive(request, form, job_centre=staff.job_centre, team=staff.team)
        if pending is not None:
            return redirect("customer_import_preview", pk=pending.pk)
    return render(
        request,
        "caseload/import_upload.html",
        {"form": form, "staff": staff, "columns": imports.COLUMNS, "keep_minutes": imports.KEEP_MINUTES},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def preview(request, pk):
    staff = request.staff
    if not staff.is_team_lead:
        return _forbidden(request)
    pending = imports.pending_for(pk, user=request.user, job_centre_id=staff.job_centre_id)
    if pending is None:
        raise Http404("Diese Vorschau gibt es nicht (mehr): bitte die Datei erneut hochladen.")
    return _preview(
        request,
        pending,
        template="caseload/import_preview.html",
        again_url=reverse("customer_import"),
        done_url=reverse("worklist") + "?bestand=team&liste=alle",
        context={"staff": staff},
    )


# --- The admin's pages (CustomerAdmin.get_urls) ------------------------------------------------


def _check_admin(request):
    if not (request.user.has_perm("caseload.add_customer") and request.user.has_perm("caseload.change_customer")):
        raise PermissionDenied


@csrf_exempt  # checked by _admin_upload, once the upload handler is in place
def admin_upload(request):
    return _admin_upload(request, _memory_only(request))


@csrf_protect
@require_http_methods(["GET", "POST"])
def _admin_upload(request, handler):
    _check_admin(request)
    form = AdminUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        too_big=bool(handler and handler.too_big),
    )
    if form.is_bound:
        centre = form.cleaned_data.get("job_centre") if form.is_valid() else None
        pending = _receive(request, form, job_centre=centre, team=None) if centre else None
        if pending is not None:
            return redirect("admin:caseload_customer_import_preview", pk=pending.pk)
    return render(
        request,
        "admin/caseload/customer/import_upload.html",
        {
            **admin.site.each_context(request),
            "title": "Kunden importieren",
            "form": form,
            "columns": imports.COLUMNS,
            "keep_minutes": imports.KEEP_MINUTES,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def admin_preview(request, pk):
    _check_admin(request)
    pending = imports.pending_for(pk, user=request.user)
    if pending is None:
        raise Http404("Diese Vorschau gibt es nicht (mehr): bitte die Datei erneut hochladen.")
    return _preview(
        request,
        pending,
        template="admin/caseload/customer/import_preview.html",
        again_url=reverse("admin:caseload_customer_import"),
        done_url=reverse("admin:caseload_customer_changelist"),
        context={**admin.site.each_context(request), "title": "Import prüfen"},
    )
