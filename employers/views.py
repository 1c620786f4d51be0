"""The employer service's pages: its start page, the employer directory, one employer with
contact persons and notes. Thin views over `selectors` (reads and access), `forms` and
`services` (writes). URLs carry database ids only.

Every member of staff works with the employers of their own job centre (in JobAgentur EN the
placement officers are the employers' contacts too, 003 §4.2); the employer service (role
`employer_service`) has a start page of its own with the job centre's AG-S tasks.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from caseload.access import staff_required
from caseload.forms import add_service_errors
from caseload.models import Staff, person_name

from . import reachability, selectors, services
from .forms import ContactPersonForm, EmployerForm, EmployerNoteForm
from .models import ContactPerson, Employer

log = logging.getLogger(__name__)
PER_PAGE = 25


def _form_status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@require_GET
@staff_required
def start(request):
    """The employer service's start page; everyone else starts at the directory."""
    staff, today = request.staff, timezone.localdate()
    if not staff.is_employer_service:
        return redirect("employers:directory")
    tasks, task_total = selectors.employer_service_tasks(staff.job_centre_id, today)
    standard, desks = selectors.reachability_of(staff.job_centre_id)
    waiting = selectors.waiting_proposals(staff.job_centre_id)
    return render(
        request,
        "employers/start.html",
        {
            "staff": staff,
            "today": today,
            "tasks": tasks,
            "task_total": task_total,
            "offers": selectors.open_offers(staff.job_centre_id, limit=selectors.START_LIST),
            "waiting": [(p, (today - p.proposed_on).days) for p in waiting],
            "answer_overdue_days": selectors.ANSWER_OVERDUE.days,
            "mine": selectors.my_employers(staff),
            "standard": standard,
            "standard_text": standard and reachability.standard_text(standard.reachable_from, standard.reachable_until),
            "desks": desks,
        },
    )


@require_GET
@staff_required
def directory(request):
    staff = request.staff
    # NUL is no character a name has (and PostgreSQL refuses it in a query).
    search = (request.GET.get("suche") or "").replace("\x00", "").strip()[:100]
    sector = (request.GET.get("branche") or "").replace("\x00", "").strip()[:120]
    page = Paginator(selectors.directory(staff, search=search, sector=sector), PER_PAGE).get_page(
        request.GET.get("seite")
    )
    sizes = dict(Employer.SIZES)
    rows = [(row, selectors.manager_name(row), sizes.get(row["size"], "")) for row in page.object_list]
    return render(
        request,
        "employers/directory.html",
        {"page": page, "rows": rows, "search": search, "sector": sector, "sectors": selectors.sectors(staff)},
    )


def _staff_choices(job_centre_id: int) -> list[tuple[int, str]]:
    rows = (
        Staff.objects.filter(job_centre_id=job_centre_id)
        .order_by("user__last_name", "user__first_name", "pk")
        .values_list("pk", "user__first_name", "user__last_name", "user__username")
    )
    return [(pk, person_name(first, last, username)) for pk, first, last, username in rows]


@require_http_methods(["GET", "POST"])
@staff_required
def employer_form(request, pk=None):
    staff = request.staff
    employer = selectors.get_employer(staff, pk) if pk is not None else None
    form = EmployerForm(
        request.POST if request.method == "POST" else None,
        job_centre_id=staff.job_centre_id,
        staff_choices=_staff_choices(staff.job_centre_id),
        employer=employer,
    )
    if form.is_bound and form.is_valid():
        try:
            if employer is None:
                employer = services.create_employer(
                    job_centre_id=staff.job_centre_id, by=request.user, **form.service_kwargs()
                )
                messages.success(request, f"„{employer.name}“ ins Verzeichnis aufgenommen.")
            else:
                services.update_employer(
                    employer=employer,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    **form.service_kwargs(),
                )
                messages.success(request, "Arbeitgeber gespeichert.")
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            return redirect("employers:employer", pk=employer.pk)
    return render(
        request, "employers/employer_form.html", {"form": form, "employer": employer}, status=_form_status(form)
    )


@require_GET
@staff_required
def employer_detail(request, pk):
    employer = selectors.get_employer(request.staff, pk)
    page = selectors.employer_page(employer, timezone.now())
    return render(
        request, "employers/employer.html", {"employer": employer, "page": page, "today": timezone.localdate()}
    )


@require_http_methods(["GET", "POST"])
@staff_required
def contact_form(request, pk, contact_pk=None):
    employer = selectors.get_employer(request.staff, pk)
    contact = None
    if contact_pk is not None:
        contact = ContactPerson.objects.filter(
            pk=contact_pk, employer_id=employer.pk, job_centre_id=employer.job_centre_id
        ).first()
        if contact is None:
            raise Http404("Unbekannte Ansprechperson.")
    form = ContactPersonForm(request.POST if request.method == "POST" else None, contact=contact)
    if form.is_bound and form.is_valid():
        try:
            services.save_contact_person(
                employer=employer,
                by=request.user,
                contact=contact,
                expected_version=form.cleaned_data["version"],
                **form.service_kwargs(),
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Ansprechpartner/in gespeichert.")
            return redirect("employers:employer", pk=employer.pk)
    return render(
        request,
        "employers/contact_form.html",
        {"form": form, "employer": employer, "contact": contact},
        status=_form_status(form),
    )


@require_http_methods(["GET", "POST"])
@staff_required
def note_form(request, pk):
    employer = selectors.get_employer(request.staff, pk)
    today = timezone.localdate()
    form = EmployerNoteForm(
        request.POST if request.method == "POST" else None,
        contacts=list(employer.contacts.filter(job_centre_id=employer.job_centre_id, active=True)),
        today=today,
    )
    if form.is_bound and form.is_valid():
        try:
            services.record_employer_note(employer=employer, by=request.user, today=today, **form.service_kwargs())
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Vermerk gespeichert.")
            return redirect("employers:employer", pk=employer.pk)
    return render(request, "employers/note_form.html", {"form": form, "employer": employer}, status=_form_status(form))
