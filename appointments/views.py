"""Appointment pages: thin views over `selectors` (reads), `forms` and `services` (writes).

Who may see what follows `caseload.access`: a caseworker or team lead works with the
appointments of their team's customers; another team's appointment is a 404; users without a
Staff profile get the 403 page. URLs carry database ids only, never names.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseload import access
from caseload import services as caseload_services
from caseload.access import staff_required
from caseload.forms import ContactNoteForm, add_service_errors, note_form
from caseload.presenters import contact_message, due_context
from kontaktdichte.plausible import in_page_reach

from . import corrections, groups, ical, scheduling, selectors, services
from .forms import (
    BookingForm,
    CancelForm,
    CorrectionForm,
    ExcuseForm,
    MissedForm,
    OutcomeForm,
    offered,
)
from .lengths import default_length
from .models import Appointment, CalendarFeed, GroupSession, Office
from .slots import BERLIN

log = logging.getLogger(__name__)

FEED_PAST_DAYS, FEED_FUTURE_DAYS = 30, 180


def _day_param(request, name) -> date:
    raw = request.GET.get(name)
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise Http404("Unbekanntes Datum.") from None
        return in_page_reach(day, timezone.localdate())
    return timezone.localdate()


# --- Calendar ----------------------------------------------------------------------------------


@require_GET
@staff_required
def day(request):
    staff, now = request.staff, timezone.now()
    owner = selectors.calendar_owner(staff, request.GET.get("fachkraft"))
    shown = _day_param(request, "tag")
    days = selectors.calendar_days(owner, shown, shown, now)
    return render(
        request,
        "appointments/day.html",
        {
            "staff": staff,
            "owner": owner,
            "day": days[0],
            "shown": shown,
            "previous": shown - timedelta(days=1),
            "next": shown + timedelta(days=1),
            "unresolved": selectors.unresolved(owner, now),
            "members": selectors.team_members(staff) if staff.is_team_lead else [],
        },
    )


@require_GET
@staff_required
def week(request):
    staff, now = request.staff, timezone.now()
    owner = selectors.calendar_owner(staff, request.GET.get("fachkraft"))
    shown = _day_param(request, "woche")
    monday = shown - timedelta(days=shown.weekday())
    days = selectors.calendar_days(owner, monday, monday + timedelta(days=6), now)
    return render(
        request,
        "appointments/week.html",
        {
            "staff": staff,
            "owner": owner,
            "days": days,
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "members": selectors.team_members(staff) if staff.is_team_lead else [],
        },
    )


# --- Booking -----------------------------------------------------------------------------------


def _suggestions_for(request, offices, modes) -> tuple[str, Office | None]:
    """The mode (and office) the page suggests times for: `?art=` a mode, `?stelle=` an office's
    id; by default the first office, else the first mode the rule set books."""
    mode = request.GET.get("art") or (Appointment.OFFICE if offices and Appointment.OFFICE in modes else modes[0])
    if mode not in modes:
        raise Http404("Für diese Terminart gibt es keine Vorschläge.")
    if mode != Appointment.OFFICE:
        return mode, None
    office = next((o for o in offices if str(o.pk) == request.GET.get("stelle")), None)
    if request.GET.get("stelle") and office is None:
        raise Http404("Unbekannte Regionalstelle.")
    return mode, office or (offices[0] if offices else None)


def _suggestion_links(offices, modes, mode, office) -> list[dict]:
    """'Vorschläge für: Regionalstelle … | Außendienst | …' as plain links (no JavaScript)."""
    links = []
    for code, label in Appointment.MODES:
        if code not in modes:
            continue
        if code == Appointment.OFFICE:
            links += [{"label": o.name, "query": f"?art={code}&stelle={o.pk}", "current": o == office} for o in offices]
        else:
            links.append(
                {
                    "label": "Außendienst" if code == Appointment.FIELD else label,
                    "query": f"?art={code}",
                    "current": code == mode,
                }
            )
    return links


@require_http_methods(["GET", "POST"])
@staff_required
def book(request, pk):
    staff, now = request.staff, timezone.now()
    customer = access.get_customer_for_user(request.user, pk, staff=staff)
    caseworker = customer.caseworker or staff
    today = timezone.localdate()
    rule_set = caseload_services.rule_set_for(customer, today)
    limited = "limited_german" in (customer.flags or [])
    lengths = {kind: default_length(rule_set, kind, limited_german=limited) for kind, _ in Appointment.KINDS}
    default_kind = Appointment.FIRST if customer.last_contact_on is None else Appointment.FOLLOW_UP
    offices = selectors.offices(customer.job_centre_id)
    modes, _kinds = offered(rule_set)
    mode, office = _suggestions_for(request, offices, modes)
    suggestions = selectors.suggest_slots(
        customer, caseworker, lengths[default_kind], now, mode=mode, office=office, rule_set=rule_set
    )
    initial_office, initial_slot = office or next(iter(offices), None), suggestions.initial
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        customer=customer,
        rule_set=rule_set,
        offices=offices,
        suggestions=suggestions,
        lengths={k: v.minutes for k, v in lengths.items()},
        cap=lengths[default_kind].cap,
        initial={
            "kind": default_kind,
            "mode": mode,
            "office": initial_office.pk if initial_office else None,
            "slot": initial_slot.key if initial_slot else None,
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        length = lengths[data["kind"]]
        try:
            appointment = services.book_appointment(
                customer=customer,
                caseworker=caseworker,
                by=request.user,
                start=data["start"],
                minutes=data.get("minutes") or length.minutes,
                preparation_minutes=length.preparation,
                kind=data["kind"],
                mode=data["mode"],
                office=data.get("office"),
                max_minutes=length.cap,
                now=now,
            )
        except services.ServiceError as error:
            form.add_booking_errors(error.message_dict)
        else:
            message = f"Termin am {appointment.start.astimezone(BERLIN):%d.%m.%Y um %H:%M} Uhr vereinbart."
            if form.letter_warning:
                message += f" {form.letter_warning}"
            messages.success(request, message)
            return redirect("appointments:detail", pk=appointment.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "appointments/book.html",
        {
            **due_context(customer, today),
            "form": form,
            "suggestions": suggestions,
            "caseworker": caseworker,
            "rule_set": rule_set,
            "length": lengths[default_kind],
            "links": _suggestion_links(offices, modes, mode, office),
            "letter_hint": suggestions.letter_in_time_from
            and scheduling.letter_lead_hint(suggestions.lead_working_days, suggestions.letter_in_time_from),
            "missing_opening_hours": suggestions.missing_opening_hours
            and scheduling.no_opening_hours(office.name, bound=suggestions.bound_to_opening_hours),
            "appointments": selectors.customer_appointments(customer),
            "sessions": groups.bookable(staff, now),
        },
        status=status,
    )


# --- One appointment ---------------------------------------------------------------------------


@require_GET
@staff_required
def detail(request, pk):
    appointment = selectors.get_appointment_for_user(request.staff, pk)
    now = timezone.now()
    selectors.annotate_outside([appointment], appointment.job_centre_id)
    version = {"version": appointment.version}
    return render(
        request,
        "appointments/detail.html",
        {
            "appointment": appointment,
            "customer": appointment.customer,
            "now": now,
            "started": appointment.start <= now,
            "unresolved": appointment.is_unresolved(now),
            "missed_form": MissedForm(initial=version),
            "cancel_form": CancelForm(initial=version),
            "excuse_form": ExcuseForm(initial=version),
            "version_form": OutcomeForm(initial=version),
            "correction_form": CorrectionForm(initial=version),
            "next_missed": corrections.next_missed_sequence(appointment)
            if appointment.status == Appointment.PLANNED
            else None,
            "correctable": appointment.status in corrections.CORRECTABLE
            and corrections.check_correction(
                appointment,
                Appointment.MISSED if appointment.status == Appointment.ATTENDED else Appointment.ATTENDED,
                timezone.localdate(now),
            )
            is None,
            "history": appointment.history.order_by("-history_date").select_related("history_user")[:10],
        },
    )


def missed_consequence(appointment: Appointment) -> str:
    """What a miss means, said when it is recorded: its number in a row, and that a Rechtsfolge
    may follow (§ 32 SGB II, after hearing the customer) unless there was an important reason."""
    if appointment.important_reason:
        return "Nicht erschienen, aus wichtigem Grund entschuldigt: keine Rechtsfolge."
    return (
        f"Nicht erschienen: {appointment.missed_sequence}. unentschuldigtes Versäumnis in Folge. "
        f"Ohne wichtigen Grund kann eine Rechtsfolge folgen (Minderung wegen eines Meldeversäumnisses, "
        f"§ 32 SGB II); vorher ist der Kunde anzuhören."
    )


def run_service(request, action, success) -> bool:
    """Run a service call; its German errors become messages, else `success()` does. True if it ran."""
    try:
        action()
    except services.ServiceError as error:
        for text in error.messages:
            messages.error(request, text)
        return False
    messages.success(request, success())
    return True


def _outcome_form(request, form_class):
    """The posted outcome form, or None after telling the person what is wrong with it."""
    form = form_class(request.POST)
    if form.is_valid():
        return form
    messages.error(request, f"Nichts gespeichert: {form.errors_text()}")
    return None


@require_POST
@staff_required
def attended(request, pk):
    appointment = selectors.get_appointment_for_user(request.staff, pk)
    form = _outcome_form(request, OutcomeForm)
    if form is not None and run_service(
        request,
        lambda: services.record_attendance(
            appointment=appointment, by=request.user, expected_version=form.cleaned_data["version"]
        ),
        lambda: "Termin als wahrgenommen erfasst. Bitte jetzt den Beratungsvermerk schreiben.",
    ):
        return redirect("appointments:note", pk=appointment.pk)
    return redirect("appointments:detail", pk=appointment.pk)


@require_POST
@staff_required
def missed(request, pk):
    appointment = selectors.get_appointment_for_user(request.staff, pk)
    form = _outcome_form(request, MissedForm)
    if form is not None:
        run_service(
            request,
            lambda: services.mark_missed(
                appointment=appointment,
                by=request.user,
                reason=form.cleaned_data["outcome_reason"],
                important_reason=form.cleaned_data["important_reason"],
                expected_version=form.cleaned_data["version"],
            ),
            lambda: missed_consequence(appointment),
        )
    return redirect("appointments:detail", pk=appointment.pk)


@require_POST
@staff_required
def correct(request, pk):
    """Wahrgenommen <-> nicht erschienen, the same day: the first post shows what the correction
    does and asks to confirm; the confirmed post corrects."""
    appointment = selectors.get_appointment_for_user(request.staff, pk)
    form = _outcome_form(request, CorrectionForm)
    if form is None:
        return redirect("appointments:detail", pk=appointment.pk)
    data = form.cleaned_data
    if not data.get("confirm"):
        message = corrections.check_correction(appointment, data["to"], timezone.localdate())
        if message:
            messages.error(request, message)
            return redirect("appointments:detail", pk=appointment.pk)
        return render(
            request,
            "appointments/correct.html",
            {"appointment": appointment, "customer": appointment.customer, "form": form, "to": data["to"]},
        )
    if (
        run_service(
            request,
            lambda: corrections.correct_outcome(
                appointment=appointment,
                by=request.user,
                to=data["to"],
                reason=data["outcome_reason"],
                important_reason=data["important_reason"],
                expected_version=data["version"],
            ),
            lambda: (
                missed_consequence(appointment) + " (korrigiert)"
                if appointment.status == Appointment.MISSED
                else "Korrigiert: wahrgenommen. Bitte jetzt den Beratungsvermerk schreiben."
            ),
        )
        and appointment.status == Appointment.ATTENDED
    ):
        return redirect("appointments:note", pk=appointment.pk)
    return redirect("appointments:detail", pk=appointment.pk)


@require_POST
@staff_required
def excuse(request, pk):
    appointment = selectors.get_appointment_for_user(request.staff, pk)
    form = _outcome_form(request, ExcuseForm)
    if form is not None:
        run_service(
            request,
            lambda: services.excuse_missed(
                appointment=appointment,
                by=request.user,
                reason=form.cleaned_data["outcome_reason"],
                expected_version=form.cleaned_data["version"],
            ),
            lambda: "Versäumnis entschuldigt (wichtiger Grund).",
        )
    return redirect("appointments:detail", pk=appointment.pk)


@require_POST
@staff_required
def cancel(request, pk):
    appointment = selectors.get_appointment_for_user(request.staff, pk)
    form = _outcome_form(request, CancelForm)
    if form is not None:
        run_service(
            request,
            lambda: services.cancel_appointment(
                appointment=appointment,
                by=request.user,
                by_customer=form.cleaned_data["by"] == "kunde",
                reason=form.cleaned_data["outcome_reason"],
                expected_version=form.cleaned_data["version"],
            ),
            lambda: f"Termin {appointment.get_status_display()}.",
        )
    return redirect("appointments:detail", pk=appointment.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def note(request, pk):
    """The contact note for an attended appointment, with its date and channel filled in."""
    appointment = selectors.get_appointment_for_user(request.staff, pk)
    if appointment.status != Appointment.ATTENDED or appointment.contact_note_id:
        messages.error(request, "Zu diesem Termin ist kein Beratungsvermerk (mehr) offen.")
        return redirect("appointments:detail", pk=appointment.pk)
    customer = access.get_customer_for_user(request.user, appointment.customer_id, staff=request.staff)
    today = timezone.localdate()
    rule_set = caseload_services.rule_set_for(customer, today)
    form = note_form(
        ContactNoteForm,
        request,
        customer=customer,
        rule_set=rule_set,
        today=today,
        walk_in_allowed=False,
        initial={"date": timezone.localdate(appointment.start), "channel": appointment.channel},
    )
    if form.is_bound and form.is_valid():
        previous_due = customer.due_by
        appointment.customer = customer
        try:
            note, decision = services.write_appointment_note(
                appointment=appointment, by=request.user, today=today, **form.service_kwargs()
            )
        except services.ServiceError as error:
            add_service_errors(form, error.message_dict)
        else:
            messages.success(request, contact_message(note, decision, previous_due, today))
            return redirect("customer", pk=customer.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "appointments/note_form.html",
        {
            **due_context(customer, today),
            "form": form,
            "rule_set": rule_set,
            "appointment": appointment,
        },
        status=status,
    )


@require_GET
@staff_required
def invitation(request, pk):
    """The letter to the customer: no internal codes (the rule's code stays in the subject)."""
    appointment = selectors.get_appointment_for_user(request.staff, pk)
    customer, today = appointment.customer, timezone.localdate()
    office, caseworker = appointment.office, appointment.caseworker
    opening = []
    if scheduling.letter_names_opening_hours(caseload_services.rule_set_for(customer, today), customer.profile):
        # The appointment's office, or for a field visit every office of the job centre.
        opening = [
            (o, scheduling.opening_hours_lines(o.opening))
            for o in selectors.offices(customer.job_centre_id)
            if o.opening and (office is None or o.pk == office.pk)
        ]
    return render(
        request,
        "appointments/invitation.html",
        {
            "appointment": appointment,
            "customer": customer,
            "job_centre": customer.job_centre,
            "today": today,
            "cancel_phone": office.phone if office else "",
            "cancel_email": (office.email if office else "") or caseworker.user.email,
            "opening": opening,
        },
    )


# --- iCalendar feed ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def feed_settings(request):
    staff = request.staff
    feed, _created = CalendarFeed.objects.get_or_create(staff=staff)
    if request.method == "POST":
        feed.token = CalendarFeed._meta.get_field("token").default()
        feed.save(update_fields=["token", "created_at"])
        log.info("calendar feed token renewed for staff id %s", staff.pk)
        messages.success(request, "Neue Kalender-Adresse erzeugt; die alte gilt nicht mehr.")
        return redirect("appointments:feed_settings")
    url = request.build_absolute_uri(reverse("appointments:feed", args=[feed.address(request.user)]))
    return render(request, "appointments/feed_settings.html", {"staff": staff, "feed_url": url})


@login_not_required
@require_GET
def feed(request, token):
    """For calendar clients, which cannot log in: the secret address is the key."""
    subscription = CalendarFeed.find(token)
    if subscription is None:
        raise Http404("Unbekanntes Kalender-Abo.")
    staff, now = subscription.staff, timezone.now()
    span = {
        "job_centre_id": staff.job_centre_id,
        "caseworker_id": staff.pk,
        "start__gte": now - timedelta(days=FEED_PAST_DAYS),
        "start__lt": now + timedelta(days=FEED_FUTURE_DAYS),
    }
    rows = (
        Appointment.objects.filter(group_session__isnull=True, **span)
        .select_related("customer", "office")
        .only(
            "pk",
            "start",
            "end",
            "subject",
            "mode",
            "kind",
            "status",
            "preparation_minutes",
            "customer__number",
            "office__name",
            "office__address",
        )
        .order_by("start")
    )
    response = HttpResponse(
        ical.feed(
            rows,
            now=now,
            host=request.get_host().split(":")[0],
            sessions=GroupSession.objects.filter(**span).select_related("office").order_by("start"),
        ),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="termine.ics"'
    return response
