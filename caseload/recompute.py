"""Recomputing stored due dates in bulk: after a rule set changes (every customer of the job
centre, in a background task), nightly for the customers whose `recheck_on` has come (`--due-only`),
and after generating or importing many customers.

Chunk by chunk (customers in id ranges, one job centre), with a fixed number of queries per
chunk: the customers' facts with their stored decision, their measures and exceptions, and of
their contact notes only the two that count (`contacts_that_count`: the latest qualified one and
the latest with a follow-up date, picked in SQL), then one statement for the changed rows and
one for the unchanged ones. A decision that
did not change only gets its `due_computed_on` moved. Large runs spread the chunks over worker
processes on PostgreSQL (`in_processes`). One customer at a time, inside a writing service, is
`caseload.duedates.refresh_due_date`.
"""

from __future__ import annotations

import functools
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import F, TextField, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone

from policies import engine
from policies.models import JobCentre

from . import recompute_worker
from .duedates import DUE_ATTNAMES, FACT_ROW, MEASURE_ROW, apply_decision, customer_facts, policy_for
from .models import ContactNote, Customer, Measure, Suspension

log = logging.getLogger(__name__)

# What a recomputation compares with the stored row: the decision, without the day it was
# computed on and the policy version it was computed under (after a rule change most
# decisions stay as they were, under the new version).
DECISION_ATTNAMES = tuple(a for a in DUE_ATTNAMES if a not in ("due_computed_on", "policy_version"))
# Of those, the JSON lists are read as their text and compared with the new decision's JSON
# text (`_json_text`), never decoded: decoding cost more than the comparison saved. A text that
# differs only in form (say, escaping) costs a needless rewrite, never a missed one.
_JSON_DECISION = tuple(a for a in DECISION_ATTNAMES if Customer._meta.get_field(a).get_internal_type() == "JSONField")
_PLAIN_DECISION = tuple(a for a in DECISION_ATTNAMES if a not in _JSON_DECISION)
_STORED_TEXT = {a: f"stored_{a}_text" for a in _JSON_DECISION}
# Below this many customers a recompute runs in-process: starting a worker costs about a second.
PARALLEL_MIN_CUSTOMERS = 20_000


def histories(scope: dict, until: date, *, with_contacts: bool = True):
    """Measures, suspensions and contacts (up to `until`; none without `with_contacts`) as the
    engine reads them, by customer id, for the customers `scope` selects (filter keywords; it
    must include job_centre_id): three queries. One fetch each, not .iterator(): on PostgreSQL
    a server-side cursor plans for the first rows and reads many thousands of notes several
    times slower."""
    measures, suspensions, contacts = defaultdict(list), defaultdict(list), defaultdict(list)
    for cid, *measure in Measure.objects.filter(**scope).values_list("customer_id", *MEASURE_ROW):
        measures[cid].append(engine.Measure(*measure))
    for cid, start, end, reason in Suspension.objects.filter(**scope).values_list(
        "customer_id", "start", "end", "reason"
    ):
        suspensions[cid].append(engine.Suspension(start, end, reason))
    if not with_contacts:
        return measures, suspensions, contacts
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


def contacts_that_count(scope: dict, channels: frozenset[str], until: date) -> dict[int, list[engine.Contact]]:
    """`engine.contacts_that_count` in SQL, by customer id: per customer the first qualified note
    of its latest day with one and the latest note with a follow-up date, up to `until`. Two
    queries that read two rows per customer where a whole history is tens (window functions
    over the (job_centre, customer, date) index)."""
    notes = ContactNote.objects.filter(**scope, date__lte=until)
    latest = {
        "qualified": notes.filter(channel__in=channels).annotate(
            rank=Window(RowNumber(), partition_by=F("customer_id"), order_by=[F("date").desc(), F("id").asc()])
        ),
        "follow_up": notes.filter(follow_up_on__isnull=False).annotate(
            rank=Window(RowNumber(), partition_by=F("customer_id"), order_by=[F("date").desc(), F("id").desc()])
        ),
    }
    kept = defaultdict(dict)
    for queryset in latest.values():
        for cid, note_id, *contact in queryset.filter(rank=1).values_list(
            "customer_id", "id", "date", "channel", "follow_up_on"
        ):
            kept[cid][(contact[0], note_id)] = engine.Contact(*contact)
    return {cid: [notes[key] for key in sorted(notes)] for cid, notes in kept.items()}


def _chunk_decisions(policy: engine.JobCentre, rows: list[dict], today: date):
    scope = chunk_scope(rows)
    measures, suspensions, _none = histories(scope, today, with_contacts=False)
    rule_set = policy.rule_set_on(today)  # none in force: no contact is read
    contacts = contacts_that_count(scope, rule_set.qualifying_channels, today) if rule_set else {}
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
    return base.stale(today, version) if due_only else base


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


def count_to_recompute(*, job_centre_ids=None, due_only=False, today=None) -> int:
    today = today or timezone.localdate()
    total = 0
    centres = JobCentre.objects.all()
    if job_centre_ids is not None:
        centres = centres.filter(pk__in=list(job_centre_ids))
    for centre_id, version in centres.values_list("pk", "policy_version"):
        qs = Customer.objects.filter(job_centre_id=centre_id)
        total += (qs.stale(today, version) if due_only else qs).count()
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
    as_text = _json_text(connections[router.db_for_write(Customer)])
    changed, unchanged, new_version = [], [], []
    for cid, decision in _chunk_decisions(policy, rows, today):
        stored = StoredDueDate(cid)
        apply_decision(stored, decision, today, version)
        old = by_id[cid]
        if all(getattr(stored, a) == old[a] for a in _PLAIN_DECISION) and all(
            old[alias] == as_text(getattr(stored, a)) for a, alias in _STORED_TEXT.items()
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


def _json_text(connection):
    """A value as the database gives a JSON column back as text: PostgreSQL's jsonb output
    (", " and ": " between items, non-ASCII as it is), or, on SQLite, the text the field wrote
    (its encoder, ASCII escapes)."""
    return functools.partial(json.dumps, cls=DjangoJSONEncoder, ensure_ascii=connection.vendor != "postgresql")


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
