"""The policy engine, step by step, without the database: steps 1-4 of docs/domain.md,
"How the due date is computed" (rule set and rule, first contact, the cycle, follow-up dates).

Every test builds a tiny job centre by hand (tests/policies/engine_builders.py) and one
customer. The expected dates are worked out by hand in the comments, never by calling the
engine twice.
"""

from dataclasses import replace
from datetime import date

import pytest

from policies.calendar import WorkingCalendar

from .engine_builders import NW, centre, decide, met, rule, rule_set

# --- Step 1: no rule set, no rule ------------------------------------------------------------


def test_it_says_no_rule_set_in_a_gap_and_rechecks_when_the_next_one_starts():
    policy = centre(
        rule_set(valid_from=date(2020, 1, 1), valid_until=date(2025, 12, 31)),
        rule_set(valid_from=date(2026, 4, 1), title="Neues Konzept"),
    )

    decision = decide(met(date(2026, 1, 20)), policy=policy, today=date(2026, 2, 10))

    assert decision.status == "no_rule_set"
    assert (decision.rule_set, decision.rule, decision.due_by, decision.window_opens, decision.last_working_day) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert decision.recheck_on == date(2026, 4, 1)
    assert decision.reasons


def test_the_rule_set_in_force_is_kept_per_job_centre_and_day():
    """rule_set_on keeps its answer per day; a job centre built with other rule sets (as a
    preview or a reload after an edit builds one) answers from its own."""
    old = rule_set(valid_from=date(2020, 1, 1), valid_until=date(2025, 12, 31), title="Alt")
    new = rule_set(valid_from=date(2026, 1, 1), title="Neu")
    before, after = centre(old), replace(centre(old), rule_sets=(old, new))
    for day in (date(2025, 12, 31), date(2026, 1, 1), date(2019, 12, 31), date(2026, 1, 1), date(2025, 12, 31)):
        assert before.rule_set_on(day) == (old if day <= date(2025, 12, 31) and day.year >= 2020 else None)
        assert after.rule_set_on(day) == next((rs for rs in (old, new) if rs.in_force_on(day)), None)
    assert after.rule_set_on(date(2026, 1, 1)).title == "Neu" and before.rule_set_on(date(2026, 1, 1)) is None


def test_it_says_no_rule_set_before_the_first_one_starts():
    policy = centre(rule_set(valid_from=date(2026, 4, 1)))

    decision = decide(policy=policy, today=date(2026, 3, 31))

    assert (decision.status, decision.recheck_on) == ("no_rule_set", date(2026, 4, 1))


def test_it_says_no_rule_set_after_the_last_one_ended_and_has_nothing_to_recheck():
    policy = centre(rule_set(valid_from=date(2012, 3, 1), valid_until=date(2016, 12, 31)))

    decision = decide(policy=policy, today=date(2017, 1, 1))

    assert (decision.status, decision.due_by, decision.recheck_on) == ("no_rule_set", None, None)


def test_the_rule_set_applies_on_its_first_and_last_day():
    policy = centre(rule_set(valid_from=date(2026, 1, 1), valid_until=date(2026, 6, 30)))

    assert decide(policy=policy, today=date(2026, 1, 1)).status != "no_rule_set"
    assert decide(policy=policy, today=date(2026, 6, 30)).status != "no_rule_set"
    assert decide(policy=policy, today=date(2025, 12, 31)).status == "no_rule_set"
    assert decide(policy=policy, today=date(2026, 7, 1)).status == "no_rule_set"


def test_it_says_no_rule_and_names_the_facts_that_matched_nothing():
    policy = centre(rule_set(rule("Marktprofil", profiles={"market"})))

    decision = decide(
        met(date(2026, 1, 20)), policy=policy, employment="jobseeking", profile="market_far", care="case_management"
    )

    assert decision.status == "no_rule"
    assert decision.rule is None
    assert decision.rule_set is not None
    assert (decision.due_by, decision.window_opens, decision.last_working_day) == (None, None, None)
    text = " ".join(decision.reasons)
    assert "arbeitsuchend" in text
    assert "nicht marktnah" in text
    assert "Fallmanagement" in text


def test_the_first_matching_rule_decides_even_when_a_later_one_matches_too():
    policy = centre(
        rule_set(
            rule("Fallmanagement", deadline=(1, "months"), care={"case_management"}),
            rule("Marktnah", deadline=(2, "months"), profiles={"market_close"}),
        )
    )

    decision = decide(met(date(2026, 1, 20)), policy=policy, care="case_management", profile="market_close")

    assert decision.rule.label == "Fallmanagement"
    assert decision.rule_position == 1
    assert decision.due_by == date(2026, 2, 20)


def test_a_customer_moves_to_the_adult_rule_on_the_25th_birthday():
    policy = centre(
        rule_set(
            rule("U25", deadline=(1, "months"), age_band="u25"),
            rule("Ü25", deadline=(3, "months"), age_band="ue25"),
        )
    )
    born = date(2001, 3, 1)  # 25 on 01.03.2026

    assert decide(policy=policy, birth_date=born, today=date(2026, 2, 28)).rule.label == "U25"
    assert decide(policy=policy, birth_date=born, today=date(2026, 3, 1)).rule.label == "Ü25"


def test_a_customer_moves_to_the_long_term_rule_on_the_12_month_anniversary():
    policy = centre(
        rule_set(
            rule("lang", deadline=(4, "months"), profiles={"market_far"}, unemployed_months_min=12),
            rule("kurz", deadline=(2, "months"), profiles={"market_far"}, unemployed_months_below=12),
        )
    )
    facts = {"profile": "market_far", "unemployed_since": date(2025, 3, 1)}

    assert decide(policy=policy, today=date(2026, 2, 28), **facts).rule.label == "kurz"
    assert decide(policy=policy, today=date(2026, 3, 1), **facts).rule.label == "lang"


# --- Step 2: no qualified contact yet --------------------------------------------------------


def first_contact_policy(calendar=NW):
    return centre(
        rule_set(rule(deadline=(6, "weeks")), first_contact_target_days=7, first_contact_max_days=10), calendar=calendar
    )


def test_the_first_contact_is_due_n_working_days_after_registration_skipping_easter():
    # Registered Fri 27.03.2026. Working days after it in NW: Mo 30.03 (1), Di 31.03 (2),
    # Mi 01.04 (3), Do 02.04 (4), [Karfreitag 03.04, Ostermontag 06.04], Di 07.04 (5), Mi 08.04 (6),
    # Do 09.04 (7), Fr 10.04 (8), Mo 13.04 (9), Di 14.04 (10).
    decision = decide(policy=first_contact_policy(), registered_on=date(2026, 3, 27), today=date(2026, 4, 1))

    assert decision.due_by == date(2026, 4, 14)
    assert decision.window_opens is None
    assert decision.status == "ok"


def test_the_job_centres_closing_days_push_the_first_contact_deadline():
    calendar = WorkingCalendar("NW", closing_days=[date(2026, 4, 8)])

    decision = decide(policy=first_contact_policy(calendar), registered_on=date(2026, 3, 27), today=date(2026, 4, 1))

    assert decision.due_by == date(2026, 4, 15)


def test_a_non_qualifying_contact_does_not_end_the_first_contact_deadline():
    decision = decide(
        met(date(2026, 3, 30), "phone"),
        policy=first_contact_policy(),
        registered_on=date(2026, 3, 27),
        today=date(2026, 4, 1),
    )

    assert decision.due_by == date(2026, 4, 14)
    assert decision.last_contact_on is None


def test_without_a_first_contact_deadline_the_cycle_runs_from_registration():
    # 30.11.2025 + 2 months = 30.01.2026; + 3 months = 28.02.2026 (clamped).
    policy = centre(rule_set(rule(window=(2, "months"), deadline=(3, "months"))))

    decision = decide(policy=policy, registered_on=date(2025, 11, 30), today=date(2026, 1, 10))

    assert (decision.window_opens, decision.due_by) == (date(2026, 1, 30), date(2026, 2, 28))
    assert decision.status == "ok"


def test_a_rule_exempt_from_the_first_contact_deadline_runs_its_cycle_from_registration():
    # Registered Fri 27.03.2026 + 6 weeks = Fri 08.05.2026 (the deadline would be 14.04.2026).
    policy = centre(
        rule_set(
            rule(deadline=(6, "weeks"), first_contact_exempt=True),
            first_contact_target_days=7,
            first_contact_max_days=10,
        )
    )

    decision = decide(policy=policy, registered_on=date(2026, 3, 27), today=date(2026, 4, 20))

    assert (decision.due_by, decision.status) == (date(2026, 5, 8), "ok")


def test_an_exempt_rule_only_exempts_its_own_customers():
    exempt = rule("U25", deadline=(1, "months"), first_contact_exempt=True, age_band="u25")
    policy = centre(rule_set(exempt, rule("Ü25", deadline=(6, "weeks")), first_contact_max_days=10))

    young = decide(policy=policy, registered_on=date(2026, 3, 27), birth_date=date(2005, 1, 1), today=date(2026, 4, 1))
    older = decide(policy=policy, registered_on=date(2026, 3, 27), today=date(2026, 4, 1))

    assert (young.rule.label, young.due_by) == ("U25", date(2026, 4, 27))
    assert (older.rule.label, older.due_by) == ("Ü25", date(2026, 4, 14))


# --- Step 3: the cycle from the last qualified contact ---------------------------------------


def test_the_cycle_runs_from_the_last_qualified_contact_only():
    policy = centre(rule_set(rule(window=(2, "weeks"), deadline=(6, "weeks"))))
    contacts = [
        met(date(2026, 1, 20)),  # the last qualified one on or before today
        met(date(2026, 2, 10), "phone"),  # does not qualify here
        met(date(2026, 1, 5)),
        met(date(2026, 3, 20)),  # after today: not held yet
    ]

    decision = decide(*contacts, policy=policy, today=date(2026, 3, 1))

    # 20.01.2026 + 2 weeks = 03.02.2026; + 6 weeks = 03.03.2026.
    assert decision.last_contact_on == date(2026, 1, 20)
    assert (decision.window_opens, decision.due_by) == (date(2026, 2, 3), date(2026, 3, 3))
    assert decision.status == "ok"


def test_the_rule_sets_qualifying_channels_decide_what_counts():
    policy = centre(rule_set(rule(deadline=(1, "months")), qualifying_channels={"in_person", "phone"}))

    decision = decide(met(date(2026, 1, 20)), met(date(2026, 2, 10), "phone"), policy=policy)

    assert decision.last_contact_on == date(2026, 2, 10)
    assert decision.due_by == date(2026, 3, 10)


@pytest.mark.parametrize(
    "contact_on, deadline, due_by",
    [
        (date(2026, 1, 31), (1, "months"), date(2026, 2, 28)),
        (date(2024, 1, 31), (1, "months"), date(2024, 2, 29)),
        (date(2026, 3, 31), (1, "months"), date(2026, 4, 30)),
        (date(2025, 11, 30), (3, "months"), date(2026, 2, 28)),
        (date(2023, 12, 31), (2, "months"), date(2024, 2, 29)),
        (date(2026, 1, 31), (6, "weeks"), date(2026, 3, 14)),
        (date(2026, 2, 20), (2, "weeks"), date(2026, 3, 6)),
        (date(2026, 12, 20), (2, "weeks"), date(2027, 1, 3)),
        (date(2026, 2, 20), (10, "days"), date(2026, 3, 2)),
    ],
)
def test_month_and_week_arithmetic_clamps_to_the_month_end(contact_on, deadline, due_by):
    policy = centre(rule_set(rule(deadline=deadline)))

    decision = decide(met(contact_on), policy=policy, today=contact_on)

    assert decision.due_by == due_by


# --- Step 4: follow-up dates, individual rules -----------------------------------------------


def test_an_earlier_follow_up_date_on_the_last_note_wins():
    decision = decide(met(date(2026, 1, 20), follow_up_on=date(2026, 2, 5)), today=date(2026, 2, 1))

    assert decision.due_by == date(2026, 2, 5)  # not 20.02.2026


def test_a_later_follow_up_date_does_not_stretch_the_cycle():
    decision = decide(met(date(2026, 1, 20), follow_up_on=date(2026, 3, 5)), today=date(2026, 2, 1))

    assert decision.due_by == date(2026, 2, 20)


def test_the_follow_up_date_of_a_non_qualifying_last_note_still_counts():
    contacts = [met(date(2026, 1, 20)), met(date(2026, 2, 1), "phone", follow_up_on=date(2026, 2, 10))]

    decision = decide(*contacts, today=date(2026, 2, 3))

    assert decision.last_contact_on == date(2026, 1, 20)
    assert decision.due_by == date(2026, 2, 10)


def test_only_the_last_notes_follow_up_date_counts():
    contacts = [met(date(2026, 1, 10), follow_up_on=date(2026, 1, 25)), met(date(2026, 1, 20))]

    decision = decide(*contacts, today=date(2026, 1, 26))

    assert decision.due_by == date(2026, 2, 20)
    assert decision.status == "ok"


def test_a_follow_up_date_on_a_note_after_today_is_not_read():
    contacts = [met(date(2026, 1, 20)), met(date(2026, 3, 5), follow_up_on=date(2026, 3, 10))]

    decision = decide(*contacts, today=date(2026, 2, 1))

    assert decision.due_by == date(2026, 2, 20)


def test_an_individual_rules_due_date_is_the_follow_up_date_even_a_late_one():
    policy = centre(rule_set(rule("Fallmanagement", deadline=None)))

    decision = decide(met(date(2026, 1, 20), follow_up_on=date(2026, 6, 30)), policy=policy)

    assert (decision.status, decision.due_by) == ("ok", date(2026, 6, 30))
    assert decision.window_opens is None


def test_an_individual_rule_without_a_follow_up_date_has_status_individual():
    policy = centre(rule_set(rule("Fallmanagement", deadline=None)))

    decision = decide(met(date(2026, 1, 20)), policy=policy)

    assert (decision.status, decision.due_by, decision.last_working_day) == ("individual", None, None)
    assert decision.rule.label == "Fallmanagement"


def test_an_individual_rule_without_any_contact_has_status_individual():
    policy = centre(rule_set(rule(deadline=None)))

    assert decide(policy=policy).status == "individual"


def test_an_individual_rules_past_follow_up_date_is_overdue():
    policy = centre(rule_set(rule(deadline=None)))

    decision = decide(met(date(2026, 1, 20), follow_up_on=date(2026, 2, 2)), policy=policy, today=date(2026, 2, 3))

    assert (decision.status, decision.due_by) == ("overdue", date(2026, 2, 2))


def test_the_cycle_of_a_holistic_rule_ends_at_the_latest_at_the_benefit_renewal():
    policy = centre(
        rule_set(rule("Ganzheitlich", deadline=(12, "months"), care={"holistic"}, cap_at_benefit_renewal=True))
    )

    decision = decide(met(date(2026, 1, 20)), policy=policy, care="holistic", benefit_renewal_on=date(2026, 9, 30))

    assert decision.due_by == date(2026, 9, 30)  # not 20.01.2027
