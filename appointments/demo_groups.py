"""Demo group sessions (setup_demo, once): for the demo caseworker a past session with
participants, most of them present (with their group-channel notes), one not, one still open
(attendance can still be recorded), and a session next week with places left. Through
`appointments.groups`, at a time the week's appointments leave free within the office's
opening hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from caseload.models import Customer, Staff
from caseload.services import ServiceError

from . import groups
from .models import GroupSession, Office
from .slots import BERLIN

TIMES = (time(8, 0), time(10, 30), time(9, 0), time(11, 0))


def _session(staff, office, days, *, capacity, topic):
    for day in days:
        for start_time in TIMES:
            start = datetime.combine(day, start_time, tzinfo=BERLIN)
            try:
                return groups.create_session(
                    caseworker=staff,
                    by=staff.user,
                    office=office,
                    room="Schulungsraum 1",
                    topic=topic,
                    capacity=capacity,
                    start=start,
                    minutes=90,
                    now=start - timedelta(days=7),
                )
            except ServiceError:
                continue
    return None


def ensure_group_sessions(staff: Staff | None, today: date) -> int:
    """Returns how many sessions were created (0 when the caseworker has some already)."""
    if staff is None or GroupSession.objects.filter(caseworker=staff).exists():
        return 0
    office = Office.objects.filter(job_centre_id=staff.job_centre_id).order_by("pk").first()
    if office is None:
        return 0
    customers = list(
        Customer.objects.filter(
            job_centre_id=staff.job_centre_id,
            team_id=staff.team_id,
            closed_on__isnull=True,
            registered_on__lte=today - timedelta(days=30),
        ).order_by("-pk")[:10]
    )
    past_days = [today - timedelta(days=n) for n in range(2, 9) if (today - timedelta(days=n)).weekday() < 5]
    next_days = [today + timedelta(days=n) for n in range(7, 14) if (today + timedelta(days=n)).weekday() < 5]
    created = 0
    past = _session(staff, office, past_days, capacity=8, topic="Bewerbung und Vorstellungsgespräch")
    if past is not None:
        created += 1
        places = [
            groups.book_participant(session=past, customer=c, by=staff.user, now=past.start - timedelta(days=3))
            for c in customers[:6]
        ]
        groups.record_group_attendance(
            session=past,
            by=staff.user,
            attended={p.pk for p in places[:4]},
            missed={places[4].pk: "keine Rückmeldung"},
            summary="Teilnahme an der Gruppeninformation „Bewerbung und Vorstellungsgespräch“.",
            keep_follow_up=True,
            now=past.end,
            today=today,
        )
    coming = _session(staff, office, next_days, capacity=12, topic="Wege in Arbeit: Angebote des Jobcenters")
    if coming is not None:
        created += 1
        for customer in customers[6:9]:
            groups.book_participant(session=coming, customer=customer, by=staff.user)
    return created
