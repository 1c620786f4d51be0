"""Free appointment slots as a pure function: no database, no clock.

Inputs are the caseworker's busy intervals, the hours in which appointments may lie (working
hours, or opening hours when none are recorded), the office's opening hours (to mark slots
outside them, which are allowed), a working-day test (`policies.calendar.WorkingCalendar`), the
days to search and the appointment's length plus preparation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
Hours = Mapping[int, Sequence[tuple[time, time]]]


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    blocked_until: datetime
    in_opening_hours: bool
    after_due: bool

    @property
    def key(self) -> str:
        return self.start.isoformat(timespec="minutes")


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


def free_slots(*, first_day: date, last_day: date, not_before: datetime, hours: Hours, opening: Hours | None,
               busy: Sequence[tuple[datetime, datetime]], is_working_day: Callable[[date], bool],
               minutes: int, preparation: int = 0, due_by: date | None = None, step: int = 15,
               limit: int = 6, tz=BERLIN) -> list[Slot]:
    """The earliest free slots from `first_day` to `last_day`, at most `limit`, none overlapping
    another suggestion (each next one starts after the previous one's preparation)."""
    length, blocked = timedelta(minutes=minutes), timedelta(minutes=minutes + preparation)
    step_delta = timedelta(minutes=step)
    found: list[Slot] = []
    day = first_day
    while day <= last_day and len(found) < limit:
        if is_working_day(day):
            for h_start, h_end in sorted(hours.get(day.weekday(), ())):
                t = datetime.combine(day, h_start, tzinfo=tz)
                stop = datetime.combine(day, h_end, tzinfo=tz)
                while t + blocked <= stop and len(found) < limit:
                    if t >= not_before and not overlaps(t, t + blocked, busy):
                        found.append(Slot(
                            start=t, end=t + length, blocked_until=t + blocked,
                            in_opening_hours=opening is None or within(t, t + length, opening, tz),
                            after_due=due_by is not None and day > due_by))
                        t += blocked
                        # Keep the grid: the next suggestion starts on a step boundary.
                        offset = (t - datetime.combine(day, h_start, tzinfo=tz)) % step_delta
                        if offset:
                            t += step_delta - offset
                    else:
                        t += step_delta
        day += timedelta(days=1)
    return found
