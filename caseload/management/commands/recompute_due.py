"""Recompute stored due dates: all customers, some job centres, or only the stale ones.

    python manage.py recompute_due                  # everything
    python manage.py recompute_due --due-only       # nightly: recheck_on reached, rules changed, never computed
    python manage.py recompute_due --job-centre coburg-land --today 2026-03-01
"""

import os
import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from caseload.duedates import count_to_recompute, recompute
from policies.models import JobCentre


def as_date(value) -> date | None:
    """`--today` as given on the command line (a string) or by call_command (a date)."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"„{value}“ ist kein Datum im Format JJJJ-MM-TT.") from None


def resolve_job_centres(slugs) -> list[JobCentre]:
    """The job centres named by `--job-centre`, in the order given; unknown slugs are an error."""
    found = {c.slug: c for c in JobCentre.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        known = ", ".join(JobCentre.objects.order_by("slug").values_list("slug", flat=True)) or "keine"
        raise CommandError(f"Unbekanntes Jobcenter: {', '.join(unknown)}. Vorhanden: {known}.")
    return [found[s] for s in dict.fromkeys(slugs)]


def progress_bar(total: int, desc: str):
    """A progress bar on standard error, silent when that is not a terminal."""
    return tqdm(total=total, desc=desc, unit=" Kunden", file=sys.stderr, disable=not sys.stderr.isatty(),
                dynamic_ncols=True)


def german_number(n: float, decimals: int = 0) -> str:
    text = f"{n:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def add_workers_argument(parser):
    parser.add_argument("--workers", type=int, metavar="N",
                        help="Parallele Prozesse für die Berechnung (nur PostgreSQL; Standard: Anzahl "
                             "der Prozessoren, höchstens 8).")


def check_workers(workers: int | None) -> int:
    if workers is None:
        return min(os.cpu_count() or 1, 8)
    if workers < 1:
        raise CommandError("--workers muss mindestens 1 sein.")
    return workers


class Command(BaseCommand):
    help = "Berechnet die gespeicherten Fälligkeiten neu (alle, je Jobcenter oder nur die fälligen)."

    def add_arguments(self, parser):
        parser.add_argument("--job-centre", dest="job_centres", action="append", metavar="SLUG",
                            help="Nur dieses Jobcenter (mehrfach möglich).")
        parser.add_argument("--due-only", action="store_true",
                            help="Nur Kunden, deren Prüftag gekommen ist, deren Regelstand veraltet ist "
                                 "oder die noch nie berechnet wurden.")
        parser.add_argument("--today", metavar="JJJJ-MM-TT", help="Stichtag (Standard: heute).")
        parser.add_argument("--chunk-size", type=int, default=2000, help="Kunden je Abschnitt (Standard: 2000).")
        add_workers_argument(parser)

    def handle(self, *args, job_centres=None, due_only=False, today=None, chunk_size=2000, workers=None,
               **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size muss mindestens 1 sein.")
        workers = check_workers(workers)
        ids = [c.pk for c in resolve_job_centres(job_centres)] if job_centres else None
        today = as_date(today) or timezone.localdate()
        total = count_to_recompute(job_centre_ids=ids, due_only=due_only, today=today)
        started = time.perf_counter()
        with progress_bar(total, "Fälligkeiten") as bar:
            written = recompute(job_centre_ids=ids, due_only=due_only, today=today, chunk_size=chunk_size,
                                progress=bar.update, workers=workers)
        seconds = time.perf_counter() - started
        rate = written / seconds if seconds > 0 else 0
        self.stdout.write(
            f"Fälligkeiten zum {today:%d.%m.%Y} neu berechnet: {german_number(written)} Kunden "
            f"in {german_number(seconds, 1)} s ({german_number(rate)} Kunden/s)"
            + (", nur fällige." if due_only else "."))
