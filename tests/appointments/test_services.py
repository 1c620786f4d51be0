"""Booking without double booking, attendance, missed appointments in sequence, the contact note."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from appointments import services
from appointments.models import Appointment
from caseload.models import ContactNote, Customer
from caseload.services import ServiceError
from policies.cloning import clone_rule_set
from policies.models import RuleSet

from .factories import (  # noqa: F401
    at,
    book,
    make_customer,
    make_office,
    next_weekday,
    overdue_customer,
    world,
)

DAY = next_weekday(1, timezone.localdate() + timedelta(days=7))  # a Tuesday at least a week ahead


def test_booking_writes_subject_with_the_rule_code_and_blocks_the_preparation(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    assert customer.due_code == "2MM"
    appointment = book(customer, world.alice, at(DAY, 9), minutes=45, preparation=15, kind=Appointment.FIRST)
    assert appointment.subject == "Erstgespräch 2MM"
    assert appointment.rule_code == "2MM"
    assert (appointment.end, appointment.blocked_until) == (at(DAY, 9, 45), at(DAY, 10))
    assert appointment.status == Appointment.PLANNED
    assert appointment.history.count() == 1


def test_a_second_booking_in_the_same_time_is_refused_with_a_german_message(world):
    one, two = (make_customer(world.team_a, caseworker=world.alice) for _ in range(2))
    book(one, world.alice, at(DAY, 9), minutes=45, preparation=15)
    with pytest.raises(ServiceError) as error:
        book(two, world.alice, at(DAY, 9, 50), minutes=30)  # inside the first one's preparation
    assert error.value.message_dict["start"] == [services.DOUBLE_BOOKED]
    assert Appointment.objects.count() == 1


def test_back_to_back_bookings_are_fine(world):
    one, two = (make_customer(world.team_a, caseworker=world.alice) for _ in range(2))
    book(one, world.alice, at(DAY, 9), minutes=45, preparation=15)
    book(two, world.alice, at(DAY, 10), minutes=30)
    assert Appointment.objects.count() == 2


def test_another_caseworker_may_have_the_same_time(world):
    one, two = make_customer(world.team_a, caseworker=world.alice), make_customer(world.team_a, caseworker=world.bob)
    book(one, world.alice, at(DAY, 9))
    book(two, world.bob, at(DAY, 9))
    assert Appointment.objects.count() == 2


def test_a_cancelled_appointment_frees_its_time(world):
    one, two = (make_customer(world.team_a, caseworker=world.alice) for _ in range(2))
    first = book(one, world.alice, at(DAY, 9))
    services.cancel_appointment(appointment=first, by=world.alice.user, by_customer=True, reason="krank")
    book(two, world.alice, at(DAY, 9))
    first.refresh_from_db()
    assert (first.status, first.outcome_reason) == (Appointment.CANCELLED_CUSTOMER, "krank")
    assert Appointment.objects.filter(status=Appointment.PLANNED).count() == 1


def test_limited_german_caps_the_length(world):
    customer = make_customer(world.team_a, caseworker=world.alice, flags=["limited_german"])
    with pytest.raises(ServiceError) as error:
        services.book_appointment(
            customer=customer,
            caseworker=world.alice,
            by=world.alice.user,
            start=at(DAY, 9),
            minutes=90,
            max_minutes=60,
            office=make_office(world.coburg),
            now=at(DAY, 8),
        )
    assert "höchstens 60 Minuten" in error.value.message_dict["minutes"][0]


def test_booking_in_the_past_or_without_office_is_refused(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    with pytest.raises(ServiceError) as error:
        services.book_appointment(
            customer=customer,
            caseworker=world.alice,
            by=world.alice.user,
            start=at(DAY, 9),
            minutes=30,
            office=None,
            now=at(DAY, 10),
        )
    assert set(error.value.message_dict) == {"start", "office"}


def test_a_caseworker_of_another_job_centre_cannot_be_booked(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    with pytest.raises(ServiceError) as error:
        book(customer, world.dave, at(DAY, 9), mode=Appointment.PHONE)
    assert "anderen Jobcenter" in error.value.message_dict["caseworker"][0]


# --- Attendance --------------------------------------------------------------------------------


def test_attended_then_the_note_moves_the_due_date_and_links_the_note(world):
    today = timezone.localdate()
    customer = overdue_customer(world.team_a, world.alice)
    start = at(today, 0, 5)  # a field visit: not bound to Coburg's opening hours
    appointment = book(customer, world.alice, start, now=start - timedelta(days=1), mode=Appointment.FIELD)
    services.record_attendance(appointment=appointment, by=world.alice.user, now=start + timedelta(minutes=30))
    note, decision = services.write_appointment_note(
        appointment=appointment, by=world.alice.user, summary="Standortbestimmung", today=today
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.ATTENDED
    assert appointment.contact_note_id == note.pk
    assert (note.date, note.channel) == (today, "in_person")
    assert Customer.objects.get(pk=customer.pk).due_by == decision.due_by > today
    with pytest.raises(ServiceError):  # one note per appointment
        services.write_appointment_note(appointment=appointment, by=world.alice.user, summary="noch einer")
    assert ContactNote.objects.filter(customer=customer).count() == 1


def test_a_note_needs_an_attended_appointment(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    appointment = book(customer, world.alice, at(DAY, 9))
    with pytest.raises(ServiceError):
        services.write_appointment_note(appointment=appointment, by=world.alice.user, summary="x")


def test_a_future_appointment_cannot_be_attended_or_missed(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    appointment = book(customer, world.alice, at(DAY, 9))
    with pytest.raises(ServiceError):
        services.record_attendance(appointment=appointment, by=world.alice.user, now=at(DAY, 8, 59))
    with pytest.raises(ServiceError):
        services.mark_missed(appointment=appointment, by=world.alice.user, now=at(DAY, 8, 59))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.PLANNED


def test_an_outcome_is_recorded_once(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    appointment = book(customer, world.alice, at(DAY, 9))
    services.mark_missed(appointment=appointment, by=world.alice.user, now=at(DAY, 10))
    with pytest.raises(ServiceError) as error:
        services.record_attendance(
            appointment=Appointment.objects.get(pk=appointment.pk), by=world.alice.user, now=at(DAY, 10)
        )
    assert "bereits nicht erschienen" in error.value.messages[0]


def test_a_past_appointment_without_outcome_is_unresolved_not_missed(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    appointment = book(customer, world.alice, at(DAY, 9))
    assert not appointment.is_unresolved(at(DAY, 9, 29))
    assert appointment.is_unresolved(at(DAY, 9, 30))
    assert appointment.status == Appointment.PLANNED and appointment.missed_sequence is None


def test_missed_appointments_are_counted_in_sequence_until_one_is_attended(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    days = [DAY + timedelta(days=7 * n) for n in range(5)]
    rows = [book(customer, world.alice, at(d, 9)) for d in days]
    later = at(days[-1], 12)
    services.mark_missed(appointment=rows[0], by=world.alice.user, reason="keine Rückmeldung", now=later)
    services.mark_missed(appointment=rows[1], by=world.alice.user, now=later)
    excused = services.mark_missed(
        appointment=rows[2], by=world.alice.user, reason="Arbeitsunfähigkeit", important_reason=True, now=later
    )
    services.record_attendance(appointment=rows[3], by=world.alice.user, now=later)
    fifth = services.mark_missed(appointment=rows[4], by=world.alice.user, now=later)
    sequences = list(Appointment.objects.order_by("start").values_list("missed_sequence", flat=True))
    assert sequences == [1, 2, None, None, 1]
    assert excused.important_reason and excused.missed_sequence is None
    assert fifth.missed_sequence == 1
    assert Appointment.objects.get(pk=rows[0].pk).outcome_reason == "keine Rückmeldung"


def test_an_important_reason_needs_the_reason(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    appointment = book(customer, world.alice, at(DAY, 9))
    with pytest.raises(ServiceError) as error:
        services.mark_missed(appointment=appointment, by=world.alice.user, important_reason=True, now=at(DAY, 10))
    assert "wichtigen Grund" in error.value.message_dict["outcome_reason"][0]


def test_a_later_excuse_renumbers_the_following_misses(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    rows = [book(customer, world.alice, at(DAY + timedelta(days=7 * n), 9)) for n in range(3)]
    later = at(DAY + timedelta(days=20), 12)
    for row in rows:
        services.mark_missed(appointment=row, by=world.alice.user, now=later)
    services.excuse_missed(appointment=rows[0], by=world.alice.user, reason="Krankenhausaufenthalt")
    assert list(Appointment.objects.order_by("start").values_list("missed_sequence", flat=True)) == [None, 1, 2]


def test_cancelling_twice_is_refused(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    appointment = book(customer, world.alice, at(DAY, 9))
    services.cancel_appointment(appointment=appointment, by=world.alice.user, by_customer=False)
    with pytest.raises(ServiceError):
        services.cancel_appointment(appointment=appointment, by=world.alice.user, by_customer=True)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.CANCELLED_CENTRE


# --- PostgreSQL: the database itself refuses double booking ----------------------------------


@pytest.mark.postgres
def test_the_exclusion_constraint_refuses_an_overlap_written_past_the_service(world):
    one, two = (make_customer(world.team_a, caseworker=world.alice) for _ in range(2))
    first = book(one, world.alice, at(DAY, 9), minutes=45, preparation=15)
    clash = Appointment(
        job_centre=world.coburg,
        customer=two,
        caseworker=world.alice,
        mode=Appointment.PHONE,
        start=at(DAY, 9, 55),
        end=at(DAY, 10, 30),
        blocked_until=at(DAY, 10, 30),
        subject="x",
        booked_by=world.alice.user,
    )
    with pytest.raises(IntegrityError, match=services.CONSTRAINT), transaction.atomic():
        clash.save()
    Appointment.objects.filter(pk=first.pk).update(status=Appointment.CANCELLED_CENTRE)
    clash.save()  # cancelled appointments do not block
    assert Appointment.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_bookings_of_one_slot_exactly_one_succeeds(request):
    from django.core.management import call_command

    from policies.models import JobCentre
    from tests.caseload.factories import make_staff, make_team

    call_command("loaddata", "rulesets", verbosity=0)
    centre = JobCentre.objects.get(slug="coburg-land")
    team = make_team(centre, "Team Nebenläufig")
    alice = make_staff("alice-concurrent", team)
    office = make_office(centre)
    customers = [make_customer(team, caseworker=alice) for _ in range(20)]
    start = at(DAY, 9)
    barrier = threading.Barrier(20)
    outcomes = []

    def attempt(customer):
        try:
            barrier.wait()
            services.book_appointment(
                customer=customer,
                caseworker=alice,
                by=alice.user,
                start=start,
                minutes=45,
                preparation_minutes=15,
                office=office,
                now=at(DAY, 8),
            )
            outcomes.append("ok")
        except ServiceError as error:
            outcomes.append(error.message_dict["start"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1
    assert outcomes.count(services.DOUBLE_BOOKED) == 19
    assert Appointment.objects.filter(caseworker=alice).count() == 1
    assert connection.vendor == "postgresql"


# --- Lengths from the seeds' rule sets ---------------------------------------------------------


def test_lengths_come_from_the_rule_sets_of_the_fixture(rulesets):
    from appointments.lengths import default_length
    from policies.models import RuleSet

    mg = RuleSet.objects.get(job_centre__slug="moenchengladbach")
    coburg = RuleSet.objects.get(job_centre__slug="coburg-land")
    first = default_length(mg, Appointment.FIRST)
    assert (first.minutes, first.preparation) == (45, 15)
    assert default_length(coburg, Appointment.FIRST).minutes == 60
    assert default_length(coburg, Appointment.FOLLOW_UP).minutes == 30
    assert default_length(coburg, Appointment.GROUP, limited_german=True).minutes == 60


# --- The rule set's scheduling rules ------------------------------------------------------------


def test_coburg_refuses_a_phone_or_video_appointment_and_saves_nothing(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    for mode, noun in ((Appointment.PHONE, "keine Telefongespräche"), (Appointment.VIDEO, "keine Videogespräche")):
        with pytest.raises(ServiceError) as error:
            book(customer, world.alice, at(DAY, 9), mode=mode)
        [message] = error.value.message_dict["mode"]
        assert message.startswith(
            "Nach dem Kontaktdichtekonzept werden nur persönliche Kunden- oder "
            "Arbeitgeberkontakte und Gruppeninformationen als Termin vereinbart"
        )
        assert noun in message
    assert not Appointment.objects.exists()


def test_coburg_books_group_information_and_field_visits(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    group = book(customer, world.alice, at(DAY, 9), kind=Appointment.GROUP)
    visit = book(customer, world.alice, at(DAY, 15), mode=Appointment.FIELD, office=make_office(world.coburg, "B"))
    assert (group.channel, visit.channel, visit.office) == ("group", "in_person", None)


def test_weimar_books_phone_appointments(world):
    customer = make_customer(world.weimar_team, caseworker=world.dave)
    assert book(customer, world.dave, at(DAY, 19), mode=Appointment.PHONE).channel == "phone"


def test_a_rule_set_without_group_sessions_refuses_one_on_the_kind(world):
    RuleSet.objects.filter(job_centre=world.coburg).update(bookable_channels=["in_person"])
    customer = make_customer(world.team_a, caseworker=world.alice)
    with pytest.raises(ServiceError) as error:
        book(customer, world.alice, at(DAY, 9), kind=Appointment.GROUP)
    assert error.value.message_dict == {
        "kind": [
            "Nach dem Kontaktdichtekonzept werden nur persönliche Kunden- oder Arbeitgeberkontakte als Termin "
            "vereinbart, keine Gruppeninformationen."
        ]
    }


def test_the_rule_set_in_force_on_the_appointments_day_decides(world):
    # Coburg's rule set ends before DAY; its successor books phone calls and not only office hours.
    current = RuleSet.objects.get(job_centre=world.coburg)
    current.valid_until = DAY - timedelta(days=1)
    current.save()
    clone_rule_set(current, valid_from=DAY, title="Fortschreibung")
    RuleSet.objects.filter(valid_from=DAY).update(bookable_channels=["in_person", "phone"], office_hours_only=False)
    customer = make_customer(world.team_a, caseworker=world.alice)
    assert book(customer, world.alice, at(DAY, 18), mode=Appointment.PHONE).mode == Appointment.PHONE
    assert book(customer, world.alice, at(DAY, 19)).mode == Appointment.OFFICE  # outside opening hours
    with pytest.raises(ServiceError) as error:
        book(customer, world.alice, at(DAY - timedelta(days=1), 9), mode=Appointment.PHONE)
    assert "keine Telefongespräche" in error.value.message_dict["mode"][0]


def test_coburg_refuses_an_office_appointment_outside_opening_hours(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    office = make_office(world.coburg)  # Tuesday 8-12
    with pytest.raises(ServiceError) as error:
        book(customer, world.alice, at(DAY, 11, 45), office=office)  # ends 12:15
    assert error.value.message_dict == {
        "start": [
            "Termine in der Regionalstelle liegen nach dem Kontaktdichtekonzept in den Öffnungszeiten: Regionalstelle "
            "Rödental hat dienstags von 08:00 bis 12:00 Uhr geöffnet. Für einen Außendienst gilt das nicht."
        ]
    }
    assert book(customer, world.alice, at(DAY, 11, 30), office=office).end == at(DAY, 12)  # ends at closing
    assert book(customer, world.alice, at(DAY, 16), mode=Appointment.FIELD).office is None  # not bound
    assert Appointment.objects.count() == 2


def test_coburg_refuses_an_office_appointment_at_an_office_without_opening_hours(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    office = make_office(world.coburg, "Außenstelle ohne Zeiten", hours=[])
    with pytest.raises(ServiceError) as error:
        book(customer, world.alice, at(DAY, 9), office=office)
    assert error.value.message_dict["office"] == [
        "Für Außenstelle ohne Zeiten sind keine Öffnungszeiten hinterlegt; Termine in der Regionalstelle liegen "
        "nach dem Kontaktdichtekonzept in den Öffnungszeiten. Bitte lassen Sie die Öffnungszeiten von der "
        "Fachadministration erfassen."
    ]
    assert not Appointment.objects.exists()


def test_without_office_hours_only_an_office_appointment_may_lie_outside_them(world):
    customer = make_customer(world.weimar_team, caseworker=world.dave)
    office = make_office(world.weimar)
    assert book(customer, world.dave, at(DAY, 17), office=office).office == office
