"""Mail every caseworker their overdue and soon-due customers, every team lead the team's
overdue count and longest-overdue cases. For cron, once a morning:

    30 6 * * 1-5  cd /srv/kontaktdichte && .venv/bin/python manage.py send_reminders --url https://kontaktdichte.example/

Mails go through Django's mail backend (`EMAIL_BACKEND`, console by default) and carry customer
numbers only.
"""

import logging

from django.core.mail import get_connection
from django.core.management.base import BaseCommand
from django.utils import timezone

from kontaktdichte.commands import as_date
from policies.commands import resolve_job_centres
from reports import reminders

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Versendet Erinnerungen an Fachkräfte (überfällig, bald fällig) und Teamleitungen (überfällig im Team)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--job-centre",
            dest="job_centres",
            action="append",
            metavar="SLUG",
            help="Nur dieses Jobcenter (mehrfach möglich). Standard: alle.",
        )
        parser.add_argument("--today", metavar="JJJJ-MM-TT", help="Stichtag (Standard: heute).")
        parser.add_argument("--url", default="", help="Adresse der Anwendung für die Links in den Mails.")
        parser.add_argument("--dry-run", action="store_true", help="Nur zählen, nichts versenden.")

    def handle(self, *args, job_centres=None, today=None, url="", dry_run=False, **options):
        today = as_date(today) or timezone.localdate()
        ids = [c.pk for c in resolve_job_centres(job_centres)] if job_centres else None
        result = reminders.build(today, job_centre_ids=ids, url=url)
        sent = 0
        if not dry_run and result.messages:
            with get_connection() as connection:
                sent = connection.send_messages(result.messages) or 0
        log.info(
            "reminders: %d caseworkers, %d team leads, %d without e-mail address, %d sent",
            result.caseworkers,
            result.team_leads,
            result.without_email,
            sent,
        )
        self.stdout.write(
            f"{'Würde versenden' if dry_run else 'Versandt'}: {len(result.messages) if dry_run else sent} "
            f"Erinnerungen ({result.caseworkers} an Fachkräfte, {result.team_leads} an Teamleitungen); "
            f"{result.without_email} ohne E-Mail-Adresse übersprungen."
        )
