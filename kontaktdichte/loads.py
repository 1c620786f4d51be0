"""Reads that every request makes, as SQL written once from the models' own metadata.

Every page reads the session, the user and the staff profile; the customer pages read the
customer with its caseworker and rule and its history; saving a note reads the engine's facts
(docs/architecture.md lists them all). Through the ORM each such read costs more Python to
build and compile than the database takes to answer it: on the 1 M database (2026-12-01,
README, Benchmarks) the user by primary key took 0.28 ms of CPU, the same row read as text
and made into a `User` with `Model.from_db` 0.13 ms; the staff profile with team and job
centre 0.48 ms against 0.08 ms for its SQL; the customer with caseworker, user, rule and rule
set 1.24 ms against 0.15 ms.

So such a read is written here as plain SQL once: `select` lists every concrete column of each
(model, alias) in the models' field order, `instances` makes one instance per model from a row
with `Model.from_db` (what the ORM itself calls), after the same database converters the ORM
applies (SQLite's dates and decimals, every backend's JSON). A model whose primary key is NULL
in the row (a LEFT JOIN that found nothing) gives None. `values` gives plain rows of some of
a model's fields, converted as `values_list` converts them. The SQL itself stays readable in its
caller; `tests/kontaktdichte/test_loads.py` compares every read with the ORM's.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Model

Part = tuple[type[Model], str]  # a model and its table's alias in the statement

_shapes: dict[tuple[str, type[Model]], tuple[int, int, list[str], list]] = {}
_converters: dict[tuple, list] = {}


def quote(name: str) -> str:
    """An identifier quoted as both PostgreSQL and SQLite read it."""
    return '"' + name.replace('"', '""') + '"'


def table(model: type[Model], alias: str) -> str:
    """`"caseload_customer" "c"`: the model's table under `alias`."""
    return f"{quote(model._meta.db_table)} {quote(alias)}"


def column(alias: str, model: type[Model], name: str) -> str:
    """`"c"."team_id"`: the column of field `name` (a field name, or "pk") under `alias`."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return f"{quote(alias)}.{quote(field.column)}"


def join(kind: str, target: Part, source: Part, foreign_key: str) -> str:
    """` LEFT JOIN "auth_user" "u" ON "u"."id" = "w"."user_id"`: `target` joined to `source`
    through source's foreign key `foreign_key` (kind "LEFT" or "INNER")."""
    (model, alias), (target_model, target_alias) = source, target
    field = model._meta.get_field(foreign_key)
    return (
        f" {kind} JOIN {table(target_model, target_alias)} ON "
        f"{quote(target_alias)}.{quote(field.target_field.column)} = {quote(alias)}.{quote(field.column)}"
    )


def placeholders(count: int) -> str:
    """`%s, %s, %s` for an IN list of `count` values."""
    return ", ".join(["%s"] * count)


def select(*parts: Part) -> str:
    """Every concrete column of each (model, alias), in the models' field order: what
    `instances` reads back in the same order."""
    return ", ".join(f"{quote(alias)}.{quote(f.column)}" for model, alias in parts for f in model._meta.concrete_fields)


def converters(using: str, model: type[Model], names: tuple[str, ...]) -> list:
    """(position, expression, functions) for those of the model's fields `names` (in that order
    in a row) whose values need converting on this database, as the ORM's compiler finds them:
    the backend's converters, then the field's own `from_db_value`."""
    key = (using, model, names)
    found = _converters.get(key)
    if found is None:
        connection, found = connections[using], []
        for position, name in enumerate(names):
            expression = model._meta.get_field(name).get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if functions:
                found.append((position, expression, functions))
        _converters[key] = found
    return found


def convert(row: list, found: list, connection) -> list:
    """`row` (a list) with the converters `found` (as `converters` gives them) applied in place."""
    for position, expression, functions in found:
        for function in functions:
            row[position] = function(row[position], expression, connection)
    return row


def fits(using: str, model: type[Model], pk) -> bool:
    """Whether `pk` is in the range of the model's primary key column on this database. The ORM
    finds nothing for a key out of range; a plain statement would fail on PostgreSQL instead."""
    low, high = connections[using].ops.integer_field_range(model._meta.pk.get_internal_type())
    return (low is None or pk >= low) and (high is None or pk <= high)


def _shape(using: str, model: type[Model]) -> tuple[int, int, list[str], list]:
    """The model's number of columns, its primary key's position among them, their attnames and
    their converters on this database (every concrete field, as `select` lists them)."""
    shape = _shapes.get((using, model))
    if shape is None:
        fields = model._meta.concrete_fields
        needed = converters(using, model, tuple(f.name for f in fields))
        shape = _shapes[using, model] = (len(fields), fields.index(model._meta.pk), [f.attname for f in fields], needed)
    return shape


def instances(using: str, row, *models: type[Model]) -> list[Model | None]:
    """One instance per model from `row`, a row of `select(...)` of the same models in the same
    order; None for a model whose primary key is NULL in the row."""
    connection = connections[using]
    made, start = [], 0
    for model in models:
        width, pk_at, attnames, needed = _shape(using, model)
        values = list(row[start : start + width])
        start += width
        if values[pk_at] is None:
            made.append(None)
            continue
        made.append(model.from_db(using, attnames, convert(values, needed, connection)))
    return made


def columns(alias: str, model: type[Model], *names: str) -> str:
    """`"m"."start", "m"."end"`: the columns of the model's fields `names` under `alias`."""
    return ", ".join(column(alias, model, name) for name in names)


def values(using: str, sql: str, params, model: type[Model], *names: str) -> list[tuple]:
    """The rows of `sql`, which selects the model's fields `names` in that order, as tuples of
    what `values_list(*names)` gives (the same converters)."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    needed = converters(using, model, names)
    if not needed:
        return found
    connection = connections[using]
    return [tuple(convert(list(row), needed, connection)) for row in found]


def one(using: str, sql: str, params, *models: type[Model]) -> list[Model | None] | None:
    """The instances of the first row `sql` finds (see `instances`), or None without a row."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else instances(using, row, *models)


def every(using: str, sql: str, params, *models: type[Model]) -> list[list[Model | None]]:
    """The instances of every row `sql` finds, in its order."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [instances(using, row, *models) for row in rows]
