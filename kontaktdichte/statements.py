"""Statements whose SQL the ORM builds once per process and key, and which then only run.

The worklist's section counts, nine filtered counts in one statement, took 1.75 ms a request to
build and compile through the ORM and 0.06 ms to run (the 1 M database, 2026-12-01: README,
Benchmarks), a sixth of the page; its 25 rows 1.57 ms against 0.11 ms. Such a statement's SQL
depends on nothing but a few values: the job centre, team, caseworker, the day, the rule
version, the sort and the page. So `rows`, `dicts` and `counts` build it once for each such key
(the caller names everything the statement depends on; the database is added here) and keep
the SQL with its parameters and the converters the ORM applies to its columns. Every call runs
it afresh: only SQL is kept, never a row or a figure, so what a page shows is as current as
without it. At most MAX_KEPT statements per process (then it starts over).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Aggregate, Model, QuerySet

from . import loads

MAX_KEPT = 4096
_kept: dict[Hashable, tuple[str | None, tuple, list]] = {}


def _run(model: type[Model], key: Hashable, build: Callable[[], QuerySet]) -> tuple[list[str], list]:
    using = router.db_for_read(model)
    kept = _kept.get((using, key))
    if kept is None:
        try:
            compiler = build().query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            # The converters the ORM applies to the selected columns (SQLite's dates, say), in
            # the shape `loads.convert` takes.
            selected = compiler.get_converters([column for column, _sql, _alias in compiler.select])
            converters = [(position, expression, functions) for position, (functions, expression) in selected.items()]
        except EmptyResultSet:  # a queryset that cannot hold a row (`.none()`)
            sql, params, converters = None, (), []
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        kept = _kept[using, key] = (sql, tuple(params), converters)
    sql, params, converters = kept
    if sql is None:
        return [], []
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names, found = [column[0] for column in cursor.description], cursor.fetchall()
    if converters:
        found = [loads.convert(list(row), converters, connection) for row in found]
    return names, found


def rows(model: type[Model], key: Hashable, build: Callable[[], QuerySet]) -> list:
    """The rows of `build()`, a `values_list` queryset of `model`, as sequences; `build` runs
    on the first call for `key` only, so the same key must always build the same statement."""
    return _run(model, key, build)[1]


def dicts(model: type[Model], key: Hashable, build: Callable[[], QuerySet]) -> list[dict]:
    """The rows of `build()`, a `values` queryset of `model`, as the dicts it gives (as `rows`)."""
    names, found = _run(model, key, build)
    return [dict(zip(names, row)) for row in found]


def counts(
    model: type[Model], key: Hashable, build: Callable[[], tuple[QuerySet, dict[str, Aggregate]]]
) -> dict[str, int]:
    """What `queryset.aggregate(**aggregates)` gives for `(queryset, aggregates) = build()`, a
    queryset of `model`, with the statement kept as in `rows` ({} for a queryset that cannot
    hold a row). The queryset must be scoped to one job centre (every customer-scoped one is):
    the counts are grouped by it, which gives the one row `aggregate` would, or none when no
    row matches (then every count is 0)."""

    def grouped():
        queryset, aggregates = build()
        return queryset.order_by().values("job_centre_id").annotate(**aggregates).values_list(*aggregates)

    names, found = _run(model, ("counts", key), grouped)
    return dict(zip(names, found[0] if found else (0,) * len(names)))
