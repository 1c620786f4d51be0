"""The admin checks an office's opening hours against its job centre's standard."""

from datetime import time

import pytest
from django.urls import reverse

from appointments.models import Office, OpeningHoursStandard, WorkingHours
from policies.models import JobCentre

from ..policies.test_admin import form_data
from .factories import make_office, world  # noqa: F401

pytestmark = pytest.mark.django_db


def office_post(centre, hours, *, name="Regionalstelle Witten", tandem_main=None):
    data = {
        "job_centre": centre.pk,
        "name": name,
        "address": "Ruhrstraße 1",
        "room_hint": "",
        "tandem_main": tandem_main.pk if tandem_main else "",
        "opening_hours-TOTAL_FORMS": len(hours),
        "opening_hours-INITIAL_FORMS": 0,
        "opening_hours-MIN_NUM_FORMS": 0,
        "opening_hours-MAX_NUM_FORMS": 1000,
    }
    for n, (day, start, end) in enumerate(hours):
        data.update(
            {f"opening_hours-{n}-weekday": day, f"opening_hours-{n}-start": start, f"opening_hours-{n}-end": end}
        )
    return data


GOOD = [(d, "08:00", "12:30") for d in range(5)] + [(3, "14:00", "18:00")]
NO_FRIDAY = [(d, "08:00", "13:00") for d in range(4)] + [(3, "14:00", "18:00")]


@pytest.fixture
def en(rulesets):
    """JobAgentur EN with the opening-hours standard the fixture brings (003 §2)."""
    return JobCentre.objects.get(slug="jobagentur-en")


def test_the_fixture_brings_jobagentur_ens_opening_hours_standard(en):
    standard = OpeningHoursStandard.objects.get(job_centre=en)
    assert (
        standard.min_weekly_hours,
        standard.every_weekday,
        standard.every_morning,
        standard.late_afternoons,
        standard.tandem_mornings,
    ) == (21.5, True, True, 1, 3)
    assert f"{standard.late_until:%H:%M}" == "17:30"


def test_opening_hours_meeting_the_standard_are_saved(admin_client, en):
    response = admin_client.post(reverse("admin:appointments_office_add"), office_post(en, GOOD))
    assert response.status_code == 302
    assert Office.objects.get(name="Regionalstelle Witten").opening_hours.count() == 6


def test_opening_hours_below_the_standard_are_refused_with_the_reason(admin_client, en):
    response = admin_client.post(reverse("admin:appointments_office_add"), office_post(en, NO_FRIDAY))
    assert response.status_code == 200
    assert "geschlossen: Freitag" in response.text
    assert not Office.objects.exists()


def test_a_tandem_office_may_open_three_mornings(admin_client, en):
    main = make_office(en, "Regionalstelle Ennepetal")
    tandem = [(0, "08:00", "12:00"), (2, "08:00", "12:00"), (3, "08:00", "12:00"), (3, "14:00", "18:00")]
    response = admin_client.post(
        reverse("admin:appointments_office_add"), office_post(en, tandem, name="Breckerfeld", tandem_main=main)
    )
    assert response.status_code == 302
    response = admin_client.post(reverse("admin:appointments_office_add"), office_post(en, tandem, name="Sprockhövel"))
    assert response.status_code == 200 and "geschlossen: Dienstag, Freitag" in response.text


def test_without_a_standard_any_hours_are_saved(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("admin:appointments_office_add"), office_post(world.coburg, [(0, "09:00", "10:00")]))
    assert response.status_code == 302


def test_every_appointments_admin_page_renders(client, world):
    client.force_login(world.admin)
    admin_client = client
    office = make_office(world.coburg)
    for name in ("office", "openinghoursstandard", "workinghours", "appointment"):
        assert admin_client.get(reverse(f"admin:appointments_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:appointments_office_change", args=[office.pk])).status_code == 200


def test_a_stricter_standard_names_the_offices_that_fall_short(admin_client, en):
    make_office(en, "Regionalstelle Hattingen")  # Mon-Fri 8-12, Thu 14-18: 24 h
    standard = OpeningHoursStandard.objects.get(job_centre=en)
    url = reverse("admin:appointments_openinghoursstandard_change", args=[standard.pk])
    data = {
        "job_centre": en.pk,
        "min_weekly_hours": "25",
        "every_weekday": "on",
        "every_morning": "on",
        "morning_until": "10:00",
        "late_afternoons": 1,
        "late_until": "17:30",
        "tandem_mornings": 3,
    }
    response = admin_client.post(url, data, follow=True)
    assert "Diese Regionalstellen erfüllen den Standard nicht: Regionalstelle Hattingen." in response.text
    assert OpeningHoursStandard.objects.get(pk=standard.pk).min_weekly_hours == 25


def test_working_hours_are_edited_on_the_staff_page(client, world):
    from ..caseload.factories import make_staff

    erika = make_staff("erika", world.team_a)
    client.force_login(world.admin)
    url = reverse("admin:caseload_staff_change", args=[erika.pk])
    data = form_data(client.get(url))
    data.update(
        {
            "working_hours-TOTAL_FORMS": "1",
            "working_hours-0-weekday": "0",
            "working_hours-0-start": "07:30",
            "working_hours-0-end": "15:30",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(WorkingHours.objects.filter(staff=erika).values_list("weekday", "start", "end")) == [
        (0, time(7, 30), time(15, 30))
    ]
