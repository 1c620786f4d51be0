"""What a rule change would do to a job centre's customers, computed without writing anything.

`preview` reads the job centre's open cases chunk by chunk exactly as the bulk recompute does
(`duedates.histories`, `chunk_scope`: one read per table and chunk) and decides each customer
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

from django.utils import timezone

from kontaktdichte import formats
from policies import engine
from policies.models import JobCentre
from policies.whatif import Proposal

from .duedates import FACT_ROW, chunk_scope, customer_facts, histories, policy_for
from .models import Customer, Team

NO_RULE_NAMES = {engine.NO_RULE_SET: "(kein Konzept in Kraft)", engine.NO_RULE: "(keine Regel trifft zu)"}
STORED = ("team_id", "due_status", "due_by", "due_rule_id", "recheck_on", "due_computed_on", "policy_version")


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
        was = engine.status_on(old_status, old_due, on) == engine.OVERDUE
        will = engine.status_on(new_status, new_due, on) == engine.OVERDUE
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


def preview(
    proposal: Proposal,
    *,
    today: date | None = None,
    chunk_size: int = 2000,
    progress=None,
    use_stored: bool = True,
) -> Impact:
    """The impact of `proposal` on the job centre's open cases on `proposal.on`. `progress(n)`
    after every chunk. Per chunk: customers, measures, suspensions, contact notes (one query
    each); before: the job centre, the ids, the teams."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    on, centre_id = proposal.on, proposal.job_centre_id
    centre = JobCentre.objects.only("name", "policy_version").get(pk=centre_id)
    current = policy_for(centre_id, centre.policy_version)
    stored_names = {r.key: rule_name(r, "") for rs in current.rule_sets for r in rs.rules}
    teams = dict(Team.objects.filter(job_centre_id=centre_id).values_list("pk", "name"))
    base = Customer.objects.filter(job_centre_id=centre_id, closed_on__isnull=True)
    ids = list(base.order_by("pk").values_list("pk", flat=True))
    total, by_team = Tally(), {}
    before, after, before_team, after_team = Counter(), Counter(), {}, {}
    stored_used = 0
    evaluate, new_policy = engine.evaluate, proposal.policy
    for i in range(0, len(ids), chunk_size):
        rows = list(
            base.filter(pk__gte=ids[i], pk__lte=ids[min(i + chunk_size, len(ids)) - 1])
            .order_by("pk")
            .values(*FACT_ROW, *STORED)
        )
        if not rows:
            continue
        measures, suspensions, contacts = histories(chunk_scope(rows), on)
        for row in rows:
            cid = row["id"]
            facts = customer_facts(row, measures.get(cid, ()), suspensions.get(cid, ()))
            history = contacts.get(cid, ())
            if use_stored and _stored_holds(row, on, centre.policy_version):
                old = (
                    row["due_status"],
                    row["due_by"],
                    stored_names.get(row["due_rule_id"]) or rule_name(None, row["due_status"]),
                )
                stored_used += 1
            else:
                d = evaluate(current, facts, history, on)
                old = (d.status, d.due_by, rule_name(d.rule, d.status))
            d = evaluate(new_policy, facts, history, on)
            new = (d.status, d.due_by, rule_name(d.rule, d.status))
            team = row["team_id"]
            total.add(old, new, on)
            by_team.setdefault(team, Tally()).add(old, new, on)
            before[old[2]] += 1
            after[new[2]] += 1
            before_team.setdefault(team, Counter())[old[2]] += 1
            after_team.setdefault(team, Counter())[new[2]] += 1
        if progress:
            progress(len(rows))
    return Impact(
        job_centre=centre.name,
        on=on,
        note=proposal.note,
        total=total,
        rules=_deltas(before, after),
        teams=[
            TeamImpact(teams.get(team, "(ohne Team)"), tally, _deltas(before_team[team], after_team[team]))
            for team, tally in sorted(by_team.items(), key=lambda item: teams.get(item[0], ""))
        ],
        seconds=time.perf_counter() - started,
        stored_used=stored_used,
    )


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
