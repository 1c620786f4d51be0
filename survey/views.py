"""The survey's pages: the office tablet (no sign-in, answers only), typing in paper forms and the
evaluation (each behind its permission), with CSV and XLSX exports.

Who: the tablet's address opens the questionnaire of its office and nothing else. "Antwortbogen
hinzufügen" (`survey.add_response`) types in paper forms, "Kundenbefragung auswerten"
(`survey.view_results`) reads the evaluation: with a Staff profile for the own job centre,
without one (an admin, quality management) for every job centre. `is_staff` grants nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from appointments.models import Office
from audit import events as audit
from caseload.access import staff_for
from caseload.forms import add_service_errors
from kontaktdichte import formats
from kontaktdichte.spreadsheets import XlsxSheet, csv_response, xlsx_response
from policies.models import JobCentre
from reports import svg
from reports.gcfak import parse_quarter, quarter_of, recent_quarters

from . import evaluation, services
from .forms import PaperForm, QuestionnaireForm
from .models import Kiosk, Response, Survey

ENTRY, RESULTS = "survey.add_response", "survey.view_results"
EXPORTS = {"csv", "xlsx", "freitext-csv", "freitext-xlsx"}


def _forbidden(request, message):
    return render(request, "survey/forbidden.html", {"message": message}, status=403)


def _active_survey(job_centre_id: int) -> tuple[Survey | None, list]:
    survey = Survey.objects.filter(job_centre_id=job_centre_id, active=True).first()
    return survey, (list(survey.questions.order_by("position", "pk")) if survey else [])


# --- The tablet --------------------------------------------------------------------------------


def _kiosk(token: str) -> Kiosk:
    kiosk = Kiosk.objects.select_related("office").filter(token=token, active=True).first()
    if kiosk is None:
        raise Http404("Unbekannte Befragungsadresse.")
    return kiosk


@login_not_required
@require_http_methods(["GET", "POST"])
def kiosk(request, token):
    """For the tablet in the office: the questionnaire, and after sending it a thank-you page
    that leads back to an empty one. Nothing of earlier answers is ever shown here."""
    tablet = _kiosk(token)
    survey, questions = _active_survey(tablet.office.job_centre_id)
    if survey is None:
        return render(request, "survey/kiosk_closed.html", {"office": tablet.office})
    form = QuestionnaireForm(request.POST if request.method == "POST" else None, survey=survey, questions=questions)
    if form.is_bound and form.is_valid():
        quarter = quarter_of(timezone.localdate())
        try:
            services.record_response(
                survey=survey,
                office=tablet.office,
                answers=form.answers(),
                free_text=form.cleaned_data.get("free_text", ""),
                source=Response.KIOSK,
                year=quarter.year,
                quarter=quarter.number,
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            return redirect("survey:thanks", token=token)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "survey/kiosk.html", {"survey": survey, "form": form, "office": tablet.office}, status=status
    )


@login_not_required
@require_GET
def thanks(request, token):
    tablet = _kiosk(token)
    return render(request, "survey/kiosk_thanks.html", {"office": tablet.office, "token": token})


# --- Paper forms -------------------------------------------------------------------------------


def _centres(request, permission) -> tuple[list[JobCentre], object]:
    """The job centres the user may work with under `permission` and the Staff profile (or None)."""
    if not request.user.has_perm(permission):
        return [], None
    staff = staff_for(request.user)
    request.staff = staff  # the navigation's links for staff
    if staff is not None:
        return [staff.job_centre], staff
    return list(JobCentre.objects.order_by("name")), None


def _centre(request, centres) -> JobCentre:
    raw = request.GET.get("jobcenter")
    if not raw:
        return centres[0]
    for centre in centres:
        if str(centre.pk) == raw:
            return centre
    raise Http404("Kein Zugriff auf dieses Jobcenter.")


@require_http_methods(["GET", "POST"])
def entry(request):
    centres, _staff = _centres(request, ENTRY)
    if not centres:
        return _forbidden(request, "Papierbögen erfasst, wer das Recht „Antwortbogen hinzufügen“ hat.")
    centre = _centre(request, centres)
    survey, questions = _active_survey(centre.pk)
    if survey is None:
        return render(request, "survey/entry.html", {"centres": centres, "centre": centre, "survey": None})
    today = timezone.localdate()
    form = PaperForm(
        request.POST if request.method == "POST" else None,
        survey=survey,
        questions=questions,
        offices=list(Office.objects.filter(job_centre_id=centre.pk).order_by("name")),
        quarters=recent_quarters(today, 4),
        initial={"office": request.GET.get("stelle", "")},
    )
    if form.is_bound and form.is_valid():
        quarter = form.cleaned_data["quarter"]
        try:
            services.record_response(
                survey=survey,
                office=form.cleaned_data["office"],
                answers=form.answers(),
                free_text=form.cleaned_data.get("free_text", ""),
                source=Response.PAPER,
                year=quarter.year,
                quarter=quarter.number,
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Bogen gespeichert. Der nächste kann folgen.")
            query = f"?jobcenter={centre.pk}&stelle={form.cleaned_data['office'].pk}"
            return redirect(request.path + query)
    return render(
        request,
        "survey/entry.html",
        {"centres": centres, "centre": centre, "survey": survey, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Evaluation --------------------------------------------------------------------------------


@require_GET
def results(request):
    centres, _staff = _centres(request, RESULTS)
    if not centres:
        return _forbidden(request, "Die Auswertung liest, wer das Recht „Kundenbefragung auswerten“ hat.")
    centre = _centre(request, centres)
    today = timezone.localdate()
    quarter = parse_quarter(request.GET.get("quartal") or quarter_of(today).param, today)
    office_id = request.GET.get("stelle")
    office_id = int(office_id) if office_id and office_id.isdigit() else None
    export = request.GET.get("export")
    if export:
        return _export(request, centre, quarter, export)
    offices = evaluation.evaluate(centre.pk, quarter, free_texts_for=office_id)
    chosen = next((r for r in offices if r.office.pk == office_id), None)
    if office_id is not None and chosen is None:
        raise Http404("Unbekannte Regionalstelle.")
    responses, average = evaluation.centre_average(offices)
    return render(
        request,
        "survey/results.html",
        {
            "centres": centres,
            "centre": centre,
            "quarter": quarter,
            "quarters": recent_quarters(today),
            "offices": offices,
            "chosen": chosen,
            "responses": responses,
            "average": average,
            "min_group": evaluation.MIN_GROUP,
            "chart": svg.scale_bars(
                [(q.text, q.average) for q in chosen.questions],
                title=f"Durchschnitt je Frage, {chosen.office.name}, {quarter.label}",
            )
            if chosen is not None and chosen.questions
            else None,
            # The offices side by side; a hidden group is a row without a bar ("—").
            "overview_chart": svg.scale_bars(
                [(r.office.name, r.average) for r in offices],
                title=f"Durchschnitt je Regionalstelle, {quarter.label}",
            )
            if any(r.average is not None for r in offices)
            else None,
        },
    )


def _export(request, centre, quarter, export):
    if export not in EXPORTS:
        raise Http404("Unbekanntes Exportformat.")
    offices = evaluation.evaluate(centre.pk, quarter)
    name = f"befragung-{centre.slug}-{quarter.year}-q{quarter.number}"
    if export.startswith("freitext"):
        header, rows, name = (
            evaluation.FREE_TEXT_HEADER,
            list(evaluation.free_text_rows(centre.pk, offices, quarter)),
            f"{name}-freitexte",
        )
    else:
        header, rows = evaluation.HEADER, list(evaluation.export_rows(offices, quarter))
    audit.record(
        audit.Event.EXPORTED, user=request.user, job_centre_id=centre.pk, what=f"survey.{export}", rows=len(rows)
    )
    if export.endswith("csv"):
        return csv_response(header, [[_csv(v) for v in row] for row in rows], name)
    return xlsx_response(
        [
            XlsxSheet(
                title="Freitexte" if export.startswith("freitext") else "Auswertung",
                header=header,
                rows=rows,
                number_format=lambda index, value: "0.00" if isinstance(value, float) else None,
                heading=[
                    f"Kundenbefragung {centre.name}, {quarter.label}",
                    f"Gruppen unter {evaluation.MIN_GROUP} Antwortbögen werden nicht gezeigt.",
                ],
            )
        ],
        name,
    )


def _csv(value):
    return formats.decimal(value, 2) if isinstance(value, float) else ("" if value is None else value)
