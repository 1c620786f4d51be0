"""Recomputing stored due dates in bulk: after a rule set changes (every customer of the job
centre, in a background task), nightly for the customers whose `recheck_on` has come (`--due-only`),
and after generating or importing many customers.

Chunk by chunk (customers of one job centre, in id order), with a fixed number of queries per
chunk: the customers' facts, their measures and exceptions, and of their contact notes only the
two that count (`contacts_that_count`: the latest qualified one and the latest with a follow-up
date, picked in SQL), all read as plain tuples; then one statement that writes the new decisions
of the rows where they differ from the stored ones (`store_due_dates`: the database compares;
a row already as computed is not written at all). Large runs spread the chunks over worker
processes on PostgreSQL (`in_processes`). One customer at a time, inside a writing service, is
`caseload.duedates.refresh_due_date`.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import reduce
from operator import or_

from django.db import connections, router, transaction
from django.db.models import F, Q, TextField, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone

from policies import engine
from policies.models import JobCentre

from . import recompute_worker
from .duedates import MEASURE_ROW, due_values, facts_from_values, policy_for
from .models import ContactNote, Customer, Measure, Suspension
from .open_tasks import earliest_activities
from .status import stale_q

log = logging.getLogger(__name__)

# Below this many customers a recompute runs in-process: starting a worker costs about a second.
PARALLEL_MIN_CUSTOMERS = 20_000


def histories(scope: dict, until: date, *, with_contacts: bool = True):
    """Measures, suspensions and contacts (up to `until`; none without `with_contacts`) as the
    engine reads them, by customer id, for the customers `scope` selects (filter keywords; it
    must include job_centre_id): three queries. One fetch each, not .iterator(): on PostgreSQL
    a server-side cursor plans for the first rows and reads many thousands of notes several
    times slower."""
    measures, suspensions, contacts = defaultdict(list), defaultdict(list), defaultdict(list)
    for cid, *measure in _tuples(Measure.objects.filter(**scope), "customer_id", *MEASURE_ROW):
        measures[cid].append(engine.Measure(*measure))
    for cid, *suspension in _tuples(Suspension.objects.filter(**scope), "customer_id", "start", "end", "reason"):
        suspensions[cid].append(engine.Suspension(*suspension))
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
    return ids_scope(rows[0]["job_centre_id"], [r["id"] for r in rows])


def ids_scope(job_centre_id: int, ids: list[int]) -> dict:
    """`chunk_scope` for customer ids given as such (in id order, one job centre)."""
    if ids[-1] - ids[0] < 2 * len(ids):
        return {"job_centre_id": job_centre_id, "customer_id__gte": ids[0], "customer_id__lte": ids[-1]}
    return {"job_centre_id": job_centre_id, "customer_id__in": ids}


def contacts_that_count(scope: dict, channels: frozenset[str], until: date) -> dict[int, list[engine.Contact]]:
    """`engine.contacts_that_count` in SQL, by customer id: per customer the first qualified note
    of its latest day with one and the latest note with a follow-up date, up to `until`. Two
    queries that read two rows per customer where a whole history is tens, run as plain SQL:
    the rows come back as tuples, without Django's per-row conversion. On PostgreSQL both read
    the `note_customer_date` index alone, (job_centre, customer, date descending, id) with the
    channel and the follow-up date, and the qualified one needs no sort at all."""
    notes = ContactNote.objects.filter(**scope, date__lte=until).order_by()  # any order: by customer id below
    qualified = notes.filter(channel__in=channels).annotate(
        rank=Window(RowNumber(), partition_by=F("customer_id"), order_by=[F("date").desc(), F("id").asc()])
    )
    follow_up = notes.filter(follow_up_on__isnull=False).annotate(
        rank=Window(RowNumber(), partition_by=F("customer_id"), order_by=[F("date").desc(), F("id").desc()])
    )
    kept: dict[int, list] = {}
    seen: dict[int, int] = {}  # customer id -> the id of its qualified note
    for cid, note_id, day, channel, follow_up_on in _tuples(qualified.filter(rank=1), *_NOTE_ROW):
        kept[cid] = [engine.Contact(day, channel, follow_up_on)]
        seen[cid] = note_id
    for cid, note_id, day, channel, follow_up_on in _tuples(follow_up.filter(rank=1), *_NOTE_ROW):
        contact = engine.Contact(day, channel, follow_up_on)
        mine = kept.get(cid)
        if mine is None:
            kept[cid] = [contact]
        elif seen[cid] != note_id:  # two notes, in (date, id) order
            if (day, note_id) < (mine[0].date, seen[cid]):
                mine.insert(0, contact)
            else:
                mine.append(contact)
    return kept


_NOTE_ROW = ("customer_id", "id", "date", "channel", "follow_up_on")


def _tuples(queryset, *fields) -> list[tuple]:
    """The queryset's rows as the database driver gives them: plain tuples, none of Django's
    per-row conversion (dates come as dates on both backends; JSON as its text)."""
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _chunk_decisions(policy: engine.JobCentre, rows: list[tuple], today: date):
    """(customer id, decision) for the chunk's rows, as `_read_chunk` reads them: id, job centre,
    row version, the facts (`Customer.FACT_FIELDS`), the plan's day. Measures, suspensions and contacts
    in one query each for the whole chunk."""
    scope = ids_scope(rows[0][1], [row[0] for row in rows])
    measures, suspensions, _none = histories(scope, today, with_contacts=False)
    rule_set = policy.rule_set_on(today)  # none in force: no contact is read
    contacts = contacts_that_count(scope, rule_set.qualifying_channels, today) if rule_set else {}
    evaluate, none = engine.evaluate, ()
    flag_sets: dict[str | None, frozenset] = {}  # the flags' JSON text, decoded once per distinct text
    flags_at = 3 + Customer.FACT_FIELDS.index("flags")
    for row in rows:
        cid, text = row[0], row[flags_at]
        flags = flag_sets.get(text)
        if flags is None:
            flags = flag_sets[text] = frozenset(json.loads(text) or ()) if text else frozenset()
        values = list(row[3:-1])
        values[flags_at - 3] = flags
        facts = facts_from_values(*values, measures.get(cid, none), suspensions.get(cid, none))
        yield cid, evaluate(policy, facts, contacts.get(cid, none), today)


def recompute(
    *,
    job_centre_ids: Iterable[int] | None = None,
    due_only: bool = False,
    today: date | None = None,
    chunk_size: int = 2000,
    progress=None,
    workers: int = 1,
    found=None,
) -> int:
    """Recompute stored due dates in chunks; returns the number of customers recomputed.

    `due_only`: only customers whose `recheck_on` has come or whose stored decision was made
    under an older policy version (or never). `found(total)` is called once, with how many
    customers are to be recomputed (a progress bar's total: a count of its own would cost a
    second pass over the table), then `progress(n)` after every chunk.
    `workers` > 1 spreads the chunks over that many processes, each with its own database
    connection, where `run_in_processes` allows; else the chunks run here.
    """
    today = today or timezone.localdate()
    versions = _versions(job_centre_ids)
    tasks, total = [], 0
    for centre_id, ids in _customer_ids(versions, due_only, today).items():
        version = versions[centre_id]
        policy_for(centre_id, version)  # loaded here once for in-process chunks
        total += len(ids)
        for i in range(0, len(ids), chunk_size):
            chunk = ids[i : i + chunk_size]
            # A dense chunk (a full recompute) is read by id range, a sparse one (the nightly
            # run's few stale customers, spread over the whole table) by its ids.
            sparse = None if chunk[-1] - chunk[0] < 2 * len(chunk) else chunk
            tasks.append((centre_id, version, due_only, today, chunk[0], chunk[-1], sparse))
    if found:
        found(total)
    connection = connections[router.db_for_write(Customer)]
    if run_in_processes(connection, workers, len(tasks), total):
        results = in_processes(recompute_worker.recompute_range, tasks, workers, here=_recompute_range)
    else:
        results = (_recompute_range(*task) for task in tasks)
    recomputed = 0
    for count in results:
        recomputed += count
        if progress:
            progress(count)
    log.info("recomputed due dates: %d customers", recomputed)
    return recomputed


def _versions(job_centre_ids: Iterable[int] | None) -> dict[int, int]:
    centres = JobCentre.objects.order_by("pk")
    if job_centre_ids is not None:
        centres = centres.filter(pk__in=list(job_centre_ids))
    return dict(centres.values_list("pk", "policy_version"))


def _scope_q(versions: dict[int, int], due_only: bool, today: date) -> Q:
    """The customers to recompute of these job centres (id -> policy version) as one filter, so
    that the nightly run finds its few stale customers in one pass over the table, not one per
    job centre (no index serves "computed under an older version")."""
    if not versions:
        return Q(pk__in=[])
    if not due_only:
        return Q(job_centre_id__in=list(versions))
    return reduce(or_, (Q(job_centre_id=c) & stale_q(today, v) for c, v in versions.items()))


def _customer_ids(versions: dict[int, int], due_only: bool, today: date) -> dict[int, list[int]]:
    """Job centre id -> the ids of its customers to recompute, in id order: one query."""
    ids = {centre_id: [] for centre_id in versions}
    for centre_id, pk in _tuples(
        Customer.objects.filter(_scope_q(versions, due_only, today)).order_by("pk"), "job_centre_id", "pk"
    ):
        ids[centre_id].append(pk)
    return {centre_id: chunk for centre_id, chunk in ids.items() if chunk}


def _scope(centre_id: int, version: int, due_only: bool, today: date):
    base = Customer.objects.filter(job_centre_id=centre_id)
    return base.stale(today, version) if due_only else base


def _recompute_range(
    centre_id: int,
    version: int,
    due_only: bool,
    today: date,
    first_id: int,
    last_id: int,
    ids: list[int] | None = None,
) -> int:
    """One chunk: the job centre's customers (stale ones only, if so asked) with ids in a range
    (or, given `ids`, with these ids). Returns how many were recomputed.

    Read and written in one transaction, and every write is conditional on the row being as it
    was read: a caseworker who saves a contact note for one of these customers while the chunk
    is being evaluated keeps the due date their note gave (see `store_due_dates`)."""
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
        rows = _read_chunk(connection, centre_id, version, due_only, today, first_id, last_id, ids)
        if not rows:
            return 0
        decisions = _chunk_decisions(policy_for(centre_id, version), rows, today)
        chunk = Q(customer_id__in=ids) if ids else Q(customer_id__gte=first_id, customer_id__lte=last_id)
        activities = earliest_activities(centre_id, chunk)
        new = [
            (row[0], row[2], *due_values(decision, today, version, row[-1], activities.get(row[0])))
            for row, (_cid, decision) in zip(rows, decisions, strict=True)
        ]
        written = store_due_dates(centre_id, new)
        log.debug("recompute: %d of %d customers of job centre %s written", written, len(rows), centre_id)
        return len(rows)


def _read_chunk(connection, centre_id, version, due_only, today, first_id, last_id, ids) -> list[tuple]:
    """The chunk's customers as tuples: id, job centre, row version, `Customer.FACT_FIELDS`, then
    the plan's day (for the next task's, `open_tasks.next_task_day`).

    The row version is PostgreSQL's `xmin` (the transaction that wrote the row last): any write
    to the row changes it. SQLite needs none: the chunk's transaction holds the write lock from
    its first statement (transaction_mode IMMEDIATE), so no other writer comes between its reads
    and its writes."""
    queryset = _scope(centre_id, version, due_only, today)
    queryset = queryset.filter(pk__in=ids) if ids else queryset.filter(pk__gte=first_id, pk__lte=last_id)
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Customer._meta.db_table)
        row_version = RawSQL(f"{table}.xmin::text", (), output_field=TextField())
    else:
        row_version = Value(None, output_field=TextField())
    return _tuples(
        queryset.order_by("pk"), "id", "job_centre_id", row_version, *Customer.FACT_FIELDS, "cooperation_plan_on"
    )


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


def in_processes(entry, tasks, workers: int, *, here=None):
    """Run `entry(*task)` over the tasks in worker processes; yields results as tasks finish.

    `entry` is a function of `caseload.recompute_worker`. Spawned, not forked: a fork copies
    the parent's threads' locks in whatever state they are (a web server's, a test browser's)
    and can hang the child. Each worker sets Django up afresh, on the parent's database (its
    name included: a test database is renamed at run time), and opens its own connection.

    With `here` (the same work as a function of this process), this process is one of the
    `workers` and runs tasks too, between collecting results: a spawned worker needs one to
    several seconds to set Django up and load its policies, time in which this process, ready,
    would otherwise wait.
    """
    if here and workers < 2:
        yield from (here(*task) for task in tasks)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, as_completed, wait

    databases = {alias: connections[alias].settings_dict["NAME"] for alias in connections}
    context = multiprocessing.get_context("spawn")
    spawned = workers - 1 if here else workers
    with ProcessPoolExecutor(
        max_workers=spawned, mp_context=context, initializer=recompute_worker.setup, initargs=(databases,)
    ) as pool:
        if not here:
            for future in as_completed([pool.submit(entry, *task) for task in tasks]):
                yield future.result()
            return
        pending = deque(tasks)
        # Two tasks queued per worker, so that none waits for this process to hand it the next.
        running = {pool.submit(entry, *pending.popleft()) for _ in range(min(2 * spawned, len(pending)))}
        while pending or running:
            if pending:
                yield here(*pending.popleft())
            else:
                wait(running, return_when=FIRST_COMPLETED)
            for future in [f for f in running if f.done()]:
                running.remove(future)
                yield future.result()
                if pending:
                    running.add(pool.submit(entry, *pending.popleft()))


def store_due_dates(job_centre_id: int, rows: list[tuple]) -> int:
    """Write the due-date columns of many customers of one job centre in one statement. A row is
    (customer id, row version when read or None, the values in `DUE_ATTNAMES` order). Only
    customers whose stored columns differ from these are written (the database compares: a
    decision that did not change, read back and compared here, cost more than sending it), and,
    with a row version, only rows nobody wrote since: their writer computed the due date from
    newer facts. Returns how many rows were written.

    On PostgreSQL one UPDATE ... FROM the columns as arrays: a parameter per value
    (`bulk_update`'s CASE per column and row) costs seconds per thousand rows. Elsewhere
    (SQLite) one prepared UPDATE run with executemany.
    """
    if not rows:
        return 0
    connection = connections[router.db_for_write(Customer)]
    qn = connection.ops.quote_name
    fields = [Customer._meta.get_field(name) for name in Customer.DUE_FIELDS]
    columns = [qn(f.column) for f in fields]
    table = qn(Customer._meta.db_table)
    # No savepoint: inside a chunk's transaction there is nothing to roll back to separately.
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows as one array per column, unnested side by side (ROWS FROM), the JSON
            # columns as one JSON array each. The arrays go as binary parameters (%b) of a
            # psycopg cursor that binds on the server (so the statement is not in Django's
            # query log): Django's cursor writes them into the statement as text, quoting value
            # by value in Python. 2,000 rows of 14 columns: 19-37 ms binary, 50-110 ms as text,
            # the server's part included. One JSON object per row (json_to_recordset) cost
            # more again, and so did one JSON array of all rows (~13 µs a customer to encode).
            ids, row_versions, *by_column = zip(*rows, strict=True)
            sources, params = ["unnest(%b::bigint[])", "unnest(%b::text[])"], [list(ids), list(row_versions)]
            for field, values in zip(fields, by_column, strict=True):
                if field.get_internal_type() == "JSONField":
                    sources.append("jsonb_array_elements(%s::jsonb)")
                    params.append(json.dumps(values, cls=field.encoder, separators=(",", ":")))
                else:
                    sources.append(f"unnest(%b::{field.db_type(connection)}[])")
                    params.append(list(values))
            stored, new = (", ".join(f"{side}.{c}" for c in columns) for side in "cv")
            import psycopg  # only on PostgreSQL

            with psycopg.Cursor(connection.connection) as binding:
                binding.execute(
                    f"UPDATE {table} AS c SET {', '.join(f'{c} = v.{c}' for c in columns)} "
                    f"FROM ROWS FROM ({', '.join(sources)}) AS v(id, row_version, {', '.join(columns)}) "
                    f"WHERE c.id = v.id AND c.job_centre_id = %s AND c.id BETWEEN %s AND %s "
                    f"AND (v.row_version IS NULL OR c.xmin::text = v.row_version) "
                    f"AND ({stored}) IS DISTINCT FROM ({new})",
                    [*params, job_centre_id, min(ids), max(ids)],
                )
                return binding.rowcount
        # SQLite: `IS` compares as IS NOT DISTINCT FROM does; the JSON columns as the text the
        # fields write, which is what they stored.
        prepared = [
            [f.get_db_prep_save(value, connection) for f, value in zip(fields, row[2:], strict=True)] for row in rows
        ]
        cursor.executemany(
            f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} "
            f"WHERE id = %s AND job_centre_id = %s AND NOT ({' AND '.join(f'{c} IS %s' for c in columns)})",
            [[*values, row[0], job_centre_id, *values] for row, values in zip(rows, prepared)],
        )
        return cursor.rowcount
