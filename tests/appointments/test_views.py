"""The appointment pages: who may see what, what they show, their query counts."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from appointments import services
from appointments.models import Appointment, CalendarFeed
from caseload.models import ContactNote, Customer

from .factories import (  # noqa: F401
    at,
    book,
    give_working_hours,
    make_customer,
    make_office,
    next_weekday,
    overdue_customer,
    world,
)


def text(response):
    return response.content.decode()


@pytest.fixture
def setup(world):
    """Team A's customer with a planned appointment next week and an attended one today."""
    office = make_office(world.coburg)
    customer = make_customer(world.team_a, caseworker=world.alice)
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    planned = book(customer, world.alice, at(day, 9), office=office)
    today = timezone.localdate()
    # A field visit: early this morning lies outside Coburg's opening hours.
    attended = book(customer, world.alice, at(today, 0, 5), mode=Appointment.FIELD)
    services.record_attendance(appointment=attended, by=world.alice.user, now=at(today, 0, 40))
    return world, customer, planned, attended


def page_urls(customer, planned, attended):
    return {
        "day": reverse("appointments:day"),
        "week": reverse("appointments:week"),
        "share": reverse("appointments:share"),
        "feed_settings": reverse("appointments:feed_settings"),
        "book": reverse("appointments:book", args=[customer.pk]),
        "detail": reverse("appointments:detail", args=[planned.pk]),
        "invitation": reverse("appointments:invitation", args=[planned.pk]),
        "note": reverse("appointments:note", args=[attended.pk]),
    }


OWN_PAGES = {"day", "week", "share", "feed_settings"}


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", "login"),
        ("alice", 200),
        ("bob", 200),
        ("charlie", "404 on team A's"),
        ("admin", 403),
    ],
)
def test_role_matrix(client, setup, persona, expected):
    world, customer, planned, attended = setup
    if persona != "anonymous":
        user = world.admin if persona == "admin" else getattr(world, persona).user
        client.force_login(user)
    for name, url in page_urls(customer, planned, attended).items():
        response = client.get(url)
        if expected == "login":
            assert response.status_code == 302 and response["Location"].startswith("/anmelden/"), name
        elif expected == "404 on team A's":
            assert response.status_code == (200 if name in OWN_PAGES else 404), name
        else:
            assert response.status_code == expected, name


@pytest.mark.parametrize("persona", ["charlie", "admin"])
def test_outsiders_cannot_record_outcomes(client, setup, persona):
    world, customer, planned, attended = setup
    client.force_login(world.admin if persona == "admin" else world.charlie.user)
    for name in ("attended", "missed", "cancel", "excuse"):
        response = client.post(reverse(f"appointments:{name}", args=[planned.pk]), {"by": "kunde"})
        assert response.status_code in (403, 404), name
    assert Appointment.objects.get(pk=planned.pk).status == Appointment.PLANNED


def test_a_caseworker_sees_only_their_own_calendar(client, setup):
    world, customer, planned, attended = setup
    client.force_login(world.alice.user)
    assert client.get(reverse("appointments:day") + f"?fachkraft={world.bob.pk}").status_code == 404


def test_a_team_lead_picks_a_team_member_but_not_another_team(client, setup):
    world, customer, planned, attended = setup
    client.force_login(world.bob.user)
    url = reverse("appointments:week") + f"?woche={planned.start:%Y-%m-%d}"
    assert customer.number not in text(client.get(url))  # bob's own week is empty
    page = text(client.get(url + f"&fachkraft={world.alice.pk}"))
    assert f"Kunde {customer.number}" in page and "Erika" not in page
    assert client.get(url + f"&fachkraft={world.charlie.pk}").status_code == 404


def test_a_caseworker_sees_own_customers_by_name_and_others_by_number(client, setup):
    world, customer, planned, attended = setup
    colleagues = make_customer(world.team_a, caseworker=world.bob, first_name="Zoe", last_name="Zander")
    book(colleagues, world.alice, at(planned.start.date(), 11))  # standing in for bob
    client.force_login(world.alice.user)
    for url in (
        reverse("appointments:week") + f"?woche={planned.start:%Y-%m-%d}",
        reverse("appointments:day") + f"?tag={planned.start:%Y-%m-%d}",
    ):
        page = text(client.get(url))
        assert f"{customer.last_name}, Erika" in page and customer.number in page
        assert f"Kunde {colleagues.number}" in page and "Zander" not in page


# --- Calendar pages ------------------------------------------------------------------------------


def test_the_day_view_lists_unresolved_past_appointments(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    yesterday = timezone.localdate() - timedelta(days=1)
    book(customer, world.alice, at(yesterday, 9), mode=Appointment.FIELD)  # yesterday may have been a Sunday
    client.force_login(world.alice.user)
    page = text(client.get(reverse("appointments:day")))
    section = page[page.index("Vergangene Termine ohne Ergebnis") :]
    # alice's own customer: by name (and number), as in her day and week view
    assert f"{customer.last_name}, Erika" in section and customer.number in section and "ohne Ergebnis" in section


@pytest.mark.parametrize("size", [1, 4])
def test_the_week_view_runs_a_fixed_number_of_queries(client, world, size, django_assert_num_queries):
    monday = next_weekday(0, timezone.localdate() + timedelta(days=7))
    office = make_office(world.coburg)
    for n in range(size):
        book(
            make_customer(world.team_a, caseworker=world.alice),
            world.alice,
            at(monday + timedelta(days=n), 9),
            office=office,
        )
    client.force_login(world.alice.user)
    # 1 session, 2 user, 3 staff, 4 appointments (+customer, office), 5 group sessions (+office,
    # places taken), 6 opening hours, 7 closing days
    with django_assert_num_queries(7):
        response = client.get(reverse("appointments:week") + f"?woche={monday:%Y-%m-%d}")
    assert len(re.findall(r'href="/termine/\d+/"', text(response))) == size


@pytest.mark.parametrize("size", [1, 4])
def test_the_day_view_runs_a_fixed_number_of_queries(client, world, size, django_assert_num_queries):
    day = next_weekday(2, timezone.localdate() + timedelta(days=7))
    office = make_office(world.coburg)
    for n in range(size):
        book(make_customer(world.team_a, caseworker=world.alice), world.alice, at(day, 8 + n), office=office)
    client.force_login(world.bob.user)
    # 1 session, 2 user, 3 staff, 4 the chosen team member, 5 appointments (+customer, office),
    # 6 group sessions, 7 opening hours, 8 closing days, 9 unresolved, 10 team members for the picker
    with django_assert_num_queries(10):
        response = client.get(reverse("appointments:day") + f"?tag={day:%Y-%m-%d}&fachkraft={world.alice.pk}")
    assert len(re.findall(r'href="/termine/\d+/"', text(response))) == size


@pytest.mark.parametrize("size", [1, 3])
def test_the_share_page_runs_a_fixed_number_of_queries(client, world, size, django_assert_num_queries):
    from ..caseload.factories import make_staff

    for n in range(size):
        make_staff(f"extra{n}", world.team_a)
    client.force_login(world.bob.user)
    # 1 session, 2 user, 3 staff (+job centre), 4 team members, 5-9 consultation share (rule
    # sets of the month, working hours, closing days, absences, attended minutes), 10 missed
    # appointments
    with django_assert_num_queries(10):
        response = client.get(reverse("appointments:share") + "?monat=2026-05")
    assert text(response).count("<tr><td>") == size + 2
    assert "Ziel nach dem Kontaktdichtekonzept: 50 %" in text(response)


def test_the_share_page_shows_a_caseworker_only_themselves(client, world):
    client.force_login(world.alice.user)
    page = text(client.get(reverse("appointments:share")))
    assert "Alice Fachkraft" in page and "Bob Fachkraft" not in page


# --- Booking -------------------------------------------------------------------------------------


def test_booking_offers_suggested_slots_and_books_one(client, world, django_assert_num_queries):
    customer = overdue_customer(world.team_a, world.alice)
    give_working_hours(world.alice)
    office = make_office(world.coburg)
    client.force_login(world.alice.user)
    url = reverse("appointments:book", args=[customer.pk])
    # 1 session, 2 user, 3 staff, 4 customer, 5 rule set, 6 offices, 7 busy (appointments and
    # group sessions), 8 working hours, 9 opening hours, 10 closing days, 11 the customer's
    # appointments, 12 the team's group sessions with free places
    with django_assert_num_queries(12):
        response = client.get(url)
    page = text(response)
    slots = re.findall(r'name="slot" value="([^"]+)"', page)
    assert len(slots) == 7 and slots[-1] == "manuell"  # six suggestions and "another time"
    response = client.post(url, {"slot": slots[0], "kind": "follow_up", "mode": "office", "office": office.pk})
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("appointments:detail", args=[appointment.pk])
    assert appointment.start == datetime.fromisoformat(slots[0])
    assert (appointment.minutes, appointment.subject) == (30, "Folgegespräch 2MM")  # Coburg follow-up


def test_booking_a_taken_time_shows_the_message_beside_the_form(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    office = make_office(world.coburg)
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    book(make_customer(world.team_a, caseworker=world.alice), world.alice, at(day, 9), office=office)
    client.force_login(world.alice.user)
    response = client.post(
        reverse("appointments:book", args=[customer.pk]),
        {
            "slot": "manuell",
            "day": f"{day:%Y-%m-%d}",
            "time": "09:15",
            "kind": "first",
            "mode": "office",
            "office": office.pk,
        },
    )
    assert response.status_code == 400
    assert services.DOUBLE_BOOKED in text(response)
    assert Appointment.objects.count() == 1


def test_booking_a_phone_appointment_outside_opening_hours_is_allowed(client, world):
    customer = make_customer(world.weimar_team, caseworker=world.dave)  # Weimarer Land books phone calls
    make_office(world.weimar)
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    client.force_login(world.dave.user)
    response = client.post(
        reverse("appointments:book", args=[customer.pk]),
        {"day": f"{day:%Y-%m-%d}", "time": "18:30", "kind": "first", "mode": "phone", "minutes": "20"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.mode, appointment.office, appointment.minutes) == ("phone", None, 20)


def test_an_office_appointment_outside_opening_hours_is_shown_as_such(client, world):
    customer = make_customer(world.weimar_team, caseworker=world.dave)  # Weimarer Land allows it
    office = make_office(world.weimar)  # Tuesday 8-12
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    appointment = book(customer, world.dave, at(day, 13), office=office)
    client.force_login(world.dave.user)
    assert "außerhalb der Öffnungszeiten" in text(client.get(reverse("appointments:detail", args=[appointment.pk])))


def test_the_customer_page_shows_the_next_appointment(client, setup):
    world, customer, planned, attended = setup
    client.force_login(world.alice.user)
    page = text(client.get(reverse("customer", args=[customer.pk])))
    assert f'href="/termine/{planned.pk}/"' in page and "Nächster Termin" in page
    assert "Termin vereinbaren" in page


# --- Attendance ----------------------------------------------------------------------------------


def test_attended_opens_the_prefilled_note_and_the_note_moves_the_due_date(client, world):
    customer = overdue_customer(world.weimar_team, world.dave)  # Weimarer Land books phone calls
    today = timezone.localdate()
    appointment = book(customer, world.dave, at(today, 0, 5), mode=Appointment.PHONE)
    client.force_login(world.dave.user)
    response = client.post(reverse("appointments:attended", args=[appointment.pk]))
    note_url = reverse("appointments:note", args=[appointment.pk])
    assert response.status_code == 302 and response["Location"] == note_url
    form = text(client.get(note_url))
    assert f'value="{today:%Y-%m-%d}"' in form
    assert re.search(r'value="phone"[^>]*checked', form)
    response = client.post(
        note_url,
        {  # Weimarer Land: a follow-up date and the checklist in every note
            "date": f"{today:%Y-%m-%d}",
            "channel": "in_person",
            "summary": "Gespräch",
            "follow_up_on": f"{today + timedelta(days=20):%Y-%m-%d}",
            "prognosis_reviewed": "on",
            "strategy_reviewed": "on",
            "agreement_reviewed": "on",
            "job_search_done": "on",
        },
    )
    assert response.status_code == 302
    note = ContactNote.objects.get(customer=customer)
    assert Appointment.objects.get(pk=appointment.pk).contact_note_id == note.pk
    assert Customer.objects.get(pk=customer.pk).due_by > today


def test_missed_with_reason_is_recorded_and_counted(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    day = timezone.localdate() - timedelta(days=2)
    while day.weekday() >= 5:  # the office is closed at weekends (on a Monday, two days ago was one)
        day -= timedelta(days=1)
    appointment = book(customer, world.alice, at(day, 9))
    client.force_login(world.alice.user)
    client.post(reverse("appointments:missed", args=[appointment.pk]), {"outcome_reason": "keine Nachricht"})
    appointment.refresh_from_db()
    assert (appointment.status, appointment.missed_sequence, appointment.outcome_reason) == (
        "missed",
        1,
        "keine Nachricht",
    )
    page = text(client.get(reverse("appointments:detail", args=[appointment.pk])))
    assert "1. Versäumnis in Folge" in page


def test_cancel_by_the_job_centre(client, setup):
    world, customer, planned, attended = setup
    client.force_login(world.bob.user)
    client.post(reverse("appointments:cancel", args=[planned.pk]), {"by": "jobcenter", "outcome_reason": "krank"})
    assert Appointment.objects.get(pk=planned.pk).status == Appointment.CANCELLED_CENTRE


# --- Invitation and iCalendar --------------------------------------------------------------------


def test_the_invitation_letter_has_date_time_place_purpose_and_the_legal_notice(client, setup):
    world, customer, planned, attended = setup
    world.coburg.legal_notice = "Erscheinen Sie ohne wichtigen Grund nicht, kann das Bürgergeld gemindert werden."
    world.coburg.save()
    client.force_login(world.alice.user)
    page = text(client.get(reverse("appointments:invitation", args=[planned.pk])))
    local = timezone.localtime(planned.start)
    for expected in (
        "Einladung",
        f"{local:%d.%m.%Y}",
        f"{local:%H:%M} Uhr",
        "Regionalstelle Rödental",
        "Bürgerplatz 1",
        "<dt>Anlass</dt><dd>Folgegespräch</dd>",
        "Bürgergeld gemindert",
        customer.last_name,
    ):
        assert expected in page, expected
    assert planned.rule_code == "2MM" and "2MM" not in page  # the rule's code is internal


def test_the_ical_feed_has_numbers_not_names_and_needs_its_token(client, setup):
    world, customer, planned, attended = setup
    client.force_login(world.alice.user)
    settings_page = text(client.get(reverse("appointments:feed_settings")))
    token = CalendarFeed.objects.get(staff=world.alice).address(world.alice.user)
    assert token in settings_page and "alice" not in token.lower()
    client.logout()
    response = client.get(reverse("appointments:feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert customer.number in body
    for personal in (customer.first_name, customer.last_name, customer.street or "Erika"):
        assert personal not in body
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert {str(e["uid"]) for e in events} == {f"termin-{planned.pk}@testserver", f"termin-{attended.pk}@testserver"}
    assert client.get(reverse("appointments:feed", args=["falsch"])).status_code == 404


def test_a_field_visit_in_the_feed_is_named_as_such_without_the_address(client, world):
    customer = make_customer(
        world.team_a, caseworker=world.alice, street="Lindenweg 3", postcode="96472", city="Rödental"
    )
    visit = book(
        customer, world.alice, at(next_weekday(1, timezone.localdate() + timedelta(days=7)), 15), mode=Appointment.FIELD
    )
    token = CalendarFeed.objects.create(staff=world.alice).address(world.alice.user)
    response = client.get(reverse("appointments:feed", args=[token]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == f"Außendienst: {visit.subject} · Kunde {customer.number}"
    assert str(event["location"]) == "Hausbesuch beim Kunden (Anschrift in Kontaktdichte)"
    for personal in ("Lindenweg", "96472", "Rödental", customer.last_name):
        assert personal not in response.content.decode()


def test_the_calendar_shows_a_field_visit_with_the_customers_town_never_outside_opening_hours(client, world):
    customer = make_customer(
        world.team_a, caseworker=world.alice, street="Lindenweg 3", postcode="96472", city="Rödental"
    )
    make_office(world.coburg)
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    visit = book(customer, world.alice, at(day, 15), mode=Appointment.FIELD)
    client.force_login(world.alice.user)
    for url in (
        reverse("appointments:day") + f"?tag={day:%Y-%m-%d}",
        reverse("appointments:week") + f"?woche={day:%Y-%m-%d}",
    ):
        page = text(client.get(url))
        assert '<span class="badge badge-field">Außendienst</span> 96472 Rödental' in page
        assert "außerhalb der Öffnungszeiten" not in page and "Lindenweg" not in page
    detail = text(client.get(reverse("appointments:detail", args=[visit.pk])))
    assert "Außendienst, Hausbesuch: Lindenweg 3, 96472 Rödental" in detail


def test_renewing_the_feed_token_invalidates_the_old_address(client, setup):
    world, *_ = setup
    client.force_login(world.alice.user)
    client.get(reverse("appointments:feed_settings"))
    old = CalendarFeed.objects.get(staff=world.alice).address(world.alice.user)
    client.post(reverse("appointments:feed_settings"))
    new = CalendarFeed.objects.get(staff=world.alice).address(world.alice.user)
    assert new != old
    assert client.get(reverse("appointments:feed", args=[old])).status_code == 404
    assert client.get(reverse("appointments:feed", args=[new])).status_code == 200


def test_the_feed_stops_when_the_user_is_deactivated(client, setup):
    world, *_ = setup
    address = CalendarFeed.objects.create(staff=world.alice).address(world.alice.user)
    assert client.get(reverse("appointments:feed", args=[address])).status_code == 200
    world.alice.user.is_active = False
    world.alice.user.save()
    assert client.get(reverse("appointments:feed", args=[address])).status_code == 404


def test_the_feed_stops_when_the_password_changes(client, setup):
    world, *_ = setup
    feed = CalendarFeed.objects.create(staff=world.alice)
    address = feed.address(world.alice.user)
    world.alice.user.set_password("ein neues, langes Passwort")
    world.alice.user.save()
    assert client.get(reverse("appointments:feed", args=[address])).status_code == 404
    assert client.get(reverse("appointments:feed", args=[feed.token])).status_code == 404  # unsigned
    assert client.get(reverse("appointments:feed", args=[feed.address(world.alice.user)])).status_code == 200


# --- The worklist's "Ohne Termin" -----------------------------------------------------------------


def test_the_worklist_leaves_customers_with_a_planned_appointment_out_of_ohne_termin(client, world):
    booked = overdue_customer(world.team_a, world.alice)
    cancelled = overdue_customer(world.team_a, world.alice)
    waiting = overdue_customer(world.team_a, world.alice)
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    book(booked, world.alice, at(day, 9))
    services.cancel_appointment(
        appointment=book(cancelled, world.alice, at(day, 10)), by=world.alice.user, by_customer=True
    )
    client.force_login(world.alice.user)
    page = text(client.get(reverse("worklist") + "?liste=ohne_termin"))
    listed = set(re.findall(r'<a href="/kunden/\d+/">(\d+)</a>', page))
    assert listed == {cancelled.number, waiting.number}
    assert re.search(r'<span class="count">2</span>\s*<span class="label">Ohne Termin</span>', page)
    overdue = text(client.get(reverse("worklist") + "?liste=ueberfaellig"))
    assert booked.number in overdue  # still overdue until the contact happens


@pytest.mark.parametrize("size", [1, 4])
def test_the_ical_feed_runs_a_fixed_number_of_queries(client, world, size, django_assert_num_queries):
    office = make_office(world.coburg)
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    for n in range(size):
        book(make_customer(world.team_a, caseworker=world.alice), world.alice, at(day, 8 + n), office=office)
    token = CalendarFeed.objects.create(staff=world.alice).address(world.alice.user)
    # 1 the token (+staff, user), 2 the appointments (+customer number, office), 3 group sessions
    with django_assert_num_queries(3):
        response = client.get(reverse("appointments:feed", args=[token]))
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == size


def test_booking_more_than_60_minutes_with_limited_german_is_refused(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice, flags=["limited_german"])
    office = make_office(world.coburg)
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    client.force_login(world.alice.user)
    url = reverse("appointments:book", args=[customer.pk])
    assert "höchstens 60 Minuten" in text(client.get(url))  # said beside the field
    response = client.post(
        url,
        {
            "day": f"{day:%Y-%m-%d}",
            "time": "09:00",
            "kind": "first",
            "mode": "office",
            "office": office.pk,
            "minutes": "90",
        },
    )
    assert response.status_code == 400
    assert "dauert ein Termin nach dem Kontaktdichtekonzept höchstens 60 Minuten" in text(response)
    assert not Appointment.objects.exists()
