"""The survey's demo for `setup_demo`, once (only where JobAgentur EN has no survey yet): its
questionnaire, a tablet address per office, and answers: Regionalstelle Ennepetal enough this
quarter and last to be shown, Witten too few this quarter (the evaluation hides them)."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

from appointments.models import Office
from policies.models import JobCentre
from reports.gcfak import Quarter, quarter_of
from reports.gcfak import recent_quarters as quarters_before

from . import services
from .models import Kiosk, Question, Response, Survey

CENTRE = "jobagentur-en"
QUESTIONS = [
    "Ich wurde freundlich und respektvoll behandelt.",
    "Die Wartezeit war angemessen.",
    "Mein Anliegen wurde verständlich erklärt.",
    "Ich weiß, wie es für mich weitergeht.",
    "Die Öffnungszeiten passen zu meinem Alltag.",
]
FREE_TEXTS = [
    "Mehr Termine am Nachmittag wären gut.",
    "Sehr nette Beratung, danke!",
    "Die Beschilderung im Haus ist verwirrend.",
    "Wartebereich zu klein.",
    "Unterlagen vorher per E-Mail schicken zu können wäre praktisch.",
    "Alles bestens.",
]
# (office, quarters back, responses)
ANSWERS = [("Regionalstelle Ennepetal", 0, 18), ("Regionalstelle Ennepetal", 1, 12), ("Regionalstelle Witten", 0, 3)]


def ensure_demo(today: date | None = None, seed: int = 20260101) -> dict:
    today = today or timezone.localdate()
    centre = JobCentre.objects.filter(slug=CENTRE).first()
    stats = {"surveys": 0, "responses": 0, "kiosks": 0}
    if centre is None or Survey.objects.filter(job_centre=centre).exists():
        return stats
    rng = random.Random(seed)
    with transaction.atomic():
        survey = Survey.objects.create(job_centre=centre, title="Kundenbefragung JobAgentur EN", active=True)
        for position, text in enumerate(QUESTIONS, start=1):
            Question.objects.create(survey=survey, position=position * 10, text=text)
        stats["surveys"] = 1
        offices = {o.name: o for o in Office.objects.filter(job_centre=centre)}
        for office in offices.values():
            Kiosk.objects.get_or_create(office=office)
            stats["kiosks"] += 1
        questions = list(survey.questions.order_by("position"))
        this_quarter = quarter_of(today)
        for office_name, back, count in ANSWERS:
            office = offices.get(office_name)
            if office is None:
                continue
            quarter: Quarter = quarters_before(today, back + 1)[back] if back else this_quarter
            for n in range(count):
                answers = {q.pk: rng.choice([3, 4, 4, 5, 5, 2]) for q in questions}
                answers[questions[1].pk] = rng.choice([2, 3, 3, 4, None])  # waiting: the weak spot
                services.record_response(
                    survey=survey,
                    office=office,
                    answers=answers,
                    free_text=FREE_TEXTS[n % len(FREE_TEXTS)] if n % 3 == 0 else "",
                    source=Response.KIOSK if n % 4 else Response.PAPER,
                    year=quarter.year,
                    quarter=quarter.number,
                )
                stats["responses"] += 1
    return stats
