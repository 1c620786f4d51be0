"""The caseworker's appointments as an iCalendar feed: customer numbers only, never names."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from .models import Appointment


def feed(appointments, *, now: datetime, host: str = "kontaktdichte") -> bytes:
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
        event.add("summary", f"{appointment.subject} · Kunde {appointment.customer.number}")
        if appointment.mode == Appointment.OFFICE and appointment.office is not None:
            event.add("location", ", ".join(filter(None, (appointment.office.name, appointment.office.address))))
        else:
            event.add("location", appointment.get_mode_display())
        event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
        if appointment.preparation_minutes:
            event.add("description", f"Danach {appointment.preparation_minutes} Min. Vor-/Nachbereitung.")
        cal.add_component(event)
    return cal.to_ical()
