"""Statements of counts whose SQL the ORM builds once per process and key, and then only runs.

The worklist's section counts, nine filtered counts in one statement, took 1.75 ms a request to
build and compile through the ORM and 0.06 ms to run (the 1 M database, 2026-12-01: README,
Benchmarks), a sixth of the page. Their SQL depends on nothing but a few values: the job
centre, team, caseworker, the day and the rule version. So `counts` builds it once for each such
key (the caller names everything the statement depends on; the database is added here) and
keeps the SQL with its parameters. Every call runs it afresh: only SQL is kept, never a figure,
so the counts are as current as without it. At most MAX_KEPT statements per process (then it
starts over).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Aggregate, Model, QuerySet

MAX_KEPT = 4096
_kept: dict[Hashable, tuple[str | None, tuple, tuple[str, ...]]] = {}


def counts(
    model: type[Model], key: Hashable, build: Callable[[], tuple[QuerySet, dict[str, Aggregate]]]
) -> dict[str, int]:
    """What `queryset.aggregate(**aggregates)` gives for `(queryset, aggregates) = build()`, a
    queryset of `model`; `build` runs on the first call for `key` only, so the same key must
    always build the same statement. The queryset must be scoped to one job centre (every
    customer-scoped one is): the counts are grouped by it, which gives the one row `aggregate`
    would, or none when no row matches (then every count is 0)."""
    using = router.db_for_read(model)
    entry = _kept.get((using, key))
    if entry is None:
        queryset, aggregates = build()
        grouped = queryset.order_by().values("job_centre_id").annotate(**aggregates).values_list(*aggregates)
        try:
            sql, params = grouped.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # a queryset that cannot hold a row (`.none()`)
            sql, params = None, ()
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        entry = _kept[using, key] = (sql, tuple(params), tuple(aggregates))
    sql, params, names = entry
    row = None
    if sql is not None:
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return dict(zip(names, row or (0,) * len(names)))
