"""PostgreSQL binds parameters on the server and prepares what a connection runs often
(`DATABASE_PREPARED_STATEMENTS`, on by default); SQLite is left as it is."""

import pytest
from django.db import connection

from policies.models import JobCentre

from .settings_env import run_settings


def _options(monkeypatch, url: str, **env) -> dict:
    return run_settings(monkeypatch, DATABASE_URL=url, **env)["DATABASES"]["default"].get("OPTIONS", {})


def test_postgresql_prepares_statements_unless_switched_off(monkeypatch):
    url = "postgres://kd@db.example/kd"
    on = _options(monkeypatch, url)
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 5
    off = _options(monkeypatch, url, DATABASE_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in off and "prepare_threshold" not in off


def test_sqlite_gets_no_postgresql_options(monkeypatch):
    options = _options(monkeypatch, "sqlite:///tmp/kd-settings-test.sqlite3")
    assert "server_side_binding" not in options and "prepare_threshold" not in options


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_statement_run_often_is_prepared_on_the_connection():
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for _ in range(6):
        list(JobCentre.objects.filter(slug="prepared-statements-test").values_list("pk", flat=True))
    assert any('"policies_jobcentre"' in statement and '"slug"' in statement for statement in prepared())
