"""Writing many generated rows at once: COPY on PostgreSQL, bulk_create and executemany
elsewhere. No save(), no signals, no history: for generated demo and benchmark data only."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable
from datetime import date

from django.db import connections, router
from django.utils import timezone


def use_copy(connection) -> bool:
    """COPY on PostgreSQL; elsewhere (SQLite) the ORM's bulk_create and executemany."""
    return connection.vendor == "postgresql"


def insert_rows(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows: COPY on PostgreSQL, executemany elsewhere.

    For the millions of generated contact notes, where model instances and bulk_create cost
    most of the generation's time. No signals, no history: demo data only.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    meta_fields = [model._meta.get_field(name) for name in fields]
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in meta_fields)
    with connection.cursor() as cursor:
        if use_copy(connection):
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",
                [[f.get_db_prep_save(value, connection) for f, value in zip(meta_fields, row)] for row in rows],
            )


# Field types whose Python values psycopg writes by COPY just as the ORM would store them
# (str, int, bool, date, aware datetime, Decimal, None); any other (JSON) is prepared per value.
COPY_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "TextField",
}


def insert_records(model, records: list[dict]) -> list[int]:
    """Insert new rows given as {attname: value}; returns their ids, in order.

    Every column a record leaves out gets what bulk_create would give it: the field's default,
    or the time of the call for `auto_now(_add)` (one time for all records). On PostgreSQL
    the ids come from the table's sequence in one query, then one COPY writes the rows
    (tests/caseload/test_demo.py compares this with bulk_create); elsewhere bulk_create.
    No save(), no signals, no history: for generated demo data only.
    """
    if not records:
        return []
    connection = connections[router.db_for_write(model)]
    if not use_copy(connection):
        objs = model.objects.bulk_create([model(**record) for record in records])
        return [obj.pk for obj in objs]
    qn, meta = connection.ops.quote_name, model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    default_values = defaults(model, ())
    prepared = [f for f in fields if f.get_internal_type() not in COPY_AS_IS]
    unknown = set(records[0]) - set(default_values)
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    table = qn(meta.db_table)
    ids = _next_ids(connection, model, len(records))
    with connection.cursor() as cursor:
        columns = ", ".join(qn(f.column) for f in [meta.pk, *fields])
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, record in zip(ids, records):
                row = {**default_values, **record}
                for f in prepared:
                    row[f.attname] = f.get_db_prep_save(row[f.attname], connection)
                copy.write_row((pk, *(row[f.attname] for f in fields)))
    return ids


# --- Rows as tuples, written as COPY text ------------------------------------------------------

NULL = r"\N"
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NUMBER_FIELDS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "DecimalField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}
TEXT_FIELDS = {"CharField", "EmailField", "SlugField", "TextField"}
COPY_SLICE = 2000  # rows formatted and sent at a time


def escape(text: str | None) -> str:
    """A text as a value of COPY's text format (backslash, tab and line breaks escaped)."""
    if text is None:
        return NULL
    if text.isprintable() and "\\" not in text:  # the usual case: nothing to escape
        return text
    return text.translate(COPY_ESCAPES)


def number(value) -> str:
    return NULL if value is None else str(value)


class DayText(dict):
    """A day number (`date.toordinal()`) or a date as COPY text, None as NULL; each day formatted
    once per process."""

    def __missing__(self, day):
        if day is None:
            text = NULL
        else:
            text = (date.fromordinal(day) if isinstance(day, int) else day).isoformat()
        self[day] = text
        return text


class JSONText(dict):
    """A JSON value given as a tuple (hashable: each distinct value is encoded once) as COPY text."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def __missing__(self, value):
        text = self[value] = escape(json.dumps(value, cls=self.encoder))
        return text


class Escaped(dict):
    """Texts as COPY writes them, each escaped once: the demo's texts repeat (summaries, names)."""

    def __missing__(self, text):
        escaped = self[text] = escape(text)
        return escaped


DAYS = DayText()
BOOLEANS = {True: "t", False: "f", None: NULL}


def as_text(field) -> Callable[[object], str]:
    """How `write_rows` writes a value of `field` as COPY text (for one call: its caches grow)."""
    kind = field.get_internal_type()
    if kind == "DateField":
        return DAYS.__getitem__
    if kind == "BooleanField":
        return BOOLEANS.__getitem__
    if kind == "JSONField":
        return JSONText(field.encoder).__getitem__
    if kind == "DateTimeField":
        return lambda value: NULL if value is None else value.isoformat()
    if kind in TEXT_FIELDS:
        return Escaped().__getitem__
    if kind in NUMBER_FIELDS:
        return number if field.null or field.primary_key else str
    raise ValueError(f"{field} ({kind}) is not written by write_rows")


def defaults(model, given: Iterable[str]) -> dict[str, object]:
    """The concrete fields (attnames) other than the primary key and `given`, with what
    bulk_create would give them: the field's default, or the time of the call for `auto_now(_add)`."""
    meta, now, given = model._meta, timezone.now(), set(given)
    return {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in meta.concrete_fields
        if f is not meta.pk and f.attname not in given
    }


def write_rows(model, fields: tuple[str, ...], rows: Iterable[tuple], *, returning_ids: bool = False) -> list[int]:
    """Insert new rows given as tuples of the values of `fields` (attnames); returns their ids,
    in order, if `returning_ids`.

    Values as the ORM takes them, except: a DateField's value may be a day number
    (`date.toordinal()`, cheap to compute with) as well as a date, a JSONField's is a tuple.
    Every other column gets what bulk_create would give it (`defaults`). On PostgreSQL one COPY
    in text format, formatted here and sent in slices (the ids, if wanted, from the table's
    sequence in one query first); elsewhere bulk_create (for ids) or executemany. No save(), no
    signals, no history: generated data only.

    psycopg's `write_row` took about 15 µs a row, a quarter of the demo generator's time;
    joining the values' text here (map with operator.call: half the time of a comprehension)
    takes 1-3 µs.
    """
    connection = connections[router.db_for_write(model)]
    if not returning_ids:
        write_groups(model, (), fields, [((), rows)])
        return []
    rows = list(rows)
    if not use_copy(connection):
        objs = model.objects.bulk_create([model(**_portable(model, fields, row)) for row in rows])
        return [obj.pk for obj in objs]
    if not rows:
        return []
    ids = _next_ids(connection, model, len(rows))
    _copy(connection, model, (model._meta.pk.attname,), fields, (((pk,), (row,)) for pk, row in zip(ids, rows)))
    return ids


def _next_ids(connection, model, n: int) -> list[int]:
    """`n` new ids from the table's sequence (PostgreSQL), in one query."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, n],
        )
        return [row[0] for row in cursor.fetchall()]


def write_groups(model, head: tuple[str, ...], fields: tuple[str, ...], groups: Iterable[tuple[tuple, list]]) -> int:
    """Insert new rows that come in groups sharing their first values, the `head` (a customer's
    notes: job centre, customer, caseworker ...): (head's values, [rows of the other fields'
    values]) per group. As write_rows (without ids), but the head's text is joined once a group.
    Returns how many rows were written."""
    connection = connections[router.db_for_write(model)]
    if use_copy(connection):
        return _copy(connection, model, head, fields, groups)
    names = (*head, *fields)
    rows = [_portable(model, names, (*values, *row)) for values, group in groups for row in group]
    others = defaults(model, names)
    insert_rows(model, (*names, *others), [(*row.values(), *others.values()) for row in rows])
    return len(rows)


def _copy(connection, model, head: tuple[str, ...], fields: tuple[str, ...], groups) -> int:
    """COPY the groups' rows (see write_groups) in text format; returns how many."""
    meta, qn, call = model._meta, connection.ops.quote_name, operator.call
    head_texts = [as_text(meta.get_field(name)) for name in head]
    texts = [as_text(meta.get_field(name)) for name in fields]
    others = defaults(model, (*head, *fields))
    # The columns left to their defaults end every line alike.
    end = "".join("\t" + _default_text(meta.get_field(name), value) for name, value in others.items()) + "\n"
    columns = ", ".join(qn(meta.get_field(name).column) for name in (*head, *fields, *others))
    written, lines = 0, []
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy:
        for values, rows in groups:
            start = "".join([text(value) + "\t" for text, value in zip(head_texts, values)])
            lines += [start + "\t".join(map(call, texts, row)) + end for row in rows]
            if len(lines) >= COPY_SLICE:  # sent while the next are formatted: the server stores them meanwhile
                copy.write("".join(lines))
                written, lines = written + len(lines), []
        copy.write("".join(lines))
    return written + len(lines)


def _default_text(field, value) -> str:
    if field.get_internal_type() == "JSONField":  # a list or dict, not a tuple
        return escape(json.dumps(value, cls=field.encoder))
    return as_text(field)(value)


def _portable(model, names: tuple[str, ...], row: tuple) -> dict:
    """A row of write_rows as the ORM takes it: {attname: value}, day numbers as dates, JSON as lists."""
    meta, record = model._meta, {}
    for name, value in zip(names, row):
        kind = meta.get_field(name).get_internal_type()
        if kind == "DateField" and isinstance(value, int):
            value = date.fromordinal(value)
        elif kind == "JSONField":
            value = list(value)
        record[name] = value
    return record
