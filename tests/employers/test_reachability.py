"""The employer service's reachability standard (JobAgentur EN: Monday to Friday, 8 to 17 by
phone): a pure function, and the admin that refuses hours breaking it."""

from datetime import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from employers.models import ReachabilityStandard, ServiceDesk, ServiceHours
from employers.reachability import check_service_hours, gaps, hours_lines

from .factories import world  # noqa: F401

EIGHT, FIVE = time(8), time(17)


def test_full_days_meet_the_standard():
    assert check_service_hours([(d, EIGHT, FIVE) for d in range(5)], EIGHT, FIVE) == []


def test_spans_that_meet_count_together_and_a_lunch_gap_does_not():
    assert gaps([(time(12), FIVE), (EIGHT, time(12))], EIGHT, FIVE) == []
    assert gaps([(EIGHT, time(12)), (time(13), FIVE)], EIGHT, FIVE) == [(time(12), time(13))]


def test_each_short_weekday_is_named_with_its_gap():
    hours = [(d, EIGHT, FIVE) for d in range(4)] + [(4, time(9), time(15)), (5, EIGHT, time(12))]
    assert check_service_hours(hours, EIGHT, FIVE) == ["Freitag: nicht erreichbar 08:00–09:00 Uhr, 15:00–17:00 Uhr."]
    assert check_service_hours([], EIGHT, FIVE)[0] == "Montag: nicht erreichbar."


def test_hours_lines_read_by_weekday():
    assert hours_lines([(1, time(13), FIVE), (1, EIGHT, time(12)), (0, EIGHT, FIVE)]) == [
        "Montag: 08:00–17:00",
        "Dienstag: 08:00–12:00, 13:00–17:00",
    ]


def test_the_admin_refuses_hours_that_break_the_standard(client, world):
    ReachabilityStandard.objects.create(job_centre=world.coburg)
    client.force_login(world.admin)
    data = {
        "job_centre": world.coburg.pk,
        "name": "Arbeitgeberservice",
        "phone": "09561 1",
        "email": "",
        "office": "",
        "hours-TOTAL_FORMS": 5,
        "hours-INITIAL_FORMS": 0,
        "hours-MIN_NUM_FORMS": 0,
        "hours-MAX_NUM_FORMS": 1000,
    }
    for d in range(5):
        data.update({f"hours-{d}-weekday": d, f"hours-{d}-start": "08:00", f"hours-{d}-end": "16:00"})
    response = client.post(reverse("admin:employers_servicedesk_add"), data)
    assert response.status_code == 200
    assert "erfüllt den Standard des Jobcenters nicht" in response.content.decode()
    assert not ServiceDesk.objects.exists()
    for d in range(5):
        data[f"hours-{d}-end"] = "17:00"
    assert client.post(reverse("admin:employers_servicedesk_add"), data).status_code == 302
    assert ServiceHours.objects.count() == 5


@pytest.mark.django_db
def test_jobagentur_en_ships_its_standard_monday_to_friday_8_to_17_with_the_rule_sets():
    call_command("loaddata", "rulesets", verbosity=0)
    standard = ReachabilityStandard.objects.get(job_centre__slug="jobagentur-en")
    assert (standard.reachable_from, standard.reachable_until) == (time(8), time(17))
    assert ReachabilityStandard.objects.count() == 1  # the other seeds set none


@pytest.mark.django_db
def test_a_database_loaded_before_the_standard_shipped_gets_it_and_an_admins_own_is_kept():
    from importlib import import_module

    from django.apps import apps

    add_standard = import_module("employers.migrations.0002_en_reachability_standard").add_standard
    call_command("loaddata", "rulesets", verbosity=0)
    ReachabilityStandard.objects.all().delete()  # as loaded before the standard shipped
    add_standard(apps, None)
    standard = ReachabilityStandard.objects.get(job_centre__slug="jobagentur-en")
    assert (standard.reachable_from, standard.reachable_until) == (EIGHT, FIVE)
    standard.reachable_until = time(18)
    standard.save()
    add_standard(apps, None)
    assert ReachabilityStandard.objects.get().reachable_until == time(18)
