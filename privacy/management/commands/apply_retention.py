"""Delete closed cases whose retention period has passed, with everything of theirs and their
history (`caseload.deletion.delete_customers`). Run nightly:

    30 2 * * *  cd /srv/kontaktdichte && .venv/bin/python manage.py apply_retention

`--dry-run` says what it would delete (counts per job centre, no names) and deletes nothing.
It also deletes import previews older than an hour (`caseload.imports.purge_expired`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from caseload import deletion, imports
from caseload.models import Customer
from kontaktdichte import formats
from kontaktdichte.dates import add_months
from policies.models import JobCentre

CHUNK = 500


def expired(today: date, months: int):
    """Customers whose case was closed before `today` minus `months`."""
    return Customer.objects.filter(closed_on__isnull=False, closed_on__lt=add_months(today, -months))


class Command(BaseCommand):
    help = "Löscht abgeschlossene Fälle nach Ablauf der Aufbewahrungsfrist (RETENTION_MONTHS) samt Verlauf."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Nur anzeigen, was gelöscht würde.")
        parser.add_argument("--today", type=date.fromisoformat, help="Stichtag (JJJJ-MM-TT), sonst heute.")
        parser.add_argument("--months", type=int, help="Frist in Monaten, sonst RETENTION_MONTHS.")

    def handle(self, *args, dry_run=False, today=None, months=None, **options):
        today = today or timezone.localdate()
        months = settings.RETENTION_MONTHS if months is None else months
        if months < 1:
            raise CommandError("Die Aufbewahrungsfrist muss mindestens einen Monat betragen.")
        cutoff = add_months(today, -months)
        if not dry_run:
            # Import previews left unconfirmed: their rows are personal data kept only until
            # confirmed or discarded, an hour at most (caseload.imports.KEEP_MINUTES).
            purged = imports.purge_expired()
            if purged:
                self.stdout.write(f"{purged} abgelaufene Import-Vorschauen gelöscht.")
        names = dict(JobCentre.objects.values_list("pk", "name"))
        counts = dict(
            expired(today, months).values("job_centre_id").annotate(n=Count("pk")).values_list("job_centre_id", "n")
        )
        verb = "würden gelöscht" if dry_run else "gelöscht"
        if not counts:
            self.stdout.write(f"Keine Fälle, die vor dem {formats.day(cutoff)} abgeschlossen wurden.")
            return
        total = 0
        for centre_id, count in sorted(counts.items()):
            if not dry_run:
                ids = list(expired(today, months).filter(job_centre_id=centre_id).values_list("pk", flat=True))
                count = sum(
                    deletion.delete_customers(job_centre_id=centre_id, customer_ids=ids[i : i + CHUNK])
                    for i in range(0, len(ids), CHUNK)
                )
            total += count
            self.stdout.write(
                f"{names.get(centre_id, centre_id)}: {count} Fälle {verb} "
                f"(abgeschlossen vor dem {formats.day(cutoff)})."
            )
        self.stdout.write(
            f"Zusammen {total} Fälle {verb}, mit Vermerken, Maßnahmen, Ausnahmen, Terminen und Änderungsverlauf."
        )
