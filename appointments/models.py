"""Offices with opening hours, caseworkers' working hours, and appointments.

An appointment blocks its caseworker from `start` to `blocked_until` (= `end` plus the rule
set's preparation time, Vor-/Nachbereitung). Two appointments of one caseworker that are not
cancelled must never share a minute of that span: on PostgreSQL an exclusion constraint says
so (migration 0002), everywhere `appointments.services.book_appointment` checks it first.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.crypto import constant_time_compare, salted_hmac
from simple_history.models import HistoricalRecords

from caseload.models import ContactNote, Customer, Staff
from kontaktdichte import formats
from policies.models import JobCentre

WEEKDAYS = [
    (0, "Montag"),
    (1, "Dienstag"),
    (2, "Mittwoch"),
    (3, "Donnerstag"),
    (4, "Freitag"),
    (5, "Samstag"),
    (6, "Sonntag"),
]


class OpeningHoursStandard(models.Model):
    """What a job centre demands of its offices' opening hours (JobAgentur EN's quality
    standard); `appointments.standards.check_opening_hours` applies it in the admin."""

    job_centre = models.OneToOneField(
        JobCentre, on_delete=models.CASCADE, related_name="opening_hours_standard", verbose_name="Jobcenter"
    )
    min_weekly_hours = models.DecimalField(
        "Mindestöffnungszeit pro Woche (Stunden)", max_digits=4, decimal_places=1, default=0
    )
    every_weekday = models.BooleanField("an jedem Werktag (Mo–Fr) geöffnet", default=False)
    every_morning = models.BooleanField("an jedem Vormittag geöffnet", default=False)
    morning_until = models.TimeField(
        "Vormittag: geöffnet spätestens ab",
        default="10:00",
        help_text="Ein Tag zählt als Vormittag, wenn vor dieser Uhrzeit geöffnet ist.",
    )
    late_afternoons = models.PositiveSmallIntegerField("Nachmittage für Berufstätige (mindestens)", default=0)
    late_until = models.TimeField("Nachmittag für Berufstätige: geöffnet bis mindestens", default="17:30")
    tandem_mornings = models.PositiveSmallIntegerField(
        "Tandem-Regionalstellen: Vormittage (mindestens)",
        default=3,
        help_text="Tandemstellen dürfen seltener öffnen, wenn der Regionalstellensitz die übrigen Tage abdeckt.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Öffnungszeiten-Standard"
        verbose_name_plural = "Öffnungszeiten-Standards"

    def __str__(self):
        return f"Standard {self.job_centre}"


class Office(models.Model):
    """A Regionalstelle: a place where customers are seen."""

    job_centre = models.ForeignKey(
        JobCentre, on_delete=models.PROTECT, related_name="offices", verbose_name="Jobcenter"
    )
    name = models.CharField("Name", max_length=120)
    address = models.CharField("Anschrift", max_length=300, blank=True)
    room_hint = models.CharField(
        "Hinweis für Besucher", max_length=200, blank=True, help_text="z. B. „Eingang B, 2. OG, Wartebereich links“."
    )
    phone = models.CharField(
        "Telefon (für Absagen)",
        max_length=40,
        blank=True,
        help_text="Erscheint in Einladungen: hier können Kunden einen Termin absagen.",
    )
    email = models.EmailField("E-Mail (für Absagen)", blank=True)
    tandem_main = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tandem_offices",
        verbose_name="Tandem: Regionalstellensitz",
        help_text="Nur für Tandem-Regionalstellen: der Sitz, der die übrigen Tage abdeckt.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Regionalstelle"
        verbose_name_plural = "Regionalstellen"
        ordering = ["job_centre__name", "name"]
        constraints = [models.UniqueConstraint(fields=["job_centre", "name"], name="office_unique_name")]

    def __str__(self):
        return self.name


class WeeklyHours(models.Model):
    """A weekday's span of time: an office's opening hours, a caseworker's working hours."""

    weekday = models.PositiveSmallIntegerField("Wochentag", choices=WEEKDAYS)
    start = models.TimeField("von")
    end = models.TimeField("bis")

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


def _end_after_start(name):
    return models.CheckConstraint(
        condition=Q(end__gt=F("start")), name=name, violation_error_message="Das Ende muss nach dem Beginn liegen."
    )


class OpeningHours(WeeklyHours):
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="opening_hours", verbose_name="Regionalstelle"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Öffnungszeit"
        verbose_name_plural = "Öffnungszeiten"
        ordering = ["office", "weekday", "start"]
        constraints = [_end_after_start("opening_hours_end_after_start")]


class WorkingHours(WeeklyHours):
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="working_hours", verbose_name="Mitarbeiter/in"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Arbeitszeit"
        verbose_name_plural = "Arbeitszeiten"
        ordering = ["staff", "weekday", "start"]
        constraints = [_end_after_start("working_hours_end_after_start")]


class GroupSession(models.Model):
    """A group information session (Gruppeninformation): one caseworker, one room, a capacity,
    many participants. Each participant has an Appointment of kind `group` linked here, with the
    session's times: those appointments share the caseworker's time among themselves (the
    session blocks it once), but never with anything else (`services.overlapping`, and on
    PostgreSQL the exclusion constraint of migration 0005)."""

    PLANNED, CANCELLED = "planned", "cancelled"
    STATUSES = [(PLANNED, "geplant"), (CANCELLED, "abgesagt")]

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    caseworker = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="group_sessions", verbose_name="Fachkraft"
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="group_sessions", verbose_name="Regionalstelle"
    )
    room = models.CharField("Raum", max_length=100)
    topic = models.CharField("Thema", max_length=200)
    capacity = models.PositiveSmallIntegerField("Plätze")
    start = models.DateTimeField("Beginn")
    end = models.DateTimeField("Ende")
    preparation_minutes = models.PositiveSmallIntegerField("Vor-/Nachbereitung (Minuten)", default=0)
    blocked_until = models.DateTimeField("belegt bis")
    status = models.CharField("Status", max_length=10, choices=STATUSES, default=PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="angelegt von"
    )
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Gruppeninformation"
        verbose_name_plural = "Gruppeninformationen"
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="group_session_end_after_start",
                violation_error_message="Das Ende muss nach dem Beginn liegen.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="group_session_capacity",
                violation_error_message="Eine Gruppeninformation braucht mindestens einen Platz.",
            ),
        ]
        indexes = [models.Index(fields=["job_centre", "caseworker", "start"], name="group_session_caseworker")]

    def __str__(self):
        return f"Gruppeninformation {self.topic} ({formats.moment(self.start)})"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class Appointment(models.Model):
    OFFICE, FIELD, PHONE, VIDEO = "office", "field", "phone", "video"
    MODES = [
        (OFFICE, "in der Regionalstelle"),
        (FIELD, "Außendienst (beim Kunden)"),
        (PHONE, "telefonisch"),
        (VIDEO, "per Video"),
    ]
    # The contact note's channel for each mode (policies.vocabulary.CHANNELS); a group
    # information session is the "group" channel whatever its mode (see `channel_for`).
    CHANNEL = {OFFICE: "in_person", FIELD: "in_person", PHONE: "phone", VIDEO: "video"}

    FIRST, FOLLOW_UP, GROUP = "first", "follow_up", "group"
    # What a customer is booked for (the booking page, letters, subjects).
    KINDS = [(FIRST, "Erstgespräch"), (FOLLOW_UP, "Folgegespräch"), (GROUP, "Gruppeninformation")]
    # An appointment with an employer (Arbeitgeberservice): no customer, but the caseworker's
    # time like any other, so it shares the table, the checks and the exclusion constraint
    # against double booking. The employers app links it to the employer; it never counts
    # toward a customer's contact density, and toward the consultation share only where the
    # rule set says so (`RuleSet.employer_contacts_count`).
    EMPLOYER = "employer"
    ALL_KINDS = [*KINDS, (EMPLOYER, "Arbeitgebertermin")]

    PLANNED, ATTENDED, MISSED = "planned", "attended", "missed"
    CANCELLED_CUSTOMER, CANCELLED_CENTRE = "cancelled_customer", "cancelled_centre"
    STATUSES = [
        (PLANNED, "geplant"),
        (ATTENDED, "wahrgenommen"),
        (MISSED, "nicht erschienen"),
        (CANCELLED_CUSTOMER, "abgesagt (Kunde)"),
        (CANCELLED_CENTRE, "abgesagt (Jobcenter)"),
    ]
    CANCELLED = (CANCELLED_CUSTOMER, CANCELLED_CENTRE)
    BLOCKING = (PLANNED, ATTENDED, MISSED)

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name="Kunde/Kundin",
        help_text="Leer nur bei Arbeitgeberterminen.",
    )
    caseworker = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="appointments", verbose_name="Fachkraft"
    )
    mode = models.CharField("Art", max_length=10, choices=MODES, default=OFFICE)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name="Regionalstelle",
    )
    start = models.DateTimeField("Beginn")
    end = models.DateTimeField("Ende")
    preparation_minutes = models.PositiveSmallIntegerField("Vor-/Nachbereitung (Minuten)", default=0)
    blocked_until = models.DateTimeField("belegt bis", help_text="Ende plus Vor-/Nachbereitung.")
    kind = models.CharField("Gesprächsart", max_length=10, choices=ALL_KINDS, default=FOLLOW_UP)
    subject = models.CharField("Betreff", max_length=200)
    rule_code = models.CharField("Kürzel", max_length=10, blank=True)
    status = models.CharField("Status", max_length=20, choices=STATUSES, default=PLANNED)
    outcome_reason = models.CharField("Grund", max_length=300, blank=True)
    important_reason = models.BooleanField(
        "wichtiger Grund", default=False, help_text="Das Fernbleiben ist entschuldigt."
    )
    missed_sequence = models.PositiveSmallIntegerField(
        "Versäumnis Nr.",
        null=True,
        blank=True,
        help_text="Das wievielte unentschuldigte Versäumnis in Folge seit dem letzten wahrgenommenen Termin.",
    )
    contact_note = models.OneToOneField(
        ContactNote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
        verbose_name="Beratungsvermerk",
    )
    group_session = models.ForeignKey(
        GroupSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name="Gruppeninformation",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="vereinbart von"
    )
    version = models.PositiveIntegerField("Bearbeitungsstand", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Termin"
        verbose_name_plural = "Termine"
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="appointment_end_after_start",
                violation_error_message="Das Ende muss nach dem Beginn liegen.",
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("end")),
                name="appointment_blocked_after_end",
                violation_error_message="Die Vor-/Nachbereitung kann nicht negativ sein.",
            ),
            models.CheckConstraint(
                condition=~Q(mode="office") | Q(office__isnull=False),
                name="appointment_office_needs_office",
                violation_error_message="Für einen Termin in der Regionalstelle bitte die Regionalstelle wählen.",
            ),
            # A customer takes one place in a session, however often booked and cancelled.
            models.UniqueConstraint(
                fields=["job_centre", "group_session", "customer"],
                condition=Q(group_session__isnull=False) & ~Q(status__in=("cancelled_customer", "cancelled_centre")),
                name="appointment_one_place_per_session",
                violation_error_message="Der Kunde ist für diese Gruppeninformation schon angemeldet.",
            ),
            models.CheckConstraint(
                condition=(Q(kind="employer") & Q(customer__isnull=True))
                | (~Q(kind="employer") & Q(customer__isnull=False)),
                name="appointment_customer_unless_employer",
                violation_error_message="Ein Kundentermin braucht einen Kunden, ein Arbeitgebertermin keinen.",
            ),
        ]
        indexes = [
            models.Index(fields=["job_centre", "caseworker", "start"], name="appointment_caseworker_start"),
            models.Index(fields=["job_centre", "customer", "start"], name="appointment_customer_start"),
        ]

    def __str__(self):
        return f"{self.subject} ({formats.moment(self.start)})"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.status in self.CANCELLED

    @property
    def is_employer(self) -> bool:
        return self.kind == self.EMPLOYER

    @property
    def status_label(self) -> str:
        """The status as pages show it: an employer appointment is cancelled by the employer,
        not by a customer."""
        if self.is_employer and self.status == self.CANCELLED_CUSTOMER:
            return "abgesagt (Arbeitgeber)"
        return self.get_status_display()

    def is_unresolved(self, now) -> bool:
        """Past and without an outcome: never silently a no-show."""
        return self.status == self.PLANNED and self.end <= now

    @property
    def channel(self) -> str:
        return self.channel_for(self.mode, self.kind)

    @classmethod
    def channel_for(cls, mode: str, kind: str) -> str:
        return "group" if kind == cls.GROUP else cls.CHANNEL[mode]


class Absence(models.Model):
    """A caseworker's day(s) away from consultations, recorded by the team lead: leave,
    sickness, training, or duty on the immediate-placement desk (Sofortvermittlung). Working
    time for the consultation share and the capacity forecast leaves these days out (the desk
    days only where the rule set says so: Coburg Land)."""

    LEAVE, SICKNESS, TRAINING, IMMEDIATE_PLACEMENT = "leave", "sickness", "training", "immediate_placement"
    KINDS = [
        (LEAVE, "Urlaub"),
        (SICKNESS, "Krankheit"),
        (TRAINING, "Fortbildung"),
        (IMMEDIATE_PLACEMENT, "Sofortvermittlung"),
    ]

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="absences", verbose_name="Mitarbeiter/in")
    kind = models.CharField("Art", max_length=20, choices=KINDS)
    start = models.DateField("von")
    end = models.DateField("bis (einschließlich)")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="erfasst von"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Abwesenheit"
        verbose_name_plural = "Abwesenheiten"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="absence_end_after_start",
                violation_error_message="Das Ende darf nicht vor dem Beginn liegen.",
            ),
        ]
        indexes = [models.Index(fields=["job_centre", "staff", "start"], name="absence_staff_start")]

    def __str__(self):
        return f"{self.get_kind_display()} {formats.day(self.start)}–{formats.day(self.end)}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret, random address for a caseworker's iCalendar feed (calendar clients cannot log
    in). The token carries no personal data; renewing it invalidates the old address.

    The address is the token and a signature over the token and the user's password hash (as
    Django's password-reset links are signed): it stops working the moment the password
    changes, and `find` refuses it once the user is deactivated."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Kalender-Abo"
        verbose_name_plural = "Kalender-Abos"

    def __str__(self):
        return f"Kalender-Abo {self.staff_id}"

    def _signature(self, user) -> str:
        return salted_hmac(
            "kontaktdichte.calendar-feed", f"{self.token}:{user.pk}:{user.password}", algorithm="sha256"
        ).hexdigest()[:32]

    def address(self, user) -> str:
        """The secret part of the feed's URL."""
        return f"{self.token}.{self._signature(user)}"

    @classmethod
    def find(cls, address: str) -> CalendarFeed | None:
        """The feed an address opens, or None: unknown token, a signature from before a password
        change, or a user no longer active. One query."""
        token, _, signature = address.rpartition(".")
        if not token:
            return None
        feed = cls.objects.select_related("staff__user").filter(token=token).first()
        if feed is None or not feed.staff.user.is_active:
            return None
        return feed if constant_time_compare(signature, feed._signature(feed.staff.user)) else None
