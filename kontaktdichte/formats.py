"""German dates and numbers for messages and files, as Django's localisation writes them (the
German locale's formats, LANGUAGE_CODE "de"): the one place Python code turns a date into text.
Templates write dates with the builtin `|day` filter (kontaktdichte/templatetags/dates.py, this
module's `day`) and other figures with Django's filters (`date`, `floatformat`)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone


def day(value: date) -> str:
    """31.12.2026, as `date_format(value, "SHORT_DATE_FORMAT")` writes it (a test compares them)."""
    # Written out: date_format parses its format on every call (~15 µs), and a list page or a
    # customer's history shows dozens of dates.
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def moment(value: datetime) -> str:
    """31.12.2026 14:05, in local time."""
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def decimal(value, places: int | None = 1) -> str:
    """1,5; with `places` None as many places as the value has (21,5 and 20)."""
    return formats.number_format(value, places)
