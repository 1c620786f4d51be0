"""Store the monthly report's figures per customer and month (`reports.stored`).

python manage.py store_report_figures                 # the month of yesterday (nightly does this)
python manage.py store_report_figures --months 12     # and the eleven before it: a report's trend
python manage.py store_report_figures --job-centre coburg-land --today 2026-03-01
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseload.models import Customer
from kontaktdichte.commands import as_date, german_number, progress_bar
from kontaktdichte.dates import add_months
from policies.commands import resolve_job_centres
from policies.models import JobCentre
from reports.stored import ONE_DAY, store_month


class Command(BaseCommand):
    help = "Speichert die Zahlen des Monatsberichts je Kunde und Monat (Standard: der Monat von gestern)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--job-centre", dest="job_centres", action="append", metavar="SLUG", help="Nur dieses Jobcenter."
        )
        parser.add_argument("--months", type=int, default=1, help="So viele Monate bis zum Monat von gestern.")
        parser.add_argument("--today", metavar="JJJJ-MM-TT", help="Stichtag (Standard: heute).")

    def handle(self, *args, job_centres=None, months=1, today=None, **options):
        if not 1 <= months <= 36:
            raise CommandError("--months muss zwischen 1 und 36 liegen.")
        today = as_date(today) or timezone.localdate()
        centres = resolve_job_centres(job_centres) if job_centres else list(JobCentre.objects.order_by("pk"))
        last = (today - ONE_DAY).replace(day=1)
        wanted = [add_months(last, -k) for k in range(months - 1, -1, -1)]
        total = months * Customer.objects.filter(job_centre__in=centres).count()
        started = time.perf_counter()
        written = 0
        with progress_bar(total, "Berichtszahlen") as bar:
            for centre in centres:
                for month in wanted:
                    written += store_month(centre.pk, month, today, progress=bar.update)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Berichtszahlen gespeichert: {german_number(written)} Kundenmonate "
            f"({german_number(len(wanted))} Monate, {german_number(len(centres))} Jobcenter) "
            f"in {german_number(seconds, 1)} s."
        )
