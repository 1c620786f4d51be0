"""Capacity forecast ("Kapazität"): the next 12 weeks, per caseworker, the consultation time the
contacts falling due will take against the consultation time available.

Demand: every customer's stored due date (`Customer.due_by`, as the worklist shows it) that falls
before the horizon, counted in its week (an overdue one in this week), and the follow-ups it will
bring: assuming the contact is held on its due date, the next falls due one cycle of the
customer's rule later (`due_rule`'s deadline; an individual rule projects nothing), and so on up
to the horizon. Each contact takes the rule set's appointment length plus preparation: the first
appointment for a customer without a qualified contact yet, else the follow-up length.

Supply: the caseworker's working time in the week × the rule set's target share of
consultations. Working time is `appointments.working_time.working_time`, the reckoning the
consultation share uses for a month: recorded working hours (else weekly hours / 5) on working
days, minus recorded absences (and, in Coburg Land, days on the immediate-placement desk).

Where the rule set in force states no appointment length or target share, the defaults below
are used, and the page says so. Queries: the rule sets of the 12 weeks, the team's staff, their
working hours, the closing days, their absences, its customers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from appointments.working_time import in_force, rule_sets_between, working_time
from caseload.models import Customer, Staff, Team
from caseload.selectors import team_staff
from policies import engine
from policies.engine import DATED
from policies.models import RuleSet

WEEKS = 12
DEFAULT_FIRST_MINUTES = 60
DEFAULT_FOLLOW_UP_MINUTES = 30
DEFAULT_SHARE = 50  # percent


@dataclass
class Cell:
    contacts: int = 0
    minutes: int = 0
    available: float = 0.0
    working: int = 0  # working minutes in the week (available = working × target share)
    absent_days: int = 0

    @property
    def shortfall(self) -> float:
        """Minutes missing (0 when the time suffices)."""
        return max(self.minutes - self.available, 0.0)

    @property
    def shortfall_hours(self) -> float:
        return self.shortfall / 60

    @property
    def short(self) -> bool:
        return self.minutes > self.available

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def available_hours(self) -> float:
        return self.available / 60


@dataclass
class CapacityRow:
    name: str
    staff_id: int | None
    weekly_hours: float
    cells: list[Cell] = field(default_factory=list)
    recorded_hours: bool = False  # working hours from the appointments app, not weekly hours / 5

    @property
    def short_weeks(self) -> int:
        return sum(1 for c in self.cells if c.short)


@dataclass
class Forecast:
    team: Team
    weeks: list[date]  # Mondays
    rows: list[CapacityRow]  # the team first
    first_minutes: int
    follow_up_minutes: int
    preparation_minutes: int
    share: int
    defaults_used: list[str]


def _minutes(rule_set: RuleSet | None):
    defaults = []
    first = rule_set.first_appointment_minutes if rule_set else None
    follow_up = rule_set.follow_up_minutes if rule_set else None
    share = rule_set.consultation_share_target if rule_set else None
    if first is None:
        first = follow_up or DEFAULT_FIRST_MINUTES
        defaults.append(f"Erstgespräch {first} Minuten")
    if follow_up is None:
        follow_up = first if rule_set and rule_set.first_appointment_minutes else DEFAULT_FOLLOW_UP_MINUTES
        defaults.append(f"Folgegespräch {follow_up} Minuten")
    if share is None:
        share = DEFAULT_SHARE
        defaults.append(f"Beratungsanteil {share} %")
    return first, follow_up, (rule_set.preparation_minutes if rule_set else 0), share, defaults


def forecast(team: Team, today: date) -> Forecast:
    centre = team.job_centre
    week0 = today - timedelta(days=today.weekday())
    weeks = [week0 + timedelta(weeks=k) for k in range(WEEKS)]
    horizon = weeks[-1] + timedelta(days=6)
    rule_sets = rule_sets_between(centre.pk, week0, horizon)
    first_min, follow_min, prep, share, defaults = _minutes(in_force(rule_sets, today))

    staff = [s for s in team_staff(team.job_centre_id, team.pk).select_related("user") if s.role == Staff.CASEWORKER]
    rows = {s.pk: CapacityRow(str(s), s.pk, float(s.weekly_hours), [Cell() for _ in weeks]) for s in staff}
    team_row = CapacityRow(team.name, None, sum(r.weekly_hours for r in rows.values()), [Cell() for _ in weeks])

    worktime = working_time(centre, staff, week0, horizon, rule_sets=rule_sets)
    for row in rows.values():
        for cell, monday in zip(row.cells, weeks):
            sunday = monday + timedelta(days=6)
            cell.working = worktime.minutes(row.staff_id, monday, sunday)
            cell.absent_days = worktime.absent_days(row.staff_id, monday, sunday)
            cell.available = cell.working * share / 100
        row.recorded_hours = row.staff_id in worktime.recorded_hours
    for k, cell in enumerate(team_row.cells):
        cell.working = sum(r.cells[k].working for r in rows.values())
        cell.available = sum(r.cells[k].available for r in rows.values())

    demand = defaultdict(lambda: [[0, 0] for _ in weeks])
    customers = Customer.objects.filter(
        job_centre_id=centre.pk, team_id=team.pk, status_until_due__in=DATED, due_by__lte=horizon
    ).values_list(
        "caseworker_id",
        "due_by",
        "last_contact_on",
        "due_rule__individual",
        "due_rule__deadline_amount",
        "due_rule__deadline_unit",
    )
    cycles: dict[tuple, engine.Amount | None] = {}
    for caseworker_id, due_by, last_contact, individual, amount, unit in customers:
        key = (amount, unit)
        if key not in cycles:
            cycles[key] = engine.Amount(amount, unit) if amount and unit and not individual else None
        cycle = cycles[key] if not individual else None
        day = max(due_by, week0)
        minutes = (first_min if last_contact is None else follow_min) + prep
        cells = demand[caseworker_id]
        while day <= horizon:
            cell = cells[(day - week0).days // 7]
            cell[0] += 1
            cell[1] += minutes
            if cycle is None:
                break
            day, minutes = cycle.after(day), follow_min + prep

    for caseworker_id, cells in demand.items():
        targets = [team_row] + ([rows[caseworker_id]] if caseworker_id in rows else [])
        for k, (contacts, minutes) in enumerate(cells):
            for row in targets:
                row.cells[k].contacts += contacts
                row.cells[k].minutes += minutes

    return Forecast(
        team=team,
        weeks=weeks,
        rows=[team_row, *rows.values()],
        first_minutes=first_min,
        follow_up_minutes=follow_min,
        preparation_minutes=prep,
        share=share,
        defaults_used=defaults,
    )
