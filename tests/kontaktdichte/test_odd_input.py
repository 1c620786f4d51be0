"""Odd input gives a German 400 (or a message beside the field), never a 500: dates at the ends
of the calendar, a time that does not exist because the clocks go forward, implausible facts."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from ..appointments.factories import make_office
from ..caseload.factories import make_customer, world  # noqa: F401


@pytest.mark.parametrize(
    "url",
    [
        "/termine/?tag=0001-01-01",
        "/termine/?tag=9999-12-31",
        "/termine/woche/?woche=9999-12-31",
        "/termine/woche/?woche=0001-01-01",
        "/termine/anteil/?monat=0001-01",
        "/termine/anteil/?monat=9999-12",
        "/termine/abwesenheiten/?monat=9999-12",
    ],
)
def test_calendar_pages_refuse_days_out_of_reach_in_german(client, world, url):
    client.force_login(world.bob.user)
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "liegt außerhalb dessen, was diese Seite zeigt" in page and "Anfrage nicht verarbeitet" in page


@pytest.mark.parametrize("url", ["/berichte/?monat=9999-12", "/berichte/?monat=0001-01"])
def test_report_months_out_of_reach_are_refused(client, world, url):
    client.force_login(world.bob.user)
    assert client.get(url).status_code == 400


@pytest.fixture
def customer(world):
    make_office(world.coburg)
    return make_customer(world.team_a, caseworker=world.alice)


def post(client, world, url, data):
    client.force_login(world.alice.user)
    return client.post(url, data)


def test_a_measure_ending_in_the_year_9999_is_refused(client, world, customer):
    response = post(
        client,
        world,
        reverse("measure_add", args=[customer.pk]),
        {"title": "Kurs", "start": "2026-01-01", "end": "9999-12-31"},
    )
    assert response.status_code == 400 and "mehr als 10 Jahre in der Zukunft" in response.content.decode()


def test_a_measure_before_sgb_ii_is_refused(client, world, customer):
    response = post(
        client,
        world,
        reverse("measure_add", args=[customer.pk]),
        {"title": "Kurs", "start": "0001-01-01", "end": "0001-01-02"},
    )
    assert response.status_code == 400 and "Beginn des SGB II" in response.content.decode()


def test_a_booking_on_the_last_day_of_the_calendar_is_refused(client, world, customer):
    response = post(
        client,
        world,
        reverse("appointments:book", args=[customer.pk]),
        {"day": "9999-12-31", "time": "23:59", "kind": "follow_up", "mode": "field"},
    )
    assert response.status_code == 400
    assert "höchstens 2 Jahre im Voraus" in response.content.decode()


def test_a_booking_in_the_hour_the_clocks_skip_is_refused(client, world, customer):
    # 28.03.2027 is the last Sunday of March: 02:00 becomes 03:00. (A Sunday: a field visit.)
    response = post(
        client,
        world,
        reverse("appointments:book", args=[customer.pk]),
        {"day": "2027-03-28", "time": "02:30", "kind": "follow_up", "mode": "field"},
    )
    assert response.status_code == 400
    assert "Die Uhrzeit 02:30 gibt es am 28.03.2027 nicht" in response.content.decode()


def test_a_birth_before_1900_and_a_registration_before_sgb_ii_are_refused(client, world, customer):
    response = post(
        client,
        world,
        reverse("facts", args=[customer.pk]),
        {
            "birth_date": "0001-01-01",
            "registered_on": "2004-12-31",
            "employment": "unemployed",
            "care": "placement",
            "version": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "„Geburtsdatum“ vor dem 01.01.1900?" in page and "„Meldung (Zugang)“ vor dem 01.01.2005?" in page


def test_an_exception_decades_ahead_is_refused(client, world, customer):
    response = post(
        client,
        world,
        reverse("suspension", args=[customer.pk]),
        {"reason": "Gutachten", "start": "2026-01-01", "end": "9999-12-31"},
    )
    assert response.status_code == 400 and "mehr als 10 Jahre in der Zukunft" in response.content.decode()


@pytest.mark.parametrize(
    "method, url, data",
    [
        ("get", "/faelle/", {"nummer": "\x00"}),
        ("get", "/faelle/", {"suche\x00": "Berg"}),
        ("get", "/team/ueberfaellig/", {"faellig_ab": "2026-11-30\x00"}),
        ("post", "/faelle/", {"suche": "Be\x00rg"}),
    ],
)
def test_a_nul_character_anywhere_in_a_request_gets_the_german_400_page(client, world, method, url, data):
    """PostgreSQL refuses NUL in any text parameter; a search term read straight from the query
    string once ended in a server error there."""
    client.force_login(world.alice.user)
    if method == "post":  # as a browser sends a form without a file
        response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    else:
        response = client.get(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nullzeichen" in page and "ohne Steuerzeichen" in page


def test_a_nul_free_search_still_works(client, world):
    make_customer(world.team_a, caseworker=world.alice, number="4711001")
    client.force_login(world.alice.user)
    response = client.get("/faelle/", {"nummer": "4711", "bestand": "team", "liste": "alle"})
    assert response.status_code == 200 and "4711001" in response.content.decode()
