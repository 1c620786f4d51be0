"""The pure rules: the opening-hours standard, default lengths, free slots. No database."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from appointments.lengths import default_length
from appointments.slots import BERLIN, free_slots, within
from appointments.standards import JOBAGENTUR_EN, check_opening_hours
from policies.calendar import WorkingCalendar


def week(*extra, mornings=range(5), start=time(8), end=time(12, 30)):
    return [(d, start, end) for d in mornings] + list(extra)


# --- Opening-hours standard (JobAgentur EN) ----------------------------------------------------


def test_mornings_every_weekday_and_one_late_afternoon_meet_the_standard():
    # 5 x 4.5 h = 22.5 h, Thursday 14-18 on top: 26.5 h
    hours = week((3, time(14), time(18)))
    assert check_opening_hours(hours, JOBAGENTUR_EN) == []


def test_less_than_21_5_hours_a_week_fails():
    hours = week((3, time(14), time(17, 30)), end=time(12))  # 20 h + 3.5 h = 23.5 h: passes
    assert check_opening_hours(hours, JOBAGENTUR_EN) == []
    short = week((3, time(15), time(17, 30)), end=time(11, 45))  # 18.75 h + 2.5 h = 21.25 h
    errors = check_opening_hours(short, JOBAGENTUR_EN)
    assert errors == ["Mindestens 21,5 Stunden pro Woche geöffnet (bisher 21,25 Stunden)."]


def test_a_closed_weekday_fails():
    hours = week((3, time(14), time(18)), mornings=(0, 1, 2, 3), end=time(14))
    errors = check_opening_hours(hours, JOBAGENTUR_EN)
    assert errors == ["An jedem Werktag (Montag bis Freitag) geöffnet; geschlossen: Freitag."]


def test_an_afternoon_only_day_fails_the_every_morning_rule():
    hours = week((3, time(14), time(18)), (4, time(13), time(17)), mornings=(0, 1, 2, 3), end=time(13))
    errors = check_opening_hours(hours, JOBAGENTUR_EN)
    assert errors == ["An jedem Vormittag geöffnet (vor 10:00 Uhr); fehlt: Freitag."]


def test_no_afternoon_late_enough_for_working_people_fails():
    hours = week((3, time(14), time(17)), end=time(13))  # 25 h + 3 h, but closes at 17:00
    errors = check_opening_hours(hours, JOBAGENTUR_EN)
    assert errors == [
        "An mindestens 1 Nachmittag(en) bis 17:30 Uhr geöffnet, damit Berufstätige kommen können (bisher 0)."
    ]


def test_a_tandem_office_may_open_three_mornings_only():
    hours = [(0, time(8), time(12)), (2, time(8), time(12)), (3, time(8), time(12)), (3, time(14), time(18))]
    assert check_opening_hours(hours, JOBAGENTUR_EN, tandem=True) == []
    assert check_opening_hours(hours, JOBAGENTUR_EN, tandem=False) != []


def test_a_tandem_office_with_two_mornings_fails():
    hours = [(0, time(8), time(12)), (3, time(8), time(18))]
    errors = check_opening_hours(hours, JOBAGENTUR_EN, tandem=True)
    assert errors == ["Eine Tandem-Regionalstelle muss an mindestens 3 Vormittagen geöffnet sein (bisher 2)."]


def test_an_empty_standard_accepts_anything():
    from appointments.standards import Standard

    assert check_opening_hours([(0, time(9), time(10))], Standard(min_weekly_hours=Decimal(0))) == []


# --- Lengths -----------------------------------------------------------------------------------

MG = SimpleNamespace(
    first_appointment_minutes=45, follow_up_minutes=None, preparation_minutes=15, limited_german_max_minutes=None
)
COBURG = SimpleNamespace(
    first_appointment_minutes=60, follow_up_minutes=30, preparation_minutes=10, limited_german_max_minutes=60
)


def test_moenchengladbach_first_appointment_is_45_minutes_plus_15_preparation():
    length = default_length(MG, "first")
    assert (length.minutes, length.preparation, length.blocked) == (45, 15, 60)


def test_coburg_first_60_follow_up_30_plus_preparation():
    assert default_length(COBURG, "first").minutes == 60
    follow_up = default_length(COBURG, "follow_up")
    assert (follow_up.minutes, follow_up.preparation) == (30, 10)


def test_limited_german_caps_the_length_at_60_minutes():
    group = default_length(COBURG, "group", limited_german=True)
    assert (group.minutes, group.cap) == (60, 60)
    assert default_length(COBURG, "group").minutes == 90


def test_without_a_rule_set_an_appointment_is_30_minutes():
    length = default_length(None, "follow_up")
    assert (length.minutes, length.preparation, length.cap) == (30, 0, None)


# --- Slots -------------------------------------------------------------------------------------

MONDAY = date(2026, 5, 11)  # a normal week in Bavaria; Thursday 14.05.2026 is Ascension Day
BAVARIA = WorkingCalendar("BY")
NINE_TO_TWELVE = {d: [(time(9), time(12))] for d in range(5)}


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def slots(**kwargs):
    defaults = dict(
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=6),
        not_before=at(MONDAY, 0),
        hours=NINE_TO_TWELVE,
        opening=None,
        busy=[],
        is_working_day=BAVARIA.is_working_day,
        minutes=60,
        preparation=0,
    )
    return free_slots(**{**defaults, **kwargs})


def test_slots_fill_the_hours_one_after_another():
    found = slots(limit=4)
    assert [s.start for s in found] == [at(MONDAY, 9), at(MONDAY, 10), at(MONDAY, 11), at(MONDAY + timedelta(1), 9)]


def test_slots_leave_room_for_the_preparation():
    found = slots(minutes=45, preparation=15, limit=3)
    assert [(s.start, s.end, s.blocked_until) for s in found] == [
        (at(MONDAY, 9), at(MONDAY, 9, 45), at(MONDAY, 10)),
        (at(MONDAY, 10), at(MONDAY, 10, 45), at(MONDAY, 11)),
        (at(MONDAY, 11), at(MONDAY, 11, 45), at(MONDAY, 12)),
    ]


def test_slots_skip_busy_times_and_resume_on_the_quarter_hour():
    busy = [(at(MONDAY, 9), at(MONDAY, 10, 20))]
    found = slots(busy=busy, limit=2)
    assert [s.start for s in found] == [at(MONDAY, 10, 30), at(MONDAY + timedelta(1), 9)]


def test_slots_skip_public_holidays_and_closing_days():
    calendar = WorkingCalendar("BY", closing_days=[MONDAY + timedelta(days=2)])  # Wednesday closed
    found = slots(
        first_day=MONDAY + timedelta(days=1),
        is_working_day=calendar.is_working_day,
        limit=6,
        hours={d: [(time(9), time(10))] for d in range(5)},
    )
    # Tuesday, (Wednesday closed), (Thursday Ascension Day), Friday, then next Monday
    assert [s.start.date() for s in found] == [MONDAY + timedelta(days=1), MONDAY + timedelta(days=4)]


def test_slots_never_start_before_now():
    found = slots(not_before=at(MONDAY, 10, 5), limit=1)
    assert found[0].start == at(MONDAY, 10, 15)


def test_a_slot_too_long_for_the_hours_is_never_offered():
    assert slots(minutes=150, preparation=40) == []


def test_slots_outside_opening_hours_are_marked_not_hidden():
    opening = {d: [(time(9), time(10))] for d in range(5)}
    found = slots(opening=opening, limit=2)
    assert [(s.start, s.in_opening_hours) for s in found] == [(at(MONDAY, 9), True), (at(MONDAY, 10), False)]


def test_slots_after_the_due_date_are_marked():
    found = slots(due_by=MONDAY, hours={d: [(time(9), time(10))] for d in range(5)}, limit=2)
    assert [s.after_due for s in found] == [False, True]


def test_within_is_half_open_at_the_end():
    hours = {0: [(time(9), time(12))]}
    assert within(at(MONDAY, 11), at(MONDAY, 12), hours)
    assert not within(at(MONDAY, 11, 30), at(MONDAY, 12, 30), hours)
