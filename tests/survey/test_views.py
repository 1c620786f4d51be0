"""The survey over HTTP: the tablet without a sign-in that only takes answers and keeps nothing
that points to a person, paper forms and the evaluation behind their permissions, exports."""

import csv
import io
import logging

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import Event
from reports.gcfak import quarter_of
from survey.models import Answer, Kiosk, Response

from .factories import answer, en, en_staff, kiosk, make_user, offices, survey, with_permission, world  # noqa: F401

VISITOR_ADDRESS = "203.0.113.77"


def _post_kiosk(client, kiosk, survey, values, free_text=""):
    data = {f"q{q.pk}": v for q, v in zip(survey.questions.order_by("position"), values) if v is not None}
    if free_text:
        data["free_text"] = free_text
    return client.post(reverse("survey:kiosk", args=[kiosk.token]), data, REMOTE_ADDR=VISITOR_ADDRESS)


def test_the_tablet_takes_answers_without_a_sign_in(client, survey, kiosk):
    page = client.get(reverse("survey:kiosk", args=[kiosk.token]))
    assert page.status_code == 200
    assert "Ich wurde freundlich empfangen." in page.content.decode()
    response = _post_kiosk(client, kiosk, survey, [5, 4, None], "Alles prima")
    assert response.url == reverse("survey:thanks", args=[kiosk.token])
    stored = Response.objects.get()
    quarter = quarter_of(timezone.localdate())
    assert (stored.office_id, stored.year, stored.quarter, stored.source) == (
        kiosk.office_id,
        quarter.year,
        quarter.number,
        Response.KIOSK,
    )
    assert sorted(Answer.objects.values_list("value", flat=True)) == [4, 5]
    assert "Neue Befragung beginnen" in client.get(response.url).content.decode()


def test_the_tablet_keeps_no_address_no_session_no_log_line_and_no_audit_event(client, survey, kiosk, caplog):
    events = Event.objects.count()
    with caplog.at_level(logging.DEBUG):
        client.get(reverse("survey:kiosk", args=[kiosk.token]), REMOTE_ADDR=VISITOR_ADDRESS)
        _post_kiosk(client, kiosk, survey, [3, 3, 3], "Text")
    assert VISITOR_ADDRESS not in caplog.text
    assert not any("survey" in record.name for record in caplog.records)
    assert "sessionid" not in client.cookies
    assert Event.objects.count() == events
    stored = Response.objects.values().get()
    assert VISITOR_ADDRESS not in str(stored)
    assert set(stored) == {"id", "job_centre_id", "survey_id", "office_id", "year", "quarter", "source", "free_text"}


def test_the_survey_tables_have_no_column_that_points_to_a_person_or_a_moment():
    for model in (Response, Answer):
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"customer", "user", "ip", "address", "created_at", "date", "answered_on"}, model


def test_an_unknown_or_inactive_tablet_address_is_a_404(client, survey, kiosk):
    assert client.get(reverse("survey:kiosk", args=["falsch"])).status_code == 404
    Kiosk.objects.filter(pk=kiosk.pk).update(active=False)
    assert client.get(reverse("survey:kiosk", args=[kiosk.token])).status_code == 404


def test_an_empty_questionnaire_is_not_stored(client, survey, kiosk):
    response = _post_kiosk(client, kiosk, survey, [None, None, None])
    assert response.status_code == 400
    assert "mindestens eine Frage" in response.content.decode()
    assert not Response.objects.exists()


def test_without_an_active_survey_the_tablet_says_so(client, survey, kiosk):
    survey.active = False
    survey.save()
    assert "Zurzeit keine Befragung" in client.get(reverse("survey:kiosk", args=[kiosk.token])).content.decode()


def test_paper_forms_need_the_permission_and_are_typed_in_for_a_quarter(client, en, survey, offices):
    staff = en_staff(en)
    client.force_login(staff.user)
    assert client.get(reverse("survey:entry")).status_code == 403
    with_permission(staff.user, "add_response")
    quarter = quarter_of(timezone.localdate())
    questions = list(survey.questions.order_by("position"))
    response = client.post(
        reverse("survey:entry"),
        {"office": offices[1].pk, "quarter": quarter.param, f"q{questions[0].pk}": 2, "free_text": "Papier"},
    )
    assert response.status_code == 302
    stored = Response.objects.get()
    assert (stored.office_id, stored.source, stored.free_text) == (offices[1].pk, Response.PAPER, "Papier")


def test_the_evaluation_needs_its_permission_and_shows_the_own_job_centre(client, world, en, survey, offices):
    staff = en_staff(en)
    client.force_login(staff.user)
    assert client.get(reverse("survey:results")).status_code == 403
    with_permission(staff.user, "view_results")
    assert client.get(reverse("survey:results"), {"jobcenter": world.coburg.pk}).status_code == 404
    assert client.get(reverse("survey:results")).status_code == 200


def test_the_evaluation_page_shows_the_chart_for_a_shown_group_only(client, en, survey, offices):
    quarter = quarter_of(timezone.localdate())
    for _ in range(5):
        answer(survey, offices[1], [4, 5, 3], year=quarter.year, quarter=quarter.number)
    answer(survey, offices[0], [1, 1, 1], free_text="Nur eine Person", year=quarter.year, quarter=quarter.number)
    client.force_login(en_staff(en, codename="view_results").user)
    page = client.get(reverse("survey:results"), {"stelle": offices[1].pk}).content.decode()
    assert page.count("<svg") == 2 and "4,0" in page  # the offices side by side, and the office's questions
    page = client.get(reverse("survey:results"), {"stelle": offices[0].pk}).content.decode()
    assert page.count("<svg") == 1 and "Nur eine Person" not in page  # the offices only
    assert "weniger als 5" in page and "1,0" not in page  # the hidden office: a row without a bar


def test_the_offices_chart_needs_one_shown_office_and_draws_no_bar_for_a_hidden_one(client, en, survey, offices):
    quarter = quarter_of(timezone.localdate())
    client.force_login(en_staff(en, codename="view_results").user)
    for _ in range(4):
        answer(survey, offices[0], [2, 2, 2], year=quarter.year, quarter=quarter.number)
    assert "<svg" not in client.get(reverse("survey:results")).content.decode()
    for _ in range(5):
        answer(survey, offices[1], [5, 5, 5], year=quarter.year, quarter=quarter.number)
    page = client.get(reverse("survey:results")).content.decode()
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert chart.count("<rect") == 1 and "5,0" in chart and "2,0" not in chart
    assert "<script" not in page.split("</header>")[-1] and "cdn" not in chart.lower()


def test_exports_are_formula_safe_audited_and_keep_free_texts_apart(client, en, survey, offices):
    quarter = quarter_of(timezone.localdate())
    for text in ("=HYPERLINK(1)", "Gut", "", "", ""):
        answer(survey, offices[1], [4, 4, 4], free_text=text, year=quarter.year, quarter=quarter.number)
    user = en_staff(en, codename="view_results").user
    client.force_login(user)
    body = client.get(reverse("survey:results"), {"export": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == ["Regionalstelle", "Quartal", "Frage", "Antworten", "Durchschnitt (1–5)"]
    assert ["Witten", quarter.label, "Ich wurde freundlich empfangen.", "5", "4,00"] in rows
    assert ["Ennepetal", quarter.label, "", "weniger als 5", ""] in rows
    assert "HYPERLINK" not in body  # free texts are not in the figures' export
    texts = client.get(reverse("survey:results"), {"export": "freitext-csv"}).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(texts), delimiter=";"))[1:] == [
        ["Witten", quarter.label, "'=HYPERLINK(1)"],
        ["Witten", quarter.label, "Gut"],
    ]
    workbook = load_workbook(io.BytesIO(client.get(reverse("survey:results"), {"export": "freitext-xlsx"}).content))
    [cell] = [c for row in workbook.active.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cell.data_type == "s"  # text, never a formula
    assert Event.objects.filter(action=Event.EXPORTED, user_id=user.pk, what="survey.csv").exists()


def test_an_admin_without_a_staff_profile_reads_every_job_centre(client, world, en, survey):
    client.force_login(world.admin)
    assert client.get(reverse("survey:results"), {"jobcenter": world.coburg.pk}).status_code == 200
    assert client.get(reverse("survey:results"), {"jobcenter": en.pk}).status_code == 200
