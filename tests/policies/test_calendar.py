"""Working days per federal state (docs/domain.md, "How the due date is computed", step 2):
Monday to Friday, minus the state's public holidays, minus the job centre's own closing days.

Every expected date below was worked out by hand from a wall calendar and the German public
holiday rules (nationwide: New Year, Good Friday, Easter Monday, 1 May, Ascension, Whit Monday,
3 October, 25/26 December; NW adds Corpus Christi and All Saints; BY adds Epiphany, Corpus
Christi and All Saints; TH adds World Children's Day 20 September (since 2019) and Reformation
Day 31 October; Reformation Day 2017 was a one-off holiday everywhere).

Easter Sunday: 2016-03-27, 2024-03-31, 2025-04-20. Pure tests, no database.
"""

import pickle
import random
from datetime import date, timedelta

import pytest

from policies.calendar import WorkingCalendar

NW, BY, TH = WorkingCalendar("NW"), WorkingCalendar("BY"), WorkingCalendar("TH")
STATES = {"NW": NW, "BY": BY, "TH": TH}


# --- is_working_day: which holidays belong to which state ------------------------------------


@pytest.mark.parametrize(
    "day, working_in",
    [
        # Epiphany, Monday 6 Jan 2025: Bavaria only.
        (date(2025, 1, 6), {"NW", "TH"}),
        # Corpus Christi, Thursday 30 May 2024 and 19 Jun 2025: NW and BY, not Thuringia.
        (date(2024, 5, 30), {"TH"}),
        (date(2025, 6, 19), {"TH"}),
        # World Children's Day, Friday 20 Sep 2024: Thuringia only.
        (date(2024, 9, 20), {"NW", "BY"}),
        # Reformation Day, Thursday 31 Oct 2024: Thuringia only.
        (date(2024, 10, 31), {"NW", "BY"}),
        # All Saints, Friday 1 Nov 2024: NW and BY, not Thuringia.
        (date(2024, 11, 1), {"TH"}),
        # Nationwide: Good Friday and Easter Monday 2025, Ascension and Whit Monday 2025,
        # German Unity Day, Christmas, New Year.
        (date(2025, 4, 18), set()),
        (date(2025, 4, 21), set()),
        (date(2025, 5, 29), set()),
        (date(2025, 6, 9), set()),
        (date(2024, 10, 3), set()),
        (date(2024, 12, 25), set()),
        (date(2024, 12, 26), set()),
        (date(2025, 1, 1), set()),
        (date(2025, 5, 1), set()),
        # Reformation Day 2017 (500th anniversary) was a holiday in every state.
        (date(2017, 10, 31), set()),
        # Ordinary weekdays are working days everywhere; weekends nowhere.
        (date(2025, 3, 12), {"NW", "BY", "TH"}),
        (date(2025, 3, 15), set()),
        (date(2025, 3, 16), set()),
        # Christmas Eve and New Year's Eve are not public holidays.
        (date(2024, 12, 24), {"NW", "BY", "TH"}),
        (date(2024, 12, 31), {"NW", "BY", "TH"}),
    ],
)
def test_public_holidays_close_only_their_states(day, working_in):
    assert {state for state, cal in STATES.items() if cal.is_working_day(day)} == working_in


def test_world_childrens_day_is_a_thuringian_holiday_only_from_2019():
    # Thursday 20 Sep 2018: the holiday was introduced in 2019.
    assert TH.is_working_day(date(2018, 9, 20))
    # Friday 20 Sep 2019.
    assert not TH.is_working_day(date(2019, 9, 20))


def test_a_job_centres_closing_day_is_not_a_working_day():
    cal = WorkingCalendar("NW", closing_days=[date(2024, 12, 24)])
    assert not cal.is_working_day(date(2024, 12, 24))
    assert NW.is_working_day(date(2024, 12, 24))  # other centres of the state stay open


# --- add_working_days ------------------------------------------------------------------------


def test_adding_working_days_skips_the_weekend():
    # Friday 7 Mar 2025: next working day is Monday the 10th, five later Friday the 14th.
    assert NW.add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)
    assert NW.add_working_days(date(2025, 3, 7), 5) == date(2025, 3, 14)


def test_the_start_day_itself_never_counts():
    # From Saturday 8 Mar 2025, the first working day is Monday the 10th.
    assert NW.add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)
    # From a working day, one working day later is the next day.
    assert NW.add_working_days(date(2025, 3, 11), 1) == date(2025, 3, 12)


def test_adding_zero_working_days_is_the_start_day():
    assert NW.add_working_days(date(2025, 3, 12), 0) == date(2025, 3, 12)


def test_epiphany_delays_a_bavarian_deadline_but_not_one_in_nrw():
    # Friday 3 Jan 2025 + 1: Monday the 6th in NW, Tuesday the 7th in Bavaria.
    assert NW.add_working_days(date(2025, 1, 3), 1) == date(2025, 1, 6)
    assert BY.add_working_days(date(2025, 1, 3), 1) == date(2025, 1, 7)
    assert TH.add_working_days(date(2025, 1, 3), 1) == date(2025, 1, 6)


def test_easter_skips_good_friday_the_weekend_and_easter_monday():
    # Thursday 17 Apr 2025 + 1: Fri 18 (Good Friday), Sat, Sun, Mon 21 (Easter Monday) -> Tue 22.
    for cal in STATES.values():
        assert cal.add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)


def test_corpus_christi_delays_deadlines_in_nrw_and_bavaria_but_not_in_thuringia():
    # Monday 27 May 2024 + 3: Tue 28, Wed 29, (Thu 30 Corpus Christi), Fri 31.
    assert NW.add_working_days(date(2024, 5, 27), 3) == date(2024, 5, 31)
    assert BY.add_working_days(date(2024, 5, 27), 3) == date(2024, 5, 31)
    assert TH.add_working_days(date(2024, 5, 27), 3) == date(2024, 5, 30)


def test_reformation_day_and_all_saints_split_the_states():
    # Wednesday 30 Oct 2024 + 1: Thu 31 Oct is a holiday only in Thuringia,
    # Fri 1 Nov only in NW and Bavaria.
    assert NW.add_working_days(date(2024, 10, 30), 1) == date(2024, 10, 31)
    assert BY.add_working_days(date(2024, 10, 30), 1) == date(2024, 10, 31)
    assert TH.add_working_days(date(2024, 10, 30), 1) == date(2024, 11, 1)
    # + 2: NW/BY skip 1 Nov and the weekend -> Mon 4 Nov; TH: 1 Nov, then Mon 4 Nov.
    assert NW.add_working_days(date(2024, 10, 30), 2) == date(2024, 11, 4)
    assert TH.add_working_days(date(2024, 10, 30), 2) == date(2024, 11, 4)


def test_working_days_run_across_christmas_and_the_new_year():
    # Monday 23 Dec 2024: Tue 24 (1), Wed 25 / Thu 26 holidays, Fri 27 (2), Mon 30 (3),
    # Tue 31 (4), Wed 1 Jan holiday, Thu 2 Jan (5), Fri 3 Jan (6), Mon 6 Jan (7, not in BY).
    start = date(2024, 12, 23)
    assert NW.add_working_days(start, 3) == date(2024, 12, 30)
    assert NW.add_working_days(start, 5) == date(2025, 1, 2)
    assert BY.add_working_days(start, 6) == date(2025, 1, 3)
    assert NW.add_working_days(start, 7) == date(2025, 1, 6)
    assert BY.add_working_days(start, 7) == date(2025, 1, 7)


def test_closing_days_between_the_years_push_a_deadline_into_january():
    # The centre closes on 24 and 31 Dec 2024. From Monday 23 Dec: Fri 27 (1), Mon 30 (2),
    # Thu 2 Jan (3).
    cal = WorkingCalendar("NW", closing_days=[date(2024, 12, 24), date(2024, 12, 31)])
    assert cal.add_working_days(date(2024, 12, 23), 3) == date(2025, 1, 2)
    assert NW.add_working_days(date(2024, 12, 23), 3) == date(2024, 12, 30)


def test_a_closing_day_in_the_next_year_counts_too():
    # Closed on Friday 2 Jan 2026 (bridge day). From Tue 30 Dec 2025: Wed 31 (1), Thu 1 Jan
    # holiday, Fri 2 closed, Mon 5 Jan (2).
    cal = WorkingCalendar("TH", closing_days=[date(2026, 1, 2)])
    assert cal.add_working_days(date(2025, 12, 30), 2) == date(2026, 1, 5)
    assert TH.add_working_days(date(2025, 12, 30), 2) == date(2026, 1, 2)


# --- on_or_before ----------------------------------------------------------------------------


def test_on_or_before_keeps_a_working_day():
    assert NW.on_or_before(date(2025, 3, 12)) == date(2025, 3, 12)


def test_on_or_before_goes_back_over_the_weekend():
    # Sunday 16 Mar 2025 -> Friday 14 Mar.
    assert NW.on_or_before(date(2025, 3, 16)) == date(2025, 3, 14)


def test_on_or_before_goes_back_over_easter_to_maundy_thursday():
    # Easter Monday 21 Apr 2025 -> Sun, Sat, Good Friday -> Thursday 17 Apr.
    for cal in STATES.values():
        assert cal.on_or_before(date(2025, 4, 21)) == date(2025, 4, 17)


def test_on_or_before_on_epiphany_differs_between_bavaria_and_nrw():
    assert BY.on_or_before(date(2025, 1, 6)) == date(2025, 1, 3)
    assert NW.on_or_before(date(2025, 1, 6)) == date(2025, 1, 6)


def test_on_or_before_after_reformation_day_and_all_saints():
    # Sunday 3 Nov 2024: NW and BY go back past All Saints to Thu 31 Oct; TH stops at Fri 1 Nov.
    assert NW.on_or_before(date(2024, 11, 3)) == date(2024, 10, 31)
    assert BY.on_or_before(date(2024, 11, 3)) == date(2024, 10, 31)
    assert TH.on_or_before(date(2024, 11, 3)) == date(2024, 11, 1)
    # Thu 31 Oct itself: TH goes back to Wed 30 Oct.
    assert TH.on_or_before(date(2024, 10, 31)) == date(2024, 10, 30)


def test_on_or_before_world_childrens_day_in_thuringia():
    # Sunday 22 Sep 2024: TH skips Fri 20 Sep -> Thu 19; NW keeps Fri 20.
    assert TH.on_or_before(date(2024, 9, 22)) == date(2024, 9, 19)
    assert NW.on_or_before(date(2024, 9, 22)) == date(2024, 9, 20)


def test_on_or_before_new_year_goes_back_into_the_old_year():
    assert NW.on_or_before(date(2025, 1, 1)) == date(2024, 12, 31)
    closed_31st = WorkingCalendar("NW", closing_days=[date(2024, 12, 31)])
    assert closed_31st.on_or_before(date(2025, 1, 1)) == date(2024, 12, 30)


# --- working_days_between --------------------------------------------------------------------


def test_working_days_between_counts_after_start_up_to_and_including_end():
    # Mon 3 Mar 2025 -> Mon 10 Mar: Tue 4, Wed 5, Thu 6, Fri 7, Mon 10.
    assert NW.working_days_between(date(2025, 3, 3), date(2025, 3, 10)) == 5


def test_working_days_between_is_zero_when_end_is_not_after_start():
    assert NW.working_days_between(date(2025, 3, 10), date(2025, 3, 10)) == 0
    assert NW.working_days_between(date(2025, 3, 10), date(2025, 3, 3)) == 0


def test_working_days_between_over_easter():
    # Mon 14 Apr -> Fri 25 Apr 2025: 15, 16, 17, (18, 21 holidays), 22, 23, 24, 25.
    assert TH.working_days_between(date(2025, 4, 14), date(2025, 4, 25)) == 7


def test_working_days_between_over_christmas_and_new_year():
    # Fri 20 Dec 2024 -> Fri 3 Jan 2025: 23, 24, 27, 30, 31, 2, 3.
    for cal in STATES.values():
        assert cal.working_days_between(date(2024, 12, 20), date(2025, 1, 3)) == 7
    # One more day reaches Epiphany, which only Bavaria skips.
    assert NW.working_days_between(date(2024, 12, 20), date(2025, 1, 6)) == 8
    assert BY.working_days_between(date(2024, 12, 20), date(2025, 1, 6)) == 7


def test_working_days_between_in_corpus_christi_week_depends_on_the_state():
    # Mon 27 -> Fri 31 May 2024.
    assert NW.working_days_between(date(2024, 5, 27), date(2024, 5, 31)) == 3
    assert BY.working_days_between(date(2024, 5, 27), date(2024, 5, 31)) == 3
    assert TH.working_days_between(date(2024, 5, 27), date(2024, 5, 31)) == 4


def test_working_days_between_leaves_out_closing_days():
    cal = WorkingCalendar("NW", closing_days=[date(2025, 3, 5)])
    assert cal.working_days_between(date(2025, 3, 3), date(2025, 3, 10)) == 4


@pytest.mark.parametrize("state", ["NW", "BY", "TH"])
@pytest.mark.parametrize("start", [date(2024, 9, 16), date(2024, 12, 20), date(2025, 4, 14)])
def test_working_days_between_undoes_add_working_days(state, start):
    cal = STATES[state]
    for count in (1, 10, 15):
        assert cal.working_days_between(start, cal.add_working_days(start, count)) == count


# --- holiday names ---------------------------------------------------------------------------


def test_holiday_name_names_the_holiday_or_the_closing_day():
    cal = WorkingCalendar("TH", closing_days=[date(2024, 12, 24)])
    assert "Reformation" in cal.holiday_name(date(2024, 10, 31))
    assert cal.holiday_name(date(2024, 12, 24)) == "Schließtag"
    assert cal.holiday_name(date(2024, 10, 30)) is None
    assert NW.holiday_name(date(2024, 10, 31)) is None


# --- The answers each calendar keeps ---------------------------------------------------------


def test_the_kept_answers_are_those_worked_out_afresh_and_belong_to_their_calendar():
    """A calendar keeps its answers to add_working_days and on_or_before; they must be the ones
    the uncached methods give, and another calendar of the same state with other closing days
    must not read them."""
    rng = random.Random(20261122)
    closing = {date(2024, 1, 1) + timedelta(days=rng.randint(0, 1100)) for _ in range(60)}
    plain, closed = WorkingCalendar("TH"), WorkingCalendar("TH", closing)
    for _ in range(3000):
        day, count = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1000)), rng.randint(0, 30)
        for calendar in (plain, closed, plain):  # the second ask of `plain` comes from its kept answers
            assert calendar.add_working_days(day, count) == calendar.count_working_days(day, count)
            assert calendar.on_or_before(day) == calendar.step_back_to_working_day(day)
    plain.count_working_days = None  # nothing is worked out afresh any more
    assert plain.add_working_days(day, count) == WorkingCalendar("TH").count_working_days(day, count)
    differ = [d for d in closing if d.weekday() < 5 and plain.is_working_day(d)]
    assert differ and all(closed.on_or_before(d) < d == plain.on_or_before(d) for d in differ)


def test_a_pickled_calendar_works_as_the_original():
    """A preview's worker process gets the policy pickled, calendar and all."""
    calendar = WorkingCalendar("BY", [date(2024, 12, 27)])
    calendar.add_working_days(date(2024, 12, 20), 3)
    copy = pickle.loads(pickle.dumps(calendar))
    assert copy.closing_days == calendar.closing_days and copy.state == "BY"
    assert (
        copy.add_working_days(date(2024, 12, 20), 3)
        == date(2024, 12, 30)
        == calendar.add_working_days(date(2024, 12, 20), 3)
    )
