"""Teams, staff, customers and everything that happens to a customer.

The job centre is the tenant: every customer-scoped table carries `job_centre` and every
query filters by it. Writes go through `caseload.services`; the stored due date on
`Customer` is recomputed there, in the same transaction as the change.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kontaktdichte import formats
from policies import vocabulary as voc
from policies.engine import Status
from policies.loading import render_stored_reasons
from policies.models import ContactRule, JobCentre, RuleSet

from .status import CustomerQuerySet


class Team(models.Model):
    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="teams", verbose_name="Jobcenter")
    name = models.CharField("Name", max_length=120)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Team"
        verbose_name_plural = "Teams"
        ordering = ["job_centre__name", "name"]
        # Read by reports.access: every team's reports, not only one's own (is_staff grants none).
        permissions = [("view_all_reports", "Berichte aller Teams und Jobcenter lesen")]
        constraints = [models.UniqueConstraint(fields=["job_centre", "name"], name="team_unique_name")]

    def __str__(self):
        return self.name


def person_name(first_name: str, last_name: str, username: str) -> str:
    """A staff member's name as pages show it (`str(staff)`): "first last", else the user name.
    For rows read as values, without the model."""
    return f"{first_name} {last_name}".strip() or username


class Staff(models.Model):
    CASEWORKER = "caseworker"
    TEAM_LEAD = "team_lead"
    # Arbeitgeberservice (AG-S): employers, job offers, placement proposals; a start page of
    # its own (the employers app) and the job centre's AG-S tasks from graduate management.
    EMPLOYER_SERVICE = "employer_service"
    ROLES = [
        (CASEWORKER, "Integrationsfachkraft"),
        (TEAM_LEAD, "Teamleitung"),
        (EMPLOYER_SERVICE, "Arbeitgeberservice"),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name="Benutzer"
    )
    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="staff", verbose_name="Jobcenter")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", verbose_name="Team")
    role = models.CharField("Rolle", max_length=20, choices=ROLES, default=CASEWORKER)
    weekly_hours = models.DecimalField("Wochenarbeitszeit (Stunden)", max_digits=4, decimal_places=1, default=39)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Mitarbeiter/in"
        verbose_name_plural = "Mitarbeitende"
        ordering = ["team__name", "user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_hours__gt=0) & Q(weekly_hours__lte=60),
                name="staff_weekly_hours_range",
                violation_error_message="Die Wochenarbeitszeit muss zwischen 0 und 60 Stunden liegen.",
            ),
        ]

    def __str__(self):
        return person_name(self.user.first_name, self.user.last_name, self.user.username)

    @property
    def is_team_lead(self):
        return self.role == self.TEAM_LEAD

    @property
    def is_employer_service(self):
        return self.role == self.EMPLOYER_SERVICE

    def clean(self):
        if self.team_id and self.job_centre_id and self.team.job_centre_id != self.job_centre_id:
            raise ValidationError({"team": "Das Team gehört zu einem anderen Jobcenter."})


class AcquisitionSource(models.Model):
    """Where a customer came from (GCfaK), who looks after the source, and the inflow expected
    from it: per month, or per event for a source that holds events (seed 004: "Beratungstag
    (Karin): Erwartung 4-5 Kunden pro Veranstaltung"), whose customers are attributed to one."""

    job_centre = models.ForeignKey(
        JobCentre, on_delete=models.PROTECT, related_name="acquisition_sources", verbose_name="Jobcenter"
    )
    name = models.CharField("Quelle", max_length=120)
    owner = models.CharField(
        "betreut von", max_length=100, blank=True, help_text="Wer die Quelle betreut (Vorname genügt), z. B. Karin."
    )
    expected_per_month = models.DecimalField("Erwartet pro Monat", max_digits=5, decimal_places=1, default=0)
    expected_per_event = models.DecimalField(
        "Erwartet pro Veranstaltung",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Nur für Quellen mit Veranstaltungen (z. B. Beratungstag, „4-5“ als 4,5): "
        "dann vergleicht die GCfaK-Auswertung den Zugang je Veranstaltung statt je Monat.",
    )

    class Meta:
        verbose_name = "Akquisequelle"
        verbose_name_plural = "Akquisequellen"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["job_centre", "name"], name="source_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.owner})" if self.owner else self.name

    @property
    def per_event(self) -> bool:
        return self.expected_per_event is not None


class AcquisitionEvent(models.Model):
    """One event of an acquisition source (a Beratungstag on a day): customers won there are
    attributed to it (`Customer.acquisition_event`)."""

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+", verbose_name="Jobcenter")
    source = models.ForeignKey(
        AcquisitionSource, on_delete=models.CASCADE, related_name="events", verbose_name="Akquisequelle"
    )
    date = models.DateField("Datum")
    title = models.CharField("Bezeichnung", max_length=120, blank=True, help_text="z. B. Ort oder Thema.")

    class Meta:
        verbose_name = "Akquise-Veranstaltung"
        verbose_name_plural = "Akquise-Veranstaltungen"
        ordering = ["-date", "pk"]
        indexes = [models.Index(fields=["job_centre", "date"], name="acquisition_event_date")]

    def __str__(self):
        label = f"{self.source.name} am {formats.day(self.date)}"
        return f"{label}: {self.title}" if self.title else label

    def clean(self):
        if self.source_id and self.job_centre_id and self.source.job_centre_id != self.job_centre_id:
            raise ValidationError({"source": "Die Quelle gehört zu einem anderen Jobcenter."})


class Customer(models.Model):
    STATUS_NEW, STATUS_COUNSELLING, STATUS_CLOSED = "new", "in_counselling", "closed"
    CASE_STATUSES = [(STATUS_NEW, "neu"), (STATUS_COUNSELLING, "in Beratung"), (STATUS_CLOSED, "abgeschlossen")]
    OUTCOMES = [("job_taken", "Arbeitsstelle angenommen"), ("job_not_taken", "Arbeitsstelle nicht angenommen")]

    # No index of its own: every index below starts with the job centre.
    job_centre = models.ForeignKey(
        JobCentre, on_delete=models.PROTECT, related_name="customers", verbose_name="Jobcenter", db_index=False
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="customers", verbose_name="Team")
    caseworker = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name="Integrationsfachkraft",
    )
    number = models.CharField(
        "Kundennummer",
        max_length=20,
        help_text="Pseudonyme Kundennummer; erscheint statt des Namens in Listen, Exporten und Adressen.",
    )
    first_name = models.CharField("Vorname", max_length=100)
    last_name = models.CharField("Nachname", max_length=100)
    birth_date = models.DateField("Geburtsdatum")
    street = models.CharField("Straße, Hausnummer", max_length=200, blank=True)
    postcode = models.CharField("PLZ", max_length=5, blank=True)
    city = models.CharField("Ort", max_length=100, blank=True)
    phone = models.CharField("Telefon", max_length=40, blank=True)
    email = models.EmailField("E-Mail", blank=True)
    registered_on = models.DateField("Meldung (Zugang)")

    employment = models.CharField("Status", max_length=20, choices=voc.EMPLOYMENT)
    profile = models.CharField("Profillage", max_length=20, choices=voc.PROFILES, blank=True)
    profile_since = models.DateField("Profillage seit", null=True, blank=True)
    care = models.CharField("Betreuung", max_length=20, choices=voc.CARE, default="placement")
    flags = models.JSONField("Merkmale", default=list, blank=True)
    integrated_employment = models.CharField(
        "Beschäftigung (IH)", max_length=20, choices=voc.INTEGRATED_EMPLOYMENT, blank=True
    )
    unemployed_since = models.DateField("arbeitslos seit", null=True, blank=True)
    benefit_renewal_on = models.DateField("Weiterbewilligung (WBA) am", null=True, blank=True)
    # Set by a contact note that documents the review (Coburg Land: "die Überprüfung des
    # Profilings samt Integrationsprognose mit dem Beratungsvermerk ... zu dokumentieren").
    profiling_reviewed_on = models.DateField("Profiling zuletzt überprüft am", null=True, blank=True)
    # § 15 SGB II: the current Kooperationsplan (or Eingliederungsvereinbarung), to be reviewed
    # at the latest after six months (`caseload.open_tasks`). Not read by the contact rules.
    cooperation_plan_on = models.DateField(
        "Kooperationsplan vom",
        null=True,
        blank=True,
        help_text="Abschluss oder letzte Fortschreibung; spätestens nach sechs Monaten zu überprüfen.",
    )

    acquisition_source = models.ForeignKey(
        AcquisitionSource, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="Akquise"
    )
    acquisition_event = models.ForeignKey(
        AcquisitionEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name="Akquise-Veranstaltung",
    )
    case_status = models.CharField("Fallstatus", max_length=20, choices=CASE_STATUSES, default=STATUS_NEW)
    closing_outcome = models.CharField("Abschluss", max_length=20, choices=OUTCOMES, blank=True)
    closing_reason = models.TextField("Begründung (nicht angenommen)", blank=True)
    # A closed case leaves the worklists; `apply_retention` deletes it (with its history) once
    # RETENTION_MONTHS have passed since this day.
    closed_on = models.DateField("Fall abgeschlossen am", null=True, blank=True)

    # What the contact rules read (policies.engine.Customer): a change recomputes the due date.
    FACT_FIELDS = (
        "birth_date",
        "registered_on",
        "employment",
        "profile",
        "profile_since",
        "care",
        "flags",
        "integrated_employment",
        "unemployed_since",
        "benefit_renewal_on",
        "profiling_reviewed_on",
    )
    # What the facts page edits: the facts and the plan's date.
    FACT_FORM_FIELDS = (*FACT_FIELDS, "cooperation_plan_on")

    # The stored decision of the policy engine. Written only by caseload.duedates.
    DUE_FIELDS = (
        "status_until_due",
        "due_by",
        "window_opens",
        "due_last_working_day",
        "due_rule",
        "due_rule_set",
        "due_code",
        "due_flags",
        "due_reasons",
        "recheck_on",
        "due_computed_on",
        "policy_version",
        "last_contact_on",
        "due_tasks_since",
        "next_task_on",
    )
    # The engine's status until `due_by` passes (`engine.Status.until_due`: never "overdue"; a
    # dated status reads as overdue after its day, `caseload.status`); "" until first computed.
    status_until_due = models.CharField(
        "Status bis zur Fälligkeit",
        max_length=20,
        blank=True,
        choices=[(s.value, s.label) for s in Status if s is not Status.OVERDUE],
    )
    due_by = models.DateField("fällig bis", null=True, blank=True)
    window_opens = models.DateField("Fenster ab", null=True, blank=True)
    due_last_working_day = models.DateField("letzter Arbeitstag", null=True, blank=True)
    # Unindexed: written by every recompute, read only when a rule is deleted (rare, admin).
    due_rule = models.ForeignKey(
        ContactRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Regel",
        db_index=False,
    )
    due_rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Konzept",
        db_index=False,
    )
    due_code = models.CharField("Kürzel", max_length=10, blank=True)
    due_flags = models.JSONField("Hinweise", default=list, blank=True)
    # Codes with parameters (`policies.reasons`); `reason_texts` is the German.
    due_reasons = models.JSONField("Begründung", default=list, blank=True, encoder=DjangoJSONEncoder)
    recheck_on = models.DateField("neu prüfen am", null=True, blank=True)
    due_computed_on = models.DateField("berechnet für", null=True, blank=True)
    policy_version = models.PositiveIntegerField("Regelstand", default=0)
    last_contact_on = models.DateField("letzter qualifizierter Kontakt", null=True, blank=True)
    # The day the earliest task among `due_flags` came due (profiling review, AG-S).
    due_tasks_since = models.DateField("Aufgabe fällig seit", null=True, blank=True)
    # The earliest day any open task comes due (`caseload.open_tasks.next_task_day`): the lists'
    # "Aufgaben" read it through an index instead of testing every customer's tasks.
    next_task_on = models.DateField("nächste Aufgabe", null=True, blank=True)

    # Optimistic locking: raised by every edit through the services; a form carries the version
    # it was read at, and a save from an older one is refused (`services.check_version`).
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The stored decision is recomputed, not edited: not part of the customer's history.
    history = HistoricalRecords(excluded_fields=list(DUE_FIELDS))

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = "Kunde/Kundin"
        verbose_name_plural = "Kunden"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["job_centre", "number"], name="customer_unique_number"),
            models.CheckConstraint(
                condition=Q(profile_since__isnull=True) | ~Q(profile=""),
                name="customer_profile_since_needs_profile",
                violation_error_message="„Profillage seit“ braucht eine Profillage.",
            ),
            # Overdue is read from `due_by` and the day, never stored (`engine.Status.until_due`).
            models.CheckConstraint(
                condition=~Q(status_until_due=Status.OVERDUE.value), name="customer_overdue_not_stored"
            ),
        ]
        indexes = [
            models.Index(fields=["job_centre", "caseworker", "due_by"], name="customer_caseworker_due"),
            # Including registered_on, the monthly report counts a team's customers from the index alone.
            models.Index(fields=["job_centre", "team", "due_by"], include=["registered_on"], name="customer_team_due"),
            models.Index(fields=["job_centre", "recheck_on"], name="customer_recheck"),
            models.Index(fields=["job_centre", "team", "next_task_on"], name="customer_team_task"),
            # Possible duplicates (same name and birth date) when a customer is entered or imported.
            models.Index(fields=["job_centre", "birth_date"], name="customer_birth"),
            # No index on policy_version: "computed under an older version" is an inequality no
            # index serves, and an indexed policy_version made every recompute after a rule
            # change update all indexes instead of none (HOT): 6,246 against 9,860 customers/s.
        ]

    def __str__(self):
        return f"{self.number}"

    @property
    def reason_texts(self) -> tuple[str, ...]:
        """Why the stored due date is what it is, in German (the rule set and rule loaded)."""
        return render_stored_reasons(self.due_reasons or (), self.due_rule_set, self.due_rule)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        event = self.acquisition_event
        if event is not None and event.source_id != self.acquisition_source_id:
            raise ValidationError(
                {"acquisition_event": f"Die Veranstaltung gehört zur Akquisequelle „{event.source.name}“."}
            )


class Measure(models.Model):
    # No index of its own (here, on exceptions and on notes): their (job_centre, customer ...) index leads with it.
    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField("Maßnahme", max_length=200)
    start = models.DateField("Beginn")
    end = models.DateField("geplantes Ende")
    exited_on = models.DateField("Austritt", null=True, blank=True)
    # Weimarer Land's graduate management: the employer service (AG-S) involved one month
    # before the end. Marking it done ends the engine's `employer_service_task` flag.
    employer_service_on = models.DateField("AG-S eingebunden am", null=True, blank=True)
    employer_service_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="AG-S eingebunden von",
    )
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Maßnahme"
        verbose_name_plural = "Maßnahmen"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="measure_end_after_start",
                violation_error_message="Das Ende darf nicht vor dem Beginn liegen.",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=models.F("start")),
                name="measure_exit_after_start",
                violation_error_message="Der Austritt darf nicht vor dem Beginn liegen.",
            ),
        ]
        indexes = [models.Index(fields=["job_centre", "customer"], name="measure_customer")]

    def __str__(self):
        return self.title

    @property
    def ends_on(self):
        return self.exited_on or self.end


class Suspension(models.Model):
    """A documented exception (Ausnahme): no contact is needed until its end."""

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.CharField("Grund", max_length=300)
    start = models.DateField("von")
    end = models.DateField("bis")
    documented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="dokumentiert von"
    )
    documented_at = models.DateTimeField("dokumentiert am", auto_now_add=True)
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Ausnahme"
        verbose_name_plural = "Ausnahmen"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="suspension_end_after_start",
                violation_error_message="Das Ende darf nicht vor dem Beginn liegen.",
            ),
        ]
        indexes = [models.Index(fields=["job_centre", "customer"], name="suspension_customer")]

    def __str__(self):
        return self.reason


class ContactNote(models.Model):
    """A Beratungsvermerk: one contact with the customer."""

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contact_notes")
    date = models.DateField("Datum")
    channel = models.CharField("Kontaktart", max_length=20, choices=voc.CHANNELS)
    walk_in = models.BooleanField(
        "unterminierte Vorsprache", default=False, help_text="Der Kunde kam ohne Termin (nur bei persönlichem Kontakt)."
    )
    # The rule's code (1MM, 2MM ...) under which the contact was held, as in appointment
    # subjects ("in die Betreffzeilen von ATV und Verbis"); internal, never in letters.
    rule_code = models.CharField("Kürzel", max_length=10, blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="Fachkraft"
    )
    summary = models.TextField("Zusammenfassung")
    agreements = models.TextField("Vereinbarungen", blank=True)
    follow_up_on = models.DateField("Wiedervorlage", null=True, blank=True)
    prognosis_reviewed = models.BooleanField("Integrationsprognose überprüft", default=False)
    strategy_reviewed = models.BooleanField("Strategie überprüft", default=False)
    agreement_reviewed = models.BooleanField("EinV/Kooperationsplan überprüft", default=False)
    job_search_done = models.BooleanField("Stellensuchlauf durchgeführt", default=False)
    # Weimarer Land: "Vereinbarungen aus vorangegangenen Kontakten sind nachzuhalten".
    activities_followed_up = models.BooleanField(
        "Vereinbarungen aus vorangegangenen Kontakten nachgehalten", default=False, db_default=False
    )
    profiling_reviewed = models.BooleanField(
        "Profiling und Integrationsprognose überprüft", default=False, db_default=False
    )
    plan_updated = models.BooleanField(
        "Kooperationsplan abgeschlossen oder fortgeschrieben", default=False, db_default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    CHECKLIST = (
        "prognosis_reviewed",
        "strategy_reviewed",
        "agreement_reviewed",
        "job_search_done",
        "activities_followed_up",
    )

    class Meta:
        verbose_name = "Beratungsvermerk"
        verbose_name_plural = "Beratungsvermerke"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(
                fields=["job_centre", "customer", "-date", "id"],
                include=["channel", "follow_up_on"],
                name="note_customer_date",
            ),
            # The monthly report's walk-ins: a few per cent of the notes, read by month.
            models.Index(fields=["job_centre", "date"], condition=Q(walk_in=True), name="note_walk_in_date"),
        ]

    def __str__(self):
        return f"{formats.day(self.date)} {self.get_channel_display()}"

    @property
    def subject(self) -> str:
        """As in the customer's history and exports: "Beratungsvermerk 2MM"."""
        return note_subject(self.walk_in, self.rule_code)


def note_subject(walk_in: bool, rule_code: str) -> str:
    """A contact note's subject line from its columns, for rows read as values (exports)."""
    label = "Unterminierte Vorsprache" if walk_in else "Beratungsvermerk"
    return f"{label} {rule_code}".strip()


class FollowUpActivity(models.Model):
    """A follow-up activity agreed in a contact note (Vereinbarung, Folgeaktivität), with the day
    by which it is to be followed up ("Wiedervorlagen für Folgekontakte bzw. Folgeaktivitäten
    dienen ... der Nachhaltung vereinbarter Aktivitäten"). Open until a later note or the
    customer page marks it followed up (done) or a later note carries it on, as a new activity
    with a new date (`carried_from`)."""

    OPEN, DONE, CARRIED = "open", "done", "carried"
    STATUSES = [(OPEN, "offen"), (DONE, "nachgehalten"), (CARRIED, "fortgeführt")]

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="activities")
    note = models.ForeignKey(
        ContactNote, on_delete=models.CASCADE, related_name="activities", verbose_name="vereinbart im Vermerk"
    )
    due_on = models.DateField("nachhalten bis")
    text = models.CharField("Vereinbarung", max_length=300)
    status = models.CharField("Stand", max_length=10, choices=STATUSES, default=OPEN)
    closed_at = models.DateTimeField("erledigt am", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="erledigt von",
    )
    closed_in = models.ForeignKey(
        ContactNote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_up",
        verbose_name="nachgehalten im Vermerk",
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="fortgeführt aus"
    )
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Vereinbarte Folgeaktivität"
        verbose_name_plural = "Vereinbarte Folgeaktivitäten"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["job_centre", "customer", "status"], name="activity_customer_status"),
            models.Index(fields=["job_centre", "status", "due_on"], name="activity_open_due"),
        ]

    def __str__(self):
        return f"{self.text} (bis {formats.day(self.due_on)})"

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN


# Defined in a module of its own (it belongs to the imports, not to the caseload's history).
from .pending_import import PendingImport  # noqa: E402, F401
