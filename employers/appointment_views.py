"""Employer appointments: booked in the caseworker's calendar like a customer's (no double
booking, the rule set's bookable channels and opening hours), with their outcome and note."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appointments import selectors as appointment_selectors
from appointments.models import Appointment
from appointments.slots import BERLIN
from caseload.access import staff_required
from caseload.forms import add_service_errors

from . import selectors, services
from .forms import EmployerBookingForm, EmployerCancelForm, EmployerNoteForm, VersionForm


@require_http_methods(["GET", "POST"])
@staff_required
def book(request, pk):
    """An appointment with the employer in one's own calendar."""
    staff = request.staff
    employer = selectors.get_employer(staff, pk)
    form = EmployerBookingForm(
        request.POST if request.method == "POST" else None,
        contacts=list(employer.contacts.filter(job_centre_id=employer.job_centre_id, active=True)),
        offices=appointment_selectors.offices(staff.job_centre_id),
        today=timezone.localdate(),
    )
    if form.is_bound and form.is_valid():
        try:
            link = services.book_employer_appointment(
                employer=employer, caseworker=staff, by=request.user, **form.service_kwargs()
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            start = link.appointment.start.astimezone(BERLIN)
            messages.success(request, f"Arbeitgebertermin am {start:%d.%m.%Y um %H:%M} Uhr vereinbart.")
            return redirect("employers:appointment", pk=link.appointment_id)
    return render(
        request,
        "employers/book.html",
        {"form": form, "employer": employer, "staff": staff},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@staff_required
def appointment(request, pk):
    link = selectors.get_employer_appointment(request.staff, pk)
    now = timezone.now()
    version = {"version": link.appointment.version}
    return render(
        request,
        "employers/appointment.html",
        {
            "link": link,
            "appointment": link.appointment,
            "employer": link.employer,
            "started": link.appointment.start <= now,
            "planned": link.appointment.status == Appointment.PLANNED,
            "note": getattr(link.appointment, "employer_note", None),
            "version_form": VersionForm(initial=version),
            "cancel_form": EmployerCancelForm(initial=version),
        },
    )


def _run(request, action, success) -> bool:
    try:
        action()
    except services.ServiceError as error:
        for text in error.messages:
            messages.error(request, text)
        return False
    messages.success(request, success)
    return True


@require_POST
@staff_required
def attended(request, pk):
    link = selectors.get_employer_appointment(request.staff, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nichts gespeichert: {form.errors_text()}")
    elif _run(
        request,
        lambda: services.record_employer_attendance(
            link=link, by=request.user, expected_version=form.cleaned_data["version"]
        ),
        "Termin als wahrgenommen erfasst. Bitte jetzt den Vermerk schreiben.",
    ):
        return redirect("employers:appointment_note", pk=pk)
    return redirect("employers:appointment", pk=pk)


@require_POST
@staff_required
def cancel(request, pk):
    link = selectors.get_employer_appointment(request.staff, pk)
    form = EmployerCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nichts gespeichert: {form.errors_text()}")
    else:
        _run(
            request,
            lambda: services.cancel_employer_appointment(
                link=link,
                by=request.user,
                by_employer=form.cleaned_data["by"] == "arbeitgeber",
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            ),
            "Termin abgesagt; die Zeit ist wieder frei.",
        )
    return redirect("employers:appointment", pk=pk)


@require_http_methods(["GET", "POST"])
@staff_required
def appointment_note(request, pk):
    """The note of an attended employer appointment, date and channel filled in."""
    link = selectors.get_employer_appointment(request.staff, pk)
    appointment = link.appointment
    if appointment.status != Appointment.ATTENDED or hasattr(appointment, "employer_note"):
        messages.error(request, "Zu diesem Termin ist kein Vermerk (mehr) offen.")
        return redirect("employers:appointment", pk=pk)
    today = timezone.localdate()
    employer = link.employer
    form = EmployerNoteForm(
        request.POST if request.method == "POST" else None,
        contacts=list(employer.contacts.filter(job_centre_id=employer.job_centre_id)),
        today=today,
        initial={
            "date": timezone.localdate(appointment.start),
            "channel": appointment.channel,
            "contact_person": link.contact_person_id or "",
        },
    )
    if form.is_bound and form.is_valid():
        try:
            services.record_employer_note(
                employer=employer, by=request.user, appointment=appointment, today=today, **form.service_kwargs()
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Vermerk zum Termin gespeichert.")
            return redirect("employers:employer", pk=employer.pk)
    return render(
        request,
        "employers/note_form.html",
        {"form": form, "employer": employer, "appointment": appointment},
        status=400 if form.is_bound and form.errors else 200,
    )
