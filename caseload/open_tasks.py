"""Aufgaben: what is to be done for a customer beside the next contact, read for the lists.

Four kinds, each from where it is kept:

- follow-up activities agreed in contact notes (`FollowUpActivity`), due on their own day;
- Coburg Land's profiling review: the engine's `profiling_review` flag on the stored decision
  (cleared by a note that documents the review: `Customer.profiling_reviewed_on`);
- Weimarer Land's AG-S task one month before a measure ends: the `employer_service_task` flag
  (cleared by marking it done: `Measure.employer_service_on`);
- the Kooperationsplan's review (§ 15 Abs. 3 SGB II: "regelmäßig, spätestens jedoch nach Ablauf
  von sechs Monaten"): due six months after `Customer.cooperation_plan_on`.

A task is due on its day and overdue the day after (a flag's day is the stored
`due_tasks_since`). The worklist's "Aufgaben" shows the tasks due within HORIZON or earlier;
the team list and the reminder mails the overdue ones. Which customers have such a task the lists
read from one stored column, `Customer.next_task_on` (the earliest day of any open task,
`next_task_day`), through an index; it is written with the stored due date (`caseload.duedates`,
`caseload.recompute`) and whenever an activity closes (`store_next_task`). The tasks themselves,
and the filter by kind, are read from where each kind is kept.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from kontaktdichte.dates import ONE_DAY, add_months, latest_start
from policies import engine

from .models import Customer, FollowUpActivity, Measure

ACTIVITY, PROFILING, EMPLOYER_SERVICE, PLAN = "vereinbarung", "profiling", "ags", "kooperationsplan"
KINDS = {
    ACTIVITY: "Vereinbarung nachhalten",
    PROFILING: "Profilingprüfung",
    EMPLOYER_SERVICE: "AG-S einbinden",
    PLAN: "Kooperationsplan überprüfen",
}
FLAGS = {PROFILING: engine.PROFILING_REVIEW, EMPLOYER_SERVICE: engine.EMPLOYER_SERVICE_TASK}
PLAN_REVIEW_MONTHS = 6
# As the worklist's "Fällig in 14 Tagen" (caseload.status.DUE_SOON).
HORIZON = timedelta(days=14)


def plan_review_on(plan_on: date | None) -> date | None:
    return add_months(plan_on, PLAN_REVIEW_MONTHS) if plan_on is not None else None


def next_task_day(tasks_since: date | None, plan_on: date | None, activity_on: date | None) -> date | None:
    """The earliest day any open task of a customer comes due (`Customer.next_task_on`): the
    flags' day (`due_tasks_since`, set exactly when the decision carries a task flag), the
    plan's review and the earliest open activity; None without any."""
    days = [d for d in (tasks_since, plan_review_on(plan_on), activity_on) if d is not None]
    return min(days) if days else None


def earliest_activities(job_centre_id: int, customers: Q) -> dict[int, date]:
    """The day of the earliest open follow-up activity per customer id, for the customers
    `customers` selects (a Q on the activities' `customer_id`). One query."""
    return dict(
        FollowUpActivity.objects.filter(customers, job_centre_id=job_centre_id, status=FollowUpActivity.OPEN)
        .values("customer_id")
        .annotate(first=Min("due_on"))
        .order_by()
        .values_list("customer_id", "first")
    )


def earliest_activity(customer: Customer) -> date | None:
    return earliest_activities(customer.job_centre_id, Q(customer_id=customer.pk)).get(customer.pk)


def store_next_task(customer: Customer) -> None:
    """Write `next_task_on` after an activity closed outside a contact note (which recomputes the
    due date, and this with it). Two queries."""
    day = next_task_day(customer.due_tasks_since, customer.cooperation_plan_on, earliest_activity(customer))
    customer.next_task_on = day
    Customer.objects.filter(pk=customer.pk, job_centre_id=customer.job_centre_id).update(next_task_on=day)


# --- As SQL ------------------------------------------------------------------------------------


def open_activities(until: date) -> Exists:
    """The customer has an open follow-up activity due on or before `until`."""
    return Exists(
        FollowUpActivity.objects.filter(
            job_centre_id=OuterRef("job_centre_id"),
            customer_id=OuterRef("pk"),
            status=FollowUpActivity.OPEN,
            due_on__lte=until,
        )
    )


def flag_q(flag: str) -> Q:
    """The stored decision carries `flag`: its JSON text contains the quoted code (SQLite has no
    JSON containment; the codes are distinct words)."""
    return Q(due_flags__icontains=f'"{flag}"')


def kind_q(kind: str, today: date, *, overdue: bool = False) -> Q:
    """Customers with an open task of `kind`: due within HORIZON (or already), or, with
    `overdue`, whose day has passed."""
    until = today - ONE_DAY if overdue else today + HORIZON
    if kind == ACTIVITY:
        return Q(open_activities(until))
    if kind == PLAN:
        return Q(cooperation_plan_on__lte=latest_start(until, PLAN_REVIEW_MONTHS))
    flagged = flag_q(FLAGS[kind])
    return flagged & Q(due_tasks_since__lt=today) if overdue else flagged


def tasks_due_q(today: date) -> Q:
    """An open task of any kind due within HORIZON (or already): as every `kind_q` joined."""
    return Q(next_task_on__lte=today + HORIZON)


def tasks_overdue_q(today: date) -> Q:
    """An overdue task of any kind: as every `kind_q(..., overdue=True)` joined."""
    return Q(next_task_on__lt=today)


def overdue_counts(queryset: QuerySet[Customer], today: date) -> list[dict]:
    """One query: per caseworker and team, how many customers have an overdue task of each kind
    (and of any): counts only, for the reminder mails."""
    aggregates = {kind: Count("pk", filter=kind_q(kind, today, overdue=True)) for kind in KINDS}
    return list(
        queryset.filter(tasks_overdue_q(today))
        .values("caseworker_id", "team_id")
        .annotate(total=Count("pk"), **aggregates)
        .order_by()
    )


# --- As rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    kind: str
    due_on: date | None
    text: str = ""
    overdue: bool = False
    pk: int | None = None  # the activity's or the measure's id
    version: int | None = None
    note_date: date | None = None  # an activity: the day it was agreed

    @property
    def label(self) -> str:
        return KINDS[self.kind]


# What a list row needs for its tasks column (beside `pk`).
TASK_VALUES = ("due_flags", "due_tasks_since", "cooperation_plan_on")


def activities_by_customer(job_centre_id: int, customer_ids, until: date | None = None) -> dict[int, list[Task]]:
    """Open follow-up activities of these customers (due by `until`, if given), by customer id,
    earliest first. One query."""
    rows = FollowUpActivity.objects.filter(
        job_centre_id=job_centre_id, customer_id__in=list(customer_ids), status=FollowUpActivity.OPEN
    )
    if until is not None:
        rows = rows.filter(due_on__lte=until)
    result = defaultdict(list)
    for pk, cid, due_on, text, version, note_date in rows.order_by("due_on", "pk").values_list(
        "pk", "customer_id", "due_on", "text", "version", "note__date"
    ):
        result[cid].append(Task(ACTIVITY, due_on, text, False, pk, version, note_date))
    return result


def row_tasks(row: dict, activities: list[Task], today: date, *, horizon: bool = True) -> list[Task]:
    """A list row's tasks (TASK_VALUES) with its open activities, each marked overdue or not;
    without `horizon` only those due by today."""
    until = today + HORIZON if horizon else today
    tasks = [
        Task(ACTIVITY, t.due_on, t.text, t.due_on < today, t.pk, t.version, t.note_date)
        for t in activities
        if t.due_on <= until
    ]
    flags = row.get("due_flags") or ()
    since = row.get("due_tasks_since")
    for kind, flag in FLAGS.items():
        if flag in flags:
            tasks.append(Task(kind, since, overdue=since is not None and since < today))
    review_on = plan_review_on(row.get("cooperation_plan_on"))
    if review_on is not None and review_on <= until:
        tasks.append(Task(PLAN, review_on, overdue=review_on < today))
    return sorted(tasks, key=lambda t: (t.due_on or today, t.kind))


def attach_tasks(rows: list[dict], job_centre_id: int, today: date, *, horizon: bool = True) -> None:
    """Give each list row (a dict with `pk` and TASK_VALUES) its `tasks`. One query."""
    until = today + HORIZON if horizon else today
    activities = activities_by_customer(job_centre_id, [r["pk"] for r in rows], until) if rows else {}
    for row in rows:
        row["tasks"] = row_tasks(row, activities.get(row["pk"], []), today, horizon=horizon)


# --- One customer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerTasks:
    activities: list[Task]  # every open one, whatever its day
    profiling_review: Task | None
    employer_service: list[Task]  # one per measure whose AG-S task is due
    plan_review: Task | None

    def __bool__(self):
        return bool(self.activities or self.profiling_review or self.employer_service or self.plan_review)

    @property
    def overdue(self) -> int:
        every = [*self.activities, *self.employer_service, self.profiling_review, self.plan_review]
        return sum(1 for t in every if t is not None and t.overdue)


def customer_tasks(customer: Customer, today: date) -> CustomerTasks:
    """The customer page's tasks: open activities, the flags of the stored decision, the plan's
    review. Two queries (activities, only when a task's day is stored; measures, only when the
    AG-S flag is set). `customer` with `due_rule_set` loaded (`access.get_customer_for_user`
    does)."""
    # No task day stored: no open activity either (most customers), and no query for them.
    found = activities_by_customer(customer.job_centre_id, [customer.pk]) if customer.next_task_on else {}
    activities = [
        Task(ACTIVITY, t.due_on, t.text, t.due_on < today, t.pk, t.version, t.note_date)
        for t in found.get(customer.pk, [])
    ]
    flags, since = customer.due_flags or (), customer.due_tasks_since
    profiling = None
    if engine.PROFILING_REVIEW in flags:
        profiling = Task(PROFILING, since, overdue=since is not None and since < today)
    employer_service = []
    rule_set = customer.due_rule_set
    if engine.EMPLOYER_SERVICE_TASK in flags and rule_set is not None:
        lead = rule_set.employer_service_lead_months
        for measure in Measure.objects.filter(
            job_centre_id=customer.job_centre_id, customer_id=customer.pk, employer_service_on__isnull=True
        ).order_by("end", "pk"):
            day = add_months(measure.ends_on, -lead)
            if measure.ends_on >= today and day <= today:
                employer_service.append(
                    Task(EMPLOYER_SERVICE, day, measure.title, day < today, measure.pk, measure.version)
                )
    review_on = plan_review_on(customer.cooperation_plan_on)
    plan = Task(PLAN, review_on, overdue=review_on < today) if review_on is not None else None
    return CustomerTasks(activities, profiling, employer_service, plan)
