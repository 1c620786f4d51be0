"""The audit trail: who read or changed which customer's data, who exported what, logins.

An event stores ids and counts, never names, customer numbers or note text: the trail itself
must not become a second copy of the social data it watches over. Ids are plain columns, not
foreign keys, so an event outlives the user or customer it names (a customer deleted after the
retention period leaves "customer 4711 was opened by user 12 on ..." behind, nothing more).

Only reading is a permission (`audit.view_event`, "Protokoll einsehen"): nobody adds, changes or
deletes events through the application; `audit.events.record` writes them where the thing
happens.
"""

from django.db import models
from django.utils import timezone

from kontaktdichte import formats


class Event(models.Model):
    LOGIN, LOGIN_FAILED, LOCKED_OUT, LOGOUT = "login", "login_failed", "locked_out", "logout"
    CUSTOMER_VIEWED, CUSTOMER_CHANGED, CUSTOMER_DELETED = "customer_viewed", "customer_changed", "customer_deleted"
    EXPORTED, DATA_ACCESS = "exported", "data_access"
    ACTIONS = [
        (LOGIN, "Anmeldung"),
        (LOGIN_FAILED, "fehlgeschlagene Anmeldung"),
        (LOCKED_OUT, "Anmeldung gesperrt"),
        (LOGOUT, "Abmeldung"),
        (CUSTOMER_VIEWED, "Kundendaten geöffnet"),
        (CUSTOMER_CHANGED, "Kundendaten geändert"),
        (CUSTOMER_DELETED, "Kundendaten gelöscht"),
        (EXPORTED, "Export"),
        (DATA_ACCESS, "Auskunft (Art. 15 DSGVO)"),
    ]

    at = models.DateTimeField("Zeitpunkt", default=timezone.now)
    action = models.CharField("Vorgang", max_length=20, choices=ACTIONS)
    user_id = models.BigIntegerField("Benutzer-ID", null=True, blank=True)
    job_centre_id = models.BigIntegerField("Jobcenter-ID", null=True, blank=True)
    customer_id = models.BigIntegerField("Kunden-ID", null=True, blank=True)
    object_type = models.CharField("Art des Datensatzes", max_length=30, blank=True)
    object_id = models.BigIntegerField("Datensatz-ID", null=True, blank=True)
    # What was read, changed or exported, as a code ("customer_page", "team_overdue.csv"),
    # never free text.
    what = models.CharField("Was", max_length=60, blank=True)
    rows = models.PositiveIntegerField("Zeilen", null=True, blank=True)

    class Meta:
        verbose_name = "Protokolleintrag"
        verbose_name_plural = "Protokoll"
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        permissions = [("export_customer_data", "Auskunft nach Art. 15 DSGVO erteilen")]
        indexes = [
            models.Index(fields=["job_centre_id", "customer_id", "at"], name="audit_customer_at"),
            models.Index(fields=["user_id", "at"], name="audit_user_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {formats.moment(self.at)}"
