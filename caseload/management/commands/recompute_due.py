"""Recompute stored due dates: all customers, some job centres, or only the stale ones.

python manage.py recompute_due                  # everything
python manage.py recompute_due --due-only       # nightly: recheck_on reached, rules changed, never computed
python manage.py recompute_due --job-centre coburg-land --today 2026-03-01
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseload.recompute import recompute
from kontaktdichte import formats
from kontaktdichte.commands import (
    add_workers_argument,
    as_date,
    check_workers,
    german_number,
    progress_bar,
)
from policies.commands import resolve_job_centres


class Command(BaseCommand):
    help = "Berechnet die gespeicherten Fälligkeiten neu (alle, je Jobcenter oder nur die fälligen)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--job-centre",
            dest="job_centres",
            action="append",
            metavar="SLUG",
            help="Nur dieses Jobcenter (mehrfach möglich).",
        )
        parser.add_argument(
            "--due-only",
            action="store_true",
            help="Nur Kunden, deren Prüftag gekommen ist, deren Regelstand veraltet ist "
            "oder die noch nie berechnet wurden.",
        )
        parser.add_argument("--today", metavar="JJJJ-MM-TT", help="Stichtag (Standard: heute).")
        parser.add_argument("--chunk-size", type=int, default=2000, help="Kunden je Abschnitt (Standard: 2000).")
        add_workers_argument(parser)

    def handle(self, *args, job_centres=None, due_only=False, today=None, chunk_size=2000, workers=None, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size muss mindestens 1 sein.")
        workers = check_workers(workers)
        ids = [c.pk for c in resolve_job_centres(job_centres)] if job_centres else None
        today = as_date(today) or timezone.localdate()
        started = time.perf_counter()
        written = recompute_with_progress_bar(
            job_centre_ids=ids, due_only=due_only, today=today, chunk_size=chunk_size, workers=workers
        )
        seconds = time.perf_counter() - started
        rate = written / seconds if seconds > 0 else 0
        self.stdout.write(
            f"Fälligkeiten zum {formats.day(today)} neu berechnet: {german_number(written)} Kunden "
            f"in {german_number(seconds, 1)} s ({german_number(rate)} Kunden/s)"
            + (", nur fällige." if due_only else ".")
        )


def recompute_with_progress_bar(**options) -> int:
    """`recompute(**options)` under a progress bar whose total the recompute's own search gives
    (`found`): no count of its own, which would be a second pass over the table."""
    with progress_bar(None, "Fälligkeiten") as bar:

        def found(total):
            bar.total = total
            bar.refresh()

        return recompute(**options, progress=bar.update, found=found)
