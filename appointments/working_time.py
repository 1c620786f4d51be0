"""Working time: the one reckoning behind the share page, the monthly report's consultation
share and the capacity forecast, so that all three give a caseworker the same minutes.

A caseworker's working minutes on a day: their recorded working hours for that weekday (none
recorded at all: weekly hours / 5 on every weekday), on the job centre's working days only
(Monday to Friday, minus the federal state's public holidays and the job centre's closing days),
minus the days of recorded absences: leave, sickness and training always, days on the
immediate-placement desk (Sofortvermittlung) where the rule set in force on that day says so
(`RuleSet.immediate_placement_excluded`: Coburg Land). On the desk a caseworker works, but not
in consultations they could book, and only that job centre's rule set takes those days out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from caseload.models import Staff
from policies.calendar import WorkingCalendar
from policies.models import ClosingDay, JobCentre, RuleSet

from .models import Absence, WorkingHours

ONE_DAY = timedelta(days=1)


def working_calendar(job_centre: JobCentre, first: date, last: date) -> WorkingCalendar:
    """The job centre's working days between two dates (one query: its closing days)."""
    closing = ClosingDay.objects.filter(job_centre_id=job_centre.pk, date__gte=first, date__lte=last)
    return WorkingCalendar(job_centre.federal_state, closing.values_list("date", flat=True))


def rule_sets_between(job_centre_id: int, first: date, last: date) -> list[RuleSet]:
    """The job centre's rule sets in force on any day from `first` to `last`, oldest first
    (one query)."""
    return list(
        RuleSet.objects.filter(job_centre_id=job_centre_id, valid_from__lte=last)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        .order_by("valid_from")
    )


def in_force(rule_sets: Iterable[RuleSet], day: date) -> RuleSet | None:
    for rule_set in rule_sets:
        if rule_set.valid_from <= day and (rule_set.valid_until is None or day <= rule_set.valid_until):
            return rule_set
    return None


@dataclass
class WorkingTime:
    """Working minutes per caseworker and day from `first` to `last`, after every deduction.
    Minutes are exact (weekly hours / 5 can be a fraction) and rounded down only when summed."""

    first: date
    last: date
    minutes_by_day: dict[int, dict[date, Decimal]] = field(default_factory=dict)
    absent_by_day: dict[int, set[date]] = field(default_factory=dict)  # days an absence took away
    recorded_hours: set[int] = field(default_factory=set)  # staff with working hours of their own

    def _span(self, first: date | None, last: date | None) -> tuple[date, date]:
        return max(first or self.first, self.first), min(last or self.last, self.last)

    def minutes(self, staff_id: int, first: date | None = None, last: date | None = None) -> int:
        first, last = self._span(first, last)
        days = self.minutes_by_day.get(staff_id, {})
        return int(sum((m for d, m in days.items() if first <= d <= last), Decimal(0)))

    def absent_days(self, staff_id: int, first: date | None = None, last: date | None = None) -> int:
        """Working days in the span that an absence took out of the working time."""
        first, last = self._span(first, last)
        return sum(1 for d in self.absent_by_day.get(staff_id, ()) if first <= d <= last)


def _minutes(t) -> int:
    return t.hour * 60 + t.minute


def working_time(
    job_centre: JobCentre, staff: Iterable[Staff], first: date, last: date, *, rule_sets: list[RuleSet] | None = None
) -> WorkingTime:
    """Working minutes of each given member of staff (with `weekly_hours` loaded) from `first`
    to `last`, both included. Staff of another job centre get no minutes. Three queries, four
    without `rule_sets` (as `rule_sets_between` reads them for the same days): working hours,
    closing days, absences (and rule sets)."""
    members = [s for s in staff if s.job_centre_id == job_centre.pk]
    ids = [s.pk for s in members]
    result = WorkingTime(first, last, {s.pk: {} for s in staff}, {s.pk: set() for s in staff})
    if rule_sets is None:
        rule_sets = rule_sets_between(job_centre.pk, first, last)
    hours = defaultdict(lambda: defaultdict(int))
    for staff_id, weekday, start, end in WorkingHours.objects.filter(
        staff_id__in=ids, staff__job_centre_id=job_centre.pk
    ).values_list("staff_id", "weekday", "start", "end"):
        hours[staff_id][weekday] += _minutes(end) - _minutes(start)
    calendar = working_calendar(job_centre, first, last)
    away = defaultdict(set)
    for staff_id, kind, start, end in Absence.objects.filter(
        job_centre_id=job_centre.pk, staff_id__in=ids, start__lte=last, end__gte=first
    ).values_list("staff_id", "kind", "start", "end"):
        day = max(start, first)
        while day <= min(end, last):
            if kind != Absence.IMMEDIATE_PLACEMENT or _desk_excluded(rule_sets, day):
                away[staff_id].add(day)
            day += ONE_DAY

    working_days = []
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            working_days.append(day)
        day += ONE_DAY
    for member in members:
        own = hours.get(member.pk)
        per_day = Decimal(member.weekly_hours) * 60 / 5
        if own:
            result.recorded_hours.add(member.pk)
        days, absent = result.minutes_by_day[member.pk], result.absent_by_day[member.pk]
        for day in working_days:
            minutes = Decimal(own.get(day.weekday(), 0)) if own else per_day
            if not minutes:
                continue
            if day in away[member.pk]:
                absent.add(day)
            else:
                days[day] = minutes
    return result


def _desk_excluded(rule_sets: list[RuleSet], day: date) -> bool:
    rule_set = in_force(rule_sets, day)
    return rule_set is not None and rule_set.immediate_placement_excluded
