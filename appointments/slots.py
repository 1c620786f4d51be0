"""Free appointment slots as a pure function: no database, no clock.

Inputs are the caseworker's busy intervals, the hours in which appointments may lie (working
hours, or opening hours when none are recorded; intersected with the opening hours where the
rule set binds office appointments to them), the office's opening hours (to mark slots outside
them), a working-day test (`policies.calendar.WorkingCalendar`), the days to search and the
appointment's length plus preparation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
AFTERNOON = time(12)
Hours = Mapping[int, Sequence[tuple[time, time]]]


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    blocked_until: datetime
    in_opening_hours: bool
    after_due: bool
    letter_late: bool = False  # an invitation letter would not arrive in time

    @property
    def key(self) -> str:
        return self.start.isoformat(timespec="minutes")

    @property
    def afternoon(self) -> bool:
        return self.start.astimezone(BERLIN).time() >= AFTERNOON


def hours_by_weekday(rows) -> dict[int, list[tuple[time, time]]]:
    """(weekday, start, end) rows, e.g. from `values_list`, as {weekday: [(start, end)]}."""
    hours: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in rows:
        hours.setdefault(weekday, []).append((start, end))
    return hours


def overlaps(start: datetime, end: datetime, busy: Iterable[tuple[datetime, datetime]]) -> bool:
    """Half-open ranges: an appointment may begin the minute the previous one's block ends."""
    return any(start < b_end and b_start < end for b_start, b_end in busy)


def within(start: datetime, end: datetime, hours: Hours, tz=BERLIN) -> bool:
    """Whether [start, end) lies inside one of the day's intervals of `hours`."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_start.date() != local_end.date() and local_end.time() != time(0):
        return False
    for h_start, h_end in hours.get(local_start.weekday(), ()):
        if h_start <= local_start.time() and (local_end.time() <= h_end) and local_end.date() == local_start.date():
            return True
    return False


def intersect(hours: Hours, other: Hours) -> dict[int, list[tuple[time, time]]]:
    """The times that lie in both: e.g. working hours within an office's opening hours."""
    both = {}
    for weekday, spans in hours.items():
        common = sorted(
            (max(a_start, b_start), min(a_end, b_end))
            for a_start, a_end in spans
            for b_start, b_end in other.get(weekday, ())
            if max(a_start, b_start) < min(a_end, b_end)
        )
        if common:
            both[weekday] = common
    return both


def _free(
    *,
    first_day: date,
    last_day: date,
    not_before: datetime,
    hours: Hours,
    busy: Sequence[tuple[datetime, datetime]],
    is_working_day: Callable[[date], bool],
    length: timedelta,
    blocked: timedelta,
    step: timedelta,
    tz,
) -> Iterator[tuple[datetime, date]]:
    """Every free start in time order, each after the previous one's preparation."""
    day = first_day
    while day <= last_day:
        if is_working_day(day):
            for h_start, h_end in sorted(hours.get(day.weekday(), ())):
                t = datetime.combine(day, h_start, tzinfo=tz)
                stop = datetime.combine(day, h_end, tzinfo=tz)
                while t + blocked <= stop:
                    if t >= not_before and not overlaps(t, t + blocked, busy):
                        yield t, day
                        t += blocked
                        # Keep the grid: the next suggestion starts on a step boundary.
                        offset = (t - datetime.combine(day, h_start, tzinfo=tz)) % step
                        if offset:
                            t += step - offset
                    else:
                        t += step
        day += timedelta(days=1)


def free_slots(
    *,
    first_day: date,
    last_day: date,
    not_before: datetime,
    hours: Hours,
    opening: Hours | None,
    busy: Sequence[tuple[datetime, datetime]],
    is_working_day: Callable[[date], bool],
    minutes: int,
    preparation: int = 0,
    due_by: date | None = None,
    step: int = 15,
    limit: int = 6,
    afternoon_first: bool = False,
    letter_from: date | None = None,
    tz=BERLIN,
) -> list[Slot]:
    """The earliest free slots from `first_day` to `last_day`, at most `limit`, none overlapping
    another suggestion (each next one starts after the previous one's preparation).

    `afternoon_first` (field visits): slots starting at noon or later come before morning ones,
    those before the due date first. `letter_from`: slots on earlier days are marked
    `letter_late`."""
    length, blocked = timedelta(minutes=minutes), timedelta(minutes=minutes + preparation)
    starts = _free(
        first_day=first_day,
        last_day=last_day,
        not_before=not_before,
        hours=hours,
        busy=busy,
        is_working_day=is_working_day,
        length=length,
        blocked=blocked,
        step=timedelta(minutes=step),
        tz=tz,
    )
    afternoons, mornings = [], []
    for t, day in starts:
        slot = Slot(
            start=t,
            end=t + length,
            blocked_until=t + blocked,
            in_opening_hours=opening is None or within(t, t + length, opening, tz),
            after_due=due_by is not None and day > due_by,
            letter_late=letter_from is not None and day < letter_from,
        )
        if not afternoon_first or slot.afternoon:
            afternoons.append(slot)
        elif len(mornings) < limit:
            mornings.append(slot)
        # Starts come in time order, so a later one never ranks before `limit` afternoons.
        if len(afternoons) >= limit:
            break
    if not afternoon_first:
        return afternoons
    ranked = sorted(afternoons + mornings, key=lambda s: (s.after_due, not s.afternoon, s.start))
    return ranked[:limit]
