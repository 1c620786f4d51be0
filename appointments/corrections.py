"""Outcome corrections: "wahrgenommen" and "nicht erschienen" swapped on the day the outcome was
recorded (a wrong click), with a confirmation step on the page and the correction in the
appointment's history; and what a miss means before it is recorded (its number in a row)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from caseload import activities
from caseload.services import ServiceError

from . import services
from .models import Appointment

log = logging.getLogger(__name__)

CORRECTABLE = (Appointment.ATTENDED, Appointment.MISSED)


def outcome_recorded_on(appointment: Appointment) -> date | None:
    """The day the appointment's outcome was last recorded (from its history). One query."""
    moment = (
        appointment.history.filter(status=appointment.status)
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return timezone.localdate(moment) if moment is not None else None


def check_correction(appointment: Appointment, to: str, today: date) -> str | None:
    """Why "wahrgenommen" / "nicht erschienen" cannot be swapped now (None: it can): only on
    the day the outcome was recorded, and only between those two."""
    if appointment.status not in CORRECTABLE or to not in CORRECTABLE or to == appointment.status:
        return "Korrigieren lässt sich nur „wahrgenommen“ in „nicht erschienen“ und umgekehrt."
    if outcome_recorded_on(appointment) != today:
        return (
            "Das Ergebnis wurde nicht heute erfasst: eine Korrektur geht nur am selben Tag. "
            "Ein nachträglich entschuldigtes Versäumnis bitte als entschuldigt erfassen."
        )
    return None


@transaction.atomic
def correct_outcome(
    *,
    appointment: Appointment,
    by,
    to: str,
    reason: str = "",
    important_reason: bool = False,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Appointment:
    """Swap "wahrgenommen" and "nicht erschienen" on the day the outcome was recorded, e.g. a
    wrong click. The history keeps both, with the correction as its reason. A contact note
    written for the attended appointment goes with it (the customer was not there), and the due
    date is recomputed; the misses in a row are renumbered."""
    now = now or timezone.now()
    appointment = services.locked(appointment, expected_version, by)
    message = check_correction(appointment, to, timezone.localdate(now))
    if message:
        raise ServiceError({"__all__": message})
    if important_reason and not (reason or "").strip():
        raise ServiceError({"outcome_reason": "Bitte den wichtigen Grund angeben."})
    before = appointment.get_status_display()
    note_id = appointment.contact_note_id
    appointment.status = to
    appointment.outcome_reason = (reason or "").strip() if to == Appointment.MISSED else ""
    appointment.important_reason = bool(important_reason) and to == Appointment.MISSED
    appointment.contact_note = None
    appointment._change_reason = f"Korrektur am selben Tag: {before} → {appointment.get_status_display()}"
    services.saved(appointment, ["status", "outcome_reason", "important_reason", "contact_note"])
    if note_id is not None:
        activities.delete_contact_note(
            customer=appointment.customer, note_id=note_id, by=by, today=timezone.localdate(now)
        )
    services.renumber_missed(appointment.customer_id, appointment.job_centre_id)
    appointment.refresh_from_db(fields=["missed_sequence"])
    log.info("outcome of appointment %s corrected by user id %s", appointment.pk, by.pk)
    return appointment


def next_missed_sequence(appointment: Appointment) -> int:
    """The number a miss of this appointment would get: unexcused misses in a row before it, plus
    one. One query."""
    rows = (
        Appointment.objects.filter(
            customer_id=appointment.customer_id,
            job_centre_id=appointment.job_centre_id,
            status__in=(Appointment.ATTENDED, Appointment.MISSED),
            start__lt=appointment.start,
        )
        .order_by("-start", "-pk")
        .values_list("status", "important_reason")
    )
    count = 0
    for status, excused in rows:
        if status == Appointment.ATTENDED:
            break
        count += 0 if excused else 1
    return count + 1
