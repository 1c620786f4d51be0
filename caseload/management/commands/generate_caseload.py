"""Generate a realistic, deterministic demo caseload (see caseload/demo.py).

    python manage.py generate_caseload --customers 200000 --seed 7
    python manage.py generate_caseload --customers 5000 --seed 1 --job-centre weimarer-land --today 2026-03-01

Running it again adds more customers, teams and staff: numbers and usernames continue.
On PostgreSQL every table is written by COPY, the customers in chunks of 2,000 spread over
--workers processes (one chunk, one transaction); the same --seed gives the same data with
any number of workers. --no-due-dates leaves the due dates to a later `recompute_due --due-only`
(to time the generation alone).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseload import demo
from caseload.models import Customer
from kontaktdichte import formats

from .recompute_due import (
    add_workers_argument,
    as_date,
    check_workers,
    german_number,
    progress_bar,
    recompute_with_progress_bar,
    resolve_job_centres,
)


class Command(BaseCommand):
    help = "Erzeugt Demo-Bestände (Teams, Fachkräfte, Kunden, Beratungsvermerke) und berechnet die Fälligkeiten."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, required=True, help="Anzahl neuer Kunden (gesamt).")
        parser.add_argument("--seed", type=int, default=1, help="Gleicher Seed, gleiche Daten (Standard: 1).")
        parser.add_argument(
            "--job-centre",
            dest="job_centres",
            action="append",
            metavar="SLUG",
            help="Nur dieses Jobcenter (mehrfach möglich). Standard: " + ", ".join(demo.DEMO_SLUGS) + ".",
        )
        parser.add_argument("--today", metavar="JJJJ-MM-TT", help="Stichtag der Daten (Standard: heute).")
        parser.add_argument(
            "--market-team-size",
            type=int,
            metavar="N",
            help="Kunden je Markt-Team (Standard: 2.000), etwa für Messungen großer Teams.",
        )
        parser.add_argument(
            "--no-due-dates",
            dest="due_dates",
            action="store_false",
            help="Fälligkeiten nicht berechnen (etwa um nur das Erzeugen zu messen); "
            "recompute_due --due-only holt es nach.",
        )
        add_workers_argument(parser)

    def handle(
        self,
        *args,
        customers,
        seed=1,
        job_centres=None,
        today=None,
        workers=None,
        market_team_size=None,
        due_dates=True,
        **options,
    ):
        if customers < 1:
            raise CommandError("--customers muss mindestens 1 sein.")
        if market_team_size is not None and market_team_size < 1:
            raise CommandError("--market-team-size muss mindestens 1 sein.")
        workers = check_workers(workers)
        centres = resolve_job_centres(job_centres or list(demo.DEMO_SLUGS))
        today = as_date(today) or timezone.localdate()
        ids = [c.pk for c in centres]

        started = time.perf_counter()
        with progress_bar(customers, "Kunden anlegen") as bar:
            stats = demo.generate(
                customers=customers,
                seed=seed,
                job_centres=centres,
                today=today,
                progress=bar.update,
                market_team_size=market_team_size,
                workers=workers,
                due_dates=due_dates,
            )
        generated = time.perf_counter() - started
        n = german_number
        made = (
            f"{n(stats['customers'])} Kunden angelegt ({', '.join(c.slug for c in centres)}), "
            f"{n(stats['teams'])} Teams, {n(stats['staff'])} Mitarbeitende, {n(stats['notes'])} Beratungsvermerke, "
            f"{n(stats['measures'])} Maßnahmen, {n(stats['suspensions'])} Ausnahmen in {n(generated, 1)} s "
            f"({n(stats['customers'] / generated if generated else 0)} Kunden/s, "
            f"{n(stats['notes'] / generated if generated else 0)} Vermerke/s)"
        )
        if not due_dates:
            self.stdout.write(f"{made}; Fälligkeiten nicht berechnet (recompute_due --due-only holt es nach).")
            return

        # The new customers got their due dates as they were written; customers already there whose
        # stored decision is stale (a rule set changed, a recheck day came) get theirs now.
        started = time.perf_counter()
        computed = recompute_with_progress_bar(job_centre_ids=ids, due_only=True, today=today, workers=workers)
        recomputed = time.perf_counter() - started

        overdue = Customer.objects.filter(job_centre_id__in=ids).overdue(today).count()
        total = Customer.objects.filter(job_centre_id__in=ids).count()
        self.stdout.write(
            f"{made}, mit Fälligkeiten; {n(computed)} weitere veraltete Fälligkeiten nachgerechnet in "
            f"{n(recomputed, 1)} s. "
            f"Am {formats.day(today)} überfällig: {n(overdue)} von {n(total)} Kunden."
        )
