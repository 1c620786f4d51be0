"""Show which database served each page: run against a primary and its streaming replica
(DATABASE_URL, DATABASE_REPLICA_URL; scripts/replica_check.sh sets both up on loopback).
Signs in as the team lead of the largest team through Django's test client and counts, per
page, the queries each connection ran. Lists and reports must read from the replica, the
customer page and every write from the primary."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseload.models import Customer, Staff
from kontaktdichte.replica import REPLICA


class Command(BaseCommand):
    help = "Zeigt, welche Seite von welcher Datenbank (Primär/Replikat) gelesen hat."

    def handle(self, *args, **options):
        if REPLICA not in settings.DATABASES:
            raise CommandError("DATABASE_REPLICA_URL ist nicht gesetzt.")
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            in_recovery = cursor.fetchone()[0]
        self.stdout.write(f"Replikat im Wiederherstellungsmodus (Streaming-Replikation): {in_recovery}")
        team_id = Customer.objects.values("team_id").annotate(n=Count("pk")).order_by("-n")[0]["team_id"]
        lead = Staff.objects.filter(team_id=team_id, role=Staff.TEAM_LEAD).select_related("user").first()
        customer = Customer.objects.filter(team_id=team_id).first()
        client = Client()
        client.force_login(lead.user)
        pages = [
            ("Meine Fälle", reverse("worklist")),
            ("Team: überfällig", reverse("team_overdue")),
            ("Monatsbericht", reverse("report_monthly")),
            ("Kundenseite", reverse("customer", args=[customer.pk])),
        ]
        wrong = 0
        for name, url in pages:
            with (
                CaptureQueriesContext(connections["default"]) as primary,
                CaptureQueriesContext(connections[REPLICA]) as replica,
            ):
                status = client.get(url).status_code
            self.stdout.write(
                f"{name:<18} HTTP {status}: {len(primary)} Abfragen am Primärserver, {len(replica)} am Replikat"
            )
            expected_replica = name != "Kundenseite"
            if status != 200 or (len(replica) > 0) != expected_replica:
                wrong += 1
        if wrong or not in_recovery:
            raise CommandError(f"{wrong} Seiten lasen nicht von der erwarteten Datenbank.")
        self.stdout.write(
            "Listen und Berichte lesen vom Replikat, die Kundenseite und alle Schreibzugriffe vom Primärserver."
        )
