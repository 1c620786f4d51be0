"""Stored due dates: the engine's decision per customer, kept on the customer row.

`refresh_due_date` runs inside every service that changes a fact the engine reads; the same
in bulk is `caseload.recompute`. How lists read the stored status is `caseload.status`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date
from functools import cache

from django.db import connections, router, transaction
from django.utils import timezone

from kontaktdichte import loads
from policies import engine, reasons
from policies.loading import load_policies
from policies.models import JobCentre

from .models import ContactNote, Customer, Measure, Suspension
from .open_tasks import earliest_activity, next_task_day
from .signals import history_changed

log = logging.getLogger(__name__)

# A customer row as the engine's facts are built from it (`customer_facts`).
FACT_ROW = ("id", "job_centre_id", *Customer.FACT_FIELDS)
# A measure as the engine reads it (`engine.Measure`, in its field order).
MEASURE_ROW = ("start", "end", "exited_on", "employer_service_on")
SUSPENSION_ROW = ("start", "end", "reason")
CONTACT_ROW = ("date", "channel", "follow_up_on")

DUE_ATTNAMES = tuple(Customer._meta.get_field(f).attname for f in Customer.DUE_FIELDS)

_policy_cache: dict[tuple[int, int], engine.JobCentre] = {}


def policy_for(job_centre_id: int, version: int) -> engine.JobCentre:
    """The engine's view of one job centre at a policy version (cached per process)."""
    key = (job_centre_id, version)
    policy = _policy_cache.get(key)
    if policy is None:
        policy = load_policies([job_centre_id])[job_centre_id]
        for stale in [k for k in _policy_cache if k[0] == job_centre_id]:
            del _policy_cache[stale]
        _policy_cache[key] = policy
    return policy


def customer_facts(row: dict, measures=(), suspensions=()) -> engine.Customer:
    return facts_from_values(*(row[f] for f in Customer.FACT_FIELDS), measures, suspensions)


def facts_from_values(
    birth_date,
    registered_on,
    employment,
    profile,
    profile_since,
    care,
    flags,
    integrated_employment,
    unemployed_since,
    benefit_renewal_on,
    profiling_reviewed_on,
    measures=(),
    suspensions=(),
) -> engine.Customer:
    """The engine's facts from a customer row's values in `Customer.FACT_FIELDS` order (as the
    bulk recompute reads them, a tuple per row), its measures and its suspensions."""
    # Positional, in `engine.Customer`'s field order (the names above): thirteen keywords cost
    # ~0.7 µs more a call, once per customer of a bulk recompute.
    return engine.Customer(
        birth_date,
        registered_on,
        employment or None,
        profile or None,
        profile_since,
        care,
        frozenset(flags or ()),  # a frozenset given is returned as it is, not copied
        integrated_employment or None,
        unemployed_since,
        benefit_renewal_on,
        profiling_reviewed_on,
        tuple(measures),
        tuple(suspensions),
    )


def due_values(
    decision: engine.Decision, today: date, version: int, plan_on: date | None, activity_on: date | None
) -> tuple:
    """The stored decision's column values, in `DUE_ATTNAMES` order; the last, the next task's
    day, with the customer's `cooperation_plan_on` and earliest open activity."""
    return (
        decision.status.until_due,
        decision.due_by,
        decision.window_opens,
        decision.last_working_day,
        decision.rule.key if decision.rule else None,
        decision.rule_set.key if decision.rule_set else None,
        decision.code or "",
        list(decision.flags),
        reasons.to_stored(decision.reason_codes),
        decision.recheck_on,
        today,
        version,
        decision.last_contact_on,
        decision.tasks_due_on,
        next_task_day(decision.tasks_due_on, plan_on, activity_on),
    )


def apply_decision(customer, decision: engine.Decision, today: date, version: int, activity_on: date | None) -> None:
    values = due_values(decision, today, version, customer.cooperation_plan_on, activity_on)
    for attname, value in zip(DUE_ATTNAMES, values, strict=True):
        setattr(customer, attname, value)


@cache
def _decide_sql() -> dict[str, str]:
    """What `decide` reads, as SQL text (`kontaktdichte.loads`: saving a note decides twice, and
    through the ORM each of these reads cost more to build than to run): the rule version, the
    customer's measures and suspensions (newest first, as their models order them) and the
    contacts up to a day, in order."""

    def of_customer(model, names, then=""):
        where = f"{loads.column('t', model, 'job_centre')} = %s AND {loads.column('t', model, 'customer')} = %s"
        return f"SELECT {loads.columns('t', model, *names)} FROM {loads.table(model, 't')} WHERE {where}{then}"

    day, pk = loads.column("t", ContactNote, "date"), loads.column("t", ContactNote, "pk")
    return {
        "version": f"SELECT {loads.column('j', JobCentre, 'policy_version')} FROM {loads.table(JobCentre, 'j')}"
        f" WHERE {loads.column('j', JobCentre, 'pk')} = %s",
        "measures": of_customer(Measure, MEASURE_ROW, f" ORDER BY {loads.column('t', Measure, 'start')} DESC"),
        "suspensions": of_customer(
            Suspension, SUSPENSION_ROW, f" ORDER BY {loads.column('t', Suspension, 'start')} DESC"
        ),
        "contacts": of_customer(ContactNote, CONTACT_ROW, f" AND {day} <= %s ORDER BY {day}, {pk}"),
    }


def decide(customer: Customer, today: date | None = None, *, include_suspensions=True) -> engine.Decision:
    """The engine's decision for one customer, from the database as it is now (4 queries)."""
    today = today or timezone.localdate()
    using, sql = router.db_for_read(ContactNote), _decide_sql()
    ((version,),) = loads.values(using, sql["version"], [customer.job_centre_id], JobCentre, "policy_version")
    policy = policy_for(customer.job_centre_id, version)
    scope = [customer.job_centre_id, customer.pk]
    measures = [engine.Measure(*m) for m in loads.values(using, sql["measures"], scope, Measure, *MEASURE_ROW)]
    suspensions = (
        [engine.Suspension(*s) for s in loads.values(using, sql["suspensions"], scope, Suspension, *SUSPENSION_ROW)]
        if include_suspensions
        else []
    )
    day = connections[using].ops.adapt_datefield_value(today)
    contacts = [
        engine.Contact(*c) for c in loads.values(using, sql["contacts"], [*scope, day], ContactNote, *CONTACT_ROW)
    ]
    row = {f: getattr(customer, f) for f in FACT_ROW}
    decision = engine.evaluate(policy, customer_facts(row, measures, suspensions), contacts, today)
    customer._policy_version = version
    return decision


def refresh_due_date(
    customer: Customer, today: date | None = None, *, changed_from: date | None = None
) -> engine.Decision:
    """Recompute and store one customer's due date. Call inside the writing transaction.
    `changed_from`: the earliest day the change reaches back to (a note's date, a measure's or
    an exception's start); before today, `signals.history_changed` says so (the stored report
    figures of those months are written again)."""
    today = today or timezone.localdate()
    if changed_from is not None and changed_from < today:
        history_changed.send(
            sender=Customer, job_centre_id=customer.job_centre_id, customer_id=customer.pk, since=changed_from
        )
    decision = decide(customer, today)
    apply_decision(customer, decision, today, customer._policy_version, earliest_activity(customer))
    # An UPDATE rather than save(): a recomputation is not a change of the customer's history.
    Customer.objects.filter(pk=customer.pk, job_centre_id=customer.job_centre_id).update(
        **{attname: getattr(customer, attname) for attname in DUE_ATTNAMES}
    )
    return decision


def stamp_note_codes(job_centre_id: int, *, chunk_size: int = 2000) -> int:
    """Give the job centre's contact notes without a rule code the code of the rule that
    matched on their day, as `services.record_contact` stores it. For generated data, which is
    written without codes (an evaluation per note would slow `generate_caseload` down); per
    chunk of customers their facts, measures and notes are read once and each code is one
    UPDATE per batch. Returns how many notes got a code."""
    version = JobCentre.objects.values_list("policy_version", flat=True).get(pk=job_centre_id)
    policy = policy_for(job_centre_id, version)
    ids = list(Customer.objects.filter(job_centre_id=job_centre_id).order_by("pk").values_list("pk", flat=True))
    stamped = 0
    for i in range(0, len(ids), chunk_size):
        first, last = ids[i], ids[min(i + chunk_size, len(ids)) - 1]
        scope = {"job_centre_id": job_centre_id, "customer_id__gte": first, "customer_id__lte": last}
        rows = {
            row["id"]: row
            for row in Customer.objects.filter(job_centre_id=job_centre_id, pk__gte=first, pk__lte=last).values(
                *FACT_ROW
            )
        }
        measures = defaultdict(list)
        for cid, start, end, exited in Measure.objects.filter(**scope).values_list(
            "customer_id", "start", "end", "exited_on"
        ):
            measures[cid].append(engine.Measure(start, end, exited))
        facts, by_code = {}, defaultdict(list)
        for pk, cid, day in ContactNote.objects.filter(**scope, rule_code="").values_list("pk", "customer_id", "date"):
            if cid not in facts:
                facts[cid] = customer_facts(rows[cid], measures.get(cid, ()))
            # The matching rule depends on the facts on that day, not on contacts or suspensions.
            code = engine.evaluate(policy, facts[cid], (), day).code
            if code:
                by_code[code].append(pk)
        with transaction.atomic():
            for code, pks in by_code.items():
                for k in range(0, len(pks), 500):  # SQLite's limit on parameters
                    stamped += ContactNote.objects.filter(job_centre_id=job_centre_id, pk__in=pks[k : k + 500]).update(
                        rule_code=code
                    )
    log.info("rule codes stamped on %d contact notes of job centre %s", stamped, job_centre_id)
    return stamped
