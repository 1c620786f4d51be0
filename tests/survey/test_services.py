"""Storing a response: answers 1 to 5 to the survey's own questions, an office of its job centre."""

import pytest

from appointments.models import Office
from caseload.services import ServiceError
from reports.svg import scale_bars
from survey import services
from survey.models import Response

from .factories import en, offices, survey, world  # noqa: F401


def _record(survey, office, answers, free_text=""):
    services.record_response(
        survey=survey, office=office, answers=answers, free_text=free_text, source=Response.PAPER, year=2026, quarter=1
    )


def test_values_outside_the_scale_and_foreign_questions_are_refused(survey, offices):
    question = survey.questions.first()
    with pytest.raises(ServiceError) as error:
        _record(survey, offices[0], {question.pk: 6})
    assert "von 1 bis 5" in error.value.message_dict[f"q{question.pk}"][0]
    with pytest.raises(ServiceError):
        _record(survey, offices[0], {999_999: 3})
    assert not Response.objects.exists()


def test_an_office_of_another_job_centre_is_refused(world, survey):
    other = Office.objects.create(job_centre=world.coburg, name="Coburg")
    with pytest.raises(ServiceError) as error:
        _record(survey, other, {survey.questions.first().pk: 3})
    assert "anderen Jobcenter" in error.value.message_dict["office"][0]


def test_a_free_text_alone_is_a_response_and_is_dropped_without_a_free_text_question(survey, offices):
    _record(survey, offices[0], {}, free_text="  Nur ein Hinweis  ")
    assert Response.objects.get().free_text == "Nur ein Hinweis"
    survey.free_text_question = ""
    survey.save()
    _record(survey, offices[0], {survey.questions.first().pk: 2}, free_text="ungefragt")
    assert Response.objects.filter(free_text="ungefragt").count() == 0


def test_the_scale_chart_draws_averages_from_one_to_five_and_a_dash_for_hidden():
    chart = str(scale_bars([("Freundlich", 4.5), ("Wartezeit", None)], title="Durchschnitt"))
    assert "<title" in chart and "Freundlich: 4,5" in chart and "Wartezeit: —" in chart
    assert chart.count("<rect") == 1
