"""Job centres and their contact-density rule sets (Kontaktdichtekonzepte).

Everything the engine applies is data here: conditions and cycles are fields an admin edits,
never code. `policies.loading` turns these rows into the engine's plain dataclasses.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kontaktdichte import formats

from . import vocabulary as voc

# The letter sets the heading itself; a text that starts with it would print it twice.
_LEGAL_NOTICE_HEADING = re.compile(r"\A\s*Rechtsfolgenbelehrung\s*(?::\s*|\n\s*|\Z)", re.IGNORECASE)


def without_legal_notice_heading(text: str) -> str:
    return _LEGAL_NOTICE_HEADING.sub("", text or "", count=1).strip()


class JobCentre(models.Model):
    slug = models.SlugField("Kürzel", max_length=60, unique=True)
    name = models.CharField("Name", max_length=200)
    federal_state = models.CharField(
        "Bundesland",
        max_length=2,
        choices=voc.FEDERAL_STATES,
        help_text="Bestimmt die gesetzlichen Feiertage für die Arbeitstage.",
    )
    legal_notice = models.TextField(
        "Rechtsfolgenbelehrung",
        blank=True,
        help_text="Wird in Einladungsschreiben abgedruckt.",
    )
    # Bumped whenever a rule set, rule or closing day of this job centre changes; stored due
    # dates computed under an older version are stale until recomputed.
    policy_version = models.PositiveIntegerField("Regelstand", default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["policy_version"])

    class Meta:
        verbose_name = "Jobcenter"
        verbose_name_plural = "Jobcenter"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        self.legal_notice = without_legal_notice_heading(self.legal_notice)

    @property
    def legal_notice_body(self) -> str:
        """The notice as letters print it, below their own heading (also for texts saved
        before `clean` removed a heading of their own)."""
        return without_legal_notice_heading(self.legal_notice)


class ClosingDay(models.Model):
    """A day the job centre is closed although it is a working day (e.g. a staff outing)."""

    job_centre = models.ForeignKey(
        JobCentre, on_delete=models.CASCADE, related_name="closing_days", verbose_name="Jobcenter"
    )
    date = models.DateField("Datum")
    label = models.CharField("Anlass", max_length=200, blank=True)

    class Meta:
        verbose_name = "Schließtag"
        verbose_name_plural = "Schließtage"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["job_centre", "date"], name="closing_day_unique_per_centre"),
        ]

    def __str__(self):
        return f"{formats.day(self.date)} {self.label}".strip()


class RuleSetQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day)

    def of_job_centre_on(self, job_centre_id: int, day) -> RuleSet | None:
        """The job centre's rule set in force on `day` (at most one: validities never overlap)."""
        return self.filter(job_centre_id=job_centre_id).in_force_on(day).first()


class RuleSet(models.Model):
    job_centre = models.ForeignKey(
        JobCentre, on_delete=models.PROTECT, related_name="rule_sets", verbose_name="Jobcenter"
    )
    title = models.CharField("Titel", max_length=200)
    reference = models.CharField("Geschäftszeichen", max_length=100, blank=True)
    valid_from = models.DateField("gültig ab")
    valid_until = models.DateField(
        "gültig bis", null=True, blank=True, help_text="Leer lassen, wenn das Konzept unbefristet gilt."
    )
    source_text = models.TextField(
        "Quelltext", blank=True, help_text="Der Wortlaut der Weisung, auf die sich die Regeln stützen."
    )

    qualifying_channels = models.JSONField(
        "Zählende Kontaktarten",
        default=voc.default_channels,
        help_text="Kontaktarten, die als qualifizierter Kontakt zählen.",
    )
    first_contact_target_days = models.PositiveSmallIntegerField(
        "Erstkontakt: Ziel (Arbeitstage)", null=True, blank=True
    )
    first_contact_max_days = models.PositiveSmallIntegerField(
        "Erstkontakt: spätestens (Arbeitstage)",
        null=True,
        blank=True,
        help_text="Leer: der Zyklus der Regel läuft ab der Meldung.",
    )
    first_appointment_minutes = models.PositiveSmallIntegerField("Erstgespräch (Minuten)", null=True, blank=True)
    follow_up_minutes = models.PositiveSmallIntegerField("Folgegespräch (Minuten)", null=True, blank=True)
    preparation_minutes = models.PositiveSmallIntegerField("Vor-/Nachbereitung (Minuten)", default=0)
    limited_german_max_minutes = models.PositiveSmallIntegerField(
        "Höchstdauer ohne hinreichende Deutschkenntnisse (Minuten)", null=True, blank=True
    )
    consultation_share_target = models.PositiveSmallIntegerField(
        "Ziel: Anteil Beratung an der Arbeitszeit (%)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    follow_up_required = models.BooleanField("Wiedervorlage in jedem Beratungsvermerk Pflicht", default=False)
    checklist_required = models.BooleanField("Checkliste qualifizierter Kontakt Pflicht", default=False)
    max_extension_amount = models.PositiveSmallIntegerField("Größte Verlängerung", null=True, blank=True)
    max_extension_unit = models.CharField("Einheit der Verlängerung", max_length=6, choices=voc.UNITS, blank=True)
    profiling_review_months = models.PositiveSmallIntegerField(
        "Profilingprüfung marktnah nach (Monaten)",
        null=True,
        blank=True,
        help_text="Marktnahe Kunden, die nach so vielen Monaten noch so eingestuft sind, werden markiert.",
    )
    graduate_management = models.BooleanField(
        "Absolventenmanagement für Maßnahmen",
        default=False,
        help_text="Kontakt spätestens die eingestellten Tage vor Maßnahmeende, Folgegespräch binnen "
        "der eingestellten Arbeitstage nach Austritt, AG-S-Aufgabe vor Ende.",
    )
    graduate_days_before_end = models.PositiveSmallIntegerField(
        "Absolventenmanagement: Kontakt spätestens (Tage vor Maßnahmeende)",
        default=90,
        validators=[MaxValueValidator(3650)],
    )
    graduate_follow_up_working_days = models.PositiveSmallIntegerField(
        "Absolventenmanagement: Folgegespräch binnen (Arbeitstagen nach Austritt)",
        default=15,
        validators=[MaxValueValidator(250)],
    )
    employer_service_lead_months = models.PositiveSmallIntegerField(
        "Absolventenmanagement: AG-S einbinden (Monate vor Maßnahmeende)", default=1, validators=[MaxValueValidator(24)]
    )

    # Scheduling (appointments).
    bookable_channels = models.JSONField(
        "Terminierbare Kontaktarten",
        default=voc.default_bookable_channels,
        help_text="Kontaktarten, für die Termine vereinbart werden dürfen.",
    )
    office_hours_only = models.BooleanField(
        "Termine in der Regionalstelle nur in den Öffnungszeiten",
        default=False,
        help_text="Vorschläge liegen dann nie außerhalb, eine andere Uhrzeit wird abgelehnt. "
        "Außendienste sind nicht an Öffnungszeiten gebunden.",
    )
    invitation_lead_working_days = models.PositiveSmallIntegerField(
        "Einladung: Vorlauf (Arbeitstage)",
        default=3,
        validators=[MaxValueValidator(30)],
        help_text="Liegt ein Termin näher, warnt die Terminseite, dass ein Brief nicht rechtzeitig ankommt.",
    )
    letters_name_opening_hours = models.BooleanField(
        "Einladungen an Integrierte, aber Hilfebedürftige nennen die Öffnungszeiten",
        default=False,
        help_text="Sie können sich dann auch ohne Termin persönlich melden.",
    )
    immediate_placement_excluded = models.BooleanField(
        "Tage in der Sofortvermittlung zählen nicht zur Arbeitszeit",
        default=False,
        help_text="Für den Beratungsanteil: eingeteilte Sofortvermittlungstage werden abgezogen.",
    )
    employer_contacts_count = models.BooleanField(
        "Arbeitgeberkontakte zählen zum Beratungsanteil",
        default=False,
        help_text="Wahrgenommene Arbeitgebertermine zählen dann wie Kundentermine als Beratungszeit, "
        "wenn ihre Kontaktart als qualifizierter Kontakt zählt. Zur Kontaktdichte eines Kunden "
        "zählen sie nie.",
    )

    history = HistoricalRecords()
    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = "Kontaktdichtekonzept"
        verbose_name_plural = "Kontaktdichtekonzepte"
        ordering = ["job_centre__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="ruleset_valid_until_after_from",
                violation_error_message="„gültig bis“ darf nicht vor „gültig ab“ liegen.",
            ),
            models.CheckConstraint(
                condition=(Q(max_extension_amount__isnull=True) & Q(max_extension_unit=""))
                | (Q(max_extension_amount__isnull=False) & ~Q(max_extension_unit="")),
                name="ruleset_extension_amount_and_unit",
                violation_error_message="Die größte Verlängerung braucht eine Zahl und eine Einheit.",
            ),
            models.CheckConstraint(
                condition=Q(first_contact_target_days__isnull=True)
                | Q(first_contact_max_days__isnull=True)
                | Q(first_contact_target_days__lte=models.F("first_contact_max_days")),
                name="ruleset_first_contact_target_within_max",
                violation_error_message="Das Ziel für den Erstkontakt darf nicht über der Höchstfrist liegen.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.validity_label})"

    @property
    def validity_label(self):
        until = f"{formats.day(self.valid_until)}" if self.valid_until else "unbefristet"
        return f"{formats.day(self.valid_from)} – {until}"

    def overlapping(self):
        """Other rule sets of the same job centre whose validity shares at least one day."""
        others = RuleSet.objects.filter(job_centre_id=self.job_centre_id).exclude(pk=self.pk)
        if self.valid_until is not None:
            others = others.filter(valid_from__lte=self.valid_until)
        return others.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from))

    def clean(self):
        errors = {}
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors["valid_until"] = "„gültig bis“ darf nicht vor „gültig ab“ liegen."
        if (self.max_extension_amount is None) != (not self.max_extension_unit):
            errors["max_extension_unit"] = "Die größte Verlängerung braucht eine Zahl und eine Einheit."
        if (
            self.first_contact_target_days
            and self.first_contact_max_days
            and self.first_contact_target_days > self.first_contact_max_days
        ):
            errors["first_contact_target_days"] = "Das Ziel für den Erstkontakt darf nicht über der Höchstfrist liegen."
        unknown = set(self.qualifying_channels or []) - set(voc.CHANNEL_CODES)
        if not isinstance(self.qualifying_channels, list) or unknown:
            errors["qualifying_channels"] = "Erlaubt sind nur: " + ", ".join(voc.CHANNEL_CODES) + "."
        elif not self.qualifying_channels:
            errors["qualifying_channels"] = "Mindestens eine Kontaktart muss zählen."
        unknown = set(self.bookable_channels or []) - set(voc.BOOKABLE_CHANNEL_CODES)
        if not isinstance(self.bookable_channels, list) or unknown:
            errors["bookable_channels"] = "Erlaubt sind nur: " + ", ".join(voc.BOOKABLE_CHANNEL_CODES) + "."
        elif not self.bookable_channels:
            errors["bookable_channels"] = "Mindestens eine Kontaktart muss terminierbar sein."
        if self.job_centre_id and self.valid_from and not errors.get("valid_until"):
            clash = self.overlapping().first()
            if clash is not None:
                errors["valid_from"] = (
                    f"Der Zeitraum überschneidet sich mit „{clash.title}“ ({clash.validity_label}). "
                    "Für ein Jobcenter darf an jedem Tag nur ein Konzept gelten: "
                    "beenden Sie das andere Konzept vorher oder wählen Sie einen anderen Zeitraum."
                )
        if errors:
            raise ValidationError(errors)


class ContactRule(models.Model):
    """One line of a Kontaktdichtekonzept: conditions that must all hold, and the cycle."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name="Konzept")
    position = models.PositiveIntegerField("Reihenfolge", default=0, db_index=True)
    label = models.CharField("Bezeichnung", max_length=200)
    code = models.CharField(
        "Kürzel", max_length=10, blank=True, help_text="Erscheint im Betreff von Terminen, z. B. 1MM."
    )

    # Conditions. Empty means "any"; lists mean "one of"; flags mean "all of".
    age_band = models.CharField("Alter", max_length=4, choices=voc.AGE_BANDS, blank=True)
    employment = models.JSONField("Status (einer von)", default=list, blank=True)
    profiles = models.JSONField("Profillage (eine von)", default=list, blank=True)
    care = models.JSONField("Betreuung (eine von)", default=list, blank=True)
    flags = models.JSONField("Merkmale (alle)", default=list, blank=True)
    in_measure = models.BooleanField("in einer Maßnahme", null=True, blank=True, help_text="Leer: egal.")
    integrated_employment = models.JSONField("Beschäftigung bei IH (eine von)", default=list, blank=True)
    unemployed_months_min = models.PositiveSmallIntegerField(
        "arbeitslos seit mindestens (Monaten)", null=True, blank=True
    )
    unemployed_months_below = models.PositiveSmallIntegerField(
        "arbeitslos seit weniger als (Monaten)", null=True, blank=True
    )

    # Cycle.
    individual = models.BooleanField(
        "individuell", default=False, help_text="Die Wiedervorlage der Fachkraft bestimmt den nächsten Kontakt."
    )
    window_amount = models.PositiveSmallIntegerField("frühestens nach", null=True, blank=True)
    window_unit = models.CharField("Einheit", max_length=6, choices=voc.UNITS, blank=True)
    deadline_amount = models.PositiveSmallIntegerField("spätestens nach", null=True, blank=True)
    deadline_unit = models.CharField("Einheit", max_length=6, choices=voc.UNITS, blank=True)
    cap_at_benefit_renewal = models.BooleanField("spätestens zum Weiterbewilligungsantrag (WBA)", default=False)
    first_contact_exempt = models.BooleanField(
        "ohne Erstkontakt-Frist",
        default=False,
        help_text="Die Erstkontakt-Frist des Konzepts gilt für diese Regel nicht: ohne "
        "qualifizierten Kontakt läuft ihr Zyklus ab der Meldung.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Kontaktregel"
        verbose_name_plural = "Kontaktregeln"
        ordering = ["rule_set", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(individual=True) & Q(deadline_amount__isnull=True))
                | (Q(individual=False) & Q(deadline_amount__isnull=False) & ~Q(deadline_unit="")),
                name="rule_cycle_individual_or_deadline",
                violation_error_message="Eine Regel ist entweder individuell oder hat eine Frist mit Einheit.",
            ),
            models.CheckConstraint(
                condition=(Q(window_amount__isnull=True) & Q(window_unit=""))
                | (Q(window_amount__isnull=False) & ~Q(window_unit="")),
                name="rule_window_amount_and_unit",
                violation_error_message="„frühestens nach“ braucht eine Zahl und eine Einheit.",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.code})" if self.code else self.label

    def clean(self):
        errors = {}
        for field, allowed in (
            ("employment", voc.EMPLOYMENT_CODES),
            ("profiles", voc.PROFILE_CODES),
            ("care", voc.CARE_CODES),
            ("flags", voc.FLAG_CODES),
            ("integrated_employment", voc.INTEGRATED_EMPLOYMENT_CODES),
        ):
            value = getattr(self, field)
            if not isinstance(value, list) or set(value) - set(allowed):
                errors[field] = "Erlaubt sind nur: " + ", ".join(allowed) + "."
        if self.individual:
            if self.deadline_amount is not None or self.window_amount is not None:
                errors["individual"] = "Eine individuelle Regel hat keine festen Fristen."
        else:
            if self.deadline_amount is None or not self.deadline_unit:
                errors["deadline_amount"] = "Bitte eine Frist mit Einheit angeben (oder „individuell“ wählen)."
        if (self.window_amount is None) != (not self.window_unit):
            errors["window_unit"] = "„frühestens nach“ braucht eine Zahl und eine Einheit."
        if (
            not errors
            and self.window_amount is not None
            and self.deadline_amount is not None
            and voc.approx_days(self.window_amount, self.window_unit)
            > voc.approx_days(self.deadline_amount, self.deadline_unit)
        ):
            errors["window_amount"] = (
                "Das Fenster darf nicht länger sein als die Frist: "
                f"{self.window_amount} {voc.unit_label(self.window_unit)} ist mehr als "
                f"{self.deadline_amount} {voc.unit_label(self.deadline_unit)}."
            )
        if (
            self.unemployed_months_min is not None
            and self.unemployed_months_below is not None
            and self.unemployed_months_min >= self.unemployed_months_below
        ):
            errors["unemployed_months_below"] = "Diese Bedingungen schließen einander aus."
        if errors:
            raise ValidationError(errors)
