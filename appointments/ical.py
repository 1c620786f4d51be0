"""The caseworker's appointments as an iCalendar feed: customer numbers only, never names or
addresses (a field visit's place is looked up in Kontaktdichte); employer appointments without
the employer's name."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from .models import Appointment

FIELD_VISIT_LOCATION = "Hausbesuch beim Kunden (Anschrift in Kontaktdichte)"
EMPLOYER_SUMMARY = "Arbeitgebertermin (Einzelheiten in Kontaktdichte)"


def feed(appointments, *, now: datetime, host: str = "kontaktdichte", sessions=()) -> bytes:
    """Appointments, and group sessions once each (their participants by count only)."""
    cal = Calendar()
    cal.add("prodid", "-//Kontaktdichte//Termine//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Kontaktdichte: Termine")
    for appointment in appointments:
        event = Event()
        event.add("uid", f"termin-{appointment.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", appointment.start)
        event.add("dtend", appointment.end)
        field_visit = appointment.mode == Appointment.FIELD
        if appointment.kind == Appointment.EMPLOYER:
            # Not even the employer's name: a sole trader's name is a person's.
            summary = EMPLOYER_SUMMARY
        else:
            summary = f"{appointment.subject} · Kunde {appointment.customer.number}"
        event.add("summary", f"{'Außendienst: ' if field_visit else ''}{summary}")
        if appointment.mode == Appointment.OFFICE and appointment.office is not None:
            event.add("location", ", ".join(filter(None, (appointment.office.name, appointment.office.address))))
        elif field_visit:
            # The customer's address stays in Kontaktdichte: the feed carries no personal data.
            event.add("location", FIELD_VISIT_LOCATION)
        else:
            event.add("location", appointment.get_mode_display())
        event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
        if appointment.preparation_minutes:
            event.add("description", f"Danach {appointment.preparation_minutes} Min. Vor-/Nachbereitung.")
        cal.add_component(event)
    for session in sessions:
        event = Event()
        event.add("uid", f"gruppe-{session.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", session.start)
        event.add("dtend", session.end)
        event.add("summary", f"Gruppeninformation: {session.topic}")
        event.add("location", ", ".join(filter(None, (session.office.name, f"Raum {session.room}"))))
        event.add("status", "CANCELLED" if session.status == session.CANCELLED else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
