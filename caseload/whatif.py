"""What a rule change would do to a job centre's customers, computed without writing anything.

`preview` reads the job centre's open cases chunk by chunk exactly as the bulk recompute does
(`recompute.histories`, `chunk_scope`: one read per table and chunk) and decides each customer
twice, on the day the change takes effect: under the rules as they are and as proposed. The
current decision is the stored one wherever it still holds that day (computed under the
current rules, its recheck day not reached), so in the common case, a change effective today
on an up-to-date job centre, the engine runs once per customer, as in the recompute, and
nothing is written: the preview is never slower than the recompute it previews.

The report holds counts only (per team and per rule), never a customer number or name: the
admins who preview rule changes see no caseload.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db import connections, router
from django.utils import timezone

from kontaktdichte import formats
from policies import engine
from policies.models import JobCentre
from policies.whatif import Proposal

from . import recompute_worker
from .duedates import FACT_ROW, customer_facts, policy_for
from .models import Customer, Team
from .recompute import chunk_scope, histories, in_processes, run_in_processes

NO_RULE_NAMES = {engine.NO_RULE_SET: "(kein Konzept in Kraft)", engine.NO_RULE: "(keine Regel trifft zu)"}
STORED = ("team_id", "status_until_due", "due_by", "due_rule_id", "recheck_on", "due_computed_on", "policy_version")


def rule_name(rule: engine.Rule | None, status: str) -> str:
    if rule is None:
        return NO_RULE_NAMES.get(status, "(keine Regel)")
    return f"{rule.label} ({rule.code})" if rule.code else rule.label


@dataclass
class Tally:
    customers: int = 0
    earlier: int = 0  # the due date moves earlier
    later: int = 0
    unchanged: int = 0
    other: int = 0  # a due date comes or goes (no rule, individual, no rule set)
    newly_overdue: int = 0  # overdue at once: under the proposed rules, not under the current
    no_longer_overdue: int = 0
    moves: Counter = field(default_factory=Counter)  # (current rule, proposed rule) -> customers

    def add(self, old: tuple, new: tuple, on: date) -> None:
        (old_status, old_due, old_rule), (new_status, new_due, new_rule) = old, new
        self.customers += 1
        if old_due is not None and new_due is not None:
            if new_due < old_due:
                self.earlier += 1
            elif new_due > old_due:
                self.later += 1
            else:
                self.unchanged += 1
        elif old_due is None and new_due is None and old_status == new_status:
            self.unchanged += 1
        else:
            self.other += 1
        was = engine.Status.on(old_status, old_due, on) == engine.OVERDUE
        will = engine.Status.on(new_status, new_due, on) == engine.OVERDUE
        self.newly_overdue += will and not was
        self.no_longer_overdue += was and not will
        if old_rule != new_rule:
            self.moves[(old_rule, new_rule)] += 1


@dataclass(frozen=True)
class RuleDelta:
    rule: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass
class TeamImpact:
    team: str
    tally: Tally
    rules: list[RuleDelta]


@dataclass
class Impact:
    job_centre: str
    on: date
    note: str
    total: Tally
    rules: list[RuleDelta]
    teams: list[TeamImpact]
    seconds: float
    stored_used: int  # current decisions read from the stored ones, not recomputed

    @property
    def per_second(self) -> float:
        return self.total.customers / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict:
        def tally(t: Tally) -> dict:
            data = {k: v for k, v in asdict(t).items() if k != "moves"}
            data["moves"] = [{"from": a, "to": b, "customers": n} for (a, b), n in sorted(t.moves.items())]
            return data

        def rules(deltas):
            return [{"rule": d.rule, "before": d.before, "after": d.after, "change": d.change} for d in deltas]

        return {
            "job_centre": self.job_centre,
            "on": self.on.isoformat(),
            "note": self.note,
            "total": tally(self.total),
            "rules": rules(self.rules),
            "teams": [{"team": t.team, **tally(t.tally), "rules": rules(t.rules)} for t in self.teams],
            "seconds": round(self.seconds, 3),
            "customers_per_second": round(self.per_second),
        }


def customers_to_preview(job_centre_id: int) -> int:
    return Customer.objects.filter(job_centre_id=job_centre_id, closed_on__isnull=True).count()


@dataclass
class Counts:
    """What a chunk (or a worker) found; merged into the report."""

    total: Tally = field(default_factory=Tally)
    teams: dict = field(default_factory=dict)  # team id -> Tally
    before: Counter = field(default_factory=Counter)  # (team id, rule) -> customers
    after: Counter = field(default_factory=Counter)
    stored_used: int = 0

    def merge(self, other: Counts) -> Counts:
        for name in ("earlier", "later", "unchanged", "other", "newly_overdue", "no_longer_overdue", "customers"):
            setattr(self.total, name, getattr(self.total, name) + getattr(other.total, name))
        self.total.moves.update(other.total.moves)
        for team, tally in other.teams.items():
            mine = self.teams.setdefault(team, Tally())
            for name in ("earlier", "later", "unchanged", "other", "newly_overdue", "no_longer_overdue", "customers"):
                setattr(mine, name, getattr(mine, name) + getattr(tally, name))
            mine.moves.update(tally.moves)
        self.before.update(other.before)
        self.after.update(other.after)
        self.stored_used += other.stored_used
        return self


def preview(
    proposal: Proposal,
    *,
    today: date | None = None,
    chunk_size: int = 2000,
    progress=None,
    use_stored: bool = True,
    workers: int = 1,
) -> Impact:
    """The impact of `proposal` on the job centre's open cases on `proposal.on`. `progress(n)`
    after every chunk. Before: the job centre, its policy, the teams, the ids; per chunk:
    customers, measures, suspensions, contact notes (one query each). `workers` > 1 spreads the
    chunks over that many processes, under the same conditions as the recompute
    (`recompute.PARALLEL_MIN_CUSTOMERS`, PostgreSQL, outside a transaction)."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    centre_id = proposal.job_centre_id
    centre = JobCentre.objects.only("name", "policy_version").get(pk=centre_id)
    policy_for(centre_id, centre.policy_version)  # loaded here once for in-process chunks
    teams = dict(Team.objects.filter(job_centre_id=centre_id).values_list("pk", "name"))
    ids = list(_open_cases(centre_id).order_by("pk").values_list("pk", flat=True))
    tasks = [
        (proposal, centre.policy_version, use_stored, ids[i], ids[min(i + chunk_size, len(ids)) - 1])
        for i in range(0, len(ids), chunk_size)
    ]
    connection = connections[router.db_for_read(Customer)]
    if run_in_processes(connection, workers, len(tasks), len(ids)):
        results = in_processes(recompute_worker.preview_range, tasks, workers)
    else:
        results = (preview_range(*task) for task in tasks)
    counts = Counts()
    for part in results:
        counts.merge(part)
        if progress:
            progress(part.total.customers)
    return Impact(
        job_centre=centre.name,
        on=proposal.on,
        note=proposal.note,
        total=counts.total,
        rules=_deltas(_by_rule(counts.before), _by_rule(counts.after)),
        teams=[
            TeamImpact(
                teams.get(team, "(ohne Team)"),
                tally,
                _deltas(_by_rule(counts.before, team), _by_rule(counts.after, team)),
            )
            for team, tally in sorted(counts.teams.items(), key=lambda item: teams.get(item[0], ""))
        ],
        seconds=time.perf_counter() - started,
        stored_used=counts.stored_used,
    )


def _open_cases(centre_id: int):
    return Customer.objects.filter(job_centre_id=centre_id, closed_on__isnull=True)


def preview_range(proposal: Proposal, version: int, use_stored: bool, first_id: int, last_id: int) -> Counts:
    """One chunk: the open cases with ids from `first_id` to `last_id`, read as the recompute
    reads a chunk, decided under the current and the proposed rules."""
    on, centre_id = proposal.on, proposal.job_centre_id
    current = policy_for(centre_id, version)
    stored_names = {r.key: rule_name(r, "") for rs in current.rule_sets for r in rs.rules}
    counts = Counts()
    rows = list(
        _open_cases(centre_id).filter(pk__gte=first_id, pk__lte=last_id).order_by("pk").values(*FACT_ROW, *STORED)
    )
    if not rows:
        return counts
    measures, suspensions, contacts = histories(chunk_scope(rows), on)
    evaluate, new_policy = engine.evaluate, proposal.policy
    for row in rows:
        cid = row["id"]
        facts = customer_facts(row, measures.get(cid, ()), suspensions.get(cid, ()))
        history = contacts.get(cid, ())
        if use_stored and _stored_holds(row, on, version):
            status = row["status_until_due"]
            old = (status, row["due_by"], stored_names.get(row["due_rule_id"]) or rule_name(None, status))
            counts.stored_used += 1
        else:
            d = evaluate(current, facts, history, on)
            old = (d.status, d.due_by, rule_name(d.rule, d.status))
        d = evaluate(new_policy, facts, history, on)
        new = (d.status, d.due_by, rule_name(d.rule, d.status))
        team = row["team_id"]
        counts.total.add(old, new, on)
        counts.teams.setdefault(team, Tally()).add(old, new, on)
        counts.before[(team, old[2])] += 1
        counts.after[(team, new[2])] += 1
    return counts


def _by_rule(counter: Counter, team=None) -> Counter:
    result = Counter()
    for (team_id, rule), n in counter.items():
        if team is None or team_id == team:
            result[rule] += n
    return result


def _stored_holds(row: dict, on: date, version: int) -> bool:
    """The stored decision is the current rules' decision on `on`: computed under the current
    rules, on or before `on`, and nothing the engine reads changes before its recheck day (a
    new note, measure or fact recomputes it at once, in the service that writes it)."""
    computed = row["due_computed_on"]
    return (
        row["policy_version"] == version
        and computed is not None
        and computed <= on
        and (row["recheck_on"] is None or row["recheck_on"] > on)
    )


def _deltas(before: Counter, after: Counter) -> list[RuleDelta]:
    """Every rule that had or gets customers, those that change most first."""
    names = set(before) | set(after)
    deltas = [RuleDelta(name, before.get(name, 0), after.get(name, 0)) for name in names]
    return sorted(deltas, key=lambda d: (-abs(d.change), d.rule))


def summary_lines(impact: Impact) -> list[str]:
    """The report in German sentences, for the command's output."""
    t = impact.total
    lines = [
        f"{impact.job_centre}, Stichtag {formats.day(impact.on)}: {t.customers} offene Fälle.",
        f"Fälligkeit früher: {t.earlier}, später: {t.later}, unverändert: {t.unchanged}, "
        f"Fälligkeit kommt oder entfällt: {t.other}.",
        f"Sofort überfällig: {t.newly_overdue}; nicht mehr überfällig: {t.no_longer_overdue}.",
    ]
    if impact.note:
        lines.append(impact.note)
    return lines
