"""Back the database up, restore the backup into a fresh database and prove it whole.

PostgreSQL: `pg_dump --format=custom` of the database, `pg_restore` into a new, empty database
on the same server, then every table's row count and checksum (an md5 over the md5 of every row,
in primary-key order, computed by the server in both databases) compared; the new database is
dropped afterwards. SQLite: the same with SQLite's online backup into a file.

`--keep PATH` keeps the dump (or the SQLite copy): the nightly backup and its proof in one run.
Exit status 1 when any table differs. Needs the PostgreSQL client tools (pg_dump, pg_restore)
on PATH or under /usr/lib/postgresql/*/bin, and a role that may create databases.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        raise CommandError(f"{name} nicht gefunden: bitte die PostgreSQL-Clientprogramme installieren.")
    return candidates[0]


def _pg_env(settings: dict) -> dict:
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _pg_fingerprints(conn) -> dict[str, tuple[int, str]]:
    """{table: (rows, checksum)} for every table of the public schema."""
    result = {}
    with conn.cursor() as cursor:
        cursor.execute("""
            SELECT c.relname, coalesce(string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), '')
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
            WHERE c.relkind = 'r'
            GROUP BY c.relname ORDER BY c.relname""")
        tables = cursor.fetchall()
        for table, key in tables:
            order = key or "t::text"
            cursor.execute(
                f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY {order})), '') "
                f'FROM "{table}" AS t'
            )
            result[table] = tuple(cursor.fetchone())
    return result


def _sqlite_fingerprints(conn) -> dict[str, tuple[int, str]]:
    import hashlib

    result = {}
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for table in tables:
        digest, rows = hashlib.md5(), 0
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
            digest.update(repr(row).encode())
            rows += 1
        result[table] = (rows, digest.hexdigest())
    return result


class Command(BaseCommand):
    help = "Sichert die Datenbank, spielt die Sicherung in eine neue Datenbank ein und vergleicht alle Tabellen."

    def add_arguments(self, parser):
        parser.add_argument("--keep", metavar="PATH", help="Die Sicherung unter PATH behalten.")

    def handle(self, *args, keep=None, **options):
        connection.ensure_connection()
        if connection.vendor == "postgresql":
            source, restored = self._postgresql(keep)
        else:
            source, restored = self._sqlite(keep)
        differences = sorted(t for t in set(source) | set(restored) if source.get(t) != restored.get(t))
        rows = sum(count for count, _ in source.values())
        for table in differences:
            self.stderr.write(f"{table}: Original {source.get(table)}, wiederhergestellt {restored.get(table)}")
        if differences:
            raise CommandError(f"{len(differences)} Tabellen weichen nach der Wiederherstellung ab.", returncode=1)
        self.stdout.write(f"Sicherung geprüft: {len(source)} Tabellen, {rows} Zeilen, Anzahl und Prüfsummen gleich.")

    def _postgresql(self, keep):
        settings = connection.settings_dict
        env = _pg_env(settings)
        target = f"{settings['NAME']}_restorecheck"
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(keep) if keep else Path(folder) / "kontaktdichte.dump"
            subprocess.run(
                [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", settings["NAME"]],
                env=env,
                check=True,
            )
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
                cursor.execute(f'CREATE DATABASE "{target}"')
            try:
                subprocess.run(
                    [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)],
                    env=env,
                    check=True,
                )
                source = _pg_fingerprints(connection.connection)
                params = {k.lower(): v for k, v in settings.items() if k in ("HOST", "PORT", "USER", "PASSWORD") and v}
                with psycopg.connect(dbname=target, **params) as restored_connection:
                    restored = _pg_fingerprints(restored_connection)
            finally:
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        return source, restored

    def _sqlite(self, keep):
        """Back up into a file (the dump), restore that file into a fresh database, and read both
        the original and the restored one through plain connections (Django's converts types)."""
        name = connection.settings_dict["NAME"]
        with tempfile.TemporaryDirectory() as folder:
            dump_path = Path(keep) if keep else Path(folder) / "kontaktdichte.sqlite3"
            dump = sqlite3.connect(dump_path)
            connection.connection.backup(dump)
            fresh = sqlite3.connect(Path(folder) / "restored.sqlite3")
            original = sqlite3.connect(str(name), uri=str(name).startswith("file:"))
            try:
                dump.backup(fresh)
                return _sqlite_fingerprints(original), _sqlite_fingerprints(fresh)
            finally:
                for conn in (dump, fresh, original):
                    conn.close()
