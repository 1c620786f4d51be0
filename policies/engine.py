"""The policy engine: a customer's facts and contacts in, the next due contact out.

Pure Python over plain dataclasses: no ORM, no clock. `today` is always passed in. The steps
follow docs/domain.md, "How the due date is computed"; every page, the stored due dates
and `manage.py evaluate_cases` go through `evaluate()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from kontaktdichte import dates
from kontaktdichte.kept import KeptAnswers

from . import matching
from . import reasons as wording
from .calendar import WorkingCalendar
from .vocabulary import unit_label

ONE_DAY = timedelta(days=1)
# `months_after[day, n]` is dates.add_months(day, n), kept: many customers share days (a fifth of the cost).
months_after = KeptAnswers(lambda key: dates.add_months(*key))


class Status(StrEnum):
    """A customer's due status on a day: the one vocabulary of engine, stored rows and pages.

    Stored due dates keep the status *until the due date passes* (`until_due`): a dated status
    (ok, suspended) turns overdue on its own once `due_by` is behind, so lists read it from the
    stored row and the day (`on`, and its SQL twin in `caseload.status`)."""

    OK = "ok"
    OVERDUE = "overdue"
    SUSPENDED = "suspended"
    INDIVIDUAL = "individual"
    NO_RULE_SET = "no_rule_set"
    NO_RULE = "no_rule"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def until_due(self) -> Status:
        """What is stored: overdue is a dated status read after its day, so it is kept as ok."""
        return Status.OK if self is Status.OVERDUE else self

    @staticmethod
    def on(stored: str, due_by: date | None, day: date) -> Status:
        """A stored status read on `day`: a dated one turns overdue once its due date has passed."""
        status = Status(stored) if stored else Status.NO_RULE_SET  # "": never computed
        if status in DATED and due_by is not None and day > due_by:
            return Status.OVERDUE
        return status.until_due


OK, OVERDUE, SUSPENDED, INDIVIDUAL, NO_RULE_SET, NO_RULE = Status
# Statuses that carry a due date and so can turn overdue.
DATED = frozenset({OK, OVERDUE, SUSPENDED})
STATUS_LABELS = {
    OVERDUE: "überfällig",
    OK: "offen",
    SUSPENDED: "ausgesetzt",
    INDIVIDUAL: "individuell",
    NO_RULE: "keine Regel",
    NO_RULE_SET: "kein Konzept",
}
PROFILING_REVIEW = "profiling_review"
EMPLOYER_SERVICE_TASK = "employer_service_task"


# --- The rules -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Amount:
    value: int
    unit: str  # days | weeks | months
    delta: timedelta | None = field(init=False, repr=False, compare=False)  # None: months
    # Months added, kept per amount and keyed by the day alone: no key tuple, a small dict.
    _months_after: KeptAnswers | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        delta = months = None
        if self.unit == "months":
            months = KeptAnswers(lambda day: dates.add_months(day, self.value))
        elif self.unit == "weeks":
            delta = timedelta(weeks=self.value)
        else:
            delta = timedelta(days=self.value)
        object.__setattr__(self, "delta", delta)
        object.__setattr__(self, "_months_after", months)

    def __reduce__(self):
        """Pickled (for a worker process) as what it is made of; the copy keeps answers of its own."""
        return Amount, (self.value, self.unit)

    def after(self, day: date) -> date:
        """`day` plus this amount; months clamp to the month's end (31 Jan + 1 month = 28 Feb)."""
        return self._months_after[day] if self.delta is None else day + self.delta

    def __str__(self):
        return f"{self.value} {unit_label(self.unit, self.value)}"


@dataclass(frozen=True, slots=True)
class Conditions:
    """All given conditions must hold. Empty sets and None mean "any"."""

    age_band: str | None = None  # u25 | ue25
    employment: frozenset[str] = frozenset()
    profiles: frozenset[str] = frozenset()
    care: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()  # all of them
    in_measure: bool | None = None
    integrated_employment: frozenset[str] = frozenset()
    unemployed_months_min: int | None = None
    unemployed_months_below: int | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    label: str
    conditions: Conditions
    deadline: Amount | None  # None: individual, the caseworker's follow-up date decides
    window: Amount | None = None
    code: str | None = None
    cap_at_benefit_renewal: bool = False
    # Without a qualified contact the cycle runs from the registration, even where the rule
    # set has a first-contact deadline (Mönchengladbach: U25 and case management).
    first_contact_exempt: bool = False
    key: int | None = None  # the database id, when loaded from the database

    @property
    def individual(self) -> bool:
        return self.deadline is None


@dataclass(frozen=True, slots=True)
class RuleSet:
    title: str
    valid_from: date
    valid_until: date | None
    rules: tuple[Rule, ...]
    qualifying_channels: frozenset[str] = frozenset({"in_person"})
    first_contact_target_days: int | None = None
    first_contact_max_days: int | None = None
    max_extension: Amount | None = None
    profiling_review_months: int | None = None
    graduate_management: bool = False
    graduate_days_before_end: int = 90
    graduate_follow_up_working_days: int = 15
    employer_service_lead_months: int = 1
    key: int | None = None
    # What the rules look at, derived once, for `recheck_on`.
    uses_age: bool = field(init=False, repr=False, compare=False)
    unemployment_thresholds: tuple[int, ...] = field(init=False, repr=False, compare=False)
    uses_measures: bool = field(init=False, repr=False, compare=False)
    # The rules' conditions compiled for step 1 of `evaluate`: rebuilt with every rule set.
    index: matching.RuleIndex = field(init=False, repr=False, compare=False)
    # Every decision under the rule set starts with this reason and rechecks on this day.
    head_reason: tuple = field(init=False, repr=False, compare=False)
    day_after_end: date | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        conditions = [r.conditions for r in self.rules]
        object.__setattr__(self, "index", matching.RuleIndex.of(conditions))
        object.__setattr__(self, "head_reason", ("concept", self.title, self.valid_from))
        object.__setattr__(self, "day_after_end", self.valid_until + ONE_DAY if self.valid_until else None)
        object.__setattr__(self, "uses_age", any(c.age_band for c in conditions))
        # The months at which a rule's condition on unemployment turns, sorted (as the index reads them).
        object.__setattr__(self, "unemployment_thresholds", self.index.thresholds)
        object.__setattr__(
            self, "uses_measures", self.graduate_management or any(c.in_measure is not None for c in conditions)
        )

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class JobCentre:
    slug: str
    name: str
    calendar: WorkingCalendar
    rule_sets: tuple[RuleSet, ...] = ()
    # rule_set_on's answers by day, each JobCentre its own: a bulk recompute asks about one day.
    _in_force: dict[date, RuleSet | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def rule_set_on(self, day: date) -> RuleSet | None:
        if day not in self._in_force:
            self._in_force[day] = next((rs for rs in self.rule_sets if rs.in_force_on(day)), None)
        return self._in_force[day]

    def next_rule_set_start(self, day: date) -> date | None:
        starts = [rs.valid_from for rs in self.rule_sets if rs.valid_from > day]
        return min(starts) if starts else None


# --- The customer ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    start: date
    end: date
    exited_on: date | None = None
    # The day the employer service (AG-S) was involved, once the task is marked done.
    employer_service_on: date | None = None

    @property
    def ends_on(self) -> date:
        return self.exited_on or self.end


@dataclass(frozen=True, slots=True)
class Suspension:
    start: date
    end: date
    reason: str = ""


class Contact(NamedTuple):
    """A contact note as the engine reads it. A named tuple, not a dataclass like its
    neighbours: a bulk recompute builds one per note, millions of them, and a tuple is built
    several times faster than a frozen dataclass."""

    date: date
    channel: str
    follow_up_on: date | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    birth_date: date
    registered_on: date
    employment: str | None = None
    profile: str | None = None
    profile_since: date | None = None
    care: str = "placement"
    flags: frozenset[str] = frozenset()
    integrated_employment: str | None = None
    unemployed_since: date | None = None
    benefit_renewal_on: date | None = None
    # The last contact note that documented a review of the profiling and prognosis.
    profiling_reviewed_on: date | None = None
    measures: tuple[Measure, ...] = ()
    suspensions: tuple[Suspension, ...] = ()


# --- The decision ----------------------------------------------------------------------------


# Not frozen: a frozen dataclass sets each field through object.__setattr__ (2.8 against 0.8 µs
# a decision). Nothing changes a decision after `evaluate` returns it.
@dataclass(slots=True)
class Decision:
    status: Status
    rule_set: RuleSet | None = None
    rule: Rule | None = None
    rule_position: int | None = None  # 1-based, as an admin counts
    window_opens: date | None = None
    due_by: date | None = None
    last_working_day: date | None = None
    recheck_on: date | None = None
    flags: tuple[str, ...] = ()
    # Why, as codes with parameters (`policies.reasons`); `reasons` is their German text.
    reason_codes: tuple[tuple, ...] = ()
    last_contact_on: date | None = None  # the last qualified contact
    # The day the earliest task among `flags` came due (profiling review, AG-S): overdue after it.
    tasks_due_on: date | None = None

    @property
    def code(self) -> str | None:
        return self.rule.code if self.rule else None

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons in German, made when asked for (most decisions are never shown)."""
        return wording.render_all(self.reason_codes)

    def status_on(self, day: date) -> Status:
        """The status on a later day, from the stored due date (as lists read it)."""
        return Status.on(self.status, self.due_by, day)


def evaluate(centre: JobCentre, customer: Customer, contacts: Sequence[Contact], today: date) -> Decision:
    """Decide the customer's next due contact on `today` under the rule set in force then.

    The steps are those of docs/domain.md, "How the due date is computed"; each has a function
    of its own below, named after it."""
    rule_set = centre.rule_set_on(today)
    if rule_set is None:  # step 1
        return Decision(
            status=NO_RULE_SET,
            recheck_on=centre.next_rule_set_start(today),
            reason_codes=(("no_rule_set", centre.name, today),),
        )

    facts = matching.facts_on(customer, today)
    index = rule_set.index.first_match(customer, facts)  # step 1: the first rule that matches
    position, rule = (None, None) if index is None else (index + 1, rule_set.rules[index])
    review_on = profiling_review_on(rule_set, customer) if rule_set.profiling_review_months else None
    recheck_on = _recheck_on(rule_set, customer, facts, today, review_on)
    if rule is None:
        return Decision(
            status=NO_RULE,
            rule_set=rule_set,
            recheck_on=recheck_on,
            reason_codes=(rule_set.head_reason, ("no_match", customer, facts)),
        )

    # The matched rule's reason keeps the objects; `policies.reasons` words it when shown.
    reasons = [rule_set.head_reason, ("rule", position, rule, customer, facts)]
    calendar = centre.calendar
    last_qualified, follow_up_note = _read_contacts(contacts, rule_set.qualifying_channels, today)

    # Steps most customers skip are called only when they apply (a call costs ~0.1-0.2 µs).
    window_opens, due_by = _cycle(rule_set, rule, customer, last_qualified, calendar, reasons)
    if rule.cap_at_benefit_renewal:
        base = last_qualified.date if last_qualified is not None else customer.registered_on
        due_by = _cap_at_benefit_renewal(customer, base, due_by, reasons)
    if follow_up_note is not None:
        due_by = _follow_up(follow_up_note, due_by, reasons)

    flags = task_days = ()
    if rule_set.graduate_management and customer.measures:
        milestone, graduate_reasons, graduate_flags = _graduate_milestones(
            rule_set, customer, last_qualified, calendar, today
        )
        reasons += graduate_reasons
        if graduate_flags:
            flags = [*graduate_flags]
            task_days = [_employer_service_day(rule_set, customer, today)]
        if milestone is not None and (due_by is None or milestone < due_by):
            due_by = milestone
    if review_on is not None and today >= review_on:  # Coburg: not integrated after six months
        flags = [*flags, PROFILING_REVIEW]
        task_days = [*task_days, review_on]
        since = _profiling_review_base(customer)
        reasons.append(("profiling_review", since, since == customer.profile_since))

    suspended = False
    if customer.suspensions:
        due_by, suspended = _extend_by_suspensions(rule_set, customer, due_by, today, reasons)
    status = _status(due_by, suspended, today, reasons)

    if window_opens is not None and due_by is not None and window_opens > due_by:
        window_opens = due_by

    # Positional, in the fields' order: twelve keywords cost 0.6 µs more a call, every decision.
    return Decision(
        status,
        rule_set,
        rule,
        position,
        window_opens,
        due_by,
        calendar.on_or_before(due_by) if due_by is not None else None,
        recheck_on,
        tuple(flags),
        tuple(reasons),
        last_qualified.date if last_qualified is not None else None,
        min(task_days) if task_days else None,
    )


def _read_contacts(
    contacts: Sequence[Contact], channels: frozenset[str], today: date
) -> tuple[Contact | None, Contact | None]:
    """The last qualified contact, and the note whose follow-up date counts (step 4): the latest
    note that carries one, if it is no older than the last qualified contact (whose own note
    counts). A note without a follow-up date does not cancel an earlier one; a newer qualified
    contact does. Of notes on one day, the later in the sequence counts."""
    last_qualified = last_follow_up = None
    qualified_on = noted_on = None  # their dates
    for contact in contacts:
        day, channel, follow_up_on = contact  # unpacked once: cheaper than reading its fields
        if day > today:
            continue
        if channel in channels and (qualified_on is None or day > qualified_on):
            last_qualified, qualified_on = contact, day
        if follow_up_on is not None and (noted_on is None or day >= noted_on):
            last_follow_up, noted_on = contact, day
    if noted_on is not None and qualified_on is not None and noted_on < qualified_on:
        last_follow_up = None
    return last_qualified, last_follow_up


def contacts_that_count(contacts: Sequence[Contact], channels: frozenset[str], today: date) -> list[Contact]:
    """The at most two contacts a decision reads, in sequence: the first qualified contact of
    the latest day with one, and the latest note with a follow-up date. Every step reads only
    these (the graduate milestones ask whether a qualified contact came after a day, which the
    latest one answers), so `evaluate` decides the same from them as from the whole history:
    the bulk recompute reads just these two per customer (`caseload.recompute`)."""
    last_qualified, follow_up_note = _read_contacts(contacts, channels, today)
    if follow_up_note is last_qualified:
        follow_up_note = None
    # The note that counts is never older than the qualified contact: this order reads the same.
    return [contact for contact in (last_qualified, follow_up_note) if contact is not None]


def follow_up_in_force(contacts: Sequence[Contact], channels: frozenset[str], today: date) -> date | None:
    """The follow-up date that counts on `today` (step 4), as a new note can take it over: a
    quick note without one keeps it anyway, but one that must carry a date can repeat it."""
    _last, note = _read_contacts(contacts, channels, today)
    return note.follow_up_on if note is not None else None


def _cycle(
    rule_set: RuleSet,
    rule: Rule,
    customer: Customer,
    last_qualified: Contact | None,
    calendar: WorkingCalendar,
    reasons: list[tuple],
) -> tuple[date | None, date | None]:
    """Steps 2 and 3: (window opens, due by) from the last qualified contact; without one, the
    first-contact deadline in working days, or (no deadline, or a rule exempt from it) the
    rule's cycle from the registration."""
    if last_qualified is not None:
        base = last_qualified.date
        reasons.append(("last_contact", base, last_qualified.channel))
    else:
        base = customer.registered_on
        maximum = rule_set.first_contact_max_days
        if maximum and not rule.first_contact_exempt:
            target = rule_set.first_contact_target_days
            target_day = calendar.add_working_days(base, target) if target and target != maximum else None
            reasons.append(("first_contact", maximum, base, target, target_day))
            return None, calendar.add_working_days(base, maximum)
        reasons.append(("from_registration", base, bool(maximum)))
    if rule.deadline is None:  # individual
        return None, None
    return (rule.window.after(base) if rule.window is not None else None), rule.deadline.after(base)


def _cap_at_benefit_renewal(customer: Customer, base: date, due_by: date | None, reasons: list[tuple]) -> date | None:
    """ "spätestens zum WBA" (called only for a rule that says so): the benefit renewal date,
    when it falls inside the cycle."""
    renewal = customer.benefit_renewal_on
    if renewal is not None and due_by is not None and base < renewal < due_by:
        reasons.append(("benefit_renewal", renewal))
        return renewal
    return due_by


def _follow_up(note: Contact, due_by: date | None, reasons: list[tuple]) -> date | None:
    """Step 4: the follow-up date that counts wins when it is earlier (for an individual rule, it
    is the due date)."""
    if due_by is not None and note.follow_up_on >= due_by:
        return due_by
    reasons.append(("follow_up", note.date, note.follow_up_on))
    return note.follow_up_on


def _graduate_milestones(
    rule_set: RuleSet, customer: Customer, last_qualified: Contact | None, calendar: WorkingCalendar, today: date
) -> tuple[date | None, list[str], list[str]]:
    """Step 5, Weimarer Land's graduate management: the earliest open milestone, with the
    reasons and flags it adds. While a measure runs, a qualified contact on or after its start
    is due by its end minus `graduate_days_before_end` (by the start, for a shorter measure);
    once it has ended, one after the end within `graduate_follow_up_working_days`; the employer
    service task from `employer_service_lead_months` before the end. Whether a qualified
    contact came on or after a day is whether the last one did. Called for customers with
    measures only."""
    earliest, reasons, flags = None, [], []
    last_on = last_qualified.date if last_qualified is not None else None
    days_before = rule_set.graduate_days_before_end
    working_days = rule_set.graduate_follow_up_working_days
    for measure in customer.measures:
        ends_on = measure.ends_on
        milestone = None
        if ends_on >= today:
            if last_on is None or last_on < measure.start:
                milestone = max(ends_on - timedelta(days=days_before), measure.start)
                reason = ("graduate_running", measure.start, milestone, days_before, ends_on)
            if (
                EMPLOYER_SERVICE_TASK not in flags
                and measure.employer_service_on is None
                and months_after[ends_on, -rule_set.employer_service_lead_months] <= today
            ):
                flags.append(EMPLOYER_SERVICE_TASK)
                reasons.append(("employer_service", ends_on))
        elif last_on is None or last_on <= ends_on:
            milestone = calendar.add_working_days(ends_on, working_days)
            reason = ("graduate_after", ends_on, working_days, milestone)
        if milestone is not None and (earliest is None or milestone < earliest):
            earliest = milestone
            reasons.append(reason)
    return earliest, reasons, flags


def _employer_service_day(rule_set: RuleSet, customer: Customer, today: date) -> date:
    """The earliest day an open AG-S task came due: one lead before the end of a running
    measure whose employer service is not yet involved (called only when the flag is raised)."""
    return min(
        months_after[m.ends_on, -rule_set.employer_service_lead_months]
        for m in customer.measures
        if m.ends_on >= today
        and m.employer_service_on is None
        and months_after[m.ends_on, -rule_set.employer_service_lead_months] <= today
    )


def _profiling_review_base(customer: Customer) -> date | None:
    """The day the prognosis's six months run from: the profile's start, or the last documented
    review when that is later (the review makes a new prognosis)."""
    since, reviewed = customer.profile_since, customer.profiling_reviewed_on
    if since is None or reviewed is None:
        return since
    return max(since, reviewed)


def profiling_review_on(rule_set: RuleSet, customer: Customer) -> date | None:
    """Coburg Land: the day a market_close customer's profiling is to be reviewed
    (`profiling_review_months` after the profile was set or last reviewed); None elsewhere."""
    if not rule_set.profiling_review_months or customer.profile != "market_close":
        return None
    base = _profiling_review_base(customer)
    return months_after[base, rule_set.profiling_review_months] if base is not None else None


def _extend_by_suspensions(
    rule_set: RuleSet, customer: Customer, due_by: date | None, today: date, reasons: list[tuple]
) -> tuple[date | None, bool]:
    """Step 6: every documented exception that has started by `today` moves the due date to
    its end, if later, capped at the due date plus the rule set's largest extension. The
    extension stands after the exception ends. Returns the due date and whether an exception
    covers `today`. Without a due date (an individual rule with no follow-up date), a covering
    exception's end is the due date while it lasts. Called for customers with exceptions only
    (most have none)."""
    started = [s for s in customer.suspensions if s.start <= today]
    if not started:
        return due_by, False
    covering = [s for s in started if today <= s.end]
    if due_by is None:
        if not covering:
            return None, False
        latest = max(covering, key=lambda s: s.end)
        reasons.append(("suspended_until", latest.reason, latest.end))
        return latest.end, True
    latest = max(started, key=lambda s: s.end)
    if latest.end > due_by:
        extended, cap = latest.end, None
        if rule_set.max_extension is not None:
            limit = rule_set.max_extension.after(due_by)
            if extended > limit:
                extended, cap = limit, wording.amount(rule_set.max_extension)
        reasons.append(("extended", latest.reason, latest.end, extended, cap))
        return extended, bool(covering)
    if covering:
        reasons.append(("due_before_end", max(s.end for s in covering)))
    return due_by, bool(covering)


def _status(due_by: date | None, suspended: bool, today: date, reasons: list[tuple]) -> str:
    """Step 7: overdue once the (extended) due date has passed, exception or not."""
    if due_by is None:
        if suspended:
            return SUSPENDED
        reasons.append(("individual",))
        return INDIVIDUAL
    if today > due_by:
        if suspended:
            reasons.append(("extension_used_up",))
        return OVERDUE
    return SUSPENDED if suspended else OK


def _recheck_on(rule_set, customer, facts, today, review_on) -> date | None:
    """The next day on which the matched rule or the due date can change without new input.
    Only the days that may lie in the past are tested against `today`."""
    candidates = []
    if rule_set.day_after_end is not None:  # in force today, so it ends after today
        candidates.append(rule_set.day_after_end)
    if facts.u25 and rule_set.uses_age:  # the 25th birthday is ahead
        candidates.append(facts.adult_on)
    if facts.unemployed_months is not None:
        for months in rule_set.unemployment_thresholds:  # sorted: the first one ahead is the soonest
            day = months_after[customer.unemployed_since, months]
            if day > today:
                candidates.append(day)
                break
    if customer.measures and rule_set.uses_measures:
        lead = rule_set.employer_service_lead_months if rule_set.graduate_management else None
        for m in customer.measures:
            ends_on = m.ends_on
            candidates += [day for day in (m.start, ends_on + ONE_DAY) if day > today]
            if lead is not None and m.employer_service_on is None and (day := months_after[ends_on, -lead]) > today:
                candidates.append(day)
    for s in customer.suspensions:
        candidates += [day for day in (s.start, s.end + ONE_DAY) if day > today]
    if review_on is not None and review_on > today:
        candidates.append(review_on)
    return min(candidates) if candidates else None
