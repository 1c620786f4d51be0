"""Builders for the appointment tests; personas come from tests/caseload/factories.py."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from appointments import services
from appointments.models import Appointment, Office, OpeningHours, WorkingHours
from appointments.slots import BERLIN

from ..caseload.factories import make_customer, overdue_customer, world  # noqa: F401


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def make_office(centre, name="Regionalstelle Rödental", hours=None) -> Office:
    """Opening hours Mon-Fri 8-12, Thursday also 14-18, unless `hours` say otherwise."""
    office = Office.objects.create(job_centre=centre, name=name, address="Bürgerplatz 1, 96472 Rödental")
    if hours is None:
        hours = [(d, time(8), time(12)) for d in range(5)] + [(3, time(14), time(18))]
    OpeningHours.objects.bulk_create([OpeningHours(office=office, weekday=d, start=s, end=e) for d, s, e in hours])
    return office


def give_working_hours(staff, days=range(5), start=time(8), end=time(16)):
    WorkingHours.objects.bulk_create([WorkingHours(staff=staff, weekday=d, start=start, end=end) for d in days])


def next_weekday(weekday: int, after: date | None = None) -> date:
    """The next date with that weekday strictly after `after` (default today)."""
    after = after or date.today()
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def book(
    customer,
    caseworker,
    start: datetime,
    minutes=30,
    preparation=0,
    *,
    office=None,
    now=None,
    kind=Appointment.FOLLOW_UP,
    mode=Appointment.OFFICE,
) -> Appointment:
    office = office or Office.objects.filter(job_centre_id=customer.job_centre_id).first()
    if mode == Appointment.OFFICE and office is None:
        office = make_office(customer.job_centre)
    return services.book_appointment(
        customer=customer,
        caseworker=caseworker,
        by=caseworker.user,
        start=start,
        minutes=minutes,
        preparation_minutes=preparation,
        kind=kind,
        mode=mode,
        office=office,
        now=now or start - timedelta(days=1),
    )


def past_appointment(customer, caseworker, start: datetime, minutes=30, **kwargs) -> Appointment:
    """Booked the day before, so it can lie in the past now."""
    return book(customer, caseworker, start, minutes, now=start - timedelta(days=1), **kwargs)
