"""The employer service (Arbeitgeberservice, AG-S): employers and their contact persons, notes
and appointments with them, their job offers, placement proposals of customers to offers, and
when the service can be reached.

Every table carries `job_centre` (the tenant) and leads its indexes with it. Employers are
not customers: nothing here counts toward a customer's contact density. A placement proposal
is customer data (it names the customer): its changes are audited, it appears in the
customer's history and Art. 15 disclosure, and it is deleted with the customer.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from appointments.models import WEEKDAYS, Appointment, Office
from caseload.models import Customer, Staff
from kontaktdichte import formats
from policies import vocabulary as voc
from policies.models import JobCentre

# How one reaches an employer; a group session is no way to talk to one.
CHANNELS = [(code, label) for code, label in voc.CHANNELS if code != "group"]


class Employer(models.Model):
    MICRO, SMALL, MEDIUM, LARGE = "micro", "small", "medium", "large"
    SIZES = [
        (MICRO, "1–9 Beschäftigte"),
        (SMALL, "10–49 Beschäftigte"),
        (MEDIUM, "50–249 Beschäftigte"),
        (LARGE, "250 und mehr Beschäftigte"),
    ]

    job_centre = models.ForeignKey(
        JobCentre, on_delete=models.PROTECT, related_name="employers", verbose_name="Jobcenter", db_index=False
    )
    name = models.CharField("Name", max_length=200)
    sector = models.CharField("Branche", max_length=120, blank=True)
    street = models.CharField("Straße, Hausnummer", max_length=200, blank=True)
    postcode = models.CharField("PLZ", max_length=5, blank=True)
    city = models.CharField("Ort", max_length=100, blank=True)
    size = models.CharField("Betriebsgröße", max_length=10, choices=SIZES, blank=True)
    notes = models.TextField("Notizen", blank=True)
    # JobAgentur EN (003 §4.2): "Das Unternehmen als Kunde hat ... eine feste und einheitliche
    # Ansprechperson."
    account_manager = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name="feste Ansprechperson im Jobcenter",
    )
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Arbeitgeber"
        verbose_name_plural = "Arbeitgeber"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["job_centre", "name"], name="employer_unique_name")]
        indexes = [models.Index(fields=["job_centre", "account_manager"], name="employer_account_manager")]

    def __str__(self):
        return self.name

    @property
    def address(self) -> str:
        place = f"{self.postcode} {self.city}".strip()
        return ", ".join(part for part in (self.street, place) if part)


class ContactPerson(models.Model):
    """An Ansprechpartner at the employer."""

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="contacts", verbose_name="Arbeitgeber"
    )
    name = models.CharField("Name", max_length=200)
    role = models.CharField("Funktion", max_length=120, blank=True, help_text="z. B. „Personalleitung“.")
    phone = models.CharField("Telefon", max_length=40, blank=True)
    email = models.EmailField("E-Mail", blank=True)
    preferred_channel = models.CharField("bevorzugter Kontaktweg", max_length=20, choices=CHANNELS, blank=True)
    active = models.BooleanField("aktuell Ansprechpartner", default=True)
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Ansprechpartner/in"
        verbose_name_plural = "Ansprechpartner"
        ordering = ["-active", "name"]
        indexes = [models.Index(fields=["job_centre", "employer"], name="contact_person_employer")]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class EmployerNote(models.Model):
    """A note on a contact with an employer, like a Beratungsvermerk (and, like those of an
    appointment, linked to the employer appointment it documents)."""

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="contact_notes", verbose_name="Arbeitgeber"
    )
    contact_person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Gesprächspartner",
    )
    date = models.DateField("Datum")
    channel = models.CharField("Kontaktart", max_length=20, choices=CHANNELS)
    summary = models.TextField("Zusammenfassung")
    follow_up_on = models.DateField("Wiedervorlage", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="verfasst von"
    )
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employer_note",
        verbose_name="Termin",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Arbeitgebervermerk"
        verbose_name_plural = "Arbeitgebervermerke"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["job_centre", "employer", "date"], name="employer_note_date")]

    def __str__(self):
        return f"{formats.day(self.date)} {self.get_channel_display()}"


class EmployerAppointment(models.Model):
    """Which employer an appointment (kind `employer`, without a customer) is with. The
    appointment itself lives in the appointments app: the caseworker's time, no double booking."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, primary_key=True, related_name="employer_link"
    )
    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="appointments", verbose_name="Arbeitgeber"
    )
    contact_person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Gesprächspartner",
    )
    topic = models.CharField("Anlass", max_length=200)

    class Meta:
        verbose_name = "Arbeitgebertermin"
        verbose_name_plural = "Arbeitgebertermine"
        indexes = [models.Index(fields=["job_centre", "employer"], name="employer_appointment_employer")]

    def __str__(self):
        return self.topic


class JobOffer(models.Model):
    """A Stellenangebot of an employer."""

    OPEN, FILLED, WITHDRAWN = "open", "filled", "withdrawn"
    STATUSES = [(OPEN, "offen"), (FILLED, "besetzt"), (WITHDRAWN, "zurückgezogen")]
    FULL_TIME, PART_TIME, MINI_JOB = "full_time", "part_time", "mini_job"
    WORKING_TIMES = [(FULL_TIME, "Vollzeit"), (PART_TIME, "Teilzeit"), (MINI_JOB, "Minijob")]

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="offers", verbose_name="Arbeitgeber")
    contact_person = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Ansprechpartner",
    )
    title = models.CharField("Stellenbezeichnung", max_length=200)
    location = models.CharField("Arbeitsort", max_length=120, blank=True)
    working_time = models.CharField("Arbeitszeit", max_length=10, choices=WORKING_TIMES, default=FULL_TIME)
    positions = models.PositiveSmallIntegerField(
        "Anzahl Stellen", default=1, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    starts_on = models.DateField("Beginn", null=True, blank=True)
    received_on = models.DateField("eingegangen am")
    description = models.TextField("Beschreibung", blank=True)
    status = models.CharField("Status", max_length=10, choices=STATUSES, default=OPEN)
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Stellenangebot"
        verbose_name_plural = "Stellenangebote"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(positions__gte=1),
                name="job_offer_positions",
                violation_error_message="Mindestens eine Stelle.",
            )
        ]
        indexes = [
            models.Index(fields=["job_centre", "status", "received_on"], name="job_offer_status"),
            models.Index(fields=["job_centre", "employer"], name="job_offer_employer"),
        ]

    def __str__(self):
        return self.title


class PlacementProposal(models.Model):
    """A Vermittlungsvorschlag: a customer proposed for a job offer, and what came of it."""

    PENDING, HIRED, REJECTED, NO_ANSWER = "pending", "hired", "rejected", "no_answer"
    OUTCOMES = [(PENDING, "offen"), (HIRED, "eingestellt"), (REJECTED, "abgelehnt"), (NO_ANSWER, "keine Rückmeldung")]

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="placement_proposals", verbose_name="Kunde/Kundin"
    )
    offer = models.ForeignKey(
        JobOffer, on_delete=models.PROTECT, related_name="proposals", verbose_name="Stellenangebot"
    )
    proposed_on = models.DateField("vorgeschlagen am")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="vorgeschlagen von"
    )
    outcome = models.CharField("Ergebnis", max_length=10, choices=OUTCOMES, default=PENDING)
    outcome_on = models.DateField("Ergebnis am", null=True, blank=True)
    outcome_note = models.CharField(
        "Anmerkung zum Ergebnis", max_length=500, blank=True, help_text="Sachlich und ohne Gesundheitsdaten."
    )
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Vermittlungsvorschlag"
        verbose_name_plural = "Vermittlungsvorschläge"
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job_centre", "customer", "offer"], name="proposal_once_per_offer"),
            models.CheckConstraint(
                condition=(Q(outcome="pending") & Q(outcome_on__isnull=True))
                | (~Q(outcome="pending") & Q(outcome_on__isnull=False)),
                name="proposal_outcome_has_a_day",
                violation_error_message="Ein Ergebnis braucht ein Datum, ein offener Vorschlag keines.",
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=F("proposed_on")),
                name="proposal_outcome_after_proposal",
                violation_error_message="Das Ergebnis kann nicht vor dem Vorschlag liegen.",
            ),
        ]
        indexes = [
            models.Index(fields=["job_centre", "offer"], name="proposal_offer"),
            models.Index(fields=["job_centre", "outcome", "proposed_on"], name="proposal_outcome"),
        ]

    def __str__(self):
        return f"Vorschlag {formats.day(self.proposed_on)}"

    @property
    def is_pending(self) -> bool:
        return self.outcome == self.PENDING


# --- When the employer service can be reached --------------------------------------------------


class ServiceDesk(models.Model):
    """Where employers reach the employer service (a phone number, an address), for the whole
    job centre or one office, with its weekly hours (`ServiceHours`)."""

    job_centre = models.ForeignKey(
        JobCentre, on_delete=models.CASCADE, related_name="service_desks", verbose_name="Jobcenter"
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_desks",
        verbose_name="Regionalstelle",
        help_text="Leer: für das ganze Jobcenter.",
    )
    name = models.CharField("Bezeichnung", max_length=120, default="Arbeitgeberservice")
    phone = models.CharField("Telefon für Arbeitgeber", max_length=40, blank=True)
    email = models.EmailField("E-Mail für Arbeitgeber", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Erreichbarkeit Arbeitgeberservice"
        verbose_name_plural = "Erreichbarkeit Arbeitgeberservice"
        ordering = ["job_centre__name", "name"]
        constraints = [models.UniqueConstraint(fields=["job_centre", "name"], name="service_desk_unique_name")]

    def __str__(self):
        return self.name


class ServiceHours(models.Model):
    desk = models.ForeignKey(ServiceDesk, on_delete=models.CASCADE, related_name="hours", verbose_name="Erreichbarkeit")
    weekday = models.PositiveSmallIntegerField("Wochentag", choices=WEEKDAYS)
    start = models.TimeField("von")
    end = models.TimeField("bis")

    class Meta:
        verbose_name = "Erreichbarkeitszeit"
        verbose_name_plural = "Erreichbarkeitszeiten"
        ordering = ["desk", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="service_hours_end_after_start",
                violation_error_message="Das Ende muss nach dem Beginn liegen.",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class ReachabilityStandard(models.Model):
    """What a job centre demands of its employer service's hours (JobAgentur EN, 003 §4.2:
    "Der Unternehmensservice ist in der Zeit von Montag bis Freitag 8.00 bis 17.00 Uhr für
    wirtschaftliche Kundinnen und Kunden telefonisch erreichbar"): every weekday (Monday to
    Friday) from `reachable_from` to `reachable_until`; `employers.reachability` checks it."""

    job_centre = models.OneToOneField(
        JobCentre, on_delete=models.CASCADE, related_name="reachability_standard", verbose_name="Jobcenter"
    )
    reachable_from = models.TimeField("Montag bis Freitag erreichbar ab", default="08:00")
    reachable_until = models.TimeField("erreichbar bis", default="17:00")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Erreichbarkeits-Standard"
        verbose_name_plural = "Erreichbarkeits-Standards"
        constraints = [
            models.CheckConstraint(
                condition=Q(reachable_until__gt=F("reachable_from")),
                name="reachability_until_after_from",
                violation_error_message="Das Ende muss nach dem Beginn liegen.",
            )
        ]

    def __str__(self):
        return f"Erreichbarkeit {self.job_centre}"
