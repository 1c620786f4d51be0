"""Writing the report figures per customer and month (`reports.models.CustomerMonth`).

A month's figures for a customer are exactly what the monthly report of that month computes by
replaying the engine (`reports.replay`) over the twelve months ending with it, read up to
`as_of`: computed here in chunks of customers, a fixed number of queries per chunk, and stored
with one delete and one insert. `figures.monthly_report` reads them with one aggregation.

When: nightly for the month of yesterday (`store_month` through `reports.tasks`), so a running
month is current up to yesterday and a finished month is final on the 1st; and again for one
customer whenever something dated in the past changes their history (a back-dated note, a
measure, an exception, a fact: `caseload.signals.history_changed`), from that month on.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count

from caseload import recompute
from caseload.duedates import FACT_ROW, customer_facts, policy_for
from caseload.models import ContactNote, Customer
from kontaktdichte.dates import add_months, month_bounds
from policies import engine
from policies.models import JobCentre

from .models import CustomerMonth, WalkInMonth
from .replay import MonthCounts, lead_time, replay, tally

ONE_DAY = timedelta(days=1)
WINDOW_MONTHS = 12
CHUNK = 2000


def rule_name(decision) -> tuple[str, str]:
    """A decision's rule as the report's breakdown by rule names it: label and code."""
    if decision is None or decision.status == engine.NO_RULE_SET:
        return "kein Konzept in Kraft", ""
    if decision.rule is None:
        return "keine Regel trifft zu", ""
    return decision.rule.label, decision.rule.code or ""


def as_of_for(month: date, today: date) -> date:
    """The last day a month's figures read: its end, or yesterday while it runs."""
    return min(month_bounds(month)[1], today - ONE_DAY)


def customer_month(policy, row: dict, facts, notes, first: date, as_of: date, target, maximum) -> CustomerMonth:
    """One customer's figures for the month starting `first`, as its monthly report counts them."""
    result = replay(policy, facts, notes, add_months(first, -(WINDOW_MONTHS - 1)), as_of)
    counts = tally(result.obligations, [first], [as_of], [MonthCounts()])
    new = first <= row["registered_on"] <= month_bounds(first)[1]
    lead = lead_time(policy.calendar, row["registered_on"], result.first_contact_on) if new else None
    label, code = rule_name(result.final)
    return CustomerMonth(
        job_centre_id=row["job_centre_id"],
        customer_id=row["id"],
        team_id=row["team_id"],
        caseworker_id=row["caseworker_id"],
        month=first,
        as_of=as_of,
        due=counts.due,
        on_time=counts.on_time,
        late=counts.late,
        overdue_end=bool(counts.overdue_end),
        new=new,
        lead_days=lead,
        lead_in_target=None if lead is None or target is None else lead <= target,
        lead_in_max=None if lead is None or maximum is None else lead <= maximum,
        rule_label=label,
        rule_code=code,
    )


def walk_in_months(job_centre_id: int, teams: dict[int, int], first: date, as_of: date) -> list[WalkInMonth]:
    """The walk-ins of the customers in `teams` (id: team id) from `first` to `as_of`, per
    customer and writer, as `caseload.selectors.walk_ins` counts them. One query."""
    counts = (
        ContactNote.objects.filter(
            job_centre_id=job_centre_id, customer_id__in=list(teams), walk_in=True, date__gte=first, date__lte=as_of
        )
        .values_list("customer_id", "caseworker_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        WalkInMonth(
            job_centre_id=job_centre_id,
            customer_id=customer_id,
            team_id=teams[customer_id],
            writer_id=writer_id,
            month=first,
            as_of=as_of,
            walk_ins=n,
        )
        for customer_id, writer_id, n in counts
    ]


def store_month(job_centre_id: int, month: date, today: date, *, customer_ids=None, progress=None) -> int:
    """Store the month's figures for the job centre's customers (or those given) registered by
    then. Returns how many rows were written."""
    first = month.replace(day=1)
    as_of = as_of_for(first, today)
    if as_of < first:
        return 0
    centre = JobCentre.objects.get(pk=job_centre_id)
    policy = policy_for(centre.pk, centre.policy_version)
    rule_set = policy.rule_set_on(as_of)
    target = rule_set.first_contact_target_days if rule_set else None
    maximum = rule_set.first_contact_max_days if rule_set else None
    customers = Customer.objects.filter(job_centre_id=job_centre_id, registered_on__lte=as_of)
    if customer_ids is not None:
        customers = customers.filter(pk__in=list(customer_ids))
    ids = list(customers.order_by("pk").values_list("pk", flat=True))
    written = 0
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        rows = list(
            Customer.objects.filter(job_centre_id=job_centre_id, pk__in=chunk).values(
                *FACT_ROW, "team_id", "caseworker_id"
            )
        )
        scope = {"job_centre_id": job_centre_id, "customer_id__in": chunk}
        measures, suspensions, notes = recompute.histories(scope, max(today, as_of))
        figures = [
            customer_month(
                policy,
                row,
                customer_facts(row, measures.get(row["id"], ()), suspensions.get(row["id"], ())),
                notes.get(row["id"], ()),
                first,
                as_of,
                target,
                maximum,
            )
            for row in rows
        ]
        walk_ins = walk_in_months(job_centre_id, {row["id"]: row["team_id"] for row in rows}, first, as_of)
        stale = {"job_centre_id": job_centre_id, "month": first, "customer_id__in": chunk}
        with transaction.atomic():
            CustomerMonth.objects.filter(**stale).delete()
            WalkInMonth.objects.filter(**stale).delete()
            CustomerMonth.objects.bulk_create(figures, batch_size=1000)
            WalkInMonth.objects.bulk_create(walk_ins, batch_size=1000)
        written += len(figures)
        if progress:
            progress(len(figures))
    return written


def refresh_customer(job_centre_id: int, customer_id: int, since: date, today: date) -> int:
    """After a change dated `since`: the customer's stored months from that month on (those the
    job centre has figures for, and the month of yesterday)."""
    first = since.replace(day=1)
    months = set(
        CustomerMonth.objects.filter(job_centre_id=job_centre_id, month__gte=first)
        .values_list("month", flat=True)
        .distinct()
    )
    current = (today - ONE_DAY).replace(day=1)
    if current >= first:
        months.add(current)
    return sum(store_month(job_centre_id, m, today, customer_ids=[customer_id]) for m in sorted(months))
