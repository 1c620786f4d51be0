"""The working-time pages: the share of working time in consultations (per caseworker and
month) and the team lead's record of absences. Thin views over `selectors` and `services`, as
in `appointments.views`."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseload.access import staff_required
from caseload.forms import add_service_errors
from kontaktdichte import formats
from kontaktdichte.dates import month_bounds
from kontaktdichte.plausible import in_page_reach

from . import selectors, services
from .forms import (
    AbsenceEndForm,
    AbsenceForm,
)
from .views import run_service
from .working_time import rule_sets_between

log = logging.getLogger(__name__)


# --- Share of working time ---------------------------------------------------------------------


def _month_param(request) -> date:
    raw = request.GET.get("monat")
    try:
        month = date.fromisoformat(f"{raw}-01") if raw else timezone.localdate().replace(day=1)
    except ValueError:
        raise Http404("Unbekannter Monat.") from None
    return in_page_reach(month, timezone.localdate())


def _neighbours(month: date) -> tuple[date, date]:
    return (month - timedelta(days=1)).replace(day=1), (month + timedelta(days=32)).replace(day=1)


@require_GET
@staff_required
def share(request):
    staff = request.staff
    month = _month_param(request)
    members = selectors.team_members(staff) if staff.is_team_lead else [staff]
    ids = [m.pk for m in members]
    shares = selectors.consultation_share(staff.job_centre, members, month)
    missed_counts = selectors.missed_appointments(staff.job_centre_id, ids, month)
    rows = [(m, shares[m.pk], missed_counts[m.pk]) for m in members]
    previous, following = _neighbours(month)
    return render(
        request,
        "appointments/share.html",
        {
            "staff": staff,
            "month": month,
            "rows": rows,
            "previous": previous,
            "following": following,
            "target": next((s.target for s in shares.values()), None),
        },
    )


# --- Absences ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def absences(request):
    """The month's absences. A team lead sees the team's and records new ones here; a
    caseworker sees only their own, read-only (the share page counts them)."""
    staff, today = request.staff, timezone.localdate()
    month = _month_param(request)
    first, last = month_bounds(month)
    if not staff.is_team_lead:
        if request.method == "POST":
            return render(
                request, "caseload/forbidden.html", {"message": "Abwesenheiten erfasst die Teamleitung."}, status=403
            )
        members, form, shown = [], None, None
    else:
        members = selectors.team_members(staff)
        by_id = {str(m.pk): m for m in members}
        shown = request.GET.get("fachkraft") or None
        if shown is not None and shown not in by_id:
            raise Http404("Keine Abwesenheiten für diese Person.")
        if request.method == "POST" and request.POST.get("staff") and request.POST["staff"] not in by_id:
            raise Http404("Keine Abwesenheiten für diese Person.")  # another team's: as if unknown
        form = AbsenceForm(request.POST if request.method == "POST" else None, members=members, today=today)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                absence = services.record_absence(
                    staff=data["staff"],
                    kind=data["kind"],
                    start=data["start"],
                    end=data["end"],
                    by=request.user,
                    today=today,
                )
            except services.ServiceError as error:
                add_service_errors(form, error.message_dict)
            else:
                messages.success(
                    request,
                    f"{absence.get_kind_display()} für {data['staff']} vom "
                    f"{formats.day(absence.start)} bis {formats.day(absence.end)} erfasst.",
                )
                return redirect(f"{reverse('appointments:absences')}?monat={absence.start:%Y-%m}")
    rule_sets = rule_sets_between(staff.job_centre_id, first, last)
    previous, following = _neighbours(month)
    return render(
        request,
        "appointments/absences.html",
        {
            "staff": staff,
            "month": month,
            "previous": previous,
            "following": following,
            "form": form,
            "members": members,
            "shown": shown,
            "rows": selectors.absences(staff, first, last, staff_id=int(shown) if shown else None),
            "desk_excluded": any(r.immediate_placement_excluded for r in rule_sets),
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def absence(request, pk):
    """Change when an absence ends, or delete it (team leads, their own team's)."""
    instance = selectors.get_absence_for_lead(request.staff, pk)
    today = timezone.localdate()
    form = AbsenceEndForm(request.POST if request.method == "POST" else None, absence=instance, today=today)
    if form.is_bound and form.is_valid():
        try:
            services.change_absence_end(absence=instance, end=form.cleaned_data["end"], by=request.user, today=today)
        except services.ServiceError as error:
            add_service_errors(form, error.message_dict)
        else:
            messages.success(
                request,
                f"{instance.get_kind_display()} für {instance.staff} endet jetzt am {formats.day(instance.end)}.",
            )
            return redirect(f"{reverse('appointments:absences')}?monat={instance.start:%Y-%m}")
    return render(
        request,
        "appointments/absence.html",
        {"absence": instance, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@staff_required
def absence_delete(request, pk):
    instance = selectors.get_absence_for_lead(request.staff, pk)
    run_service(
        request,
        lambda: services.delete_absence(absence=instance, by=request.user),
        lambda: (
            f"{instance.get_kind_display()} für {instance.staff} vom {formats.day(instance.start)} bis "
            f"{formats.day(instance.end)} gelöscht."
        ),
    )
    return redirect(f"{reverse('appointments:absences')}?monat={instance.start:%Y-%m}")
