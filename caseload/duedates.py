"""Stored due dates: the engine's decision per customer, kept on the customer row.

`refresh_due_date` runs inside every service that changes a fact the engine reads;
`recompute` does the same in bulk, chunk by chunk, with a fixed number of queries per chunk
(customers, measures, suspensions, contact notes, one update).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connections, router, transaction
from django.db.models import Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from policies import engine, reasons
from policies.loading import load_policies
from policies.models import JobCentre

from . import recompute_worker
from .models import ContactNote, Customer, Measure, Suspension
from .signals import history_changed

log = logging.getLogger(__name__)

# A customer row as the engine's facts are built from it (`customer_facts`).
FACT_ROW = ("id", "job_centre_id", *Customer.FACT_FIELDS)
# A measure as the engine reads it (`engine.Measure`, in its field order).
MEASURE_ROW = ("start", "end", "exited_on", "employer_service_on")

DUE_ATTNAMES = tuple(Customer._meta.get_field(f).attname for f in Customer.DUE_FIELDS)
# What a recomputation compares with the stored row: the decision, without the day it was
# computed on and the policy version it was computed under (after a rule change most
# decisions stay as they were, under the new version).
DECISION_ATTNAMES = tuple(a for a in DUE_ATTNAMES if a not in ("due_computed_on", "policy_version"))
# Of those, the JSON lists are read as their text and decoded only when every other column is
# equal: decoding them for every row cost more than the comparison saved.
_JSON_DECISION = tuple(a for a in DECISION_ATTNAMES if Customer._meta.get_field(a).get_internal_type() == "JSONField")
_PLAIN_DECISION = tuple(a for a in DECISION_ATTNAMES if a not in _JSON_DECISION)
_STORED_TEXT = {a: f"stored_{a}_text" for a in _JSON_DECISION}
# Below this many customers a recompute runs in-process: starting a worker costs about a second.
PARALLEL_MIN_CUSTOMERS = 20_000
# Stored, ok and overdue are one status: overdue is read from due_by (engine.status_on).
STORED_OK = engine.OK

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
    return engine.Customer(
        birth_date=row["birth_date"],
        registered_on=row["registered_on"],
        employment=row["employment"] or None,
        profile=row["profile"] or None,
        profile_since=row["profile_since"],
        care=row["care"],
        flags=frozenset(row["flags"] or ()),
        integrated_employment=row["integrated_employment"] or None,
        unemployed_since=row["unemployed_since"],
        benefit_renewal_on=row["benefit_renewal_on"],
        profiling_reviewed_on=row["profiling_reviewed_on"],
        measures=tuple(measures),
        suspensions=tuple(suspensions),
    )


def apply_decision(customer, decision: engine.Decision, today: date, version: int) -> None:
    status = decision.status
    customer.due_status = STORED_OK if status == engine.OVERDUE else status
    customer.due_by = decision.due_by
    customer.window_opens = decision.window_opens
    customer.due_last_working_day = decision.last_working_day
    customer.due_rule_id = decision.rule.key if decision.rule else None
    customer.due_rule_set_id = decision.rule_set.key if decision.rule_set else None
    customer.due_code = decision.code or ""
    customer.due_flags = list(decision.flags)
    customer.due_reasons = reasons.to_stored(decision.reason_codes)
    customer.recheck_on = decision.recheck_on
    customer.due_computed_on = today
    customer.policy_version = version
    customer.last_contact_on = decision.last_contact_on
    customer.due_tasks_since = decision.tasks_due_on


def decide(customer: Customer, today: date | None = None, *, include_suspensions=True) -> engine.Decision:
    """The engine's decision for one customer, from the database as it is now (4 queries)."""
    today = today or timezone.localdate()
    version = JobCentre.objects.values_list("policy_version", flat=True).get(pk=customer.job_centre_id)
    policy = policy_for(customer.job_centre_id, version)
    scope = {"job_centre_id": customer.job_centre_id, "customer_id": customer.pk}
    measures = [engine.Measure(*m) for m in Measure.objects.filter(**scope).values_list(*MEASURE_ROW)]
    suspensions = (
        [engine.Suspension(*s) for s in Suspension.objects.filter(**scope).values_list("start", "end", "reason")]
        if include_suspensions
        else []
    )
    contacts = [
        engine.Contact(*c)
        for c in ContactNote.objects.filter(**scope, date__lte=today)
        .order_by("date", "id")
        .values_list("date", "channel", "follow_up_on")
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
    apply_decision(customer, decision, today, customer._policy_version)
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


# --- Bulk --------------------------------------------------------------------------------------


def histories(scope: dict, until: date):
    """Measures, suspensions and contacts (up to `until`) as the engine reads them, by customer
    id, for the customers `scope` selects (filter keywords; it must include job_centre_id):
    three queries. One fetch each, not .iterator(): on PostgreSQL a server-side cursor plans
    for the first rows and reads many thousands of notes several times slower."""
    measures, suspensions, contacts = defaultdict(list), defaultdict(list), defaultdict(list)
    for cid, *measure in Measure.objects.filter(**scope).values_list("customer_id", *MEASURE_ROW):
        measures[cid].append(engine.Measure(*measure))
    for cid, start, end, reason in Suspension.objects.filter(**scope).values_list(
        "customer_id", "start", "end", "reason"
    ):
        suspensions[cid].append(engine.Suspension(start, end, reason))
    make_contact = engine.Contact._make
    for row in (
        ContactNote.objects.filter(**scope, date__lte=until)
        .order_by("customer_id", "date", "id")
        .values_list("customer_id", "date", "channel", "follow_up_on")
    ):
        contacts[row[0]].append(make_contact(row[1:]))
    return measures, suspensions, contacts


def chunk_scope(rows: list[dict]) -> dict:
    """The filter that reads the histories of a chunk of customer rows (in id order, one job
    centre). A dense chunk (as in a full recompute) is read by id range, which spares the
    database a list of thousands of parameters; the few rows of customers in the range but not
    in the chunk are read and ignored. A sparse chunk reads by id list."""
    ids = [r["id"] for r in rows]
    job_centre_id = rows[0]["job_centre_id"]
    if ids[-1] - ids[0] < 2 * len(ids):
        return {"job_centre_id": job_centre_id, "customer_id__gte": ids[0], "customer_id__lte": ids[-1]}
    return {"job_centre_id": job_centre_id, "customer_id__in": ids}


def _chunk_decisions(policy: engine.JobCentre, rows: list[dict], today: date):
    measures, suspensions, contacts = histories(chunk_scope(rows), today)
    evaluate = engine.evaluate
    for row in rows:
        cid = row["id"]
        facts = customer_facts(row, measures.get(cid, ()), suspensions.get(cid, ()))
        yield cid, evaluate(policy, facts, contacts.get(cid, ()), today)


def recompute(
    *,
    job_centre_ids: Iterable[int] | None = None,
    due_only: bool = False,
    today: date | None = None,
    chunk_size: int = 2000,
    progress=None,
    workers: int = 1,
) -> int:
    """Recompute stored due dates in chunks; returns the number of customers written.

    `due_only`: only customers whose `recheck_on` has come or whose stored decision was made
    under an older policy version (or never). `progress(n)` is called after every chunk.
    `workers` > 1 spreads the chunks over that many processes, each with its own database
    connection, where `run_in_processes` allows; else the chunks run here.
    """
    today = today or timezone.localdate()
    centres = JobCentre.objects.order_by("pk")
    if job_centre_ids is not None:
        centres = centres.filter(pk__in=list(job_centre_ids))
    tasks, total = [], 0
    for centre_id, version in centres.values_list("pk", "policy_version"):
        policy_for(centre_id, version)  # loaded here once for in-process chunks
        ids = list(_scope(centre_id, version, due_only, today).order_by("pk").values_list("pk", flat=True))
        total += len(ids)
        tasks += [
            (centre_id, version, due_only, today, ids[i], ids[min(i + chunk_size, len(ids)) - 1])
            for i in range(0, len(ids), chunk_size)
        ]
    connection = connections[router.db_for_write(Customer)]
    if run_in_processes(connection, workers, len(tasks), total):
        results = in_processes(recompute_worker.recompute_range, tasks, workers)
    else:
        results = (_recompute_range(*task) for task in tasks)
    written = 0
    for count in results:
        written += count
        if progress:
            progress(count)
    log.info("recomputed due dates: %d customers", written)
    return written


def _scope(centre_id: int, version: int, due_only: bool, today: date):
    base = Customer.objects.filter(job_centre_id=centre_id)
    return stale_customers(base, today, version) if due_only else base


def _recompute_range(centre_id: int, version: int, due_only: bool, today: date, first_id: int, last_id: int) -> int:
    """One chunk: the job centre's customers (stale ones only, if so asked) with ids in a range.

    Read and written in one transaction, and every write is conditional on the row being as it
    was read: a caseworker who saves a contact note for one of these customers while the chunk
    is being evaluated keeps the due date their note gave (see `_write_chunk`)."""
    connection = connections[router.db_for_write(Customer)]
    on_its_own = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if on_its_own and connection.vendor == "postgresql":
            # A chunk of a bulk run, in a transaction of its own: its commit need not wait for
            # the WAL to reach the disk. After a crash the last chunks' writes may be lost (the
            # database stays consistent), which leaves those customers with the due dates they
            # had before this run: still valid, or marked stale (older policy version, recheck
            # date come) so that the next `recompute_due --due-only` redoes them. Never inside a
            # caller's transaction, whose own writes must be durable.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        rows = list(
            _scope(centre_id, version, due_only, today)
            .filter(pk__gte=first_id, pk__lte=last_id)
            .order_by("pk")
            .values(
                *FACT_ROW,
                "policy_version",
                *_PLAIN_DECISION,
                **_row_version(connection),
                **{alias: Cast(a, TextField()) for a, alias in _STORED_TEXT.items()},
            )
        )
        return _write_chunk(policy_for(centre_id, version), rows, today, version) if rows else 0


def _row_version(connection) -> dict:
    """On PostgreSQL, the row's `xmin` (the transaction that wrote it last) as `row_version`:
    any write to the row changes it. SQLite needs none: the chunk's transaction holds the write
    lock from its first statement (transaction_mode IMMEDIATE), so no other writer comes between
    its reads and its writes."""
    if connection.vendor != "postgresql":
        return {}
    return {"row_version": RawSQL(f"{connection.ops.quote_name(Customer._meta.db_table)}.xmin::text", ())}


def run_in_processes(connection, workers: int, tasks: int, customers: int) -> bool:
    """Whether bulk work is worth worker processes: more than one worker and task, from
    PARALLEL_MIN_CUSTOMERS on, on PostgreSQL and outside a transaction (SQLite has a single
    writer, and other connections would not see the transaction's rows)."""
    return (
        workers > 1
        and tasks > 1
        and customers >= PARALLEL_MIN_CUSTOMERS
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def in_processes(entry, tasks, workers: int):
    """Run `entry(*task)` over the tasks in worker processes; yields results as tasks finish.

    `entry` is a function of `caseload.recompute_worker`. Spawned, not forked: a fork copies
    the parent's threads' locks in whatever state they are (a web server's, a test browser's)
    and can hang the child. Each worker sets Django up afresh, on the parent's database (its
    name included: a test database is renamed at run time), and opens its own connection.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    databases = {alias: connections[alias].settings_dict["NAME"] for alias in connections}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=recompute_worker.setup, initargs=(databases,)
    ) as pool:
        for future in as_completed([pool.submit(entry, *task) for task in tasks]):
            yield future.result()


def stale_q(today: date, version: int):
    """Stored due dates that may no longer hold: never computed, computed under an older policy
    version (the rules changed since), or their recheck day has come (a birthday, a measure's
    end, the end of a rule set's validity) and the nightly `recompute_due --due-only` has not
    redone them yet. Pages mark these; `stale_reason` says which of the three."""
    return Q(recheck_on__lte=today) | Q(due_computed_on__isnull=True) | ~Q(policy_version=version)


def stale_reason(*, due_computed_on, policy_version, recheck_on, today: date, version: int) -> str:
    """ "" for a stored due date that holds; else "new", "rules" or "recheck" (see `stale_q`)."""
    if due_computed_on is None:
        return "new"
    if policy_version != version:
        return "rules"
    if recheck_on is not None and recheck_on <= today:
        return "recheck"
    return ""


def stale_customers(queryset, today: date, version: int):
    return queryset.filter(stale_q(today, version))


def count_to_recompute(*, job_centre_ids=None, due_only=False, today=None) -> int:
    today = today or timezone.localdate()
    total = 0
    centres = JobCentre.objects.all()
    if job_centre_ids is not None:
        centres = centres.filter(pk__in=list(job_centre_ids))
    for centre_id, version in centres.values_list("pk", "policy_version"):
        qs = Customer.objects.filter(job_centre_id=centre_id)
        total += (stale_customers(qs, today, version) if due_only else qs).count()
    return total


def _write_chunk(policy, rows, today, version) -> int:
    """Store the chunk's decisions. Rows read with the stored decision (as `_recompute_range`
    reads them) are compared first: a decision that did not change (most of them, on most
    days, and after most rule changes) only gets its `due_computed_on` (and policy version)
    moved, in one cheap statement, instead of a rewrite of every column.

    With `row_version` in the rows, a row written by someone else since it was read is left as
    that write stored it: its writer computed the due date from newer facts. Returns how many
    customers were evaluated."""
    job_centre_id = rows[0]["job_centre_id"]
    by_id = {row["id"]: row for row in rows}
    changed, unchanged, new_version = [], [], []
    for cid, decision in _chunk_decisions(policy, rows, today):
        stored = StoredDueDate(cid)
        apply_decision(stored, decision, today, version)
        old = by_id[cid]
        if all(getattr(stored, a) == old[a] for a in _PLAIN_DECISION) and all(
            _stored_json(old[alias]) == getattr(stored, a) for a, alias in _STORED_TEXT.items()
        ):
            (unchanged if old["policy_version"] == version else new_version).append(cid)
        else:
            changed.append(stored)
    read_as = {cid: row["row_version"] for cid, row in by_id.items()} if "row_version" in rows[0] else None
    written = store_due_dates(job_centre_id, changed, read_as=read_as)
    written += _touch_computed_on(job_centre_id, unchanged, today, read_as=read_as)
    written += _touch_computed_on(job_centre_id, new_version, today, version, read_as=read_as)
    if written < len(rows):
        log.info(
            "recompute: %d of %d customers of job centre %s changed meanwhile, left as written",
            len(rows) - written,
            len(rows),
            job_centre_id,
        )
    return len(rows)


def _stored_json(text):
    return None if text is None else json.loads(text)


def _touch_computed_on(
    job_centre_id: int,
    ids: list[int],
    today: date,
    version: int | None = None,
    *,
    read_as: dict[int, str] | None = None,
) -> int:
    """Set `due_computed_on` (and, given one, `policy_version`) of these customers: their
    decision is the one stored. With `read_as` (PostgreSQL, where `_recompute_range` always
    reads it: id -> row version when read), only rows nobody wrote since; elsewhere the chunk's
    transaction holds the write lock. Returns how many rows were updated."""
    if not ids:
        return 0
    connection = connections[router.db_for_write(Customer)]
    qn = connection.ops.quote_name
    table = qn(Customer._meta.db_table)
    columns = [qn(Customer._meta.get_field("due_computed_on").column)]
    values = [connection.ops.adapt_datefield_value(today)]
    if version is not None:
        columns.append(qn(Customer._meta.get_field("policy_version").column))
        values.append(version)
    assignments = ", ".join(f"{column} = %s" for column in columns)
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        if read_as is not None:
            cursor.execute(
                f"UPDATE {table} AS c SET {assignments} "
                f"FROM unnest(%s::bigint[], %s::text[]) AS v(id, row_version) "
                f"WHERE c.job_centre_id = %s AND c.id = v.id AND c.xmin::text = v.row_version",
                [*values, ids, [read_as[cid] for cid in ids], job_centre_id],
            )
            return cursor.rowcount
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s AND job_centre_id = %s",
            [[*values, cid, job_centre_id] for cid in ids],
        )
        return len(ids)


def _pg_type(field, connection) -> str:
    return "jsonb" if field.get_internal_type() == "JSONField" else field.db_type(connection)


class StoredDueDate:
    """The due-date columns of one customer, without the cost of a model instance."""

    __slots__ = ("pk", *DUE_ATTNAMES)

    def __init__(self, pk: int):
        self.pk = pk


def store_due_dates(
    job_centre_id: int, customers: list[Customer | StoredDueDate], *, read_as: dict[int, str] | None = None
) -> int:
    """Write the due-date columns of many customers of one job centre in one statement; with
    `read_as` (PostgreSQL: id -> row version when read), only rows nobody wrote since.
    Returns how many rows were written.

    `bulk_update` builds a CASE expression per column and row, which costs seconds per
    thousand rows on both ends. On PostgreSQL this is one UPDATE ... FROM json_to_recordset;
    elsewhere one prepared UPDATE run with executemany.
    """
    if not customers:
        return 0
    connection = connections[router.db_for_write(Customer)]
    qn = connection.ops.quote_name
    fields = [Customer._meta.get_field(name) for name in Customer.DUE_FIELDS]
    table = qn(Customer._meta.db_table)
    # No savepoint: inside a chunk's transaction there is nothing to roll back to separately.
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One JSON parameter, unpacked by json_to_recordset: far cheaper to send than a
            # parameter per value or an array per column.
            names = [f.column for f in fields]
            attnames = [f.attname for f in fields]
            rows = [{"id": c.pk, **{n: getattr(c, a) for n, a in zip(names, attnames)}} for c in customers]
            columns = ["id bigint", *(f"{qn(f.column)} {_pg_type(f, connection)}" for f in fields)]
            condition = ""
            if read_as is not None:
                for row in rows:
                    row["row_version"] = read_as[row["id"]]
                columns.append("row_version text")
                condition = " AND c.xmin::text = v.row_version"
            payload = json.dumps(rows, default=date.isoformat, separators=(",", ":"))
            assignments = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in fields)
            ids = [c.pk for c in customers]
            cursor.execute(
                f"UPDATE {table} AS c SET {assignments} "
                f"FROM json_to_recordset(%s::json) AS v({', '.join(columns)}) "
                f"WHERE c.id = v.id AND c.job_centre_id = %s AND c.id BETWEEN %s AND %s{condition}",
                [payload, job_centre_id, min(ids), max(ids)],
            )
            return cursor.rowcount
        assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s AND job_centre_id = %s",
            [
                [f.get_db_prep_save(getattr(c, f.attname), connection) for f in fields] + [c.pk, job_centre_id]
                for c in customers
            ],
        )
        return len(customers)
