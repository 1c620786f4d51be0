"""Group information sessions (Gruppeninformationen): list, new session, one session with its
participants (booking by customer number) and attendance. Thin views over `groups`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseload import access
from caseload.access import staff_required
from caseload.forms import add_service_errors
from kontaktdichte import formats
from policies.models import RuleSet

from . import groups, selectors, services
from .group_forms import AttendanceForm, ParticipantForm, SessionForm
from .lengths import default_length
from .models import Appointment
from .slots import BERLIN


@require_GET
@staff_required
def sessions(request):
    staff, now = request.staff, timezone.now()
    return render(
        request, "appointments/groups.html", {"staff": staff, "now": now, "sessions": groups.upcoming(staff, now)}
    )


@require_http_methods(["GET", "POST"])
@staff_required
def create(request):
    staff = request.staff
    offices = selectors.offices(staff.job_centre_id)
    form = SessionForm(request.POST if request.method == "POST" else None, offices=offices)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rule_set = RuleSet.objects.of_job_centre_on(staff.job_centre_id, data["day"])
        try:
            session = groups.create_session(
                caseworker=staff,
                by=request.user,
                office=data["office"],
                room=data["room"],
                topic=data["topic"],
                capacity=data["capacity"],
                start=data["start"],
                minutes=data["minutes"],
                preparation_minutes=default_length(rule_set, Appointment.GROUP).preparation,
            )
        except services.ServiceError as error:
            add_service_errors(form, {("time" if k == "start" else k): v for k, v in error.message_dict.items()})
        else:
            messages.success(request, f"Gruppeninformation am {formats.moment(session.start)} angelegt.")
            return redirect("appointments:group", pk=session.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "appointments/group_form.html", {"staff": staff, "form": form}, status=status)


def _session_page(request, session, *, participant_form=None, attendance_form=None, status=200):
    now = timezone.now()
    participants = groups.participants(session)
    rule_set = RuleSet.objects.of_job_centre_on(session.job_centre_id, session.start.astimezone(BERLIN).date())
    return render(
        request,
        "appointments/group.html",
        {
            "session": session,
            "participants": participants,
            "free": session.capacity - session.taken,
            "started": session.start <= now,
            "counts_as_contact": rule_set is not None and "group" in rule_set.qualifying_channels,
            "participant_form": participant_form or ParticipantForm(),
            "attendance_form": attendance_form
            or AttendanceForm(participants=participants, rule_set=rule_set, session=session),
        },
        status=status,
    )


@require_GET
@staff_required
def session(request, pk):
    return _session_page(request, groups.get_session_for_staff(request.staff, pk))


@require_POST
@staff_required
def book(request, pk):
    """Book a customer of the team: by number (the session page) or by id (the customer's page)."""
    staff = request.staff
    session = groups.get_session_for_staff(staff, pk)
    form = ParticipantForm(request.POST)
    customer = None
    if request.POST.get("kunde", "").isdigit():
        customer = access.get_customer_for_user(request.user, int(request.POST["kunde"]), staff=staff)
    elif form.is_valid():
        customer = access.team_customers(staff).filter(number=form.cleaned_data["number"].strip()).first()
        if customer is None:
            form.add_error("number", "Im Team gibt es keinen Kunden mit dieser Nummer.")
    if customer is not None:
        try:
            groups.book_participant(session=session, customer=customer, by=request.user)
        except services.ServiceError as error:
            if request.POST.get("kunde"):
                for text in error.messages:
                    messages.error(request, text)
                return redirect("customer", pk=customer.pk)
            add_service_errors(form, {("number" if k == "customer" else k): v for k, v in error.message_dict.items()})
        else:
            messages.success(request, f"Kunde {customer.number} zur Gruppeninformation angemeldet.")
            if request.POST.get("kunde"):
                return redirect("customer", pk=customer.pk)
            return redirect("appointments:group", pk=session.pk)
    return _session_page(request, session, participant_form=form, status=400)


@require_POST
@staff_required
def attendance(request, pk):
    session = groups.get_session_for_staff(request.staff, pk)
    participants = groups.participants(session)
    rule_set = RuleSet.objects.of_job_centre_on(session.job_centre_id, session.start.astimezone(BERLIN).date())
    form = AttendanceForm(request.POST, participants=participants, rule_set=rule_set, session=session)
    if form.is_valid():
        attended, missed = form.outcome()
        data = form.cleaned_data
        try:
            present, absent = groups.record_group_attendance(
                session=session,
                by=request.user,
                attended=attended,
                missed=missed,
                summary=data["summary"],
                follow_up_on=data.get("follow_up_on"),
                keep_follow_up=data.get("keep_follow_up"),
                checklist=form.checklist(),
                expected_version=data["version"],
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Anwesenheit erfasst: {present} anwesend (mit Beratungsvermerk), {absent} nicht erschienen.",
            )
            return redirect("appointments:group", pk=session.pk)
    return _session_page(request, session, attendance_form=form, status=400)
