"""Working time (one reckoning for the share page, the monthly report and the capacity
forecast) and which attended appointments count as consultation time, counted by hand."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from appointments import selectors, services
from appointments.models import Absence, Appointment
from appointments.working_time import working_time
from caseload.models import Team
from policies.models import ClosingDay, RuleSet
from reports.capacity import forecast
from reports.figures import monthly_report

from .factories import at, book, give_working_hours, make_customer, make_office, world  # noqa: F401

MAY = date(2026, 5, 1)


def absent(staff, kind, start, end):
    return Absence.objects.create(
        job_centre_id=staff.job_centre_id, staff=staff, kind=kind, start=start, end=end, recorded_by=staff.user
    )


@pytest.fixture
def may(world):
    """May 2026 in Bavaria (Coburg Land): holidays Fri 1 (Labour Day), Thu 14 (Ascension Day),
    Mon 25 (Whit Monday); a closing day on Fri 29.

    alice works Mon-Thu 8-16 (480 min) and Fri 8-12 (240 min). Working days: Mondays 4, 11, 18;
    Tuesdays 5, 12, 19, 26; Wednesdays 6, 13, 20, 27; Thursdays 7, 21, 28; Fridays 8, 15, 22:
    14 long days and 3 Fridays = 14 x 480 + 3 x 240 = 7440 minutes. Her absences:
    - leave Tue 5 - Fri 8: 480 + 480 + 480 + 240 = 1680
    - sickness Mon 11: 480
    - immediate-placement desk Wed 13 (Coburg leaves it out): 480
    - training on Ascension Day Thu 14 and leave on Sat 30 - Sun 31: no working day, nothing
    7440 - 1680 - 480 - 480 = 4800 minutes, 6 working days away.

    bob has no working hours and 39 h a week: 468 minutes on each of the 17 working days; his
    leave from Mon 27 April to Mon 4 May takes 4 May: 16 x 468 = 7488."""
    ClosingDay.objects.create(job_centre=world.coburg, date=date(2026, 5, 29), label="Betriebsausflug")
    give_working_hours(world.alice, days=range(4))
    give_working_hours(world.alice, days=[4], start=time(8), end=time(12))
    absent(world.alice, Absence.LEAVE, date(2026, 5, 5), date(2026, 5, 8))
    absent(world.alice, Absence.SICKNESS, date(2026, 5, 11), date(2026, 5, 11))
    absent(world.alice, Absence.IMMEDIATE_PLACEMENT, date(2026, 5, 13), date(2026, 5, 13))
    absent(world.alice, Absence.TRAINING, date(2026, 5, 14), date(2026, 5, 14))
    absent(world.alice, Absence.LEAVE, date(2026, 5, 30), date(2026, 5, 31))
    absent(world.bob, Absence.LEAVE, date(2026, 4, 27), date(2026, 5, 4))
    return world


def test_working_minutes_leave_out_holidays_closing_days_and_absences(may, django_assert_num_queries):
    # 1 rule sets, 2 working hours, 3 closing days, 4 absences
    with django_assert_num_queries(4):
        result = working_time(may.coburg, [may.alice, may.bob, may.charlie], MAY, date(2026, 5, 31))
    assert (result.minutes(may.alice.pk), result.absent_days(may.alice.pk)) == (4800, 6)
    assert (result.minutes(may.bob.pk), result.absent_days(may.bob.pk)) == (7488, 1)
    assert (result.minutes(may.charlie.pk), result.absent_days(may.charlie.pk)) == (17 * 468, 0)
    assert may.alice.pk in result.recorded_hours and may.bob.pk not in result.recorded_hours


def test_a_part_of_the_range_is_summed_on_its_own(may):
    result = working_time(may.coburg, [may.alice], MAY, date(2026, 5, 31))
    # Mon 4 - Sun 10 May: Monday 480, leave from Tuesday on.
    assert (
        result.minutes(may.alice.pk, date(2026, 5, 4), date(2026, 5, 10)),
        result.absent_days(may.alice.pk, date(2026, 5, 4), date(2026, 5, 10)),
    ) == (480, 4)


def test_the_consultation_share_uses_the_same_working_minutes(may):
    shares = selectors.consultation_share(may.coburg, [may.alice, may.bob], MAY)
    assert (shares[may.alice.pk].working_minutes, shares[may.alice.pk].absent_days) == (4800, 6)
    assert shares[may.bob.pk].working_minutes == 7488


def test_desk_days_count_as_working_time_where_the_rule_set_says_so(world):
    """Weimarer Land (Thuringia, same holidays in May 2026: 18 working days x 468 minutes)
    keeps days on the immediate-placement desk in the working time; sickness goes."""
    absent(world.dave, Absence.IMMEDIATE_PLACEMENT, date(2026, 5, 7), date(2026, 5, 7))
    result = working_time(world.weimar, [world.dave], MAY, date(2026, 5, 31))
    assert (result.minutes(world.dave.pk), result.absent_days(world.dave.pk)) == (18 * 468, 0)
    absent(world.dave, Absence.SICKNESS, date(2026, 5, 8), date(2026, 5, 8))
    assert working_time(world.weimar, [world.dave], MAY, date(2026, 5, 31)).minutes(world.dave.pk) == 17 * 468


def test_another_job_centres_staff_and_absences_stay_out(world):
    absent(world.dave, Absence.LEAVE, date(2026, 5, 4), date(2026, 5, 8))
    result = working_time(world.coburg, [world.dave], MAY, date(2026, 5, 31))
    assert (result.minutes(world.dave.pk), result.absent_days(world.dave.pk)) == (0, 0)


def test_weekly_hours_with_a_fraction_of_a_minute_per_day_are_summed_before_rounding(world):
    """39.1 h a week: 469.2 minutes a day; May 2026 in Bavaria has 18 working days: 8445.6."""
    world.alice.weekly_hours = Decimal("39.1")
    world.alice.save()
    assert working_time(world.coburg, [world.alice], MAY, date(2026, 5, 31)).minutes(world.alice.pk) == 8445


# --- Which appointments count --------------------------------------------------------------

AFTER = at(date(2026, 9, 1), 12)


def _attended(customer, staff, start, minutes, **kwargs):
    appointment = book(customer, staff, start, minutes, **kwargs)
    services.record_attendance(appointment=appointment, by=staff.user, now=AFTER)
    return appointment


def test_coburg_counts_only_in_person_appointments(world):
    """Coburg Land: only in-person contacts are qualified. 45 min in the office and 30 min on
    a field visit count; a phone call (20), a video call (25) and a group session (60) do not."""
    customer = make_customer(world.team_a, caseworker=world.alice)
    office = make_office(world.coburg)
    # Booked before the admin limited Coburg's bookable channels to in person and group (a
    # phone or video appointment is refused now): what happened still has to be counted right.
    RuleSet.objects.filter(job_centre=world.coburg).update(bookable_channels=["in_person", "phone", "video", "group"])
    _attended(customer, world.alice, at(date(2026, 5, 4), 9), 45, office=office)
    _attended(customer, world.alice, at(date(2026, 5, 5), 14), 30, mode=Appointment.FIELD)
    _attended(customer, world.alice, at(date(2026, 5, 6), 9), 20, mode=Appointment.PHONE)
    _attended(customer, world.alice, at(date(2026, 5, 7), 9), 25, mode=Appointment.VIDEO)
    _attended(customer, world.alice, at(date(2026, 5, 8), 9), 60, office=office, kind=Appointment.GROUP)
    assert selectors.consultation_share(world.coburg, [world.alice], MAY)[world.alice.pk].attended_minutes == 75


def test_weimar_counts_its_listed_channels_from_the_day_its_rule_set_is_in_force(world):
    """Weimarer Land's rule set is in force from 15 August 2017: in person, phone, e-mail and
    group count, video does not. Before the 15th no rule set is in force and nothing counts:
    10.08. phone 20 (no), 21.08. phone 20 + office 40 + group 60 (yes), 22.08. video 30 (no):
    120 minutes."""
    customer = make_customer(
        world.weimar_team, caseworker=world.dave, today=date(2017, 8, 1), registered_on=date(2017, 6, 1)
    )
    office = make_office(world.weimar, name="Regionalstelle Apolda")
    _attended(customer, world.dave, at(date(2017, 8, 10), 9), 20, mode=Appointment.PHONE)
    _attended(customer, world.dave, at(date(2017, 8, 21), 9), 20, mode=Appointment.PHONE)
    _attended(customer, world.dave, at(date(2017, 8, 21), 10), 40, office=office)
    _attended(customer, world.dave, at(date(2017, 8, 21), 13), 60, office=office, kind=Appointment.GROUP)
    _attended(customer, world.dave, at(date(2017, 8, 22), 9), 30, mode=Appointment.VIDEO)
    share = selectors.consultation_share(world.weimar, [world.dave], date(2017, 8, 1))[world.dave.pk]
    assert share.attended_minutes == 120


# --- Share page, monthly report and capacity forecast agree ---------------------------------

FEBRUARY = date(2027, 2, 1)  # Monday 1 to Sunday 28: exactly the capacity forecast's first four weeks


@pytest.fixture
def february(world):
    """February 2027 in Bavaria: 20 working days, no public holiday. alice (39 h, no working
    hours: 468 minutes a day) has a closing day on Wed 10, leave Mon 15 - Fri 19, sickness on
    Tue 2 and the immediate-placement desk on Thu 25: 20 - 1 - 5 - 1 - 1 = 12 days, 5616 minutes."""
    ClosingDay.objects.create(job_centre=world.coburg, date=date(2027, 2, 10), label="Personalversammlung")
    for kind, start, end in (
        (Absence.LEAVE, date(2027, 2, 15), date(2027, 2, 19)),
        (Absence.SICKNESS, date(2027, 2, 2), date(2027, 2, 2)),
        (Absence.IMMEDIATE_PLACEMENT, date(2027, 2, 25), date(2027, 2, 25)),
    ):
        services.record_absence(
            staff=world.alice, kind=kind, start=start, end=end, by=world.bob.user, today=date(2027, 1, 15)
        )
    make_customer(world.team_a, caseworker=world.alice, today=date(2027, 1, 15))
    return world


def test_share_page_monthly_report_and_capacity_forecast_give_the_same_working_time(client, february):
    world = february
    team = Team.objects.select_related("job_centre").get(pk=world.team_a.pk)

    share = selectors.consultation_share(world.coburg, [world.alice], FEBRUARY)[world.alice.pk]
    report = monthly_report(team, FEBRUARY, date(2027, 3, 5))
    row = next(r for r in report.rows if r.staff_id == world.alice.pk)
    capacity = forecast(team, FEBRUARY)
    cells = next(r for r in capacity.rows if r.staff_id == world.alice.pk).cells[:4]

    assert share.working_minutes == row.working_minutes == sum(c.working for c in cells) == 5616
    # Weeks of 1, 8, 15 and 22 February: sickness, closing day, leave, desk.
    assert [c.working for c in cells] == [4 * 468, 4 * 468, 0, 4 * 468]
    assert cells[2].available == 0 and cells[2].absent_days == 5
    client.force_login(world.alice.user)
    page = client.get(reverse("appointments:share") + "?monat=2027-02").content.decode()
    assert '<td class="num">93,6</td><td class="num">7</td>' in page  # 5616 min = 93.6 h; 7 days away
