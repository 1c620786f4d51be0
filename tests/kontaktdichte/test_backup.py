"""`manage.py backup_check`: a backup restored into a fresh database holds every row."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from caseload.models import Customer
from kontaktdichte.management.commands.backup_check import (
    _pg_fingerprints,
    _sqlite_fingerprints,
)

from ..caseload.factories import make_customer, world  # noqa: F401


def fingerprints():
    if connection.vendor == "postgresql":
        return _pg_fingerprints(connection.connection)
    return _sqlite_fingerprints(connection.connection)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_has_every_row_with_the_same_checksums(world, tmp_path):
    make_customer(world.team_a, caseworker=world.alice)
    out = io.StringIO()
    call_command("backup_check", keep=str(tmp_path / "backup"), stdout=out)
    assert "Anzahl und Prüfsummen gleich" in out.getvalue()
    assert (tmp_path / "backup").stat().st_size > 10_000


def test_a_changed_row_changes_its_tables_checksum_and_nothing_else(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    connection.ensure_connection()
    before = fingerprints()
    Customer.objects.filter(pk=customer.pk).update(first_name="Erik")
    after = fingerprints()
    changed = {table for table in before if before[table] != after[table]}
    assert changed == {Customer._meta.db_table}
    assert after[Customer._meta.db_table][0] == before[Customer._meta.db_table][0]  # same row count
