"""Benchmark (not a test): the monthly team report on a large job centre, against raw SQL.

    make bench-report                                   # DATABASE_URL, 200,000 customers
    DATABASE_URL=postgres://kd@127.0.0.1:55432/kd_reports .venv/bin/python benchmarks/report_bench.py \\
        --customers 200000 --runs 7

On the DATABASE_URL database: migrates, loads the seeds' rule sets into an empty database,
tops the customers up to `--customers` with `generate_caseload --seed 1` (teams, staff and up to
two years of contact notes; skipped when there are enough), then picks the largest team of a
job centre with a rule set in force and times, as its team lead:

1. the page: GET /berichte/?team=..&monat=.. through Django's test client (server time:
   middleware, queries, the template, the SVG), median of `--runs` after a warm-up, with the
   number of queries: first replaying every figure (as without stored figures), then reading
   the figures `reports.stored` wrote for the team's customers (timed too);
2. `reports.figures.monthly_report` alone (from the stored figures);
3. the very statements the page sent (captured at the cursor, with their parameters) run again
   raw on the same connection: what of the page's time is the database's;
4. the same aggregation as one raw SQL statement (PostgreSQL): per caseworker and for the team,
   caseload, qualified contacts held in the month and in each of the 12 months, customers whose
   stored due date passed by the month's end, new customers and their mean lead time in days.
   SQL cannot replay the engine, so it reads the stored due dates instead: a floor for what the
   same reading and grouping costs in the database, not the same figures.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontaktdichte.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django

django.setup()

from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, reset_queries
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from benchmarks.capture import captured, median_time, run_raw
from benchmarks.scratch import require_scratch_database
from caseload.models import Customer, Staff, Team
from kontaktdichte.dates import add_months
from policies.models import JobCentre, RuleSet
from reports import figures, stored
from reports.models import CustomerMonth, WalkInMonth

SQL = """
WITH cust AS MATERIALIZED (
    SELECT id, caseworker_id, registered_on, status_until_due, due_by
    FROM caseload_customer
    WHERE job_centre_id = %(jc)s AND team_id = %(team)s AND registered_on <= %(last)s
), qualified AS MATERIALIZED (
    SELECT n.customer_id, c.caseworker_id, c.registered_on, n.date
    FROM caseload_contactnote n JOIN cust c ON c.id = n.customer_id
    WHERE n.job_centre_id = %(jc)s AND n.date <= %(last)s AND n.channel = ANY(%(channels)s)
), held AS (
    SELECT customer_id, COUNT(*) FILTER (WHERE date >= %(first)s) AS in_month,
           MIN(date) FILTER (WHERE date >= registered_on) AS first_on
    FROM qualified GROUP BY customer_id
), trend AS (
    SELECT caseworker_id, COUNT(DISTINCT date_trunc('month', date)) AS months, COUNT(*) AS held
    FROM qualified WHERE date >= %(trend_start)s
    GROUP BY ROLLUP (caseworker_id)
), per_worker AS (
    SELECT c.caseworker_id,
           COUNT(*) AS caseload,
           COALESCE(SUM(h.in_month), 0) AS held_in_month,
           COUNT(*) FILTER (WHERE c.status_until_due IN ('ok', 'suspended') AND c.due_by <= %(last)s)
               AS overdue_stored,
           COUNT(*) FILTER (WHERE c.registered_on >= %(first)s) AS new,
           AVG(h.first_on - c.registered_on) FILTER (WHERE c.registered_on >= %(first)s) AS lead_days,
           GROUPING(c.caseworker_id) AS is_team
    FROM cust c LEFT JOIN held h ON h.customer_id = c.id
    GROUP BY ROLLUP (c.caseworker_id)
)
SELECT p.is_team, p.caseload, p.held_in_month, p.overdue_stored, p.new, p.lead_days, t.held AS held_12_months
FROM per_worker p LEFT JOIN trend t ON t.caseworker_id IS NOT DISTINCT FROM p.caseworker_id
"""


def ms(seconds: float) -> str:
    return f"{n(seconds * 1000)} ms"


def n(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def prepare(customers: int, seed: int) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    if not JobCentre.objects.exists():
        call_command("loaddata", "rulesets", verbosity=0)
    have = Customer.objects.count()
    if have < customers:
        print(f"generate_caseload --customers {customers - have} --seed {seed} (vorhanden: {have}) …", flush=True)
        started = time.perf_counter()
        call_command("generate_caseload", customers=customers - have, seed=seed)
        print(f"  erzeugt in {n(time.perf_counter() - started)} s", flush=True)


def largest_team(today: date) -> Team:
    in_force = RuleSet.objects.in_force_on(today).values_list("job_centre_id", flat=True)
    team = (
        Team.objects.filter(job_centre_id__in=list(in_force))
        .select_related("job_centre")
        .annotate(n=Count("customers"))
        .order_by("-n", "pk")
        .first()
    )
    if team is None:
        sys.exit("Kein Team in einem Jobcenter mit gültigem Konzept.")
    return team


def _replayed(measure):
    """`measure()` with the report replaying, as if no figures were stored."""
    with mock.patch.object(figures, "_stored_figures", return_value=None):
        return measure()


def store_team_months(team: Team, month: date, today: date) -> int:
    """The stored figures a report of `month` reads (its trend: twelve months), for the team."""
    ids = list(Customer.objects.filter(job_centre_id=team.job_centre_id, team_id=team.pk).values_list("pk", flat=True))
    written = sum(
        stored.store_month(team.job_centre_id, add_months(month, -k), today, customer_ids=ids)
        for k in range(figures.TREND_MONTHS)
    )
    if connection.vendor == "postgresql":
        # The figures are written at night and read all day: measure the table as autovacuum
        # leaves it, not full of the rows this run just replaced.
        with connection.cursor() as cursor:
            for model in (CustomerMonth, WalkInMonth):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--month", help="JJJJ-MM (Standard: der Vormonat)")
    args = parser.parse_args()
    require_scratch_database()

    prepare(args.customers, args.seed)
    today = timezone.localdate()
    month = date.fromisoformat(args.month + "-01") if args.month else add_months(today.replace(day=1), -1)
    team = largest_team(today)
    centre = team.job_centre
    team_size = Customer.objects.filter(job_centre_id=centre.pk, team_id=team.pk).count()
    notes = connection.cursor()
    notes.execute(
        "SELECT COUNT(*) FROM caseload_contactnote n JOIN caseload_customer c ON c.id = n.customer_id "
        "WHERE c.team_id = %s",
        [team.pk],
    )
    note_count = notes.fetchone()[0]
    lead = Staff.objects.filter(team_id=team.pk, role=Staff.TEAM_LEAD).select_related("user").first()
    print(f"Datenbank: {connection.vendor}, {n(Customer.objects.count())} Kunden")
    print(
        f"Team: {team.name} ({centre.name}), {n(team_size)} Kunden, {n(note_count)} Beratungsvermerke; "
        f"Monat {month:%m/%Y}"
    )

    # As in Django's tests: keep the connection and the query log across requests.
    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(lead.user)
    url = f"/berichte/?team={team.pk}&monat={month:%Y-%m}"
    started = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    # The page as it was: every figure replayed from the history on each request.
    replayed_page = _replayed(lambda: median_time(lambda: client.get(url), args.runs))
    replayed_queries = _replayed(lambda: len(captured(lambda: client.get(url))))
    # Then the stored figures the nightly task writes (here for the team's customers only).
    started = time.perf_counter()
    stored_rows = store_team_months(team, month, today)
    storing = time.perf_counter() - started
    statements = captured(lambda: client.get(url))  # session and user included: the page needs them too
    page, page_runs = median_time(lambda: client.get(url), args.runs)

    statements_time, _ = median_time(lambda: run_raw(statements), args.runs)
    # Each statement alone, slowest first: where the page's database time goes.
    per_statement = sorted(
        ((median_time(lambda st=st: run_raw([st]), args.runs)[0], st[0]) for st in statements), reverse=True
    )

    fresh = Team.objects.select_related("job_centre").get(pk=team.pk)
    report = figures.monthly_report(fresh, month, today)
    report_time, _ = median_time(lambda: figures.monthly_report(fresh, month, today), args.runs)
    first, as_of = report.month, report.as_of

    t = report.team_row
    print()
    print("Die langsamsten Abfragen der Seite (roh, Median):")
    for seconds, sql in per_statement[:6]:
        print(f"  {ms(seconds):>8}  {' '.join(sql.split())[:110]}")
    print(
        f"Seite (Test-Client, Serverzeit):  Median {ms(page)} über {args.runs} Läufe "
        f"(min {ms(min(page_runs))}, max {ms(max(page_runs))}); erster Aufruf {ms(cold)}; "
        f"{len(statements)} Abfragen"
    )
    print(
        f"Seite nachgerechnet (ohne gespeicherte Zahlen): Median {ms(replayed_page[0])}, {replayed_queries} Abfragen "
        f"(gespeichert / nachgerechnet: {page / replayed_page[0]:.2f}); Zahlen gespeichert: {n(stored_rows)} "
        f"Kundenmonate in {ms(storing)}"
    )
    print(
        f"Dieselben {len(statements)} Abfragen roh:     Median {ms(statements_time)} "
        f"(Seite / roh: {page / statements_time:.1f})"
    )
    print(f"monthly_report allein:            Median {ms(report_time)} (aus gespeicherten Zahlen)")

    if connection.vendor == "postgresql":
        channels = list(
            RuleSet.objects.in_force_on(as_of)
            .filter(job_centre_id=centre.pk)
            .values_list("qualifying_channels", flat=True)
            .first()
            or ["in_person"]
        )
        params = {
            "jc": centre.pk,
            "team": team.pk,
            "first": first,
            "last": as_of,
            "channels": channels,
            "trend_start": add_months(first, -11),
        }

        def raw():
            with connection.cursor() as cursor:
                cursor.execute(SQL, params)
                return cursor.fetchall()

        raw_time, _ = median_time(raw, args.runs)
        rows = raw()
        total = next(r for r in rows if r[0] == 1)
        print(
            f"Gleiche Aggregation als SQL:      Median {ms(raw_time)} (eine Abfrage, gespeicherte Fälligkeiten "
            f"statt Nachrechnen; {len(rows) - 1} Fachkräfte + Team)"
        )
        print()
        print(
            f"Team im Bericht: Bestand {t.caseload}, fällig {t.counts.due}, rechtzeitig {t.counts.on_time}, "
            f"verspätet {t.counts.late}, überfällig am Monatsende {t.counts.overdue_end}, "
            f"neu {t.new}"
        )
        print(
            f"Team per SQL:    Bestand {total[1]}, qualifizierte Kontakte im Monat {total[2]}, "
            f"gespeicherte Fälligkeit bis Monatsende {total[3]}, neu {total[4]}"
        )
    else:
        print("Rohes SQL: nur auf PostgreSQL (FILTER, ROLLUP, ANY).")


if __name__ == "__main__":
    main()
