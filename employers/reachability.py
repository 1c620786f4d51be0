"""The employer service's reachability standard as a pure function (JobAgentur EN, 003 §4.2:
Monday to Friday, 8.00 to 17.00, by phone).

Input: a desk's weekly hours as (weekday, start, end) tuples and the standard's span. Output:
German messages, one per weekday that falls short; none means the hours meet the standard.
Several spans on one day count together (8-12 and 12-17 cover 8-17; 8-12 and 13-17 leave a gap).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

DAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
WORKDAYS = range(5)


def _fmt(t: time) -> str:
    return f"{t:%H:%M}"


def gaps(spans: Iterable[tuple[time, time]], start: time, end: time) -> list[tuple[time, time]]:
    """The parts of `start`–`end` that the spans leave uncovered, in order."""
    missing, cursor = [], start
    for span_start, span_end in sorted(spans):
        if span_end <= cursor:
            continue
        if span_start > cursor:
            missing.append((cursor, min(span_start, end)))
        cursor = max(cursor, span_end)
        if cursor >= end:
            break
    if cursor < end:
        missing.append((cursor, end))
    return [(a, b) for a, b in missing if a < b]


def check_service_hours(
    hours: Iterable[tuple[int, time, time]], reachable_from: time, reachable_until: time
) -> list[str]:
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in hours:
        if end > start:
            by_day.setdefault(weekday, []).append((start, end))
    errors = []
    for day in WORKDAYS:
        spans = by_day.get(day, [])
        if not spans:
            errors.append(f"{DAY_NAMES[day]}: nicht erreichbar.")
            continue
        missing = gaps(spans, reachable_from, reachable_until)
        if missing:
            errors.append(
                f"{DAY_NAMES[day]}: nicht erreichbar " + ", ".join(f"{_fmt(a)}–{_fmt(b)} Uhr" for a, b in missing) + "."
            )
    return errors


def standard_text(reachable_from: time, reachable_until: time) -> str:
    return f"Montag bis Freitag {_fmt(reachable_from)}–{_fmt(reachable_until)} Uhr"


def hours_lines(hours: Iterable[tuple[int, time, time]]) -> list[str]:
    """ "Montag: 08:00–12:00, 13:00–17:00" per weekday with hours, Monday first."""
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in hours:
        by_day.setdefault(weekday, []).append((start, end))
    return [
        f"{DAY_NAMES[day]}: " + ", ".join(f"{_fmt(a)}–{_fmt(b)}" for a, b in sorted(by_day[day]))
        for day in sorted(by_day)
    ]
