"""Benchmark (not a test): what reading less history saves, side by side in one run.

    DATABASE_URL=postgres://user@host/scratchdb make bench-reads

On an existing scratch database (filled by `make bench-caseload` or `generate_caseload`):

1. `recompute_due` in one process, every row rewritten and then nightly (decisions unchanged),
   once reading each chunk's whole contact histories and once reading only the two notes per
   customer that count (`caseload.recompute.contacts_that_count`), twice each, alternating.
2. The monthly report's walk-ins (`caseload.selectors.walk_ins`) of the largest team for the
   last full month, median of 15, with the partial index `note_walk_in_date` and with it
   dropped inside a transaction that is rolled back.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontaktdichte.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django

django.setup()

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from benchmarks.scratch import require_scratch_database
from caseload import recompute
from caseload.duedates import customer_facts
from caseload.models import ContactNote, Customer
from caseload.selectors import walk_ins
from kontaktdichte.dates import add_months, month_bounds
from policies import engine


def whole_histories(policy, rows, today):
    """The chunk reader before: every contact note of every customer of the chunk. `rows` as
    `recompute._read_chunk` reads them: id, job centre, row version, then the facts (the flags
    as the database's JSON text)."""
    scope = recompute.ids_scope(rows[0][1], [row[0] for row in rows])
    measures, suspensions, contacts = recompute.histories(scope, today)
    for row in rows:
        cid, values = row[0], dict(zip(Customer.FACT_FIELDS, row[3:], strict=True))
        values["flags"] = json.loads(values["flags"]) if values["flags"] else []
        facts = customer_facts(values, measures.get(cid, ()), suspensions.get(cid, ()))
        yield cid, engine.evaluate(policy, facts, contacts.get(cid, ()), today)


def timed_recompute(label: str):
    started = time.perf_counter()
    count = recompute.recompute(workers=1)
    seconds = time.perf_counter() - started
    print(f"  {label:45s} {count:,} in {seconds:.1f} s = {count / seconds:,.0f} customers/s", flush=True)


def readers():
    print(
        f"recompute_due, one process ({Customer.objects.count():,} customers, {ContactNote.objects.count():,} notes):"
    )
    two_notes = recompute._chunk_decisions
    for _round in range(2):
        for name, reader in (("whole histories", whole_histories), ("two notes that count", two_notes)):
            recompute._chunk_decisions = reader
            Customer.objects.update(due_reasons=[])  # every row differs from its decision
            timed_recompute(f"{name}, every row rewritten:")
            timed_recompute(f"{name}, nightly (unchanged):")
    recompute._chunk_decisions = two_notes


def walk_in_index():
    centre, team, size = (
        Customer.objects.values_list("job_centre_id", "team_id").annotate(n=Count("pk")).order_by("-n").first()
    )
    first, last = month_bounds(add_months(timezone.localdate(), -1))

    def median_ms():
        times = []
        for _ in range(15):
            started = time.perf_counter()
            walk_ins(centre, team, first, last)
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    print(f"walk-ins of the largest team ({size:,} customers), {first:%m/%Y}:")
    print(f"  with the partial index note_walk_in_date: {median_ms():.1f} ms")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX note_walk_in_date")
        print(f"  without it:                              {median_ms():.1f} ms")
        transaction.set_rollback(True)


if __name__ == "__main__":
    require_scratch_database()
    readers()
    walk_in_index()
