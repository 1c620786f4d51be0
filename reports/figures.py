"""The team leads' monthly report: every figure, per caseworker and for the team.

`COLUMNS` is the one definition of the report's table: the page, the CSV and the XLSX export
all read it, so a column added here appears everywhere. The contact figures come from replaying
the engine (`reports.replay`, whose docstring defines them); the consultation share and missed
appointments from the appointments app (`appointments.selectors.consultation_share` and
`missed_appointments`, defined there next to the data); walk-ins (unterminierte Vorsprachen)
from the contact notes (`caseload.selectors.walk_ins`), up to the day the report reads.

Queries, whatever the team's size: the team's staff, its customers, their contact notes,
measures and suspensions (one each, filtered through the team, no id lists), the policy (four,
cached per process by `caseload.duedates.policy_for`), the appointments app's own, and the
walk-ins.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from appointments.selectors import consultation_share, missed_appointments
from caseload import duedates, selectors
from caseload.duedates import FACT_ROW, customer_facts, policy_for
from caseload.models import Customer, Staff, Team
from kontaktdichte import formats
from kontaktdichte.dates import add_months, month_bounds
from policies import engine

from .replay import MonthCounts, lead_time, replay, tally

TREND_MONTHS = 12
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # text | int | pct | days
    help: str = ""


COLUMNS = (
    Column("name", "Fachkraft", "text"),
    Column("caseload", "Bestand", "int", "Kunden im Bestand am Monatsende (Stand der heutigen Zuordnung)."),
    Column("due", "Kontakte fällig", "int", "Fälligkeiten, die in den Monat fielen."),
    Column("on_time", "rechtzeitig", "int", "Davon bis zum Fälligkeitstag gehalten."),
    Column("late", "verspätet", "int", "Im Monat nach der Fälligkeit gehaltene Kontakte (auch aus Vormonaten)."),
    Column("overdue_end", "überfällig am Monatsende", "int", "Kunden, deren Kontakt am Monatsende überfällig war."),
    Column("on_time_rate", "Quote rechtzeitig", "pct", "rechtzeitig / fällig"),
    Column("new", "Neuzugänge", "int", "Im Monat gemeldete Kunden."),
    Column(
        "lead_avg",
        "Erstkontakt Ø AT",
        "days",
        "Durchschnitt der Arbeitstage von der Meldung bis zum ersten qualifizierten Kontakt.",
    ),
    Column("lead_target", "im Ziel", "int", "Erstkontakt innerhalb der Zielfrist des Konzepts."),
    Column("lead_max", "in Frist", "int", "Erstkontakt innerhalb der Höchstfrist des Konzepts."),
    Column("lead_missing", "ohne Erstkontakt", "int", "Neuzugänge ohne qualifizierten Kontakt bis heute."),
    Column("share", "Beratungsanteil", "pct", "Beratungszeit (wahrgenommene Termine) an der Arbeitszeit."),
    Column("share_target", "Ziel", "pct", "Zielanteil des Konzepts."),
    Column("missed", "Termine versäumt", "int", "Termine, zu denen der Kunde nicht erschien."),
    Column(
        "walk_ins",
        "unterminierte Vorsprachen",
        "int",
        "Persönliche Kontakte ohne Termin (Beratungsvermerke als unterminierte Vorsprache).",
    ),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


@dataclass
class Row:
    name: str
    staff_id: int | None = None  # None: the team
    caseload: int = 0
    counts: MonthCounts = field(default_factory=MonthCounts)
    new: int = 0
    lead_days: list[int] = field(default_factory=list)
    lead_target: int | None = 0
    lead_max: int | None = 0
    lead_missing: int = 0
    share: float | None = None
    share_target: int | None = None
    attended_minutes: int = 0
    working_minutes: int = 0
    missed: int | None = None
    walk_ins: int = 0

    @property
    def share_below_target(self) -> bool:
        return self.share is not None and self.share_target is not None and self.share * 100 < self.share_target

    @property
    def is_team(self) -> bool:
        return self.staff_id is None

    def value(self, key: str):
        """The raw value of a column: int, float (a share 0..1, or days), str or None."""
        if key == "name":
            return self.name
        if key in ("due", "on_time", "late", "overdue_end"):
            return getattr(self.counts, key)
        if key == "on_time_rate":
            return self.counts.on_time_rate
        if key == "lead_avg":
            return round(sum(self.lead_days) / len(self.lead_days), 1) if self.lead_days else None
        if key == "share_target":
            return self.share_target / 100 if self.share_target is not None else None
        return getattr(self, key)

    def values(self) -> list:
        return [self.value(k) for k in COLUMN_KEYS]


@dataclass
class TrendPoint:
    month: date
    counts: MonthCounts


@dataclass
class MonthlyReport:
    team: Team
    month: date  # first day
    last_day: date
    as_of: date  # last day read: the month's end, or yesterday in a running month
    rows: list[Row]  # the team first, then one per caseworker
    trend: list[TrendPoint]
    by_rule: list[tuple[str, str, int]]  # label, code, customers
    first_contact_target: int | None
    first_contact_max: int | None

    @property
    def team_row(self) -> Row:
        return self.rows[0]

    @property
    def staff_rows(self) -> list[Row]:
        return self.rows[1:]

    @property
    def running(self) -> bool:
        return self.as_of < self.last_day


def _history(team: Team, until: date):
    """The team's customers' measures, suspensions and notes by customer id: three queries,
    filtered through the team (a join, not a list of ids)."""
    return duedates.histories({"job_centre_id": team.job_centre_id, "customer__team_id": team.pk}, until)


def rule_name(decision: engine.Decision | None) -> tuple[str, str]:
    if decision is None or decision.status == engine.NO_RULE_SET:
        return "kein Konzept in Kraft", ""
    if decision.rule is None:
        return "keine Regel trifft zu", ""
    return decision.rule.label, decision.rule.code or ""


def monthly_report(team: Team, month: date, today: date) -> MonthlyReport:
    """The report of `team` for the month starting `month`, as known on `today`. `team` must
    come with its job centre (select_related)."""
    centre = team.job_centre
    policy = policy_for(centre.pk, centre.policy_version)
    first, last = month_bounds(month)
    as_of = min(last, today - ONE_DAY)
    trend_start = add_months(first, -(TREND_MONTHS - 1))
    months = [add_months(first, -k) for k in range(TREND_MONTHS - 1, -1, -1)]
    month_ends = [min(month_bounds(m)[1], as_of) for m in months]

    staff = list(selectors.team_staff(team.job_centre_id, team.pk).select_related("user"))
    customers = list(
        Customer.objects.filter(job_centre_id=centre.pk, team_id=team.pk, registered_on__lte=as_of).values(
            *FACT_ROW, "caseworker_id"
        )
    )
    measures, suspensions, notes = _history(team, max(today, as_of))

    team_row = Row(name=f"Team {team.name}" if not team.name.lower().startswith("team") else team.name)
    rows = {s.pk: Row(name=str(s), staff_id=s.pk) for s in staff}
    trend = [MonthCounts() for _ in months]
    by_rule = Counter()
    rule_set = policy.rule_set_on(as_of if as_of >= first else first)
    target = rule_set.first_contact_target_days if rule_set else None
    maximum = rule_set.first_contact_max_days if rule_set else None
    calendar = policy.calendar

    for row in customers:
        cid = row["id"]
        facts = customer_facts(row, measures.get(cid, ()), suspensions.get(cid, ()))
        result = replay(policy, facts, notes.get(cid, ()), trend_start, as_of)
        targets = [team_row]
        if row["caseworker_id"] in rows:
            targets.append(rows[row["caseworker_id"]])
        counts = tally(result.obligations, months, month_ends, trend)
        by_rule[rule_name(result.final)] += 1
        new = first <= row["registered_on"] <= last
        lead = lead_time(calendar, row["registered_on"], result.first_contact_on) if new else None
        for r in targets:
            r.caseload += 1
            r.counts.add(counts)
            if new:
                r.new += 1
                if lead is None:
                    r.lead_missing += 1
                else:
                    r.lead_days.append(lead)
                    if target is not None and lead <= target:
                        r.lead_target += 1
                    if maximum is not None and lead <= maximum:
                        r.lead_max += 1

    # Team leads appear only when customers are assigned to them.
    lead_ids = {s.pk for s in staff if s.role != Staff.CASEWORKER}
    all_rows = [team_row, *(r for r in rows.values() if r.staff_id not in lead_ids or r.caseload)]
    if target is None or maximum is None:
        for r in all_rows:
            r.lead_target = None if target is None else r.lead_target
            r.lead_max = None if maximum is None else r.lead_max

    staff_ids = [r.staff_id for r in all_rows[1:]]
    shown = set(staff_ids)
    shares = consultation_share(centre, [s for s in staff if s.pk in shown], first)
    missed = missed_appointments(centre.pk, staff_ids, first)
    _apply_appointments(team_row, rows, shares, missed)
    _apply_walk_ins(
        team_row,
        {s.user_id: rows[s.pk] for s in staff if s.pk in shown},
        selectors.walk_ins(centre.pk, team.pk, first, as_of),
    )

    return MonthlyReport(
        team=team,
        month=first,
        last_day=last,
        as_of=as_of,
        rows=all_rows,
        trend=[TrendPoint(m, c) for m, c in zip(months, trend)],
        by_rule=sorted(((label, code, n) for (label, code), n in by_rule.items()), key=lambda t: (-t[2], t[0])),
        first_contact_target=target,
        first_contact_max=maximum,
    )


def _apply_appointments(team_row: Row, rows: dict[int, Row], shares, missed) -> None:
    """The team's share is its attended minutes over its working minutes (not a mean of shares)."""
    targets = set()
    team_row.missed = 0
    for staff_id, share in shares.items():
        row = rows[staff_id]
        row.share, row.share_target = share.share, share.target
        row.attended_minutes, row.working_minutes = share.attended_minutes, share.working_minutes
        team_row.attended_minutes += share.attended_minutes
        team_row.working_minutes += share.working_minutes
        targets.add(share.target)
        row.missed = missed.get(staff_id, 0)
        team_row.missed += row.missed
    if team_row.working_minutes:
        team_row.share = team_row.attended_minutes / team_row.working_minutes
    targets.discard(None)
    team_row.share_target = targets.pop() if len(targets) == 1 else None


def _apply_walk_ins(team_row: Row, rows_by_user: dict[int, Row], counts: dict[int, int]) -> None:
    """Notes belong to a user, rows to a member of staff. The team counts every walk-in of its
    customers, also those a colleague no longer in the team (or without a row) recorded."""
    for user_id, n in counts.items():
        team_row.walk_ins += n
        if user_id in rows_by_user:
            rows_by_user[user_id].walk_ins += n


# --- Formatting, shared by the page and the CSV -----------------------------------------------


def display(column: Column, value) -> str:
    """German formatting: 83 %, 6,5, 1.234; "—" when there is no figure."""
    if value is None:
        return "—"
    if column.kind == "pct":
        return f"{round(value * 100)} %"
    if column.kind == "days":
        return formats.decimal(value, 1)
    if column.kind == "int":
        return f"{value:,}".replace(",", ".")
    return str(value)
