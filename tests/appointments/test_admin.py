"""The admin checks an office's opening hours against its job centre's standard."""

from datetime import time

import pytest
from django.urls import reverse

from appointments.models import Office, OpeningHoursStandard
from policies.models import JobCentre

from .factories import make_office, world  # noqa: F401

pytestmark = pytest.mark.django_db


def office_post(centre, hours, *, name="Regionalstelle Witten", tandem_main=None):
    data = {"job_centre": centre.pk, "name": name, "address": "Ruhrstraße 1", "room_hint": "",
            "tandem_main": tandem_main.pk if tandem_main else "",
            "opening_hours-TOTAL_FORMS": len(hours), "opening_hours-INITIAL_FORMS": 0,
            "opening_hours-MIN_NUM_FORMS": 0, "opening_hours-MAX_NUM_FORMS": 1000}
    for n, (day, start, end) in enumerate(hours):
        data.update({f"opening_hours-{n}-weekday": day, f"opening_hours-{n}-start": start,
                     f"opening_hours-{n}-end": end})
    return data


GOOD = [(d, "08:00", "12:30") for d in range(5)] + [(3, "14:00", "18:00")]
NO_FRIDAY = [(d, "08:00", "13:00") for d in range(4)] + [(3, "14:00", "18:00")]


@pytest.fixture
def en(rulesets):
    centre = JobCentre.objects.get(slug="jobagentur-en")
    OpeningHoursStandard.objects.create(job_centre=centre, min_weekly_hours="21.5", every_weekday=True,
                                        every_morning=True, late_afternoons=1)
    return centre


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
    response = admin_client.post(reverse("admin:appointments_office_add"),
                                 office_post(en, tandem, name="Breckerfeld", tandem_main=main))
    assert response.status_code == 302
    response = admin_client.post(reverse("admin:appointments_office_add"),
                                 office_post(en, tandem, name="Sprockhövel"))
    assert response.status_code == 200 and "geschlossen: Dienstag, Freitag" in response.text


def test_without_a_standard_any_hours_are_saved(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("admin:appointments_office_add"),
                                 office_post(world.coburg, [(0, "09:00", "10:00")]))
    assert response.status_code == 302


def test_every_appointments_admin_page_renders(client, world):
    client.force_login(world.admin)
    admin_client = client
    office = make_office(world.coburg)
    for name in ("office", "openinghoursstandard", "workinghours", "appointment"):
        assert admin_client.get(reverse(f"admin:appointments_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:appointments_office_change", args=[office.pk])).status_code == 200
