"""Builders for the survey tests: JobAgentur EN's questionnaire and offices."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from appointments.models import Office
from caseload.models import Staff
from policies.models import JobCentre
from survey import services
from survey.models import Kiosk, Question, Response, Survey

from ..caseload.factories import make_staff, make_team, make_user, world  # noqa: F401

QUESTIONS = [
    "Ich wurde freundlich empfangen.",
    "Ich musste nicht lange warten.",
    "Meine Fragen wurden verständlich beantwortet.",
]


@pytest.fixture
def en(rulesets):
    return JobCentre.objects.get(slug="jobagentur-en")


@pytest.fixture
def survey(en):
    survey = Survey.objects.create(job_centre=en, title="Kundenbefragung", active=True)
    for i, text in enumerate(QUESTIONS):
        Question.objects.create(survey=survey, position=i, text=text)
    return survey


@pytest.fixture
def offices(en):
    return [Office.objects.create(job_centre=en, name=name) for name in ("Ennepetal", "Witten", "Breckerfeld")]


@pytest.fixture
def kiosk(offices):
    return Kiosk.objects.create(office=offices[0])


def answer(survey, office, values, free_text="", year=2026, quarter=3, source=Response.KIOSK):
    questions = list(survey.questions.order_by("position"))
    services.record_response(
        survey=survey,
        office=office,
        answers={q.pk: v for q, v in zip(questions, values)},
        free_text=free_text,
        source=source,
        year=year,
        quarter=quarter,
    )


def with_permission(user, codename):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="survey", codename=codename))
    return user


def en_staff(en, username="emil", codename=None):
    staff = make_staff(username, make_team(en, f"Team {username}"), Staff.CASEWORKER)
    if codename:
        with_permission(staff.user, codename)
    return staff
