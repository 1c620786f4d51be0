"""Writing many generated rows at once: COPY on PostgreSQL, bulk_create and executemany
elsewhere. No save(), no signals, no history: for generated demo and benchmark data only."""

from __future__ import annotations

import itertools
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
    now = timezone.now()
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in fields
    }
    prepared = [f for f in fields if f.get_internal_type() not in COPY_AS_IS]
    unknown = set(records[0]) - set(defaults)
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    table = qn(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(records)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(qn(f.column) for f in [meta.pk, *fields])
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, record in zip(ids, records):
                row = {**defaults, **record}
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
COPY_SLICE = 2000  # rows formatted and sent at a time: the server stores them meanwhile


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

    Values as the ORM takes them, except: a DateField's value is a day number (`date.toordinal()`,
    cheap to compute with), a JSONField's a tuple. Every other column gets what bulk_create
    would give it (`defaults`). On PostgreSQL one COPY in text format, formatted here and sent
    in slices (the ids, if wanted, from the table's sequence in one query first); elsewhere
    bulk_create (for ids) or executemany. No save(), no signals, no history: generated data only.

    psycopg's `write_row` took about 15 µs a row, a quarter of the demo generator's time;
    joining the values' text here (map with operator.call: half the time of a comprehension)
    takes 1-3 µs.
    """
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    others = defaults(model, fields)
    if not use_copy(connection):
        return _write_rows_portably(model, given, others, list(rows), returning_ids)
    qn = connection.ops.quote_name
    texts = [as_text(f) for f in given]
    # The columns left to their defaults end every line alike.
    tail = "".join(
        "\t" + (escape(json.dumps(value, cls=f.encoder)) if f.get_internal_type() == "JSONField" else as_text(f)(value))
        for f, value in ((meta.get_field(name), value) for name, value in others.items())
    )
    tail += "\n"
    columns = [f.column for f in given] + [meta.get_field(name).column for name in others]
    rows = list(rows) if returning_ids else rows
    with connection.cursor() as cursor:
        ids = []
        if returning_ids:
            if not rows:
                return []
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns.insert(0, meta.pk.column)
            rows = ((pk, *row) for pk, row in zip(ids, rows))
            texts.insert(0, number)
        columns_sql = ", ".join(qn(c) for c in columns)
        with cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns_sql}) FROM STDIN") as copy:
            rows = iter(rows)
            while lines := [
                "\t".join(map(operator.call, texts, row)) + tail for row in itertools.islice(rows, COPY_SLICE)
            ]:
                copy.write("".join(lines))
    return ids


def _write_rows_portably(model, given, others: dict, rows: list[tuple], returning_ids: bool) -> list[int]:
    """write_rows for other databases than PostgreSQL (SQLite): values as the ORM takes them."""
    days = [i for i, f in enumerate(given) if f.get_internal_type() == "DateField"]
    jsons = [i for i, f in enumerate(given) if f.get_internal_type() == "JSONField"]

    def prepared(row):
        row = list(row)
        for i in days:
            row[i] = None if row[i] is None else date.fromordinal(row[i])
        for i in jsons:
            row[i] = list(row[i])
        return row

    names = [f.attname for f in given]
    if returning_ids:
        objs = model.objects.bulk_create([model(**dict(zip(names, prepared(row)), **others)) for row in rows])
        return [obj.pk for obj in objs]
    insert_rows(model, (*names, *others), [(*prepared(row), *others.values()) for row in rows])
    return []
