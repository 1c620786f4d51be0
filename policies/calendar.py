"""Working days: Monday to Friday, minus the federal state's public holidays, minus the job
centre's own closing days.

Public holidays come from `holidays` and are built once per state and year for the whole
process; a `WorkingCalendar` adds one job centre's closing days on top, and keeps its answers to
`add_working_days` and `on_or_before`: the engine asks the same few (registration day + 10
working days, the last working day on or before a due date) for many customers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import holidays

from kontaktdichte.kept import KeptAnswers

ONE_DAY = timedelta(days=1)


@cache
def public_holidays(state: str, year: int) -> dict[date, str]:
    """The state's public holidays in one year, with German names."""
    return dict(holidays.country_holidays("DE", subdiv=state, years=year, language="de"))


class WorkingCalendar:
    def __init__(self, state: str, closing_days: Iterable[date] = ()):
        self.state = state
        self.closing_days = frozenset(closing_days)
        self._closed_by_year: dict[int, frozenset[date]] = {}
        # Per instance, as the closing days differ.
        self._added = KeptAnswers(lambda key: self.count_working_days(*key))
        self._on_or_before = KeptAnswers(self.step_back_to_working_day)

    def __reduce__(self):
        """Pickled (for a worker process) as what it is made of; the copy starts a cache of its own."""
        return WorkingCalendar, (self.state, self.closing_days)

    def __repr__(self):
        return f"WorkingCalendar({self.state!r}, {len(self.closing_days)} closing days)"

    def _closed(self, year: int) -> frozenset[date]:
        closed = self._closed_by_year.get(year)
        if closed is None:
            closed = frozenset(public_holidays(self.state, year)) | {d for d in self.closing_days if d.year == year}
            self._closed_by_year[year] = closed
        return closed

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._closed(day.year)

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (`start` itself never counts)."""
        return self._added[start, count]

    def count_working_days(self, start: date, count: int) -> date:
        """`add_working_days` worked out afresh, day by day."""
        day = start
        remaining = count
        while remaining > 0:
            day += ONE_DAY
            if day.weekday() < 5 and day not in self._closed(day.year):
                remaining -= 1
        return day

    def on_or_before(self, day: date) -> date:
        """The last working day on or before `day`."""
        return self._on_or_before[day]

    def step_back_to_working_day(self, day: date) -> date:
        """`on_or_before` worked out afresh, day by day."""
        while not (day.weekday() < 5 and day not in self._closed(day.year)):
            day -= ONE_DAY
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if day.weekday() < 5 and day not in self._closed(day.year):
                count += 1
        return count

    def holiday_name(self, day: date) -> str | None:
        if day in self.closing_days:
            return "Schließtag"
        return public_holidays(self.state, day.year).get(day)
