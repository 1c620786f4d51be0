"""The reports' selectors with hand-counted fixtures, the slot suggestions and the calendar."""

from datetime import date, time, timedelta

import pytest

from appointments import selectors, services
from appointments.lengths import Length
from appointments.models import Appointment
from appointments.selectors import ConsultationShare
from caseload.access import staff_for
from policies.models import ClosingDay, RuleSet

from .factories import at, book, give_working_hours, make_customer, make_office, world  # noqa: F401

MAY = date(2026, 5, 1)
AFTER = at(date(2026, 6, 30), 12)  # when the outcomes are recorded


@pytest.fixture
def may(world):
    """May 2026 in Bavaria (Coburg Land): 21 weekdays, minus 1 May (Friday), Ascension Day
    (Thursday 14th), Whit Monday (25th) and a closing day on Friday 29th: 17 working days.
    alice works Mon-Thu 8-16 (480 min), Fri 8-12 (240 min): Mon 3 + Tue 4 + Wed 4 + Thu 3 = 14
    long days, 3 Fridays: 14 x 480 + 3 x 240 = 7440 minutes.
    bob has no working hours and 39 h a week: 468 min x 17 days = 7956 minutes."""
    ClosingDay.objects.create(job_centre=world.coburg, date=date(2026, 5, 29), label="Betriebsausflug")
    give_working_hours(world.alice, days=range(4))
    give_working_hours(world.alice, days=[4], start=time(8), end=time(12))
    office = make_office(world.coburg)
    c1, c2 = make_customer(world.team_a, caseworker=world.alice), make_customer(world.team_a, caseworker=world.bob)

    def outcome(customer, staff, start, minutes, status, preparation=0, mode=Appointment.OFFICE, **kw):
        appointment = book(customer, staff, start, minutes, preparation, office=office, mode=mode)
        if status == "attended":
            services.record_attendance(appointment=appointment, by=staff.user, now=AFTER)
        elif status == "missed":
            services.mark_missed(appointment=appointment, by=staff.user, now=AFTER, **kw)
        elif status == "cancelled":
            services.cancel_appointment(appointment=appointment, by=staff.user, by_customer=True)
        return appointment

    outcome(c1, world.alice, at(date(2026, 5, 4), 9), 60, "attended")
    outcome(c1, world.alice, at(date(2026, 5, 12), 9), 45, "attended", preparation=15)  # preparation not counted
    outcome(c1, world.alice, at(date(2026, 5, 13), 9), 30, "missed")
    outcome(c1, world.alice, at(date(2026, 5, 19), 9), 30, "missed", reason="krank", important_reason=True)
    outcome(c1, world.alice, at(date(2026, 5, 20), 9), 30, "cancelled")
    outcome(c1, world.alice, at(date(2026, 5, 21), 9), 30, "planned")  # unresolved: not counted
    outcome(c1, world.alice, at(date(2026, 4, 30), 9), 30, "attended")  # April
    outcome(c1, world.alice, at(date(2026, 6, 1), 9), 30, "missed")  # June
    # Field visits: an office appointment at night lies outside Coburg's opening hours.
    outcome(c2, world.bob, at(date(2026, 5, 31), 23), 30, "attended", mode=Appointment.FIELD)  # late in Berlin: May
    outcome(c2, world.bob, at(date(2026, 6, 1), 0, 30), 30, "attended", mode=Appointment.FIELD)  # early: June
    return world


def test_consultation_share_is_hand_counted(may, django_assert_num_queries):
    staff = [may.alice, may.bob, may.charlie]
    # 1 rule sets of the month, 2 working hours, 3 closing days, 4 absences, 5 attended minutes
    with django_assert_num_queries(5):
        shares = selectors.consultation_share(may.coburg, staff, MAY)
    assert shares[may.alice.pk] == ConsultationShare(
        attended_minutes=105, working_minutes=7440, share=105 / 7440, target=50
    )
    assert shares[may.bob.pk] == ConsultationShare(
        attended_minutes=30, working_minutes=7956, share=30 / 7956, target=50
    )
    assert shares[may.charlie.pk].attended_minutes == 0
    assert shares[may.charlie.pk].working_minutes == 7956


def test_consultation_share_takes_any_day_of_the_month(may):
    shares = selectors.consultation_share(may.coburg, [may.alice], date(2026, 5, 17))
    assert shares[may.alice.pk].attended_minutes == 105


def test_consultation_share_ignores_other_job_centres_staff(may):
    shares = selectors.consultation_share(may.coburg, [may.dave], MAY)
    assert shares[may.dave.pk] == ConsultationShare(0, 0, None, 50)


def test_consultation_share_target_comes_from_the_rule_set_of_that_month(world):
    from policies.models import JobCentre

    from ..caseload.factories import make_staff, make_team

    assert selectors.consultation_share(world.weimar, [world.dave], MAY)[world.dave.pk].target is None
    mg = JobCentre.objects.get(slug="moenchengladbach")
    erika = make_staff("erika", make_team(mg, "Team Markt"))
    assert selectors.consultation_share(mg, [erika], date(2016, 12, 1))[erika.pk].target == 60
    assert selectors.consultation_share(mg, [erika], date(2017, 1, 1))[erika.pk].target is None


def test_missed_appointments_are_counted_per_caseworker_in_the_month(may, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = selectors.missed_appointments(may.coburg.pk, [may.alice.pk, may.bob.pk], MAY)
    assert counts == {may.alice.pk: 2, may.bob.pk: 0}  # one unexcused, one excused; June's not


def test_missed_appointments_stay_in_their_job_centre(may):
    assert selectors.missed_appointments(may.weimar.pk, [may.alice.pk], MAY) == {may.alice.pk: 0}


# --- Slot suggestions --------------------------------------------------------------------------


def test_suggestions_fall_in_the_due_window_on_working_days_around_busy_time(world, django_assert_num_queries):
    customer = make_customer(
        world.team_a, caseworker=world.alice, today=date(2026, 5, 8), registered_on=date(2026, 3, 1)
    )  # 2MM from registration: due 1 May
    customer.due_by, customer.window_opens = date(2026, 5, 22), date(2026, 5, 13)
    customer.job_centre = world.coburg  # as the page loads it (access.get_customer_for_user)
    give_working_hours(world.alice, days=range(5), start=time(9), end=time(11))
    make_office(world.coburg, hours=[(d, time(8), time(10)) for d in range(5)])
    [office] = selectors.offices(world.coburg.pk)  # with its opening hours, as the page loads it
    book(customer, world.alice, at(date(2026, 5, 13), 9), 60, office=office)
    ClosingDay.objects.create(job_centre=world.coburg, date=date(2026, 5, 15))
    now = at(date(2026, 5, 8), 12)
    # 1 busy appointments, 2 working hours, 3 closing days
    with django_assert_num_queries(3):
        found = selectors.suggest_slots(customer, world.alice, Length(45, 15, None), now, office=office)
    # Wed 13th 9-10 busy, Thu 14th Ascension Day, Fri 15th closed
    assert [s.start for s in found.slots] == [
        at(date(2026, 5, 13), 10),
        at(date(2026, 5, 18), 9),
        at(date(2026, 5, 18), 10),
        at(date(2026, 5, 19), 9),
        at(date(2026, 5, 19), 10),
        at(date(2026, 5, 20), 9),
    ]
    assert [s.in_opening_hours for s in found.slots[:2]] == [False, True]
    assert not found.overdue and found.hours_source == "working"


def test_coburg_searches_office_appointments_in_working_hours_within_opening_hours(world):
    customer = make_customer(
        world.team_a, caseworker=world.alice, today=date(2026, 5, 8), registered_on=date(2026, 5, 1)
    )
    customer.job_centre = world.coburg
    give_working_hours(world.alice, days=range(5), start=time(9), end=time(15))
    make_office(world.coburg, hours=[(d, time(8), time(10)) for d in range(5)] + [(3, time(14), time(18))])
    [office] = selectors.offices(world.coburg.pk)
    rule_set = RuleSet.objects.get(job_centre=world.coburg)
    found = selectors.suggest_slots(
        customer, world.alice, Length(60, 0, None), at(date(2026, 5, 11), 7), office=office, rule_set=rule_set
    )
    # 9-10 each day (working 9-15 within 8-10); Thursday 14th is Ascension Day
    assert [s.start for s in found.slots] == [at(date(2026, 5, d), 9) for d in (11, 12, 13, 15, 18, 19)]
    assert found.bound_to_opening_hours and all(s.in_opening_hours for s in found.slots)
    assert found.initial == found.slots[0]
    # Coburg's invitation letters need 3 working days: from Monday, Tue, Wed, (holiday), Fri 15th
    assert found.letter_in_time_from == date(2026, 5, 15)
    assert [s.letter_late for s in found.slots] == [True, True, True, False, False, False]


def test_field_visits_are_searched_in_working_hours_afternoon_first_without_opening_hours(world):
    customer = make_customer(
        world.team_a, caseworker=world.alice, today=date(2026, 5, 8), registered_on=date(2026, 5, 1)
    )
    customer.job_centre = world.coburg
    give_working_hours(world.alice, days=range(5), start=time(9), end=time(15))
    make_office(world.coburg, hours=[(d, time(8), time(10)) for d in range(5)])
    [office] = selectors.offices(world.coburg.pk)
    found = selectors.suggest_slots(
        customer,
        world.alice,
        Length(60, 0, None),
        at(date(2026, 5, 11), 7),
        mode=Appointment.FIELD,
        office=office,
        rule_set=RuleSet.objects.get(job_centre=world.coburg),
        limit=4,
    )
    assert [s.start for s in found.slots] == [at(date(2026, 5, 11), h) for h in (12, 13, 14)] + [
        at(date(2026, 5, 12), 12)
    ]
    assert found.office is None and not found.bound_to_opening_hours
    assert all(s.in_opening_hours for s in found.slots)  # nothing to be outside of


def test_overdue_customers_get_the_next_free_slots_from_now(world):
    customer = make_customer(
        world.team_a, caseworker=world.alice, today=date(2026, 5, 8), registered_on=date(2026, 1, 1)
    )
    assert customer.due_by < date(2026, 5, 8)
    found = selectors.suggest_slots(customer, world.alice, Length(30, 0, None), at(date(2026, 5, 8), 15, 10))
    assert found.overdue and found.hours_source == "default"
    assert found.slots[0].start == at(date(2026, 5, 8), 15, 15)
    assert not any(s.after_due for s in found.slots)


def test_a_due_date_far_ahead_searches_a_bounded_stretch(world):
    customer = make_customer(
        world.team_a, caseworker=world.alice, today=date(2026, 5, 8), registered_on=date(2026, 5, 1)
    )
    customer.due_by, customer.window_opens = date(9999, 12, 31), None  # individual cycle, typed wrong once
    found = selectors.suggest_slots(customer, world.alice, Length(30, 0, None), at(date(2026, 5, 8), 9))
    assert found.slots and found.slots[0].start.date() == date(2026, 5, 8)
    assert all(s.start.date() <= date(2026, 5, 8) + timedelta(days=selectors.SEARCH_DAYS_AT_MOST) for s in found.slots)


# --- Calendar ----------------------------------------------------------------------------------


def test_calendar_days_mark_unresolved_holidays_and_outside_opening_hours(world, django_assert_num_queries):
    customer = make_customer(world.team_a, caseworker=world.alice)
    office = make_office(world.coburg)  # Mon-Fri 8-12, Thu 14-18
    early = book(customer, world.alice, at(date(2026, 5, 12), 9), office=office)
    visit = book(customer, world.alice, at(date(2026, 5, 12), 14), mode=Appointment.FIELD)
    # Booked before an admin bound Coburg's office appointments to the opening hours.
    RuleSet.objects.filter(job_centre=world.coburg).update(office_hours_only=False)
    late = book(customer, world.alice, at(date(2026, 5, 12), 16), office=office)
    now = at(date(2026, 5, 12), 12)
    alice = staff_for(world.alice.user)  # as the pages load it, with the job centre
    # 1 appointments (+customer, office), 2 group sessions, 3 opening hours, 4 closing days
    with django_assert_num_queries(4):
        days = selectors.calendar_days(alice, date(2026, 5, 11), date(2026, 5, 17), now)
    assert [d.day.day for d in days] == [11, 12, 13, 14, 15, 16, 17]
    assert days[3].holiday == "Christi Himmelfahrt" and not days[3].working
    tuesday = days[1].appointments
    assert [a.pk for a in tuesday] == [early.pk, visit.pk, late.pk]
    # A field visit is not bound to opening hours: never "outside" them.
    assert [(a.unresolved, a.outside_opening_hours) for a in tuesday] == [(True, False), (False, False), (False, True)]
    assert early.status == Appointment.PLANNED
