"""The policy engine, step 8 of docs/domain.md: the last working day, the recheck date, and
the status read on a later day. Expected dates worked out by hand in the comments.
"""

from datetime import date

import pytest

from policies.calendar import WorkingCalendar
from policies.engine import Measure, Suspension

from .engine_builders import centre, decide, met, rule, rule_set

# --- Step 8: last working day, recheck, reading later ----------------------------------------


@pytest.mark.parametrize(
    "contact_on, due_by, last_working_day",
    [
        (date(2026, 1, 20), date(2026, 2, 20), date(2026, 2, 20)),  # Friday, a working day
        (date(2026, 2, 1), date(2026, 3, 1), date(2026, 2, 27)),  # Sunday -> Friday
        (date(2026, 3, 6), date(2026, 4, 6), date(2026, 4, 2)),  # Easter Monday -> Maundy Thursday
        (date(2026, 5, 4), date(2026, 6, 4), date(2026, 6, 3)),  # Corpus Christi (NW) -> Wednesday
    ],
)
def test_the_last_working_day_falls_back_over_weekends_and_holidays(contact_on, due_by, last_working_day):
    decision = decide(met(contact_on), today=contact_on)

    assert (decision.due_by, decision.last_working_day) == (due_by, last_working_day)


def test_the_last_working_day_follows_the_job_centres_federal_state():
    # Corpus Christi is no public holiday in Thuringia.
    decision = decide(
        met(date(2026, 5, 4)), policy=centre(rule_set(), calendar=WorkingCalendar("TH")), today=date(2026, 5, 4)
    )

    assert decision.last_working_day == date(2026, 6, 4)


def test_the_last_working_day_skips_the_job_centres_closing_day():
    calendar = WorkingCalendar("NW", closing_days=[date(2026, 2, 20)])

    decision = decide(met(date(2026, 1, 20)), policy=centre(rule_set(), calendar=calendar), today=date(2026, 2, 1))

    assert decision.last_working_day == date(2026, 2, 19)


def recheck_policy(**settings):
    """A rule set that looks at age, unemployment duration and measures."""
    return centre(
        rule_set(
            rule("U25", age_band="u25"),
            rule("Maßnahme", in_measure=True),
            rule("lang", unemployed_months_min=12),
            rule("Rest"),
            **settings,
        )
    )


def test_recheck_on_is_the_25th_birthday():
    decision = decide(policy=recheck_policy(), birth_date=date(2001, 6, 15))

    assert decision.recheck_on == date(2026, 6, 15)


def test_recheck_on_is_the_unemployment_anniversary_for_rule_sets_with_month_thresholds():
    decision = decide(policy=recheck_policy(), unemployed_since=date(2025, 5, 10))

    assert decision.recheck_on == date(2026, 5, 10)


def test_recheck_on_is_a_future_measures_start():
    decision = decide(policy=recheck_policy(), measures=[Measure(date(2026, 4, 1), date(2026, 9, 30))])

    assert decision.recheck_on == date(2026, 4, 1)


def test_recheck_on_is_the_day_after_a_running_measure_ends():
    decision = decide(policy=recheck_policy(), measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))])

    assert decision.rule.label == "Maßnahme"
    assert decision.recheck_on == date(2026, 6, 1)


def test_recheck_on_is_the_day_after_an_early_exit():
    decision = decide(
        policy=recheck_policy(), measures=[Measure(date(2026, 2, 1), date(2026, 5, 31), exited_on=date(2026, 3, 10))]
    )

    assert decision.recheck_on == date(2026, 3, 11)


def test_recheck_on_is_the_day_after_the_suspension_ends():
    decision = decide(
        met(date(2026, 1, 20)), policy=recheck_policy(), suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15))]
    )

    assert decision.recheck_on == date(2026, 3, 16)


def test_recheck_on_is_the_day_after_the_rule_set_ends():
    policy = centre(rule_set(valid_until=date(2026, 6, 30)))

    assert decide(policy=policy).recheck_on == date(2026, 7, 1)


def test_recheck_on_is_the_earliest_of_all_coming_changes():
    # Birthday 15.06.2026, anniversary 10.05.2026, measure over 01.06.2026, suspension over
    # 16.03.2026, rule set over 01.07.2026: the suspension's end comes first.
    decision = decide(
        met(date(2026, 1, 20)),
        policy=recheck_policy(valid_until=date(2026, 6, 30)),
        birth_date=date(2001, 6, 15),
        unemployed_since=date(2025, 5, 10),
        measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))],
        suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15))],
    )

    assert decision.recheck_on == date(2026, 3, 16)


def test_recheck_on_is_none_when_nothing_can_change_and_ignores_past_dates():
    decision = decide(
        met(date(2026, 1, 20)),
        policy=recheck_policy(),
        birth_date=date(1990, 1, 1),
        unemployed_since=date(2020, 1, 1),
        measures=[Measure(date(2025, 1, 1), date(2025, 6, 30))],
        suspensions=[Suspension(date(2025, 7, 1), date(2025, 8, 31))],
    )

    assert decision.recheck_on is None


def test_the_status_read_later_turns_overdue_after_the_due_date():
    decision = decide(met(date(2026, 1, 20)), today=date(2026, 2, 10))

    assert decision.status == "ok"
    assert decision.status_on(date(2026, 2, 20)) == "ok"
    assert decision.status_on(date(2026, 2, 21)) == "overdue"


def test_a_suspended_status_read_after_the_suspensions_end_is_overdue():
    decision = decide(met(date(2026, 1, 20)), suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15))])

    assert decision.status_on(date(2026, 3, 15)) == "suspended"
    assert decision.status_on(date(2026, 3, 16)) == "overdue"


@pytest.mark.parametrize(
    "status_maker, expected",
    [
        (lambda: decide(met(date(2026, 1, 20)), policy=centre(rule_set(rule(deadline=None)))), "individual"),
        (lambda: decide(policy=centre(rule_set(valid_from=date(2027, 1, 1)))), "no_rule_set"),
        (lambda: decide(policy=centre(rule_set(rule(profiles={"market"}))), profile="support"), "no_rule"),
    ],
    ids=["individual", "no_rule_set", "no_rule"],
)
def test_undated_statuses_stay_as_they_are_when_read_later(status_maker, expected):
    decision = status_maker()

    assert decision.status == expected
    assert decision.status_on(date(2030, 1, 1)) == expected
