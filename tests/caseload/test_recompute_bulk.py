"""The bulk recompute of stored due dates (caseload.recompute) and its command, recompute_due:
what it reads, what it writes, and that it stores what the per-customer refresh stores."""

import dataclasses
import inspect
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count

from caseload import duedates, recompute
from caseload.duedates import facts_from_values
from caseload.models import Customer
from policies import engine, signals
from policies.models import JobCentre

DAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fresh_policy_cache():
    # The cache is keyed by (job centre id, policy version); rolled-back tests reuse both.
    duedates._policy_cache.clear()
    yield
    duedates._policy_cache.clear()


def test_recompute_due_only_touches_customers_whose_recheck_has_come(rulesets):
    call_command("generate_caseload", "--job-centre", "coburg-land", customers=40, seed=3, today=DAY.isoformat())
    earlier = DAY - timedelta(days=30)
    Customer.objects.update(due_computed_on=earlier, recheck_on=DAY + timedelta(days=10))
    due = set(Customer.objects.order_by("pk").values_list("pk", flat=True)[:7])
    Customer.objects.filter(pk__in=list(due)[:4]).update(recheck_on=DAY)
    Customer.objects.filter(pk__in=list(due)[4:]).update(recheck_on=DAY - timedelta(days=3))

    call_command("recompute_due", "--due-only", "--today", DAY.isoformat())

    recomputed = set(Customer.objects.filter(due_computed_on=DAY).values_list("pk", flat=True))
    assert recomputed == due
    assert Customer.objects.filter(due_computed_on=earlier).count() == 40 - 7


def test_recompute_due_without_due_only_recomputes_the_job_centre(rulesets):
    call_command("generate_caseload", customers=40, seed=3, today=DAY.isoformat())
    later = DAY + timedelta(days=1)

    call_command("recompute_due", "--job-centre", "weimarer-land", "--today", later.isoformat(), "--chunk-size", "3")

    assert set(Customer.objects.filter(due_computed_on=later).values_list("job_centre__slug", flat=True)) == {
        "weimarer-land"
    }
    assert Customer.objects.filter(due_computed_on=later).count() == 10


def test_recompute_says_how_many_it_found_before_it_starts(rulesets):
    # The command's progress bar takes its total from here, not from a count of its own.
    call_command("generate_caseload", customers=30, seed=13, today=DAY.isoformat())
    found, ticks = [], []

    written = recompute.recompute(today=DAY, chunk_size=4, found=found.append, progress=ticks.append)

    assert found == [30] == [written] and sum(ticks) == 30
    assert recompute.recompute(today=DAY, due_only=True, found=found.append) == 0 and found[-1] == 0


def test_recompute_due_rejects_an_unknown_job_centre(rulesets):
    with pytest.raises(CommandError, match="Unbekanntes Jobcenter: nirgendwo"):
        call_command("recompute_due", "--job-centre", "nirgendwo")


def _stored_due_dates():
    return {row[0]: row[1:] for row in Customer.objects.values_list("pk", *Customer.DUE_FIELDS)}


def test_bulk_recompute_stores_exactly_what_the_per_customer_refresh_stores(rulesets):
    # Every job centre, every rule the generator reaches; bulk goes through store_due_dates
    # (UPDATE ... FROM arrays on PostgreSQL, executemany elsewhere), single through the ORM.
    call_command("generate_caseload", customers=120, seed=11, today=DAY.isoformat())
    later = DAY + timedelta(days=45)
    for customer in Customer.objects.all():
        duedates.refresh_due_date(customer, later)
    single = _stored_due_dates()
    Customer.objects.update(
        status_until_due="",
        due_by=None,
        due_rule=None,
        due_code="",
        due_flags=[],
        due_reasons=[],
        recheck_on=None,
        due_computed_on=None,
        policy_version=0,
    )

    written = recompute.recompute(today=later, chunk_size=7)

    assert written == 120
    assert _stored_due_dates() == single
    assert {row[1] for row in single.values()} != {None}  # due dates were really computed
    assert any(row[7] for row in single.values()) and any(row[8] for row in single.values())  # JSON lists


def _row_for_store(pk, **changes):
    """A customer's stored due-date columns as `store_due_dates` takes them, with changes."""
    customer = Customer.objects.get(pk=pk)
    for attname, value in changes.items():
        setattr(customer, attname, value)
    return (pk, None, *(getattr(customer, a) for a in duedates.DUE_ATTNAMES))


def test_store_due_dates_touches_only_the_given_job_centre(rulesets):
    call_command("generate_caseload", customers=20, seed=2, today=DAY.isoformat())
    customer = Customer.objects.exclude(job_centre__slug="coburg-land").first()
    other_centre = Customer.objects.filter(job_centre__slug="coburg-land").first().job_centre_id
    before = _stored_due_dates()[customer.pk]

    written = recompute.store_due_dates(other_centre, [_row_for_store(customer.pk, due_code="XX", due_reasons=["x"])])

    assert written == 0 and _stored_due_dates()[customer.pk] == before


def test_store_due_dates_writes_only_the_rows_that_differ(rulesets):
    # The database compares: a row as stored is not written, a row with any column different
    # is written in full (dates, the rule's key, the JSON lists with dates and non-ASCII text).
    call_command("generate_caseload", customers=30, seed=6, today=DAY.isoformat())
    recompute.recompute(today=DAY)
    before = _stored_due_dates()
    first, second, third, *rest = Customer.objects.order_by("pk")
    assert first.job_centre_id == second.job_centre_id == third.job_centre_id
    rows = [
        _row_for_store(first.pk),
        _row_for_store(second.pk, due_reasons=[["ausgesetzt", "Krankheit – länger", DAY]], due_by=DAY),
        _row_for_store(third.pk, due_flags=[*third.due_flags, "neu"], due_computed_on=DAY + timedelta(days=1)),
    ]

    assert recompute.store_due_dates(first.job_centre_id, rows) == 2

    after = _stored_due_dates()
    reasons, flags, computed_on = (
        Customer.DUE_FIELDS.index(f) for f in ("due_reasons", "due_flags", "due_computed_on")
    )
    assert after[first.pk] == before[first.pk]
    assert after[second.pk][reasons] == [["ausgesetzt", "Krankheit – länger", DAY.isoformat()]]
    assert after[third.pk][flags][-1] == "neu" and after[third.pk][computed_on] == DAY + timedelta(days=1)
    assert all(after[c.pk] == before[c.pk] for c in rest)
    assert recompute.store_due_dates(first.job_centre_id, rows) == 0  # now all three are as stored


@pytest.mark.postgres
def test_store_due_dates_leaves_a_row_written_since_it_was_read(rulesets):
    call_command("generate_caseload", customers=10, seed=7, today=DAY.isoformat())
    customer = Customer.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM caseload_customer WHERE id = %s", [customer.pk])
        (read_as,) = cursor.fetchone()
    row = _row_for_store(customer.pk, due_code="XX")
    Customer.objects.filter(pk=customer.pk).update(due_code="YY")  # a writer in between

    assert recompute.store_due_dates(customer.job_centre_id, [(row[0], read_as, *row[2:])]) == 0
    assert Customer.objects.get(pk=customer.pk).due_code == "YY"


def test_due_only_reads_sparse_chunks_by_id_and_stores_what_a_refresh_stores(rulesets):
    # A few stale customers spread over the table: each chunk is read by its ids, not its range.
    call_command("generate_caseload", customers=120, seed=12, today=DAY.isoformat())
    recompute.recompute(today=DAY)
    later = DAY + timedelta(days=3)
    stale = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[::17])
    Customer.objects.filter(pk__in=stale).update(recheck_on=later, due_by=None, due_reasons=[])
    before = _stored_due_dates()
    chunks = []
    real = recompute._recompute_range

    def recording(*task):
        chunks.append(task)
        return real(*task)

    with mock.patch.object(recompute, "_recompute_range", recording):
        assert recompute.recompute(today=later, due_only=True, chunk_size=3) == len(stale)

    assert any(task[-1] for task in chunks)  # read by id list
    after = _stored_due_dates()
    assert {pk for pk in after if after[pk] != before[pk]} == set(stale)
    for customer in Customer.objects.filter(pk__in=stale):
        duedates.refresh_due_date(customer, later)
    assert _stored_due_dates() == after


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recompute_in_worker_processes_stores_what_one_process_stores(rulesets, monkeypatch):
    # The workers run in forked processes with their own connections, so the data must be
    # committed: hence a transactional test, on PostgreSQL only (SQLite runs chunks in-process).
    call_command("generate_caseload", customers=90, seed=4, today=DAY.isoformat(), workers=1)
    later = DAY + timedelta(days=60)
    assert recompute.recompute(today=later, chunk_size=8, workers=1) == 90
    one_process = _stored_due_dates()
    Customer.objects.update(due_by=None, due_code="", due_computed_on=None)

    monkeypatch.setattr(recompute, "PARALLEL_MIN_CUSTOMERS", 1)
    ticks = []
    assert recompute.recompute(today=later, chunk_size=8, workers=3, progress=ticks.append) == 90

    assert _stored_due_dates() == one_process
    assert sum(ticks) == 90 and len(ticks) == sum(
        -(-n // 8)
        for n in Customer.objects.values_list("job_centre").annotate(n=Count("pk")).values_list("n", flat=True)
    )


def test_in_processes_with_one_worker_and_work_here_spawns_none():
    # `here`: this process is one of the workers; with one, it is the only one.
    with mock.patch("concurrent.futures.ProcessPoolExecutor") as pool:
        assert list(recompute.in_processes(None, [(1, 2), (3, 4)], 1, here=lambda a, b: a + b)) == [3, 7]
    pool.assert_not_called()


def test_recompute_due_rejects_zero_workers(rulesets):
    with pytest.raises(CommandError, match="--workers muss mindestens 1 sein"):
        call_command("recompute_due", "--workers", "0")


def test_recompute_of_unchanged_decisions_moves_only_the_computed_day(rulesets):
    call_command("generate_caseload", customers=80, seed=8, today=DAY.isoformat())
    recompute.recompute(today=DAY, chunk_size=9)
    before = _stored_due_dates()
    next_day = DAY + timedelta(days=1)
    written = []
    store = recompute.store_due_dates

    def recording_store(job_centre_id, rows):
        written.append(store(job_centre_id, rows))
        return written[-1]

    with mock.patch.object(recompute, "store_due_dates", recording_store):
        assert recompute.recompute(today=next_day, chunk_size=9) == 80
        assert sum(written) == 80  # the computed day moved on every row ...
        written.clear()
        assert recompute.recompute(today=next_day, chunk_size=9) == 80
        assert sum(written) == 0  # ... and a second run that day finds every row as stored

    after = _stored_due_dates()
    computed_on = Customer.DUE_FIELDS.index("due_computed_on")
    assert {row[computed_on] for row in after.values()} == {next_day}
    unchanged = [pk for pk in after if _without(after[pk], computed_on) == _without(before[pk], computed_on)]
    assert unchanged  # most decisions hold from one day to the next
    for customer in Customer.objects.all():  # ... and either way, bulk stores what one refresh stores
        duedates.refresh_due_date(customer, next_day)
    assert _stored_due_dates() == after


def test_recompute_after_a_rule_change_that_changes_no_decision_only_moves_the_version(rulesets):
    call_command("generate_caseload", customers=60, seed=9, today=DAY.isoformat())
    recompute.recompute(today=DAY, chunk_size=7)
    before = _stored_due_dates()
    for centre in JobCentre.objects.all():
        signals.bump_policy_version(centre.pk)
    versions = dict(JobCentre.objects.values_list("pk", "policy_version"))

    assert recompute.recompute(today=DAY, chunk_size=7) == 60

    after = _stored_due_dates()
    version = Customer.DUE_FIELDS.index("policy_version")
    assert {pk: _without(row, version) for pk, row in after.items()} == {
        pk: _without(row, version) for pk, row in before.items()
    }
    assert all(
        row[version] == versions[centre]
        for (pk, row), centre in zip(
            sorted(after.items()), Customer.objects.order_by("pk").values_list("job_centre_id", flat=True)
        )
    )
    assert Customer.objects.count() == 60


def _without(row, index):
    return row[:index] + row[index + 1 :]


def test_the_facts_are_built_in_the_engines_field_order():
    """`facts_from_values` builds `engine.Customer` positionally (a bulk recompute's hot path):
    its parameters must be the engine's fields, in their order, each landing in its own."""
    fields = [f.name for f in dataclasses.fields(engine.Customer)]
    assert list(inspect.signature(facts_from_values).parameters) == fields
    given = {name: f"{name} value" for name in fields}
    given |= {"flags": ["slb"], "measures": ["a measure"], "suspensions": ["an exception"]}
    facts = facts_from_values(**given)
    expected = given | {"flags": frozenset({"slb"}), "measures": ("a measure",), "suspensions": ("an exception",)}
    assert {name: getattr(facts, name) for name in fields} == expected
