"""The worklist's "nächster Termin": a booked overdue customer is told apart from a forgotten one,
within the list's one query for its rows."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from caseload import selectors

from .factories import at, book, make_office, next_weekday, overdue_customer, world  # noqa: F401


def cells(response, number):
    """The cells of the worklist row of customer `number`, as text."""
    page = response.content.decode()
    row = re.search(rf"<tr [^>]*>(?:(?!</tr>).)*>{number}</a>(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_a_booked_overdue_customer_shows_the_appointment_and_a_forgotten_one_says_so(client, world):
    today = timezone.localdate()
    booked = overdue_customer(world.team_a, world.alice)
    forgotten = overdue_customer(world.team_a, world.alice)
    day = next_weekday(1, today + timedelta(days=2))
    office = make_office(world.coburg)
    earlier = book(booked, world.alice, at(day, 9), office=office)
    book(booked, world.alice, at(day + timedelta(days=7), 9), office=office)  # a later one is not "next"
    cancelled = book(forgotten, world.alice, at(day, 11), office=office)
    Appointment.objects.filter(pk=cancelled.pk).update(status=Appointment.CANCELLED_CUSTOMER)

    client.force_login(world.alice.user)
    response = client.get(reverse("worklist") + "?liste=ueberfaellig")
    assert f"{earlier.start.astimezone(timezone.get_current_timezone()):%d.%m.%Y %H:%M} Uhr" in cells(
        response, booked.number
    )
    assert "kein Termin" in cells(response, forgotten.number)
    assert "nächster Termin" in response.content.decode()


def test_the_rows_carry_the_next_appointment_from_their_one_query(world, django_assert_num_queries):
    today = timezone.localdate()
    customer = overdue_customer(world.team_a, world.alice)
    appointment = book(customer, world.alice, at(next_weekday(2, today), 10), mode=Appointment.FIELD)
    yesterday = book(customer, world.alice, at(today - timedelta(days=1), 10), mode=Appointment.FIELD)
    assert yesterday.status == Appointment.PLANNED  # past, without outcome: not the next one
    with django_assert_num_queries(1):
        rows = list(
            selectors.worklist_rows(
                selectors.caseload(world.alice, selectors.MINE), selectors.SECTION_BY_KEY["alle"], today
            )
        )
    assert [row["next_appointment"] for row in rows] == [appointment.start]


@pytest.mark.parametrize("sort", ["next_appointment", "-next_appointment"])
def test_the_worklist_sorts_by_the_next_appointment(client, world, sort):
    today = timezone.localdate()
    later, sooner = overdue_customer(world.team_a, world.alice), overdue_customer(world.team_a, world.alice)
    day = next_weekday(1, today + timedelta(days=2))
    book(later, world.alice, at(day + timedelta(days=7), 9), mode=Appointment.FIELD)
    book(sooner, world.alice, at(day, 9), mode=Appointment.FIELD)
    client.force_login(world.alice.user)
    page = client.get(reverse("worklist"), {"liste": "ueberfaellig", "sort": sort}).content.decode()
    order = re.findall(r'<a href="/kunden/\d+/">(\d+)</a>', page)
    expected = [sooner.number, later.number]
    assert order == (expected if sort == "next_appointment" else expected[::-1])
