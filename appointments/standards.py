"""The opening-hours standard (JobAgentur EN's quality standards, seed 003) as a pure function.

Input: an office's weekly opening hours as (weekday, start, end) tuples, the standard's values
and whether the office is a tandem office whose main office covers the other days. Output:
German messages, one per rule broken; none means the hours meet the standard.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from kontaktdichte import formats

DAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


@dataclass(frozen=True)
class Standard:
    min_weekly_hours: Decimal = Decimal("0")
    every_weekday: bool = False
    every_morning: bool = False
    morning_until: time = time(10, 0)
    late_afternoons: int = 0
    late_until: time = time(17, 30)
    tandem_mornings: int = 3

    @classmethod
    def of(cls, row) -> Standard:
        return cls(**{f: getattr(row, f) for f in cls.__dataclass_fields__})


JOBAGENTUR_EN = Standard(
    min_weekly_hours=Decimal("21.5"),
    every_weekday=True,
    every_morning=True,
    morning_until=time(10, 0),
    late_afternoons=1,
    late_until=time(17, 30),
    tandem_mornings=3,
)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _fmt(t: time) -> str:
    return f"{t:%H:%M}"


def check_opening_hours(
    hours: Iterable[tuple[int, time, time]], standard: Standard, *, tandem: bool = False
) -> list[str]:
    hours = [(day, start, end) for day, start, end in hours if end > start]
    errors = []
    total = Decimal(sum(_minutes(end) - _minutes(start) for _, start, end in hours)) / 60
    # The weekly minimum and the every-day rule are what a tandem office may fall short of.
    if total < standard.min_weekly_hours and not tandem:
        errors.append(
            f"Mindestens {_num(standard.min_weekly_hours)} Stunden pro Woche geöffnet (bisher {_num(total)} Stunden)."
        )
    workdays = range(5)
    open_days = {day for day, _, _ in hours}
    mornings = {day for day, start, _ in hours if start < standard.morning_until}
    if tandem:
        if len(mornings & set(workdays)) < standard.tandem_mornings:
            errors.append(
                f"Eine Tandem-Regionalstelle muss an mindestens {standard.tandem_mornings} "
                f"Vormittagen geöffnet sein (bisher {len(mornings & set(workdays))})."
            )
    else:
        if standard.every_weekday:
            closed = [DAY_NAMES[d] for d in workdays if d not in open_days]
            if closed:
                errors.append("An jedem Werktag (Montag bis Freitag) geöffnet; geschlossen: " + ", ".join(closed) + ".")
        if standard.every_morning:
            missing = [DAY_NAMES[d] for d in workdays if d in open_days and d not in mornings]
            if missing:
                errors.append(
                    f"An jedem Vormittag geöffnet (vor {_fmt(standard.morning_until)} Uhr); "
                    "fehlt: " + ", ".join(missing) + "."
                )
    late = {day for day, _, end in hours if end >= standard.late_until}
    if len(late) < standard.late_afternoons:
        errors.append(
            f"An mindestens {standard.late_afternoons} Nachmittag(en) bis "
            f"{_fmt(standard.late_until)} Uhr geöffnet, damit Berufstätige kommen können "
            f"(bisher {len(late)})."
        )
    return errors


def _num(value) -> str:
    return formats.decimal(Decimal(value).normalize(), None)
