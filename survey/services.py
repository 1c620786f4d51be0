"""Writing a response: one transaction, German messages in `ServiceError`. No audit event and no
log line: either would tie a response to a moment (and the audit trail to a user), which is
what the survey promises not to keep."""

from __future__ import annotations

from django.db import transaction

from caseload.services import ServiceError

from .models import HIGHEST, LOWEST, Answer, Response, Survey

FREE_TEXT_MAX = 2000


def check_response(questions, answers: dict[int, int | None], free_text: str) -> dict[str, str]:
    """{field: message}: answers between 1 and 5 to the survey's own questions, at least one
    answer or a free text."""
    errors = {}
    known = {q.pk for q in questions}
    for question_id, value in answers.items():
        if question_id not in known:
            errors["__all__"] = "Diese Frage gehört nicht zur Befragung."
        elif value is not None and not LOWEST <= value <= HIGHEST:
            errors[f"q{question_id}"] = f"Bitte eine Zahl von {LOWEST} bis {HIGHEST} wählen."
    if not errors and not any(v is not None for v in answers.values()) and not (free_text or "").strip():
        errors["__all__"] = "Bitte mindestens eine Frage beantworten."
    if len(free_text or "") > FREE_TEXT_MAX:
        errors["free_text"] = f"Bitte höchstens {FREE_TEXT_MAX} Zeichen."
    return errors


@transaction.atomic
def record_response(
    *, survey: Survey, office, answers: dict[int, int | None], free_text: str, source: str, year: int, quarter: int
) -> None:
    """Store one filled-in questionnaire of `office` (an office of the survey's job centre) for
    the quarter. Returns nothing: no caller needs, or should hold, the new row's key."""
    questions = list(survey.questions.all())
    errors = check_response(questions, answers, free_text)
    if office.job_centre_id != survey.job_centre_id:
        errors["office"] = "Die Regionalstelle gehört zu einem anderen Jobcenter."
    if source not in dict(Response.SOURCES):
        errors["__all__"] = "Unbekannte Herkunft des Bogens."
    if not 1 <= quarter <= 4:
        errors["quarter"] = "Unbekanntes Quartal."
    if errors:
        raise ServiceError(errors)
    response = Response.objects.create(
        job_centre_id=survey.job_centre_id,
        survey=survey,
        office=office,
        year=year,
        quarter=quarter,
        source=source,
        free_text=(free_text or "").strip() if survey.free_text_question else "",
    )
    Answer.objects.bulk_create(
        [
            Answer(job_centre_id=survey.job_centre_id, response=response, question_id=question_id, value=value)
            for question_id, value in answers.items()
            if value is not None
        ]
    )
