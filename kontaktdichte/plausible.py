"""Which days a page or a form accepts. A date typed or put in a URL decades away is a typing
error or a probe, never work to do: pages answer it with a German 400 page, forms with a message
beside the field, before any date arithmetic could overflow."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import BadRequest

from .dates import add_months, german_date

SGB_II_START = date(2005, 1, 1)  # no registration, measure or contact under SGB II before this
EARLIEST_BIRTH = date(1900, 1, 1)
PAGE_YEARS_BACK, PAGE_YEARS_AHEAD = 20, 10  # calendar and report pages
PLAN_YEARS_AHEAD = 10  # measures, exceptions: planned ends
BOOKING_YEARS_AHEAD = 2  # appointments


class Explained(BadRequest):
    """A bad request whose German message, and `hint` on what to do, the 400 page shows; never
    an internal text."""

    hint = "Bitte gehen Sie zurück und korrigieren Sie die Eingabe."


class OutOfReach(Explained):
    """A day outside what a page shows."""

    hint = "Bitte gehen Sie zurück und wählen Sie ein anderes Datum."


def page_bounds(today: date) -> tuple[date, date]:
    return add_months(today, -12 * PAGE_YEARS_BACK), add_months(today, 12 * PAGE_YEARS_AHEAD)


def in_page_reach(day: date, today: date) -> date:
    first, last = page_bounds(today)
    if not first <= day <= last:
        raise OutOfReach(
            f"Das Datum {german_date(day)} liegt außerhalb dessen, was diese Seite zeigt "
            f"({german_date(first)} bis {german_date(last)})."
        )
    return day


def years_ahead(today: date, years: int) -> date:
    return add_months(today, 12 * years)
