"""Every write to an appointment or an absence: one transaction each, German messages in
`ServiceError`.

Double booking: `book_appointment` locks the caseworker's Staff row, then looks for an
overlapping appointment that is not cancelled. Concurrent bookings for one caseworker queue on
that lock (PostgreSQL) or on the database file (SQLite), so the second one sees the first.
On PostgreSQL the exclusion constraint `appointment_no_double_booking` also stands behind every
other path that writes appointments; its IntegrityError becomes the same message. Employer
appointments (`employers.services.book_employer_appointment`) share the table, the lock, the
checks of time and place (`check_time_and_place`, `schedule_errors`) and the overlap check
(`save_without_overlap`).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import events as audit
from caseload import services as caseload_services
from caseload.models import Customer, Staff
from caseload.services import ServiceError, check_version
from kontaktdichte import formats
from policies.models import RuleSet

from . import scheduling
from .models import Absence, Appointment, GroupSession, Office, OpeningHours
from .slots import BERLIN, Hours, hours_by_weekday, within

BOOKING_YEARS_AHEAD = 2

log = logging.getLogger(__name__)

DOUBLE_BOOKED = (
    "Die Fachkraft hat zu dieser Zeit schon einen Termin (einschließlich Vor- und "
    "Nachbereitung). Bitte einen anderen Zeitpunkt wählen."
)
CONSTRAINT = "appointment_no_double_booking"


def subject_for(kind: str, rule_code: str) -> str:
    label = dict(Appointment.KINDS)[kind]
    return f"{label} {rule_code}".strip()


def overlapping(caseworker_id: int, start: datetime, blocked_until: datetime, *, exclude_pk=None, session_pk=None):
    """The caseworker's appointments that block any of that time; those of the group session
    `session_pk` share it with each other and are left out."""
    clashes = Appointment.objects.filter(
        caseworker_id=caseworker_id, status__in=Appointment.BLOCKING, start__lt=blocked_until, blocked_until__gt=start
    )
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    if session_pk is not None:
        clashes = clashes.exclude(group_session_id=session_pk)
    return clashes


def is_busy(caseworker_id: int, start: datetime, blocked_until: datetime, *, session_pk=None) -> bool:
    """Whether the caseworker's time is taken: by an appointment or by a group session (which
    blocks it even before anyone is booked), other than the session `session_pk`."""
    sessions = GroupSession.objects.filter(
        caseworker_id=caseworker_id, status=GroupSession.PLANNED, start__lt=blocked_until, blocked_until__gt=start
    ).exclude(pk=session_pk)
    return overlapping(caseworker_id, start, blocked_until, session_pk=session_pk).exists() or sessions.exists()


def rule_set_on(customer: Customer, day: date, known: RuleSet | None = None) -> RuleSet | None:
    """The rule set in force on `day`; `known` (one already loaded, e.g. today's) saves the
    query when it is in force on that day too."""
    if known is not None and known.valid_from <= day and (known.valid_until is None or day <= known.valid_until):
        return known
    return caseload_services.rule_set_for(customer, day)


def check_schedule(
    rule_set: RuleSet | None,
    *,
    mode: str,
    kind: str,
    start: datetime,
    end: datetime,
    office: Office | None,
    opening: Hours | None,
) -> dict[str, str]:
    """The rule set's scheduling rules, as {field: message}: only its bookable channels are
    booked, and where it says so an office appointment lies within the office's opening hours
    (`opening`: that office's hours, needed only then). No database."""
    if rule_set is None or mode not in Appointment.CHANNEL or kind not in dict(Appointment.ALL_KINDS):
        return {}
    channel = Appointment.channel_for(mode, kind)
    if not scheduling.is_bookable(channel, rule_set):
        field = "kind" if kind == Appointment.GROUP else "mode"
        return {field: scheduling.not_bookable(channel, rule_set.bookable_channels)}
    if mode != Appointment.OFFICE or office is None or not scheduling.binds_to_opening_hours(rule_set):
        return {}
    if not opening:
        # Without recorded hours nothing can be checked: refused rather than let through.
        return {"office": scheduling.no_opening_hours(office.name)}
    if not within(start, end, opening):
        weekday = start.astimezone(BERLIN).weekday()
        return {"start": scheduling.outside_opening_hours(office.name, weekday, opening)}
    return {}


def check_start(start: datetime, now: datetime) -> dict[str, str]:
    """A start that cannot be right: decades ahead, or a wall-clock time that does not exist on
    its day (the hour skipped when clocks go forward, last Sunday of March)."""
    if start > now + timedelta(days=366 * BOOKING_YEARS_AHEAD):
        return {
            "start": f"Termine können höchstens {BOOKING_YEARS_AHEAD} Jahre im Voraus vereinbart werden: "
            f"bitte das Datum prüfen."
        }
    # A time zone normalises a time that does not exist on the way through UTC (02:30 -> 03:30).
    if start.astimezone(UTC).astimezone(start.tzinfo).replace(tzinfo=None) != start.replace(tzinfo=None):
        return {
            "start": f"Die Uhrzeit {start:%H:%M} gibt es am {formats.day(start)} nicht: in dieser Nacht werden "
            f"die Uhren von 2 auf 3 Uhr vorgestellt. Bitte eine andere Uhrzeit wählen."
        }
    return {}


def check_booking(
    *,
    customer: Customer,
    caseworker: Staff,
    start: datetime,
    minutes: int,
    mode: str,
    office: Office | None,
    now: datetime,
    max_minutes: int | None = None,
) -> dict[str, str]:
    """The rules a booking must meet before the overlap check, as {field: message}."""
    errors = check_time_and_place(
        job_centre_id=customer.job_centre_id,
        caseworker=caseworker,
        start=start,
        minutes=minutes,
        mode=mode,
        office=office,
        now=now,
    )
    if "minutes" not in errors and max_minutes is not None and minutes > max_minutes:
        errors["minutes"] = (
            f"Ohne hinreichende Deutschkenntnisse dauert ein Termin nach dem "
            f"Kontaktdichtekonzept höchstens {max_minutes} Minuten."
        )
    return errors


def check_time_and_place(
    *, job_centre_id: int, caseworker: Staff, start: datetime, minutes: int, mode: str, office: Office | None, now
) -> dict[str, str]:
    """What every appointment of the job centre must meet, with a customer or an employer:
    a plausible future start, a known mode, an office of the job centre for an office
    appointment, a length."""
    errors = check_start(start, now)
    if caseworker.job_centre_id != job_centre_id:
        errors["caseworker"] = "Die Fachkraft gehört zu einem anderen Jobcenter."
    if mode not in dict(Appointment.MODES):
        errors["mode"] = "Unbekannte Terminart."
    elif mode == Appointment.OFFICE and office is None:
        errors["office"] = "Für einen Termin in der Regionalstelle bitte die Regionalstelle wählen."
    if office is not None and office.job_centre_id != job_centre_id:
        errors["office"] = "Die Regionalstelle gehört zu einem anderen Jobcenter."
    if minutes is None or minutes <= 0:
        errors["minutes"] = "Die Dauer muss mindestens eine Minute betragen."
    if start < now and "start" not in errors:
        errors["start"] = "Ein Termin kann nicht in der Vergangenheit vereinbart werden."
    return errors


def schedule_errors(rule_set, *, mode, kind, start, end, office) -> dict[str, str]:
    """`check_schedule` with the office's opening hours read where the rule set binds to them."""
    opening = None
    if mode == Appointment.OFFICE and office is not None and scheduling.binds_to_opening_hours(rule_set):
        opening = hours_by_weekday(
            OpeningHours.objects.filter(office_id=office.pk).values_list("weekday", "start", "end")
        )
    return check_schedule(rule_set, mode=mode, kind=kind, start=start, end=end, office=office, opening=opening)


def save_without_overlap(appointment: Appointment) -> None:
    """Save a new appointment unless its caseworker is busy then (preparation included; a group
    session blocks its time); on PostgreSQL the exclusion constraint stands behind the check.
    The caller holds `lock_staff` for the caseworker."""
    if is_busy(appointment.caseworker_id, appointment.start, appointment.blocked_until):
        raise ServiceError({"start": DOUBLE_BOOKED})
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if CONSTRAINT in str(error):
            raise ServiceError({"start": DOUBLE_BOOKED}) from None
        raise


@transaction.atomic
def book_appointment(
    *,
    customer: Customer,
    caseworker: Staff,
    by,
    start: datetime,
    minutes: int,
    preparation_minutes: int = 0,
    kind: str = Appointment.FOLLOW_UP,
    mode: str = Appointment.OFFICE,
    office: Office | None = None,
    max_minutes: int | None = None,
    now: datetime | None = None,
) -> Appointment:
    now = now or timezone.now()
    # Serialise bookings per caseworker: whoever holds this lock sees every earlier booking.
    lock_staff(caseworker)
    errors = check_booking(
        customer=customer,
        caseworker=caseworker,
        start=start,
        minutes=minutes,
        mode=mode,
        office=office,
        now=now,
        max_minutes=max_minutes,
    )
    if kind not in dict(Appointment.KINDS):
        errors["kind"] = "Unbekannte Gesprächsart."
    end = start + timedelta(minutes=minutes or 0)
    if not errors.keys() & {"start", "office", "kind"}:
        rule_set = rule_set_on(customer, start.astimezone(BERLIN).date())
        for field, message in schedule_errors(
            rule_set, mode=mode, kind=kind, start=start, end=end, office=office
        ).items():
            errors.setdefault(field, message)
    if errors:
        raise ServiceError(errors)
    appointment = Appointment(
        job_centre_id=customer.job_centre_id,
        customer=customer,
        caseworker=caseworker,
        mode=mode,
        office=office if mode == Appointment.OFFICE else None,
        start=start,
        end=end,
        preparation_minutes=preparation_minutes or 0,
        blocked_until=end + timedelta(minutes=preparation_minutes or 0),
        kind=kind,
        subject=subject_for(kind, customer.due_code),
        rule_code=customer.due_code,
        booked_by=by,
    )
    save_without_overlap(appointment)
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=appointment, what="booked")
    log.info("appointment %s booked for customer id %s, staff id %s", appointment.pk, customer.pk, caseworker.pk)
    return appointment


def locked(appointment: Appointment, expected_version: int | None = None, by=None) -> Appointment:
    """Re-read the appointment under a row lock: two clicks on two screens must not both win; a
    form read at an older version is refused (`check_version`). The caller's save raises the
    version (`saved`)."""
    fresh = Appointment.objects.select_for_update().get(pk=appointment.pk, job_centre_id=appointment.job_centre_id)
    check_version(fresh, expected_version)
    appointment.status = fresh.status
    appointment.contact_note_id = fresh.contact_note_id
    appointment.version = fresh.version
    if by is not None:
        appointment._history_user = by
    return appointment


def saved(appointment: Appointment, fields: list[str]) -> None:
    appointment.version += 1
    appointment.save(update_fields=[*fields, "version"])
    audit.record(
        audit.Event.CUSTOMER_CHANGED,
        user=getattr(appointment, "_history_user", None),
        customer_id=appointment.customer_id,
        job_centre_id=appointment.job_centre_id,
        obj=appointment,
        what=f"appointment_{appointment.status}",
    )


def _require_planned(appointment: Appointment, what: str):
    if appointment.status != Appointment.PLANNED:
        raise ServiceError(
            {
                "__all__": f"Der Termin ist bereits {appointment.get_status_display()}; "
                f"{what} geht nur bei geplanten Terminen."
            }
        )


@transaction.atomic
def record_attendance(
    *, appointment: Appointment, by, now: datetime | None = None, expected_version: int | None = None
) -> Appointment:
    """The customer came. The contact note follows (`write_appointment_note`), which moves the due date."""
    now = now or timezone.now()
    appointment = locked(appointment, expected_version, by)
    _require_planned(appointment, "„wahrgenommen“ erfassen")
    if appointment.start > now:
        raise ServiceError({"__all__": "Ein Termin kann erst ab seinem Beginn als wahrgenommen erfasst werden."})
    appointment.status = Appointment.ATTENDED
    appointment.outcome_reason, appointment.important_reason = "", False
    saved(appointment, ["status", "outcome_reason", "important_reason"])
    renumber_missed(appointment.customer_id, appointment.job_centre_id)
    return appointment


@transaction.atomic
def mark_missed(
    *,
    appointment: Appointment,
    by,
    reason: str = "",
    important_reason: bool = False,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Appointment:
    """Nicht erschienen. With an important reason (wichtiger Grund) the absence is excused and
    does not count in the customer's sequence of missed appointments."""
    now = now or timezone.now()
    appointment = locked(appointment, expected_version, by)
    _require_planned(appointment, "„nicht erschienen“ erfassen")
    if appointment.start > now:
        raise ServiceError({"__all__": "Ein Termin kann erst ab seinem Beginn als versäumt erfasst werden."})
    if important_reason and not (reason or "").strip():
        raise ServiceError({"outcome_reason": "Bitte den wichtigen Grund angeben."})
    appointment.status = Appointment.MISSED
    appointment.outcome_reason, appointment.important_reason = (reason or "").strip(), important_reason
    saved(appointment, ["status", "outcome_reason", "important_reason"])
    renumber_missed(appointment.customer_id, appointment.job_centre_id)
    appointment.refresh_from_db(fields=["missed_sequence"])
    return appointment


@transaction.atomic
def excuse_missed(*, appointment: Appointment, by, reason: str, expected_version: int | None = None) -> Appointment:
    """An excuse that arrives later: the miss no longer counts, later misses move up."""
    appointment = locked(appointment, expected_version, by)
    if appointment.status != Appointment.MISSED:
        raise ServiceError({"__all__": "Nur ein versäumter Termin kann entschuldigt werden."})
    if not (reason or "").strip():
        raise ServiceError({"outcome_reason": "Bitte den wichtigen Grund angeben."})
    appointment.outcome_reason, appointment.important_reason = reason.strip(), True
    saved(appointment, ["outcome_reason", "important_reason"])
    renumber_missed(appointment.customer_id, appointment.job_centre_id)
    appointment.refresh_from_db(fields=["missed_sequence"])
    return appointment


@transaction.atomic
def cancel_appointment(
    *, appointment: Appointment, by, by_customer: bool, reason: str = "", expected_version: int | None = None
) -> Appointment:
    appointment = locked(appointment, expected_version, by)
    _require_planned(appointment, "eine Absage")
    appointment.status = Appointment.CANCELLED_CUSTOMER if by_customer else Appointment.CANCELLED_CENTRE
    appointment.outcome_reason = (reason or "").strip()
    saved(appointment, ["status", "outcome_reason"])
    return appointment


def renumber_missed(customer_id: int, job_centre_id: int) -> None:
    """Number the customer's unexcused misses in a row: 1, 2, 3 ... since the last attended
    appointment; an attended one starts again, excused and cancelled ones do not count."""
    rows = list(
        Appointment.objects.filter(
            customer_id=customer_id, job_centre_id=job_centre_id, status__in=(Appointment.ATTENDED, Appointment.MISSED)
        )
        .order_by("start", "pk")
        .values_list("pk", "status", "important_reason", "missed_sequence")
    )
    sequence, changed = 0, []
    for pk, status, excused, stored in rows:
        if status == Appointment.ATTENDED:
            sequence, wanted = 0, None
        elif excused:
            wanted = None
        else:
            sequence += 1
            wanted = sequence
        if wanted != stored:
            changed.append(Appointment(pk=pk, missed_sequence=wanted))
    if changed:
        Appointment.objects.bulk_update(changed, ["missed_sequence"])


@transaction.atomic
def write_appointment_note(
    *,
    appointment: Appointment,
    by,
    summary: str,
    agreements: str = "",
    follow_up_on: date | None = None,
    checklist=None,
    date=None,
    channel=None,
    today=None,
    **follow_ups,
):
    """The contact note for an attended appointment: `caseload.services.record_contact` writes
    it and moves the due date; the appointment keeps a link to it. `follow_ups`: the note's
    activities and the like, as `record_contact` takes them."""
    appointment = locked(appointment)
    if appointment.status != Appointment.ATTENDED:
        raise ServiceError(
            {"__all__": "Ein Beratungsvermerk zum Termin geht erst, wenn er als wahrgenommen erfasst ist."}
        )
    if appointment.contact_note_id is not None:
        raise ServiceError({"__all__": "Zu diesem Termin gibt es schon einen Beratungsvermerk."})
    note, decision = caseload_services.record_contact(
        customer=appointment.customer,
        by=by,
        date=date or timezone.localdate(appointment.start),
        channel=channel or appointment.channel,
        summary=summary,
        agreements=agreements,
        follow_up_on=follow_up_on,
        checklist=checklist,
        today=today,
        **follow_ups,
    )
    appointment.contact_note = note
    appointment.save(update_fields=["contact_note"])
    return note, decision


# --- Absences ----------------------------------------------------------------------------

# Further from today than this, a date is a typing error (2062 for 2026), not a plan.
ABSENCE_YEARS_AT_MOST = 2


def lock_staff(staff: Staff) -> None:
    """Serialise writes for one member of staff: two team leads entering overlapping absences
    at once must not both pass the overlap check; bookings and group sessions take the same
    lock, so each sees every earlier booking."""
    list(
        Staff.objects.select_for_update()
        .filter(pk=staff.pk, job_centre_id=staff.job_centre_id)
        .values_list("pk", flat=True)
    )


def _implausible(day: date, today: date) -> str | None:
    years = relativedelta(years=ABSENCE_YEARS_AT_MOST)
    if today - years < day < today + years:
        return None
    return f"Das Datum liegt {ABSENCE_YEARS_AT_MOST} Jahre oder mehr vor oder nach heute: bitte prüfen."


def _overlap(staff: Staff, start: date, end: date, exclude_pk: int | None) -> str | None:
    clash = (
        Absence.objects.filter(job_centre_id=staff.job_centre_id, staff_id=staff.pk, start__lte=end, end__gte=start)
        .exclude(pk=exclude_pk)
        .order_by("start")
        .first()
    )
    if clash is None:
        return None
    return (
        f"In dieser Zeit ist schon eine Abwesenheit erfasst: {clash.get_kind_display()} vom "
        f"{formats.day(clash.start)} bis {formats.day(clash.end)}. Bitte diese ändern oder andere Tage wählen."
    )


def check_absence(
    staff: Staff, *, kind: str, start: date, end: date, today: date, exclude_pk: int | None = None
) -> dict[str, str]:
    """An absence's plausibility and overlap with the person's others (`exclude_pk`: the one
    being edited, in the admin), as {field: message}."""
    errors = {}
    if kind not in dict(Absence.KINDS):
        errors["kind"] = "Bitte die Art der Abwesenheit wählen."
    for field, day in (("start", start), ("end", end)):
        message = _implausible(day, today)
        if message:
            errors[field] = message
    if "end" not in errors and end < start:
        errors["end"] = "Das Ende darf nicht vor dem Beginn liegen."
    if not errors:
        message = _overlap(staff, start, end, exclude_pk)
        if message:
            errors["start"] = message
    return errors


def check_absence_end(absence: Absence, *, end: date, today: date) -> dict[str, str]:
    """A new last day for an absence: not before its first, plausible, no overlap."""
    message = _implausible(end, today)
    if message is None and end < absence.start:
        message = f"Die Abwesenheit beginnt am {formats.day(absence.start)}: das Ende darf nicht davor liegen."
    if message is None and end > absence.end:
        message = _overlap(absence.staff, absence.end + timedelta(days=1), end, absence.pk)
    return {"end": message} if message else {}


@transaction.atomic
def record_absence(*, staff: Staff, kind: str, start: date, end: date, by, today: date | None = None) -> Absence:
    """Leave, sickness, training or a day on the immediate-placement desk, whole days from
    `start` to `end`. Who may record it for whom (a team lead, for the own team) is the
    caller's check: `selectors.absence_member`."""
    today = today or timezone.localdate()
    lock_staff(staff)
    errors = check_absence(staff, kind=kind, start=start, end=end, today=today)
    if errors:
        raise ServiceError(errors)
    absence = Absence.objects.create(
        job_centre_id=staff.job_centre_id, staff=staff, kind=kind, start=start, end=end, recorded_by=by
    )
    # Ids only: the kind of an absence (sickness) is personal data.
    log.info("absence %s recorded for staff id %s by user id %s", absence.pk, staff.pk, by.pk)
    return absence


@transaction.atomic
def change_absence_end(*, absence: Absence, end: date, by, today: date | None = None) -> Absence:
    """Shorten an absence (back from sickness early) or lengthen it (the sickness goes on).
    `absence` comes with its `staff` (`selectors.get_absence_for_lead`)."""
    today = today or timezone.localdate()
    lock_staff(absence.staff)
    fresh = Absence.objects.get(pk=absence.pk, job_centre_id=absence.job_centre_id)
    absence.start, absence.end = fresh.start, fresh.end
    errors = check_absence_end(absence, end=end, today=today)
    if errors:
        raise ServiceError(errors)
    absence.end = end
    absence.save(update_fields=["end"])
    log.info(
        "absence %s of staff id %s now ends on another day, changed by user id %s", absence.pk, absence.staff_id, by.pk
    )
    return absence


@transaction.atomic
def delete_absence(*, absence: Absence, by) -> None:
    lock_staff(absence.staff)
    deleted, _ = Absence.objects.filter(pk=absence.pk, job_centre_id=absence.job_centre_id).delete()
    if not deleted:
        raise ServiceError({"__all__": "Diese Abwesenheit ist schon gelöscht."})
    log.info("absence %s of staff id %s deleted by user id %s", absence.pk, absence.staff_id, by.pk)
