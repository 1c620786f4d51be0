"""The evaluation's numbers, worked by hand, and the anonymity threshold: nothing of a group of
fewer than five responses, and nothing that lets the hidden be worked out from the shown."""

from reports.gcfak import Quarter
from survey import evaluation

from .factories import answer, en, offices, survey  # noqa: F401

Q3 = Quarter(2026, 3)


def _by_office(results):
    return {r.office.name: r for r in results}


def test_four_responses_show_nothing_five_show_counts_and_averages(survey, offices):
    ennepetal, witten, _ = offices
    for values in ([5, 4, 3], [4, 4, 3], [3, 2, None], [5, 5, 5]):
        answer(survey, ennepetal, values)
        answer(survey, witten, values)
    answer(survey, witten, [3, 5, None], free_text="Mehr Sitzplätze")
    results = _by_office(evaluation.evaluate(survey.job_centre_id, Q3, free_texts_for=ennepetal.pk))
    hidden = results["Ennepetal"]
    assert (hidden.responses, hidden.questions, hidden.free_texts, hidden.average) == (None, [], [], None)
    shown = results["Witten"]
    assert shown.responses == 5
    # Question 1: 5, 4, 3, 5, 3 = 20 / 5 = 4.0; question 2: 4, 4, 2, 5, 5 = 20 / 5 = 4.0;
    # question 3: 3, 3, 5 answered three times only: no average.
    assert [(q.answers, q.average) for q in shown.questions] == [(5, 4.0), (5, 4.0), (None, None)]
    # The office's average counts the shown questions only: 40 / 10.
    assert shown.average == 4.0


def test_the_job_centre_total_counts_the_shown_offices_only(survey, offices):
    ennepetal, witten, breckerfeld = offices
    for _ in range(5):
        answer(survey, ennepetal, [4, 4, 4])
        answer(survey, witten, [2, 2, 2])
    answer(survey, breckerfeld, [1, 1, 1])
    responses, average = evaluation.centre_average(evaluation.evaluate(survey.job_centre_id, Q3))
    # Breckerfeld's single response is neither counted nor averaged: (15 x 4 + 15 x 2) / 30.
    assert (responses, average) == (10, 3.0)


def test_free_texts_of_a_shown_group_alphabetically_never_in_arrival_order(survey, offices):
    witten = offices[1]
    for text in ("Zu lange Wartezeit", "", "alles gut", "Bessere Beschilderung", "Danke"):
        answer(survey, witten, [3, 3, 3], free_text=text)
    results = _by_office(evaluation.evaluate(survey.job_centre_id, Q3, free_texts_for=witten.pk))
    assert results["Witten"].free_texts == ["alles gut", "Bessere Beschilderung", "Danke", "Zu lange Wartezeit"]


def test_free_texts_of_a_hidden_group_are_never_read_out(survey, offices):
    witten = offices[1]
    for _ in range(4):
        answer(survey, witten, [3, 3, 3], free_text="Frau X war sehr nett")
    assert evaluation.free_texts(survey.job_centre_id, witten.pk, Q3) == []
    assert (
        list(evaluation.free_text_rows(survey.job_centre_id, evaluation.evaluate(survey.job_centre_id, Q3), Q3)) == []
    )


def test_quarters_are_kept_apart(survey, offices):
    witten = offices[1]
    for quarter in (2, 2, 2, 3, 3):
        answer(survey, witten, [5, 5, 5], quarter=quarter)
    assert _by_office(evaluation.evaluate(survey.job_centre_id, Q3))["Witten"].responses is None
    assert _by_office(evaluation.evaluate(survey.job_centre_id, Quarter(2026, 2)))["Witten"].responses is None


def test_the_export_says_less_than_five_instead_of_numbers(survey, offices):
    ennepetal, witten, _ = offices
    for _ in range(5):
        answer(survey, witten, [4, None, 2])
    answer(survey, ennepetal, [1, 1, 1])
    rows = list(evaluation.export_rows(evaluation.evaluate(survey.job_centre_id, Q3), Q3))
    assert ("Ennepetal", "3. Quartal 2026", "", "weniger als 5", None) in rows
    assert ("Witten", "3. Quartal 2026", "Antwortbögen", 5, None) in rows
    assert ("Witten", "3. Quartal 2026", "Ich wurde freundlich empfangen.", 5, 4.0) in rows
    assert ("Witten", "3. Quartal 2026", "Meine Fragen wurden verständlich beantwortet.", 5, 2.0) in rows
    assert all(row[2] != "Ich musste nicht lange warten." for row in rows)  # never answered


def test_the_evaluation_reads_with_a_fixed_number_of_queries(survey, offices, django_assert_num_queries):
    for office in offices:
        for _ in range(6):
            answer(survey, office, [3, 4, 5], free_text="Text")
    # offices, responses per office, answers per office and question, the chosen office's free texts
    with django_assert_num_queries(4):
        evaluation.evaluate(survey.job_centre_id, Q3, free_texts_for=offices[0].pk)
