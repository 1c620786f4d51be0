"""Replaying the policy engine over past months: which contacts fell due, which were held.

The stored due date (`Customer.due_by`) says only what is due *now*. A monthly report needs
what was due *then*, so it replays the pure engine (`policies.engine.evaluate`, through
`caseload.duedates.policy_for` and `customer_facts`) over a customer's history of contact notes,
measures and suspensions. Everything is read in bulk by the caller (`reports.figures`), a fixed
number of queries whatever the team's size; this module does no I/O.

Definitions (docs/domain.md, "How the due date is computed", read on each morning):

- **Morning state of day d**: `evaluate(policy, facts, notes dated before d, today=d)`, the
  decision a caseworker's worklist shows on the morning of d. It is computed on the first day of
  the window (or the day of registration, when later), on the day after every contact note (of
  any channel: a note's follow-up date, or a qualified contact ending an earlier one, moves the
  due date) and on
  the engine's own `recheck_on` (25th birthday, anniversaries, measures, suspensions, a rule set's
  start or end).
- **Obligation**: a due date D shown by a morning state whose status carries a date (ok,
  overdue, suspended). An obligation whose D has not been reached when a later morning state
  shows another due date was moved (a suspension, an earlier follow-up date, a new rule), not
  missed: it is dropped. Once D has passed it stays open until a qualified contact meets it,
  or until a morning state no longer says overdue (a suspension documented afterwards, a rule
  that now asks for less): then it is closed, missed but no longer overdue.
- **Qualified contact**: a note whose channel counts under the rule set in force (the rule set's
  `qualifying_channels`). It meets every open obligation at once.
- **Due in the month**: an obligation with D in the month (first to last day) that no qualified
  contact met before the month began (one held in an earlier month moved the due date: what
  falls due is the next one). So a month reads the same from any replay that starts by its
  first day, and its stored figures (`reports.stored`) equal a later report's trend.
- **Held on time**: due in the month and met by a qualified contact on or before D (a contact
  on the due date itself is on time, as `engine.Status.on` reads it).
- **Held late**: an obligation met in the month by a qualified contact after its D, whatever
  month D fell in (a contact due in April and held in May is late in May).
- **Overdue at month end**: a customer with an obligation whose D is on or before the month's
  last day, that no qualified contact met by then and that the morning states up to that day
  still said overdue (the worklist of the last day, with that day's contacts). Counted once per
  customer.
- **On-time rate**: held on time / due in the month (none when nothing fell due).
- **First-contact lead time**: for customers registered in the month, the working days
  (`policies.calendar`: Mon-Fri minus the state's public holidays and the job centre's closing
  days) from registration to the first qualified contact; judged against the rule set's
  `first_contact_target_days` and `first_contact_max_days`.

A month still running is read up to yesterday (`as_of`): due dates up to then, contacts up to
then; "overdue at month end" is then "overdue this morning".

What the replay cannot know and so takes from today: a customer's facts (status, profile, care
type, flags), team and caseworker, and the rules as they stand now (rule sets apply by their
validity; an edited rule is read as edited). A customer whose profile changed in
March is replayed under today's profile; a customer who moved to another team counts in the
new team's history. The report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from policies import engine
from policies.engine import DATED

ONE_DAY = timedelta(days=1)


@dataclass(slots=True)
class Obligation:
    due: date
    met_on: date | None = None  # the qualified contact that met it
    closed_on: date | None = None  # missed, then no longer overdue (a suspension, a rule change)

    def on_time(self) -> bool:
        return self.met_on is not None and self.met_on <= self.due

    def open_on(self, day: date) -> bool:
        """Due by `day` and neither met nor closed by its end. Reads nothing after `day`, so a
        month reads the same in any replay that reaches its end (a stored month's figures and
        the trend of a later report agree)."""
        return (
            self.due <= day
            and (self.met_on is None or self.met_on > day)
            and (self.closed_on is None or self.closed_on > day)
        )


@dataclass(slots=True)
class Replay:
    """One customer's obligations over a window, the morning state at its end, and the first
    qualified contact (for the first-contact lead time)."""

    obligations: list[Obligation] = field(default_factory=list)
    final: engine.Decision | None = None
    first_contact_on: date | None = None


def replay(
    policy: engine.JobCentre,
    facts: engine.Customer,
    notes: Sequence[engine.Contact],
    start: date,
    end: date,
    *,
    compact: bool = True,
) -> Replay:
    """Walk the morning states from `start` to `end` (inclusive). `notes`: all of the
    customer's notes, sorted by date (earlier ones decide the state on `start`; later ones only
    give the first contact of a customer registered near the end).

    `compact`: hand the engine, of the notes before the day, only the last qualified contact and
    the last note that carries a follow-up date. The engine reads nothing else of the history
    (the cycle runs from the last qualified contact, the follow-up date comes from the latest
    note that carries one, graduate management asks whether any qualified contact lies after a
    date, which the last one answers), so the decisions are the same, at half the cost for a
    long history;
    tests/reports/test_replay_properties.py holds the engine to that."""
    result = Replay()
    registered = facts.registered_on
    first_contact_channels = _channels_on(policy, registered)
    for note in notes:
        if note.date >= registered and note.channel in first_contact_channels:
            result.first_contact_on = note.date
            break
    notes = [n for n in notes if n.date <= end]
    day = max(start, registered)
    if day > end:
        return result

    evaluate = engine.evaluate
    obligations = result.obligations
    open_: list[Obligation] = []
    i = 0  # notes[:i] are dated before `day`
    count = len(notes)
    while i < count and notes[i].date < day:
        i += 1
    first_morning = True
    seen, last_qualified, last_follow_up, channels_seen = 0, None, None, None
    while True:
        if compact:
            channels = _channels_on(policy, day)
            if channels is not channels_seen:
                seen, last_qualified, last_follow_up, channels_seen = 0, None, None, channels
            while seen < i:
                note = notes[seen]
                seen += 1
                if note.channel in channels and (last_qualified is None or note.date > last_qualified.date):
                    last_qualified = note
                if note.follow_up_on is not None:
                    last_follow_up = note
            history = tuple(n for n in (last_qualified, last_follow_up) if n is not None)
            if len(history) == 2 and (history[0] is history[1] or history[1].date < history[0].date):
                history = (history[0],) if history[0] is history[1] else (history[1], history[0])
        else:
            history = notes[:i]
        decision = evaluate(policy, facts, history, day)
        due = decision.due_by if decision.status in DATED else None
        keep = []
        for o in open_:
            if o.due >= day:
                if o.due != due:  # not reached yet and no longer what the engine says: moved
                    obligations.remove(o)
                    continue
            elif due is None or due >= day:  # missed, but the engine no longer says overdue
                o.closed_on = day
                continue
            keep.append(o)
        open_ = keep
        if due is not None:
            if due >= day:
                if not any(o.due == due for o in open_):
                    open_.append(Obligation(due))
                    obligations.append(open_[-1])
            elif not open_:
                # Overdue this morning with nothing missed before: due yesterday at the latest,
                # so a change of rules never rewrites a month already read.
                open_.append(Obligation(due if first_morning else max(due, day - ONE_DAY)))
                obligations.append(open_[-1])
        first_morning = False
        result.final = decision

        recheck = decision.recheck_on
        next_day = recheck if recheck is not None and day < recheck <= end else None
        if i < count:
            after_note = notes[i].date + ONE_DAY
            if next_day is None or after_note <= next_day:
                note_day = notes[i].date
                channels = decision.rule_set.qualifying_channels if decision.rule_set else frozenset()
                qualified = False
                while i < count and notes[i].date == note_day:
                    qualified = qualified or notes[i].channel in channels
                    i += 1
                if qualified:
                    for o in open_:
                        o.met_on = note_day
                    open_ = []
                next_day = after_note
        if next_day is None or next_day > end:
            break
        day = next_day
    return result


def _channels_on(policy: engine.JobCentre, day: date) -> frozenset[str]:
    rule_set = policy.rule_set_on(day)
    return rule_set.qualifying_channels if rule_set else frozenset()


# --- Reading a replay month by month --------------------------------------------------------


@dataclass(slots=True)
class MonthCounts:
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue_end: int = 0  # customers

    def add(self, other: MonthCounts) -> None:
        self.due += other.due
        self.on_time += other.on_time
        self.late += other.late
        self.overdue_end += other.overdue_end

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def tally(
    obligations: Sequence[Obligation], months: Sequence[date], ends: Sequence[date], totals: list[MonthCounts]
) -> MonthCounts:
    """The definitions above for consecutive months in one pass (tests/reports/oracles.py holds
    the month-by-month reading it must agree with): adds one customer's counts for each
    month (first days `months`, read up to `ends`) to `totals` and returns those of the last."""
    base = months[0].year * 12 + months[0].month
    n = len(months)
    last = MonthCounts()
    overdue = [False] * n
    for o in obligations:
        due, met = o.due, o.met_on
        k = due.year * 12 + due.month - base
        if 0 <= k < n and due <= ends[k] and (met is None or met >= months[k]):
            totals[k].due += 1
            on_time = o.on_time()
            if on_time:
                totals[k].on_time += 1
            if k == n - 1:
                last.due += 1
                last.on_time += on_time
        if met is not None and met > due:
            k = met.year * 12 + met.month - base
            if 0 <= k < n and met <= ends[k]:
                totals[k].late += 1
                if k == n - 1:
                    last.late += 1
        if met is None or met > due:
            for k in range(n):
                if not overdue[k] and o.open_on(ends[k]):
                    overdue[k] = True
    for k in range(n):
        if overdue[k]:
            totals[k].overdue_end += 1
    last.overdue_end = int(overdue[-1])
    return last


def lead_time(calendar, registered_on: date, first_contact_on: date | None) -> int | None:
    """Working days from registration to the first qualified contact (None without one)."""
    if first_contact_on is None:
        return None
    return calendar.working_days_between(registered_on, first_contact_on)
