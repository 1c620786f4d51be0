"""Group information sessions: one block of the caseworker's time, many participants, capacity
in German, attendance per participant with a contact note in the group channel (qualified in
Weimarer Land, not in Coburg Land); and outcome corrections on the same day."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import corrections, groups, services
from appointments.models import Appointment, GroupSession
from caseload.models import ContactNote, Customer

from .factories import at, book, make_customer, make_office, next_weekday, world  # noqa: F401

DAY = date(2026, 5, 12)  # a Tuesday
BEFORE = at(DAY - timedelta(days=7), 9)


def session_for(staff, office, *, capacity=3, start=None, now=BEFORE, **kwargs):
    return groups.create_session(
        caseworker=staff,
        by=staff.user,
        office=office,
        room="Raum 1.12",
        topic="Bewerbung heute",
        capacity=capacity,
        start=start or at(DAY, 9),
        minutes=90,
        now=now,
        **kwargs,
    )


@pytest.fixture
def coburg(world):
    return world, make_office(world.coburg)


def test_booking_customers_into_a_session_is_no_double_booking(coburg):
    world, office = coburg
    session = session_for(world.alice, office)
    for _ in range(3):
        groups.book_participant(session=session, customer=make_customer(world.team_a), by=world.alice.user, now=BEFORE)
    rows = Appointment.objects.filter(group_session=session)
    assert rows.count() == 3 and {a.kind for a in rows} == {Appointment.GROUP}
    assert {(a.start, a.end, a.caseworker_id) for a in rows} == {(session.start, session.end, world.alice.pk)}


def test_the_session_blocks_the_caseworkers_time_even_before_anyone_is_booked(coburg):
    world, office = coburg
    session_for(world.alice, office)
    with pytest.raises(services.ServiceError) as raised:
        book(make_customer(world.team_a), world.alice, at(DAY, 10), office=office, now=BEFORE)
    assert raised.value.message_dict["start"] == [services.DOUBLE_BOOKED]
    with pytest.raises(services.ServiceError):
        session_for(world.alice, office, start=at(DAY, 10))


def test_a_session_over_an_appointment_is_refused(coburg):
    world, office = coburg
    book(make_customer(world.team_a), world.alice, at(DAY, 9, 30), office=office, now=BEFORE)
    with pytest.raises(services.ServiceError) as raised:
        session_for(world.alice, office)
    assert raised.value.message_dict["start"] == [services.DOUBLE_BOOKED]


def test_capacity_is_enforced_in_german_and_a_customer_takes_one_place(coburg):
    world, office = coburg
    session = session_for(world.alice, office, capacity=1)
    first = make_customer(world.team_a)
    groups.book_participant(session=session, customer=first, by=world.alice.user, now=BEFORE)
    with pytest.raises(services.ServiceError) as raised:
        groups.book_participant(session=session, customer=first, by=world.alice.user, now=BEFORE)
    assert raised.value.message_dict["customer"] == [f"Kunde {first.number} ist schon angemeldet."]
    with pytest.raises(services.ServiceError) as raised:
        groups.book_participant(session=session, customer=make_customer(world.team_a), by=world.alice.user, now=BEFORE)
    assert raised.value.message_dict["customer"] == [
        "Die Gruppeninformation ist ausgebucht: alle 1 Plätze sind vergeben."
    ]


def test_a_cancelled_place_is_free_again(coburg):
    world, office = coburg
    session = session_for(world.alice, office, capacity=1)
    place = groups.book_participant(
        session=session, customer=make_customer(world.team_a), by=world.alice.user, now=BEFORE
    )
    services.cancel_appointment(appointment=place, by=world.alice.user, by_customer=True)
    groups.book_participant(session=session, customer=make_customer(world.team_a), by=world.alice.user, now=BEFORE)


def _attend(session, staff, attended, missed=None, **kwargs):
    return groups.record_group_attendance(
        session=session,
        by=staff.user,
        attended={a.pk for a in attended},
        missed={a.pk: "keine Rückmeldung" for a in missed or []},
        summary="Teilnahme an der Gruppeninformation.",
        now=at(DAY, 11),
        today=DAY,
        **kwargs,
    )


def test_attendance_writes_group_notes_that_do_not_count_in_coburg(coburg):
    world, office = coburg
    session = session_for(world.alice, office)
    customers = [make_customer(world.team_a, today=DAY) for _ in range(3)]
    places = [groups.book_participant(session=session, customer=c, by=world.alice.user, now=BEFORE) for c in customers]
    due_before = Customer.objects.get(pk=customers[0].pk).due_by
    assert _attend(session, world.alice, places[:2], places[2:]) == (2, 1)
    notes = ContactNote.objects.filter(customer__in=customers[:2])
    assert notes.count() == 2 and {n.channel for n in notes} == {"group"}
    assert {a.status for a in Appointment.objects.filter(pk__in=[p.pk for p in places[:2]])} == {"attended"}
    missed = Appointment.objects.get(pk=places[2].pk)
    assert (missed.status, missed.missed_sequence, missed.outcome_reason) == ("missed", 1, "keine Rückmeldung")
    coburg_customer = Customer.objects.get(pk=customers[0].pk)
    assert coburg_customer.last_contact_on is None and coburg_customer.due_by == due_before


def test_attendance_counts_as_a_qualified_contact_in_weimar(world):
    office = make_office(world.weimar, name="Apolda")
    session = session_for(world.dave, office)
    customer = make_customer(world.weimar_team, today=DAY)
    place = groups.book_participant(session=session, customer=customer, by=world.dave.user, now=BEFORE)
    with pytest.raises(services.ServiceError) as raised:  # Weimar: no note without a follow-up date
        _attend(session, world.dave, [place], checklist=dict.fromkeys(ContactNote.CHECKLIST, True))
    assert f"Kunde {customer.number}:" in raised.value.message_dict["follow_up_on"][0]
    assert not ContactNote.objects.exists() and Appointment.objects.get(pk=place.pk).status == "planned"
    _attend(
        session,
        world.dave,
        [place],
        follow_up_on=DAY + timedelta(days=30),
        checklist=dict.fromkeys(ContactNote.CHECKLIST, True),
    )
    assert Customer.objects.get(pk=customer.pk).last_contact_on == DAY


def test_a_session_counts_once_in_the_consultation_share(world):
    from appointments.selectors import consultation_share

    office = make_office(world.weimar, name="Apolda")
    session = session_for(world.dave, office)
    places = [
        groups.book_participant(
            session=session, customer=make_customer(world.weimar_team, today=DAY), by=world.dave.user, now=BEFORE
        )
        for _ in range(3)
    ]
    _attend(session, world.dave, places, follow_up_on=DAY + timedelta(days=30),
            checklist=dict.fromkeys(ContactNote.CHECKLIST, True))  # fmt: skip
    share = consultation_share(world.weimar, [world.dave], date(2026, 5, 1))[world.dave.pk]
    assert share.attended_minutes == 90


# --- Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def upcoming(coburg):
    world, office = coburg
    start = at(next_weekday(2, timezone.localdate() + timedelta(days=7)), 9)
    return world, session_for(world.alice, office, start=start, now=timezone.now())


def test_the_session_page_books_by_number_and_refuses_another_teams_customer(client, upcoming):
    world, session = upcoming
    client.force_login(world.alice.user)
    url = reverse("appointments:group_book", args=[session.pk])
    mine, theirs = make_customer(world.team_a), make_customer(world.team_b)
    assert client.post(url, {"number": mine.number}).status_code == 302
    response = client.post(url, {"number": theirs.number})
    assert (
        response.status_code == 400 and "Im Team gibt es keinen Kunden mit dieser Nummer." in response.content.decode()
    )
    page = client.get(reverse("appointments:group", args=[session.pk])).content.decode()
    assert mine.number in page and "1 von 3 belegt" in page
    assert mine.last_name not in page


def test_another_teams_session_is_a_404(client, upcoming):
    world, session = upcoming
    client.force_login(world.charlie.user)
    assert client.get(reverse("appointments:group", args=[session.pk])).status_code == 404


def test_a_new_session_over_http(client, coburg):
    world, office = coburg
    client.force_login(world.alice.user)
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    response = client.post(
        reverse("appointments:group_create"),
        {"topic": "Bewerbung", "office": office.pk, "room": "1.12", "capacity": 8, "day": day, "time": "09:00",
         "minutes": 90},
    )  # fmt: skip
    session = GroupSession.objects.get()
    assert response.status_code == 302 and (session.capacity, session.room) == (8, "1.12")


def test_the_sessions_list_runs_a_fixed_number_of_queries(client, upcoming, django_assert_num_queries):
    world, session = upcoming
    for _ in range(3):
        groups.book_participant(session=session, customer=make_customer(world.team_a), by=world.alice.user)
    client.force_login(world.alice.user)
    with django_assert_num_queries(4):  # session, user, staff, the sessions (+office, caseworker, places)
        response = client.get(reverse("appointments:groups"))
    assert "3 / 3" in response.content.decode()


# --- Outcome corrections -------------------------------------------------------------------------


def test_an_attended_appointment_is_corrected_the_same_day_and_its_note_goes(world):
    office = make_office(world.coburg)
    customer = make_customer(world.team_a, caseworker=world.alice, today=DAY)
    appointment = book(customer, world.alice, at(DAY, 9), office=office, now=BEFORE)
    services.record_attendance(appointment=appointment, by=world.alice.user, now=at(DAY, 9, 30))
    services.write_appointment_note(appointment=appointment, by=world.alice.user, summary="x", today=DAY)
    # The outcome was recorded today (the clock of the test run): correctable today.
    corrected = corrections.correct_outcome(
        appointment=Appointment.objects.select_related("customer").get(pk=appointment.pk),
        by=world.alice.user,
        to=Appointment.MISSED,
        reason="Termin vergessen",
    )
    assert (corrected.status, corrected.missed_sequence, corrected.contact_note_id) == ("missed", 1, None)
    assert not ContactNote.objects.filter(customer=customer).exists()
    reasons = list(corrected.history.values_list("history_change_reason", flat=True))
    assert "Korrektur am selben Tag: wahrgenommen → nicht erschienen" in reasons


def test_a_correction_on_a_later_day_is_refused(world):
    office = make_office(world.coburg)
    appointment = book(make_customer(world.team_a), world.alice, at(DAY, 9), office=office, now=BEFORE)
    services.mark_missed(appointment=appointment, by=world.alice.user, now=at(DAY, 10))
    message = corrections.check_correction(appointment, Appointment.ATTENDED, timezone.localdate() + timedelta(days=1))
    assert message.startswith("Das Ergebnis wurde nicht heute erfasst")


def test_the_correction_asks_to_confirm_first(client, world):
    office = make_office(world.coburg)
    appointment = book(make_customer(world.team_a), world.alice, at(DAY, 9), office=office, now=BEFORE)
    services.mark_missed(appointment=appointment, by=world.alice.user, now=at(DAY, 10))
    client.force_login(world.alice.user)
    url = reverse("appointments:correct", args=[appointment.pk])
    response = client.post(url, {"to": "attended", "version": 2})
    assert response.status_code == 200 and "Ja, korrigieren" in response.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).status == "missed"
    response = client.post(url, {"to": "attended", "version": 2, "confirm": "on"})
    assert response.status_code == 302 and response.url == reverse("appointments:note", args=[appointment.pk])
    assert Appointment.objects.get(pk=appointment.pk).status == "attended"


def test_a_miss_names_its_number_and_the_possible_rechtsfolge(client, world):
    office = make_office(world.coburg)
    appointment = book(make_customer(world.team_a), world.alice, at(DAY, 9), office=office, now=BEFORE)
    client.force_login(world.alice.user)
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert "1. unentschuldigte Versäumnis in Folge" in page and "Keine Rückmeldung" not in page
    response = client.post(
        reverse("appointments:missed", args=[appointment.pk]),
        {"version": 1, "reason_choice": "Termin vergessen", "outcome_reason": "laut Anruf"},
        follow=True,
    )
    assert "1. unentschuldigtes Versäumnis in Folge" in response.content.decode()
    assert "§ 32 SGB II" in response.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).outcome_reason == "Termin vergessen: laut Anruf"


# --- PostgreSQL: the constraint shares time within a session; places under concurrency ---------


@pytest.mark.postgres
def test_the_exclusion_constraint_lets_one_sessions_appointments_share_time_only(coburg):
    from django.db import IntegrityError, transaction

    world, office = coburg
    session = session_for(world.alice, office)
    groups.book_participant(session=session, customer=make_customer(world.team_a), by=world.alice.user, now=BEFORE)
    second = groups.book_participant(
        session=session, customer=make_customer(world.team_a), by=world.alice.user, now=BEFORE
    )
    outsider = Appointment(
        job_centre=world.coburg,
        customer=make_customer(world.team_a),
        caseworker=world.alice,
        mode=Appointment.OFFICE,
        office=office,
        start=second.start,
        end=second.end,
        blocked_until=second.blocked_until,
        subject="x",
        booked_by=world.alice.user,
    )
    with pytest.raises(IntegrityError, match=services.CONSTRAINT), transaction.atomic():
        outsider.save()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_bookings_take_no_more_than_the_places():
    import threading

    from django.core.management import call_command
    from django.db import connections

    from policies.models import JobCentre
    from tests.caseload.factories import make_staff, make_team

    call_command("loaddata", "rulesets", verbosity=0)
    centre = JobCentre.objects.get(slug="coburg-land")
    team = make_team(centre, "Team Gruppe")
    host = make_staff("host-concurrent", team)
    session = session_for(host, make_office(centre), capacity=3)
    customers = [make_customer(team) for _ in range(10)]
    barrier, outcomes = threading.Barrier(10), []

    def attempt(customer):
        try:
            barrier.wait()
            groups.book_participant(session=session, customer=customer, by=host.user, now=BEFORE)
            outcomes.append("ok")
        except services.ServiceError as error:
            outcomes.append(error.message_dict["customer"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 3
    assert outcomes.count(groups.full(3)) == 7
    assert Appointment.objects.filter(group_session=session).count() == 3
