"""setup_demo's issue-17 part: the employer service's login and data, JobAgentur EN's survey
and the example rule change, each once (a second run adds nothing)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from caseload import duedates
from caseload.models import Customer, Staff
from employers.models import Employer, JobOffer, PlacementProposal, ReachabilityStandard, ServiceDesk
from employers.reachability import check_service_hours
from survey.evaluation import MIN_GROUP
from survey.models import Kiosk, Response

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(db, settings):
    duedates._policy_cache.clear()
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("setup_demo", stdout=out)
    yield out.getvalue()
    duedates._policy_cache.clear()


def _counts():
    return {
        m._meta.label: m.objects.count()
        for label in ("employers", "survey", "appointments", "caseload", "auth")
        for m in apps.get_app_config(label).get_models()
    }


def test_setup_demo_prints_the_employer_service_login_and_its_start_page_has_something_in_every_list(demo, client):
    assert "demo-arbeitgeber" in demo and "Arbeitgeberservice" in demo
    staff = Staff.objects.get(user__username="demo-arbeitgeber")
    assert staff.role == Staff.EMPLOYER_SERVICE
    client.force_login(staff.user)
    page = client.get("/arbeitgeber/").content.decode()
    assert "Keine offenen AG-S-Aufgaben" not in page
    assert Customer.objects.filter(due_flags__icontains="employer_service_task", closed_on__isnull=True).exists()
    assert Employer.objects.filter(job_centre_id=staff.job_centre_id, contacts__isnull=False).distinct().count() == 3
    assert JobOffer.objects.filter(status=JobOffer.OPEN).exists()
    outcomes = set(PlacementProposal.objects.values_list("outcome", flat=True))
    assert outcomes == {o for o, _ in PlacementProposal.OUTCOMES}
    hired = PlacementProposal.objects.get(outcome=PlacementProposal.HIRED)
    assert hired.customer.closed_on == hired.outcome_on  # the GCfaK case closed with the hire


def test_setup_demo_gives_jobagentur_en_its_reachability_standard_and_one_desk_meets_it(demo):
    standard = ReachabilityStandard.objects.get(job_centre__slug="jobagentur-en")
    results = [
        check_service_hours(
            d.hours.values_list("weekday", "start", "end"), standard.reachable_from, standard.reachable_until
        )
        for d in ServiceDesk.objects.filter(job_centre__slug="jobagentur-en")
    ]
    assert [] in results and any(results)


def test_setup_demo_survey_has_an_office_shown_and_one_below_the_threshold(demo):
    assert Kiosk.objects.filter(office__job_centre__slug="jobagentur-en").exists()
    per_office = {}
    for office, year, quarter in Response.objects.values_list("office__name", "year", "quarter"):
        per_office[(office, year, quarter)] = per_office.get((office, year, quarter), 0) + 1
    assert any(n >= MIN_GROUP for n in per_office.values())
    assert any(n < MIN_GROUP for n in per_office.values())
    assert "/befragung/t/" in demo


def test_setup_demo_twice_adds_nothing(demo, settings):
    before = _counts()
    call_command("setup_demo", stdout=StringIO())
    assert _counts() == before


def test_the_example_rule_change_previews(demo):
    assert "preview_rule_change --rules docs/rule-change-example.json" in demo
    out = StringIO()
    call_command("preview_rule_change", rules=str(ROOT / "docs/rule-change-example.json"), json="-", stdout=out)
    text = out.getvalue()
    report = json.loads(text[text.index("{") :])
    assert report["total"]["earlier"] > 0 and report["total"]["later"] == 0
