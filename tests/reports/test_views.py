"""The report pages: who may open them, what they show, their files, their queries.

`today` is the real date here; the report month is the previous month, so the customers below
are built relative to it: each is registered two months before the month starts (Coburg 2MM
from registration: due on the first of the month) and seen in person on the 1st (on time) or
not at all (overdue at month end).
"""

import csv
import io
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from caseload.models import ContactNote
from reports.figures import COLUMNS

from ..caseload.factories import make_customer, world  # noqa: F401

MONTHLY = reverse("report_monthly")
CAPACITY = reverse("report_capacity")
GCFAK = reverse("report_gcfak")
PAGES = [MONTHLY, CAPACITY, GCFAK]


def month_start():
    return timezone.localdate().replace(day=1) - relativedelta(months=1)


def text(response):
    return response.content.decode()


def seen(customer, day):
    ContactNote.objects.create(
        job_centre_id=customer.job_centre_id,
        customer=customer,
        date=day,
        channel="in_person",
        caseworker=customer.caseworker.user,
        summary="Gespräch",
    )


def due_on_the_first(team, caseworker, *, held: bool):
    first = month_start()
    customer = make_customer(team, caseworker=caseworker, registered_on=first - relativedelta(months=2))
    if held:
        seen(customer, first)
    return customer


# --- Who may open what ----------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_the_login(client, world):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("persona", ["alice", "charlie", "dave"])
def test_caseworkers_get_a_403_that_says_why(client, world, persona):
    client.force_login(getattr(world, persona).user)
    for url in PAGES + [MONTHLY + "?export=xlsx", GCFAK + "?export=xlsx"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Teamleitungen" in text(response)


def test_a_user_without_staff_profile_or_admin_rights_gets_a_403(client, world, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get(MONTHLY).status_code == 403


def test_a_team_lead_reads_their_own_team_by_default(client, world):
    client.force_login(world.bob.user)
    response = client.get(MONTHLY)
    assert response.status_code == 200
    assert "Monatsbericht" in text(response) and "Team A" in text(response)
    assert "Team B" not in text(response)  # not even in the picker


@pytest.mark.parametrize("team", ["team_b", "weimar_team"])
def test_a_team_lead_gets_a_404_for_another_team(client, world, team):
    client.force_login(world.bob.user)
    for url in (MONTHLY, CAPACITY):
        assert client.get(f"{url}?team={getattr(world, team).pk}").status_code == 404
    assert client.get(f"{MONTHLY}?team=abc").status_code == 404


def test_a_team_lead_whose_team_is_of_another_job_centre_reads_no_report(client, world):
    # A profile an admin got wrong: the team belongs to another job centre than the person.
    world.bob.team = world.weimar_team
    world.bob.save()
    client.force_login(world.bob.user)
    for url in (MONTHLY, CAPACITY):
        assert client.get(url).status_code == 404
        assert client.get(f"{url}?team={world.weimar_team.pk}").status_code == 404


def test_an_admin_reads_every_team(client, world):
    client.force_login(world.admin)
    for team in (world.team_a, world.team_b, world.weimar_team):
        response = client.get(f"{MONTHLY}?team={team.pk}")
        assert response.status_code == 200
        assert f'<option value="{team.pk}" selected>' in text(response)
    assert client.get(f"{CAPACITY}?team={world.weimar_team.pk}").status_code == 200


def test_the_nav_shows_berichte_to_team_leads_and_admins_only(client, world):
    link = f'href="{MONTHLY}"'
    client.force_login(world.alice.user)
    assert link not in text(client.get(reverse("worklist")))
    client.force_login(world.bob.user)
    assert link in text(client.get(reverse("worklist")))
    client.force_login(world.admin)
    assert link in text(client.get(reverse("home")))


# --- The monthly report page -----------------------------------------------------------------------


def test_the_page_shows_the_figures_and_the_charts(client, world):
    due_on_the_first(world.team_a, world.alice, held=True)
    due_on_the_first(world.team_a, world.alice, held=False)
    client.force_login(world.bob.user)
    page = text(client.get(MONTHLY))
    alice_row = re.search(r"<tr><th scope=\"row\">Alice Fachkraft</th>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", alice_row)
    # Bestand, fällig, rechtzeitig, verspätet, überfällig am Monatsende, Quote
    assert cells[:6] == ["2", "2", "1", "0", "1", "50 %"]
    assert page.count("<svg") == 3  # on-time bars, consultation share bars, 12-month trend
    assert "Alice Fachkraft: 50 %" in page  # the bar's accessible text
    assert "report-print.css" in page and 'media="print"' in page
    # Nothing loaded from another host (no CDN). Not a search for "cdn" in the page: the CSRF
    # token is random text and once contained it.
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)


def test_the_month_picker_rejects_future_months_and_nonsense(client, world):
    client.force_login(world.bob.user)
    future = (timezone.localdate() + relativedelta(months=2)).strftime("%Y-%m")
    response = client.get(f"{MONTHLY}?monat={future}")
    assert response.status_code == 400 and "künftigen Monat" in text(response)
    response = client.get(f"{MONTHLY}?monat=März")
    assert response.status_code == 400 and "JJJJ-MM" in text(response)


def test_the_page_reads_the_month_asked_for(client, world):
    client.force_login(world.bob.user)
    response = client.get(f"{MONTHLY}?monat=2025-02")
    assert response.status_code == 200
    assert 'value="2025-02"' in text(response)
    assert "Stand 28.02.2025" in text(response)


# --- Files ------------------------------------------------------------------------------------------


def test_the_csv_has_the_columns_of_the_page_and_no_customer_data(client, world):
    customer = due_on_the_first(world.team_a, world.alice, held=True)
    client.force_login(world.bob.user)
    response = client.get(MONTHLY + "?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Fachkraft" and rows[0][6] == "Quote rechtzeitig (%)"
    assert len(rows[0]) == len(COLUMNS)
    assert rows[1][:7] == ["Team A", "1", "1", "1", "0", "0", "100,0"]
    assert rows[2][0] == "Alice Fachkraft"
    assert (rows[0][-1], rows[1][-1], rows[2][-1]) == ("unterminierte Vorsprachen", "0", "0")
    body = response.content.decode("utf-8-sig")
    assert customer.last_name not in body and customer.number not in body


def test_the_xlsx_has_report_trend_and_rules(client, world):
    due_on_the_first(world.team_a, world.alice, held=False)
    client.force_login(world.bob.user)
    response = client.get(MONTHLY + "?export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Bericht", "Verlauf", "Regeln"]
    rows = list(book["Bericht"].iter_rows(values_only=True))
    assert rows[0][0].startswith("Monatsbericht Team A")
    header = rows[3]
    assert list(header) == [c.label + (" (%)" if c.kind == "pct" else "") for c in COLUMNS]
    team = rows[4]
    assert team[:7] == ("Team A", 1, 1, 0, 0, 1, 0)
    trend = list(book["Verlauf"].iter_rows(values_only=True))
    assert len(trend) == 13 and trend[-1][1] == 1
    assert list(book["Regeln"].iter_rows(values_only=True))[1] == ("Ü25, arbeitslos, marktnah", "2MM", 1)


def test_an_unknown_export_format_is_a_404(client, world):
    client.force_login(world.bob.user)
    assert client.get(MONTHLY + "?export=pdf").status_code == 404


# --- Queries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_the_monthly_report_runs_a_fixed_number_of_queries(client, world, size, django_assert_num_queries):
    for n in range(size):
        due_on_the_first(world.team_a, world.alice, held=n % 2 == 0)
    client.force_login(world.bob.user)
    client.get(MONTHLY)  # warms the per-process policy cache
    # 1 session, 2 user, 3 staff (+team, job centre: the team lead's readable team), 4-5 the
    # all-reports permission (the user's, their groups'), 6 the team's staff, 7-8 stored
    # figures per month and the customers they should cover (none stored: replayed), 9
    # customers, 10 measures, 11 suspensions, 12 contact notes, 13-17 consultation share (rule
    # sets of the month, working hours, closing days, absences, attended minutes), 18 missed
    # appointments, 19 walk-ins.
    with django_assert_num_queries(19):
        replayed = client.get(MONTHLY)
    assert replayed.status_code == 200
    call_command("store_report_figures", months=13)
    # Stored: 7-8 as before, 9 the month by caseworker and rule; then as before, but the
    # walk-ins stored beside the month's figures.
    with django_assert_num_queries(16):
        response = client.get(MONTHLY)
    assert response.status_code == 200
    assert response.context["report"].rows[0].values() == replayed.context["report"].rows[0].values()


@pytest.mark.parametrize("size", [2, 12])
def test_the_capacity_page_runs_a_fixed_number_of_queries(client, world, size, django_assert_num_queries):
    for _n in range(size):
        due_on_the_first(world.team_a, world.alice, held=False)
    client.force_login(world.bob.user)
    client.get(CAPACITY)
    # 1 session, 2 user, 3 staff (+team, job centre: the team lead's readable team), 4-5 the
    # all-reports permission (user's, groups'), 6 rule sets of the 12 weeks, 7 the team's
    # staff, 8 their working hours, 9 closing days, 10 absences, 11 customers.
    with django_assert_num_queries(11):
        response = client.get(CAPACITY)
    assert response.status_code == 200


def test_an_admin_exports_any_teams_report(client, world):
    due_on_the_first(world.team_b, world.charlie, held=True)
    client.force_login(world.admin)
    response = client.get(f"{MONTHLY}?team={world.team_b.pk}&export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["Team B", "Charlie Fachkraft"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="monatsbericht-team-{world.team_b.pk}-{month_start():%Y-%m}.csv"'
    )
