"""Group information sessions (Gruppeninformationen): writes and reads.

A session has a caseworker, an office and room, a capacity and many participants. Each
participant is an Appointment of kind `group` linked to the session, with its times: the
session blocks the caseworker's time once, and booking a customer into it is no double
booking (`services.is_busy` leaves the session's own appointments out). Places are counted
under a lock on the session's row (and the caseworker's, as every booking takes it), so two
bookings at once never take more places than there are; on PostgreSQL the exclusion
constraint (migration 0005) and the unique place per customer stand behind it.

Attendance is recorded per participant; each one who attended gets a contact note in the group
channel (`caseload.services.record_contact`), which counts as a qualified contact where the
rule set counts "group" (Weimarer Land), and not where it does not (Coburg Land).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from audit import events as audit
from caseload import activities
from caseload import services as caseload_services
from caseload.models import Customer, Staff
from caseload.services import ServiceError, check_version
from kontaktdichte import formats
from policies.models import RuleSet

from . import services
from .models import Appointment, GroupSession, OpeningHours
from .slots import BERLIN, hours_by_weekday

log = logging.getLogger(__name__)

GROUP_CHANNEL = "group"


def full(capacity: int) -> str:
    return f"Die Gruppeninformation ist ausgebucht: alle {capacity} Plätze sind vergeben."


# --- Sessions ----------------------------------------------------------------------------------


def check_session(*, caseworker: Staff, office, room, topic, capacity, start: datetime, minutes, now) -> dict:
    """A new session's plausibility and the rule set's scheduling rules, as {field: message}."""
    errors = services.check_start(start, now)
    if start < now and "start" not in errors:
        errors["start"] = "Eine Gruppeninformation kann nicht in der Vergangenheit angelegt werden."
    if office is None or office.job_centre_id != caseworker.job_centre_id:
        errors["office"] = "Bitte eine Regionalstelle des Jobcenters wählen."
    if not (room or "").strip():
        errors["room"] = "Bitte den Raum angeben."
    if not (topic or "").strip():
        errors["topic"] = "Bitte das Thema angeben."
    if not capacity or capacity < 1:
        errors["capacity"] = "Eine Gruppeninformation braucht mindestens einen Platz."
    if not minutes or minutes <= 0:
        errors["minutes"] = "Die Dauer muss mindestens eine Minute betragen."
    if errors:
        return errors
    rule_set = RuleSet.objects.of_job_centre_on(caseworker.job_centre_id, start.astimezone(BERLIN).date())
    opening = hours_by_weekday(OpeningHours.objects.filter(office_id=office.pk).values_list("weekday", "start", "end"))
    return services.check_schedule(
        rule_set,
        mode=Appointment.OFFICE,
        kind=Appointment.GROUP,
        start=start,
        end=start + timedelta(minutes=minutes),
        office=office,
        opening=opening,
    )


@transaction.atomic
def create_session(
    *, caseworker: Staff, by, office, room, topic, capacity, start, minutes, preparation_minutes=0, now=None
) -> GroupSession:
    now = now or timezone.now()
    services.lock_staff(caseworker)
    errors = check_session(
        caseworker=caseworker,
        office=office,
        room=room,
        topic=topic,
        capacity=capacity,
        start=start,
        minutes=minutes,
        now=now,
    )
    if errors:
        raise ServiceError({"kind" if k == "mode" else k: v for k, v in errors.items()})
    end = start + timedelta(minutes=minutes)
    blocked_until = end + timedelta(minutes=preparation_minutes or 0)
    if services.is_busy(caseworker.pk, start, blocked_until):
        raise ServiceError({"start": services.DOUBLE_BOOKED})
    session = GroupSession(
        job_centre_id=caseworker.job_centre_id,
        caseworker=caseworker,
        office=office,
        room=room.strip(),
        topic=topic.strip(),
        capacity=capacity,
        start=start,
        end=end,
        preparation_minutes=preparation_minutes or 0,
        blocked_until=blocked_until,
        created_by=by,
    )
    session._history_user = by
    session.save()
    log.info("group session %s created for staff id %s", session.pk, caseworker.pk)
    return session


@transaction.atomic
def book_participant(*, session: GroupSession, customer: Customer, by, now=None) -> Appointment:
    """Book a customer into the session: one of its places, no double booking."""
    now = now or timezone.now()
    services.lock_staff(session.caseworker)
    session = GroupSession.objects.select_for_update().get(pk=session.pk, job_centre_id=session.job_centre_id)
    if session.status != GroupSession.PLANNED:
        raise ServiceError({"__all__": "Die Gruppeninformation ist abgesagt."})
    if session.start <= now:
        raise ServiceError({"__all__": "Die Gruppeninformation hat schon begonnen: keine Anmeldungen mehr."})
    if customer.job_centre_id != session.job_centre_id:
        raise ServiceError({"customer": "Der Kunde gehört zu einem anderen Jobcenter."})
    places = session.participants.exclude(status__in=Appointment.CANCELLED)
    if places.filter(customer_id=customer.pk).exists():
        raise ServiceError({"customer": f"Kunde {customer.number} ist schon angemeldet."})
    if places.count() >= session.capacity:
        raise ServiceError({"customer": full(session.capacity)})
    if services.is_busy(session.caseworker_id, session.start, session.blocked_until, session_pk=session.pk):
        raise ServiceError({"__all__": services.DOUBLE_BOOKED})
    appointment = Appointment(
        job_centre_id=session.job_centre_id,
        customer=customer,
        caseworker_id=session.caseworker_id,
        mode=Appointment.OFFICE,
        office_id=session.office_id,
        start=session.start,
        end=session.end,
        preparation_minutes=session.preparation_minutes,
        blocked_until=session.blocked_until,
        kind=Appointment.GROUP,
        subject=services.subject_for(Appointment.GROUP, customer.due_code),
        rule_code=customer.due_code,
        group_session=session,
        booked_by=by,
    )
    appointment._history_user = by
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if "one_place" in str(error) or "UNIQUE" in str(error).upper():
            raise ServiceError({"customer": f"Kunde {customer.number} ist schon angemeldet."}) from None
        if services.CONSTRAINT in str(error):
            raise ServiceError({"__all__": services.DOUBLE_BOOKED}) from None
        raise
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=appointment, what="group_booked")
    return appointment


@transaction.atomic
def record_group_attendance(
    *,
    session: GroupSession,
    by,
    attended: set[int],
    missed: dict[int, str],
    summary: str,
    follow_up_on: date | None = None,
    keep_follow_up: bool = False,
    checklist=None,
    expected_version: int | None = None,
    now=None,
    today=None,
) -> tuple[int, int]:
    """Attendance per participant (appointment ids): each one in `attended` is attended and
    gets a contact note in the group channel with `summary` (and `follow_up_on`, or with
    `keep_follow_up` the follow-up date in force for that customer where there is one); each in
    `missed` is "nicht erschienen" with its reason. Participants in neither stay open. One
    transaction: a participant's note the rules refuse refuses all, naming the customer by
    number. Returns (attended, missed)."""
    now, today = now or timezone.now(), today or timezone.localdate()
    session = GroupSession.objects.select_for_update().get(pk=session.pk, job_centre_id=session.job_centre_id)
    check_version(session, expected_version)
    if session.start > now:
        raise ServiceError({"__all__": "Die Anwesenheit lässt sich erst ab Beginn der Gruppeninformation erfassen."})
    if attended & set(missed):
        raise ServiceError({"__all__": "Jede Person ist entweder anwesend oder nicht erschienen, nicht beides."})
    day = session.start.astimezone(BERLIN).date()
    participants = list(
        session.participants.filter(status=Appointment.PLANNED, pk__in=attended | set(missed))
        .select_related("customer")
        .order_by("customer_id")
    )
    errors = {}
    for appointment in participants:
        customer = appointment.customer
        if appointment.pk in missed:
            services.mark_missed(appointment=appointment, by=by, reason=missed[appointment.pk], now=now)
            continue
        services.record_attendance(appointment=appointment, by=by, now=now)
        own = activities.current_follow_up(customer, today) if keep_follow_up else None
        try:
            note, _decision = caseload_services.record_contact(
                customer=customer,
                by=by,
                date=day,
                channel=GROUP_CHANNEL,
                summary=summary,
                follow_up_on=own if own is not None and own > day else follow_up_on,
                checklist=checklist,
                today=today,
            )
        except ServiceError as error:
            for field, messages in error.message_dict.items():
                target = field if field in ("summary", "follow_up_on") else "__all__"
                errors.setdefault(target, []).extend(f"Kunde {customer.number}: {m}" for m in messages)
            continue
        appointment.contact_note = note
        appointment.save(update_fields=["contact_note"])
    if errors:
        raise ServiceError(errors)
    session.version += 1
    session._history_user = by
    session.save(update_fields=["version"])
    done = sum(1 for a in participants if a.pk not in missed)
    log.info("group session %s: %d attended, %d missed", session.pk, done, len(participants) - done)
    return done, len(participants) - done


# --- Reads -------------------------------------------------------------------------------------


def team_sessions(staff: Staff):
    """Sessions held by members of the staff member's team, in their job centre."""
    return GroupSession.objects.filter(job_centre_id=staff.job_centre_id, caseworker__team_id=staff.team_id)


def with_places(queryset):
    """Annotate `taken`: places taken (participants not cancelled)."""
    return queryset.annotate(
        taken=Count("participants", filter=~Q(participants__status__in=Appointment.CANCELLED)),
        open_attendance=Count("participants", filter=Q(participants__status=Appointment.PLANNED)),
    )


def upcoming(staff: Staff, now: datetime, *, days_back: int = 14):
    """The team's sessions from `days_back` days ago on, with places taken. One query."""
    return list(
        with_places(team_sessions(staff).filter(start__gte=now - timedelta(days=days_back)))
        .select_related("office", "caseworker__user")
        .order_by("start")
    )


def bookable(staff: Staff, now: datetime):
    """Planned sessions still to come with a free place, for booking a customer. One query."""
    rows = with_places(team_sessions(staff).filter(status=GroupSession.PLANNED, start__gt=now)).select_related("office")
    return [s for s in rows.order_by("start")[:20] if s.taken < s.capacity]


def get_session_for_staff(staff: Staff, pk: int) -> GroupSession:
    return get_object_or_404(
        with_places(team_sessions(staff)).select_related("office", "caseworker__user", "job_centre"), pk=pk
    )


def participants(session: GroupSession) -> list[Appointment]:
    return list(
        session.participants.select_related("customer", "contact_note").order_by("status", "customer__number", "pk")
    )


def describe(session: GroupSession) -> str:
    return f"{session.topic}, {formats.moment(session.start)}, {session.office.name}, Raum {session.room}"
