"""Date arithmetic the whole project shares, in plain Python (no Django: the engine uses it)."""

from __future__ import annotations

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """`day` plus (or minus) whole months, clamped to the month's end (31 Jan + 1 month = 28 Feb).

    The same as `day + dateutil.relativedelta(months=months)`, at a tenth of its cost: the
    bulk recompute runs this for every customer.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = 29 if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else _DAYS_IN_MONTH[month - 1]
    # Positional: date.replace parses keywords slowly (0.9 against 0.35 µs here).
    return day.replace(year, month, min(day.day, last))


def month_bounds(month_start: date) -> tuple[date, date]:
    """The first and the last day of the month `month_start` falls in."""
    first = month_start.replace(day=1)
    return first, add_months(first, 1) - ONE_DAY


def german_date(day: date) -> str:
    """31.12.2026: for the engine's reasons, which are built without Django. Pages and
    messages format dates with Django's localisation (`django.utils.formats.date_format`)."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def latest_start(day: date, months: int) -> date:
    """The latest day whose `months` later (`add_months`) is on or before `day`: a plan of that
    day or earlier is due for review by `day`. Month ends clamp: by 28 Feb, a plan of 31 Aug
    is six months old."""
    back = add_months(day, -months)
    if (day + ONE_DAY).month != day.month:  # `day` is its month's last: the whole month counts
        return add_months(back.replace(day=1), 1) - ONE_DAY
    return back
