"""Queue the scheduled background tasks, for cron (the db_worker runs them):

    15 2 * * *    cd /srv/kontaktdichte && .venv/bin/python manage.py enqueue nightly
    30 6 * * 1-5  cd /srv/kontaktdichte && .venv/bin/python manage.py enqueue reminders --url https://kontaktdichte.example/

nightly: the recheck of stored due dates (recompute_due --due-only), the report figures of the
month of yesterday (store_report_figures) and the retention run;
reminders: the morning's reminder mails. With TASKS_BACKEND=immediate they run at once.
"""

from django.core.management.base import BaseCommand

from caseload.tasks import recheck_due_dates
from privacy.tasks import apply_retention
from reports.tasks import send_reminder_mails, store_report_figures


class Command(BaseCommand):
    help = "Stellt die geplanten Hintergrundaufgaben in die Warteschlange (nightly, reminders)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["nightly", "reminders"])
        parser.add_argument("--url", default="", help="Adresse der Anwendung für die Links in den Erinnerungen.")

    def handle(self, *args, what, url="", **options):
        results = (
            [recheck_due_dates.enqueue(), store_report_figures.enqueue(), apply_retention.enqueue()]
            if what == "nightly"
            else [send_reminder_mails.enqueue(url=url)]
        )
        for result in results:
            self.stdout.write(f"{result.task.name}: {result.status}")
