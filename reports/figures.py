"""The team leads' monthly report: every figure, per caseworker and for the team.

`COLUMNS` is the one definition of the report's table: the page, the CSV and the XLSX export
all read it, so a column added here appears everywhere. The contact figures come from replaying
the engine (`reports.replay`, whose docstring defines them); the consultation share and missed
appointments from the appointments app (`appointments.selectors.consultation_share` and
`missed_appointments`, defined there next to the data); walk-ins (unterminierte Vorsprachen)
from the contact notes (`caseload.selectors.walk_ins`), up to the day the report reads. Where
`reports.stored` has written them, the contact figures and walk-ins are read from
`CustomerMonth` and `WalkInMonth` instead, with one aggregation each.

Queries, whatever the team's size: the team's staff, its customers, their contact notes,
measures and suspensions (one each, filtered through the team, no id lists), the policy (four,
cached per process by `caseload.duedates.policy_for`), the appointments app's own, and the
walk-ins.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from appointments.selectors import consultation_share, missed_appointments
from caseload import recompute, selectors
from caseload.duedates import FACT_ROW, customer_facts, policy_for
from caseload.models import Customer, Staff, Team
from kontaktdichte import formats
from kontaktdichte.dates import add_months, month_bounds

from .models import CustomerMonth, WalkInMonth
from .replay import MonthCounts, lead_time, replay, tally
from .stored import rule_name

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
    lead_total: int = 0  # working days to the first contact, summed over `lead_count` customers
    lead_count: int = 0
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
            return round(self.lead_total / self.lead_count, 1) if self.lead_count else None
        if key == "share_target":
            return self.share_target / 100 if self.share_target is not None else None
        return getattr(self, key)

    def values(self) -> list:
        return [self.value(k) for k in COLUMN_KEYS]

    def cells(self) -> list[tuple[str, bool]]:
        """The figures after the name as the page shows them: (text, marked late), the mark on
        overdue customers at the month's end and on a share below its target."""
        return [
            (
                display(c, self.value(c.key)),
                (c.key == "overdue_end" and bool(self.counts.overdue_end))
                or (c.key == "share" and self.share_below_target),
            )
            for c in COLUMNS[1:]
        ]


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
    return recompute.histories({"job_centre_id": team.job_centre_id, "customer__team_id": team.pk}, until)


def monthly_report(team: Team, month: date, today: date) -> MonthlyReport:
    """The report of `team` for the month starting `month`, as known on `today`. `team` must
    come with its job centre (select_related)."""
    centre = team.job_centre
    policy = policy_for(centre.pk, centre.policy_version)
    first, last = month_bounds(month)
    as_of = min(last, today - ONE_DAY)
    months = [add_months(first, -k) for k in range(TREND_MONTHS - 1, -1, -1)]
    month_ends = [min(month_bounds(m)[1], as_of) for m in months]

    staff = list(selectors.team_staff(team.job_centre_id, team.pk).select_related("user"))
    team_row = Row(name=f"Team {team.name}" if not team.name.lower().startswith("team") else team.name)
    rows = {s.pk: Row(name=str(s), staff_id=s.pk) for s in staff}
    rule_set = policy.rule_set_on(as_of if as_of >= first else first)
    target = rule_set.first_contact_target_days if rule_set else None
    maximum = rule_set.first_contact_max_days if rule_set else None
    stored = _stored_figures(team, months, month_ends, team_row, rows)
    if stored is not None:
        trend, by_rule, walk_ins = stored
    else:
        trend, by_rule = _replayed_figures(
            team, policy, (first, last, as_of, today), months, month_ends, team_row, rows, (target, maximum)
        )
        walk_ins = selectors.walk_ins(centre.pk, team.pk, first, as_of)

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
    _apply_walk_ins(team_row, {s.user_id: rows[s.pk] for s in staff if s.pk in shown}, walk_ins)

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


def _replayed_figures(team, policy, period, months, month_ends, team_row, rows, limits):
    """The contact figures replayed from the team's history: the way when no stored figures
    are complete for the report (`reports.stored` writes them), and the oracle they are tested
    against."""
    first, last, as_of, today = period
    target, maximum = limits
    customers = list(
        Customer.objects.filter(job_centre_id=team.job_centre_id, team_id=team.pk, registered_on__lte=as_of).values(
            *FACT_ROW, "caseworker_id"
        )
    )
    measures, suspensions, notes = _history(team, max(today, as_of))
    trend = [MonthCounts() for _ in months]
    by_rule = Counter()
    for row in customers:
        cid = row["id"]
        facts = customer_facts(row, measures.get(cid, ()), suspensions.get(cid, ()))
        result = replay(policy, facts, notes.get(cid, ()), months[0], as_of)
        targets = [team_row]
        if row["caseworker_id"] in rows:
            targets.append(rows[row["caseworker_id"]])
        counts = tally(result.obligations, months, month_ends, trend)
        by_rule[rule_name(result.final)] += 1
        new = first <= row["registered_on"] <= last
        lead = lead_time(policy.calendar, row["registered_on"], result.first_contact_on) if new else None
        for r in targets:
            r.caseload += 1
            r.counts.add(counts)
            if new:
                r.new += 1
                if lead is None:
                    r.lead_missing += 1
                else:
                    r.lead_total += lead
                    r.lead_count += 1
                    if target is not None and lead <= target:
                        r.lead_target += 1
                    if maximum is not None and lead <= maximum:
                        r.lead_max += 1
    return trend, by_rule


def _stored_figures(team, months, month_ends, team_row, rows):
    """The contact figures and walk-ins from `CustomerMonth` and `WalkInMonth`, or None (the
    caller replays) unless every month of the trend is stored, read up to the day the report
    reads it, for every customer of the team registered by then. Four queries: the rows stored
    per month and the customers expected, then the report month by caseworker and rule, and
    its walk-ins by writer."""
    scope = {"job_centre_id": team.job_centre_id, "team_id": team.pk}
    read_on = dict(zip(months, month_ends))
    # A range of the (job_centre, team, month) index, grouped by the day each month was read
    # up to, and only columns the index holds (it includes the summed ones): PostgreSQL answers
    # from the index alone (COUNT(*), not COUNT(id)). Matching each month's day in the WHERE
    # clause instead, twelve ORed pairs tested on every row, took 3-4 times as long.
    by_month = {
        m["month"]: m
        for m in CustomerMonth.objects.filter(**scope, month__gte=months[0], month__lte=months[-1])
        .values("month", "as_of")
        .annotate(
            n=Count("*"),
            due=Sum("due"),
            on_time=Sum("on_time"),
            late=Sum("late"),
            overdue_end=Count("overdue_end", filter=Q(overdue_end=True)),
        )
        .order_by()
        if read_on.get(m["month"]) == m["as_of"]
    }
    # Counting registered_on (never null), not the id: the (job_centre, team, due_by) index
    # includes it, so PostgreSQL counts from the index alone (2,648 customers: 1.6 ms, against
    # 9 ms reading their rows).
    expected = Customer.objects.filter(job_centre_id=team.job_centre_id, team_id=team.pk).aggregate(
        **{f"m{k}": Count("registered_on", filter=Q(registered_on__lte=end)) for k, end in enumerate(month_ends)}
    )
    if any(by_month.get(m, {}).get("n", 0) != expected[f"m{k}"] for k, m in enumerate(months)):
        return None
    if not expected[f"m{len(months) - 1}"]:
        return None  # an empty team: nothing stored says so
    trend = [
        MonthCounts(f["due"], f["on_time"], f["late"], f["overdue_end"]) if f else MonthCounts()
        for f in map(by_month.get, months)
    ]

    month_rows = CustomerMonth.objects.filter(**scope, month=months[-1], as_of=month_ends[-1])
    lead = Q(new=True, lead_days__isnull=False)
    # By caseworker and by rule in one pass over the month's rows (one group per caseworker and
    # rule, summed both ways here): a second pass for the rules read the same rows again.
    by_rule = Counter()
    for figures in month_rows.values("caseworker_id", "rule_label", "rule_code").annotate(
        caseload=Count("pk"),
        due=Sum("due"),
        on_time=Sum("on_time"),
        late=Sum("late"),
        overdue_end=Count("pk", filter=Q(overdue_end=True)),
        new_customers=Count("pk", filter=Q(new=True)),
        lead_missing=Count("pk", filter=Q(new=True, lead_days__isnull=True)),
        lead_target=Count("pk", filter=Q(lead_in_target=True)),
        lead_max=Count("pk", filter=Q(lead_in_max=True)),
        lead_sum=Sum("lead_days", filter=lead),
        lead_n=Count("pk", filter=lead),
    ):
        by_rule[figures["rule_label"], figures["rule_code"]] += figures["caseload"]
        targets = [team_row]
        if figures["caseworker_id"] in rows:
            targets.append(rows[figures["caseworker_id"]])
        for r in targets:
            r.caseload += figures["caseload"]
            r.counts.add(MonthCounts(figures["due"], figures["on_time"], figures["late"], figures["overdue_end"]))
            r.new += figures["new_customers"]
            r.lead_missing += figures["lead_missing"]
            r.lead_target += figures["lead_target"]
            r.lead_max += figures["lead_max"]
            r.lead_total += figures["lead_sum"] or 0
            r.lead_count += figures["lead_n"]
    # Stored with the month's rows above (`reports.stored`), so complete when they are.
    walk_ins = dict(
        WalkInMonth.objects.filter(**scope, month=months[-1], as_of=month_ends[-1])
        .values_list("writer_id")
        .annotate(n=Sum("walk_ins"))
        .order_by()
    )
    return trend, by_rule, walk_ins


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
