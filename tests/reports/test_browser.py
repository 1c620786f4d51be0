"""A team lead opens the monthly report in a real browser and downloads it as Excel."""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from caseload.models import ContactNote, Staff, Team
from policies.models import JobCentre

from ..caseload.factories import make_customer, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team_lead(live_server):
    call_command("loaddata", "rulesets", verbosity=0)
    team = Team.objects.create(job_centre=JobCentre.objects.get(slug="coburg-land"), name="Team Markt 1")
    lead = make_staff("tl-markt", team, Staff.TEAM_LEAD)
    lead.user.set_password("Bericht-2026!")
    lead.user.save()
    worker = make_staff("erika", team)
    first = timezone.localdate().replace(day=1) - relativedelta(months=1)
    for held in (True, True, False):  # due on the 1st of last month: two held that day, one not
        customer = make_customer(team, caseworker=worker, registered_on=first - relativedelta(months=2))
        if held:
            ContactNote.objects.create(
                job_centre_id=team.job_centre_id,
                customer=customer,
                date=first,
                channel="in_person",
                caseworker=worker.user,
                summary="Gespräch",
            )
    return lead


def test_the_team_lead_opens_the_report_and_downloads_the_xlsx(team_lead, live_server, page, login, tmp_path):
    login("tl-markt", "Bericht-2026!")
    page.get_by_role("link", name="Berichte").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Monatsbericht").is_visible()
    assert page.locator("svg.bars-on-time").is_visible()
    assert page.locator("svg.trend").is_visible()
    team_row = page.locator("table.report tbody tr.team-row")
    assert team_row.locator("th").inner_text().strip() == "Team Markt 1"
    assert [c.strip() for c in team_row.locator("td").all_inner_texts()[:6]] == ["3", "3", "2", "0", "1", "67 %"]

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames == ["Bericht", "Verlauf", "Regeln"]
    rows = list(book["Bericht"].iter_rows(values_only=True))
    assert rows[4][:7] == ("Team Markt 1", 3, 3, 2, 0, 1, pytest.approx(2 / 3))
