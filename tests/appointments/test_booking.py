"""The booking page under the rule set in force: what it offers, suggests and preselects, what
it refuses (beside the field, nothing saved), and its warnings before saving."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import scheduling
from appointments.models import Appointment
from appointments.slots import BERLIN
from caseload.models import Customer
from policies.calendar import WorkingCalendar
from policies.models import RuleSet

from .factories import (  # noqa: F401
    at,
    give_working_hours,
    make_office,
    next_weekday,
    overdue_customer,
    world,
)

DAY = next_weekday(1, timezone.localdate() + timedelta(days=14))  # a Tuesday two weeks ahead or more


def text(response):
    return response.content.decode()


def radios(page, name):
    """[(value, checked, label)] of the radio buttons `name`."""
    found = re.findall(rf'<input type="radio" name="{name}" value="([^"]+)"[^>]*?( checked)?>\s*([^<]*)</label>', page)
    return [(value, bool(checked), label.strip()) for value, checked, label in found]


def suggested(page):
    return [(datetime.fromisoformat(v), checked, label) for v, checked, label in radios(page, "slot") if v != "manuell"]


def field_error(page, field):
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error"><li>(.*?)</li>', page)
    return match and match.group(1)


@pytest.fixture
def coburg(world, client):
    """alice (Coburg Land) works Mon-Fri 7:30-15:30; the office opens Mon-Fri 8-12, Thu 14-18."""
    give_working_hours(world.alice, start=time(7, 30), end=time(15, 30))
    office = make_office(world.coburg)
    customer = overdue_customer(world.team_a, world.alice)
    client.force_login(world.alice.user)
    return world, office, customer, reverse("appointments:book", args=[customer.pk])


@pytest.fixture
def weimar(world, client):
    """dave (Weimarer Land, appointments may lie outside opening hours) works Mon-Fri 7-16."""
    give_working_hours(world.dave, start=time(7), end=time(16))
    office = make_office(world.weimar, "Regionalstelle Apolda")
    customer = overdue_customer(world.weimar_team, world.dave)
    client.force_login(world.dave.user)
    return world, office, customer, reverse("appointments:book", args=[customer.pk])


# --- Bookable channels ---------------------------------------------------------------------------


def test_coburg_offers_no_phone_or_video_and_says_why(client, coburg):
    world, office, customer, url = coburg
    page = text(client.get(url))
    assert [v for v, _, _ in radios(page, "mode")] == ["office", "field"]
    assert scheduling.not_bookable_hint(
        {"phone": "telefonisch", "video": "per Video"}, ["in_person", "group"]
    ) in page.replace("&quot;", '"')


def test_a_crafted_phone_appointment_in_coburg_is_refused_beside_the_field(client, coburg):
    world, office, customer, url = coburg
    response = client.post(url, {"day": f"{DAY:%Y-%m-%d}", "time": "09:00", "kind": "follow_up", "mode": "phone"})
    assert response.status_code == 400
    assert field_error(text(response), "mode") == scheduling.not_bookable("phone", ["in_person", "group"])
    assert not Appointment.objects.exists()


def test_group_information_in_coburg_is_offered_as_not_counting(client, coburg):
    world, office, customer, url = coburg
    page = text(client.get(url))
    assert ("group", False, "Gruppeninformation – zählt nicht als qualifizierter Kontakt") in radios(page, "kind")
    assert ("office", True, "in der Regionalstelle") in radios(page, "mode")
    assert (
        "Nach dem Kontaktdichtekonzept zählt eine Gruppeninformation nicht als qualifizierter Kontakt: der "
        "fällige Kontakt bleibt offen."
    ) in page


def test_weimar_offers_video_but_says_it_does_not_count(client, weimar):
    world, office, customer, url = weimar
    page = text(client.get(url))
    assert [label for _, _, label in radios(page, "mode")] == [
        "in der Regionalstelle",
        "Außendienst (beim Kunden)",
        "telefonisch",
        "per Video – zählt nicht als qualifizierter Kontakt",
    ]
    assert "zählt ein Videogespräch nicht als qualifizierter Kontakt" in page
    assert "stehen deshalb nicht zur Wahl" not in page and "steht deshalb nicht zur Wahl" not in page


# --- Office appointments within opening hours ----------------------------------------------------


def test_coburg_suggests_office_appointments_only_within_opening_hours(client, coburg):
    world, office, customer, url = coburg
    slots = suggested(text(client.get(url)))
    assert len(slots) == 6 and slots[0][1]  # the first one is preselected
    for start, _checked, label in slots:
        local = start.astimezone(BERLIN)
        begins, ends = local.time(), (local + timedelta(minutes=60)).time()  # a first appointment
        assert (time(8) <= begins and ends <= time(12)) or (local.weekday() == 3 and time(14) <= begins), local
        assert "außerhalb" not in label


def test_coburg_refuses_a_manual_office_time_outside_opening_hours_beside_the_time(client, coburg):
    world, office, customer, url = coburg
    response = client.post(
        url, {"day": f"{DAY:%Y-%m-%d}", "time": "13:00", "kind": "follow_up", "mode": "office", "office": office.pk}
    )
    assert response.status_code == 400
    assert field_error(text(response), "time") == scheduling.outside_opening_hours(
        "Regionalstelle Rödental", 1, {1: [(time(8), time(12))]}
    )
    assert not Appointment.objects.exists()
    response = client.post(
        url, {"day": f"{DAY:%Y-%m-%d}", "time": "13:00", "kind": "follow_up", "mode": "field", "office": office.pk}
    )
    assert response.status_code == 302  # a field visit is not bound to them
    assert Appointment.objects.get().mode == Appointment.FIELD


def test_coburg_suggests_nothing_at_an_office_without_opening_hours_and_says_so(client, coburg):
    world, office, customer, url = coburg
    bare = make_office(world.coburg, "Außenstelle ohne Zeiten", hours=[])
    page = text(client.get(url + f"?art=office&stelle={bare.pk}"))
    assert suggested(page) == []
    assert scheduling.no_opening_hours("Außenstelle ohne Zeiten") in page
    response = client.post(
        url + f"?art=office&stelle={bare.pk}",
        {"day": f"{DAY:%Y-%m-%d}", "time": "09:00", "kind": "follow_up", "mode": "office", "office": bare.pk},
    )
    assert response.status_code == 400 and field_error(text(response), "office") == scheduling.no_opening_hours(
        "Außenstelle ohne Zeiten"
    )


def test_a_slot_outside_opening_hours_is_never_preselected(client, weimar):
    world, office, customer, url = weimar
    # Due in a window that opens on DAY: the suggestions start at 7:00 that day, before the
    # office opens, whatever the time of day the test runs (from now on, they would not).
    Customer.objects.filter(pk=customer.pk).update(window_opens=DAY, due_by=DAY + timedelta(days=14))
    slots = suggested(text(client.get(url)))
    assert slots[0][0].astimezone(BERLIN).date() == DAY
    outside = [s for s in slots if "außerhalb der Öffnungszeiten" in s[2]]
    assert outside and not any(checked for _, checked, _ in outside)
    [checked] = [s for s in slots if s[1]]
    assert "außerhalb" not in checked[2]
    assert checked == next(s for s in slots if "außerhalb" not in s[2])  # the first one inside


def test_no_slot_is_preselected_when_none_lies_within_opening_hours(client, weimar):
    world, office, customer, url = weimar
    office.opening_hours.update(start=time(18), end=time(19))  # after dave's working hours
    slots = suggested(text(client.get(url)))
    assert slots and not any(checked for _, checked, _ in slots)


# --- Field visits --------------------------------------------------------------------------------


def test_field_visit_suggestions_come_in_the_afternoon_first(client, coburg):
    world, office, customer, url = coburg
    page = text(client.get(url))
    assert '<a href="?art=field">Außendienst</a>' in page
    page = text(client.get(url + "?art=field"))
    slots = suggested(page)
    assert slots and all(start.astimezone(BERLIN).time() >= time(12) for start, _, _ in slots)
    assert slots[0][1]  # preselected: a field visit is not bound to opening hours
    assert ("field", True, "Außendienst (beim Kunden)") in radios(page, "mode")
    assert '<a href="?art=field" aria-current="true">Außendienst</a>' in page


@pytest.mark.parametrize("query", ["", "?art=office&stelle={office}", "?art=field"])
def test_the_booking_page_runs_a_fixed_number_of_queries_for_every_mode(
    client, coburg, query, django_assert_num_queries
):
    world, office, customer, url = coburg
    # 1 session, 2 user, 3 staff, 4 customer, 5 rule set, 6 offices, 7 their opening hours,
    # 8 busy (appointments and group sessions), 9 working hours, 10 closing days, 11 the
    # customer's appointments, 12 the team's group sessions with free places
    with django_assert_num_queries(12):
        response = client.get(url + query.format(office=office.pk))
    assert len(suggested(text(response))) == 6


@pytest.mark.parametrize("query", ["?art=telefon", "?art=phone", "?art=office&stelle=999999"])
def test_suggestions_for_an_unknown_or_unbookable_mode_are_a_404(client, coburg, query):
    world, office, customer, url = coburg
    assert client.get(url + query).status_code == 404


# --- The invitation letter's lead time -----------------------------------------------------------


def test_slots_too_soon_for_a_letter_are_marked_and_the_page_says_why(client, coburg):
    world, office, customer, url = coburg
    days = sorted({start.date() for start, _, _ in suggested(text(client.get(url)))})
    assert len(days) >= 2
    # The lead ends on the second day suggested: the first day's slots come too soon.
    lead = WorkingCalendar("BY").working_days_between(timezone.localdate(), days[1])
    RuleSet.objects.filter(job_centre=world.coburg).update(invitation_lead_working_days=lead)
    page = text(client.get(url))
    marked = [
        (start.date(), "zu kurzfristig für eine Einladung per Brief" in label) for start, _, label in suggested(page)
    ]
    assert marked and all(late == (day < days[1]) for day, late in marked)
    assert {late for _, late in marked} == {True, False}
    assert f"für einen Termin vor dem {days[1]:%d.%m.%Y} kommt sie nicht rechtzeitig an" in page


def test_a_manual_time_too_soon_for_a_letter_is_warned_and_booked(client, coburg):
    world, office, customer, url = coburg
    RuleSet.objects.filter(job_centre=world.coburg).update(invitation_lead_working_days=30)
    response = client.post(
        url, {"day": f"{DAY:%Y-%m-%d}", "time": "13:00", "kind": "follow_up", "mode": "office", "office": office.pk}
    )
    assert response.status_code == 400 and scheduling.LETTER_TOO_LATE in text(response)  # beside the error
    response = client.post(
        url,
        {"day": f"{DAY:%Y-%m-%d}", "time": "09:00", "kind": "follow_up", "mode": "office", "office": office.pk},
        follow=True,
    )
    assert scheduling.LETTER_TOO_LATE in text(response)  # the success message says it again
    assert Appointment.objects.get().start == at(DAY, 9)


def test_a_time_far_enough_ahead_books_without_a_letter_warning(client, coburg):
    world, office, customer, url = coburg
    response = client.post(
        url,
        {"day": f"{DAY:%Y-%m-%d}", "time": "09:00", "kind": "follow_up", "mode": "office", "office": office.pk},
        follow=True,
    )
    assert "Termin am" in text(response) and scheduling.LETTER_TOO_LATE not in text(response)
