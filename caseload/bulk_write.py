"""Writing many generated rows at once: COPY on PostgreSQL, bulk_create and executemany
elsewhere. No save(), no signals, no history: for generated demo and benchmark data only."""

from __future__ import annotations

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
