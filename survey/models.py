"""The customer satisfaction survey (Kundenbefragung, JobAgentur EN 003 §1.1: "regelmäßige
Befragungen der Kundinnen und Kunden"): a short anonymous questionnaire per office.

Anonymous by construction: a response stores the office, the quarter it was given in, the
answers (1 to 5) and an optional free text; no customer, no user, no time of day, no date, no
address of the device. Its key is random (a UUID), so not even the order of the rows says who
answered after whom. Nothing here is logged per response. The evaluation
(`survey.evaluation`) shows nothing of a group of fewer than five responses.
"""

from __future__ import annotations

import secrets
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from appointments.models import Office
from policies.models import JobCentre

LOWEST, HIGHEST = 1, 5


class Survey(models.Model):
    """A questionnaire of a job centre; its offices' tablets and paper forms use the active one."""

    job_centre = models.ForeignKey(
        JobCentre, on_delete=models.PROTECT, related_name="surveys", verbose_name="Jobcenter"
    )
    title = models.CharField("Titel", max_length=200)
    intro = models.TextField(
        "Einleitung",
        blank=True,
        default="Ihre Meinung hilft uns, besser zu werden. Die Befragung ist anonym: wir speichern "
        "weder Ihren Namen noch Ihre Kundennummer.",
    )
    free_text_question = models.CharField(
        "Freitextfrage",
        max_length=300,
        blank=True,
        default="Was können wir besser machen?",
        help_text="Leer: keine Freitextfrage.",
    )
    active = models.BooleanField(
        "aktiv",
        default=False,
        help_text="Je Jobcenter ist höchstens eine Befragung aktiv: sie erscheint auf den Tablets.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Kundenbefragung"
        verbose_name_plural = "Kundenbefragungen"
        ordering = ["job_centre__name", "-active", "title"]
        permissions = [("view_results", "Kundenbefragung auswerten")]
        constraints = [
            models.UniqueConstraint(
                fields=["job_centre"],
                condition=Q(active=True),
                name="survey_one_active_per_centre",
                violation_error_message="Für dieses Jobcenter ist schon eine andere Befragung aktiv.",
            )
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    """A statement rated from 1 (the low end's words) to 5 (the high end's)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name="Befragung")
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    text = models.CharField("Frage", max_length=300)
    low_label = models.CharField("1 bedeutet", max_length=60, default="trifft gar nicht zu")
    high_label = models.CharField("5 bedeutet", max_length=60, default="trifft voll zu")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Frage"
        verbose_name_plural = "Fragen"
        ordering = ["survey", "position", "id"]

    def __str__(self):
        return self.text


class Response(models.Model):
    KIOSK, PAPER = "kiosk", "paper"
    SOURCES = [(KIOSK, "Tablet"), (PAPER, "Papierbogen")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name="Regionalstelle")
    year = models.PositiveSmallIntegerField("Jahr")
    quarter = models.PositiveSmallIntegerField("Quartal", validators=[MinValueValidator(1), MaxValueValidator(4)])
    source = models.CharField("erfasst über", max_length=10, choices=SOURCES)
    free_text = models.TextField("Freitext", blank=True)

    class Meta:
        verbose_name = "Antwortbogen"
        verbose_name_plural = "Antwortbögen"
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="response_quarter_1_to_4"),
        ]
        indexes = [models.Index(fields=["job_centre", "year", "quarter", "office"], name="response_quarter_office")]

    def __str__(self):
        return f"Antwortbogen {self.quarter}. Quartal {self.year}"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(
        "Antwort", validators=[MinValueValidator(LOWEST), MaxValueValidator(HIGHEST)]
    )

    class Meta:
        verbose_name = "Antwort"
        verbose_name_plural = "Antworten"
        constraints = [
            models.UniqueConstraint(fields=["job_centre", "response", "question"], name="answer_once_per_question"),
            models.CheckConstraint(condition=Q(value__gte=LOWEST, value__lte=HIGHEST), name="answer_value_1_to_5"),
        ]
        indexes = [models.Index(fields=["job_centre", "question"], name="answer_question")]

    def __str__(self):
        return str(self.value)


def new_kiosk_token() -> str:
    return secrets.token_urlsafe(24)


class Kiosk(models.Model):
    """The address an office's tablet opens without signing in. It only takes answers: it
    shows no results and no other response. The token is random; renewing it (admin) makes the
    old address useless."""

    office = models.OneToOneField(
        Office, on_delete=models.CASCADE, related_name="survey_kiosk", verbose_name="Regionalstelle"
    )
    token = models.CharField("Schlüssel", max_length=64, unique=True, default=new_kiosk_token, editable=False)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "Befragungs-Tablet"
        verbose_name_plural = "Befragungs-Tablets"

    def __str__(self):
        return f"Tablet {self.office}"
