"""The policy engine, step by step, without the database.

Every test builds a tiny job centre by hand (rules, a rule set, a NW calendar) and one
customer, and checks one step of ../shared/DOMAIN.md, "How the due date is computed". The
expected dates are worked out by hand in the comments, never by calling the engine twice.
"""

from datetime import date

import pytest

from policies.calendar import WorkingCalendar
from policies.engine import (
    Amount,
    Conditions,
    Contact,
    Customer,
    JobCentre,
    Measure,
    Rule,
    RuleSet,
    Suspension,
    evaluate,
)

NW = WorkingCalendar("NW")
TODAY = date(2026, 3, 1)  # a Sunday; only the dates around it matter


def amount(spec):
    return Amount(*spec) if spec is not None else None


def rule(label="Regel", deadline=(1, "months"), window=None, code=None,
         cap_at_benefit_renewal=False, **conditions):
    """A rule; `deadline=None` makes it individual. Condition sets may be given as sets."""
    conditions = {k: frozenset(v) if isinstance(v, (set, list, tuple)) else v
                  for k, v in conditions.items()}
    return Rule(label=label, conditions=Conditions(**conditions), deadline=amount(deadline),
                window=amount(window), code=code, cap_at_benefit_renewal=cap_at_benefit_renewal)


def rule_set(*rules, valid_from=date(2020, 1, 1), valid_until=None, title="Testkonzept", **settings):
    if "max_extension" in settings:
        settings["max_extension"] = amount(settings["max_extension"])
    if "qualifying_channels" in settings:
        settings["qualifying_channels"] = frozenset(settings["qualifying_channels"])
    return RuleSet(title=title, valid_from=valid_from, valid_until=valid_until,
                   rules=tuple(rules) or (rule(),), **settings)


def centre(*rule_sets, calendar=NW):
    return JobCentre(slug="test", name="Jobcenter Test", calendar=calendar,
                     rule_sets=tuple(rule_sets) or (rule_set(),))


def customer(**facts):
    facts = {"birth_date": date(1980, 5, 17), "registered_on": date(2025, 1, 6),
             "employment": "unemployed", **facts}
    if "flags" in facts:
        facts["flags"] = frozenset(facts["flags"])
    for name in ("measures", "suspensions"):
        if name in facts:
            facts[name] = tuple(facts[name])
    return Customer(**facts)


def met(day, channel="in_person", follow_up_on=None):
    return Contact(date=day, channel=channel, follow_up_on=follow_up_on)


def decide(*contacts, policy=None, today=TODAY, **facts):
    return evaluate(policy or centre(), customer(**facts), list(contacts), today)


# --- Step 1: no rule set, no rule ------------------------------------------------------------

def test_it_says_no_rule_set_in_a_gap_and_rechecks_when_the_next_one_starts():
    policy = centre(
        rule_set(valid_from=date(2020, 1, 1), valid_until=date(2025, 12, 31)),
        rule_set(valid_from=date(2026, 4, 1), title="Neues Konzept"),
    )

    decision = decide(met(date(2026, 1, 20)), policy=policy, today=date(2026, 2, 10))

    assert decision.status == "no_rule_set"
    assert (decision.rule_set, decision.rule, decision.due_by, decision.window_opens,
            decision.last_working_day) == (None, None, None, None, None)
    assert decision.recheck_on == date(2026, 4, 1)
    assert decision.reasons


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

    decision = decide(met(date(2026, 1, 20)), policy=policy, employment="jobseeking",
                      profile="market_far", care="case_management")

    assert decision.status == "no_rule"
    assert decision.rule is None
    assert decision.rule_set is not None
    assert (decision.due_by, decision.window_opens, decision.last_working_day) == (None, None, None)
    text = " ".join(decision.reasons)
    assert "arbeitsuchend" in text
    assert "nicht marktnah" in text
    assert "Fallmanagement" in text


def test_the_first_matching_rule_decides_even_when_a_later_one_matches_too():
    policy = centre(rule_set(
        rule("Fallmanagement", deadline=(1, "months"), care={"case_management"}),
        rule("Marktnah", deadline=(2, "months"), profiles={"market_close"}),
    ))

    decision = decide(met(date(2026, 1, 20)), policy=policy, care="case_management",
                      profile="market_close")

    assert decision.rule.label == "Fallmanagement"
    assert decision.rule_position == 1
    assert decision.due_by == date(2026, 2, 20)


def test_a_customer_moves_to_the_adult_rule_on_the_25th_birthday():
    policy = centre(rule_set(
        rule("U25", deadline=(1, "months"), age_band="u25"),
        rule("Ü25", deadline=(3, "months"), age_band="ue25"),
    ))
    born = date(2001, 3, 1)  # 25 on 01.03.2026

    assert decide(policy=policy, birth_date=born, today=date(2026, 2, 28)).rule.label == "U25"
    assert decide(policy=policy, birth_date=born, today=date(2026, 3, 1)).rule.label == "Ü25"


def test_a_customer_moves_to_the_long_term_rule_on_the_12_month_anniversary():
    policy = centre(rule_set(
        rule("lang", deadline=(4, "months"), profiles={"market_far"}, unemployed_months_min=12),
        rule("kurz", deadline=(2, "months"), profiles={"market_far"}, unemployed_months_below=12),
    ))
    facts = {"profile": "market_far", "unemployed_since": date(2025, 3, 1)}

    assert decide(policy=policy, today=date(2026, 2, 28), **facts).rule.label == "kurz"
    assert decide(policy=policy, today=date(2026, 3, 1), **facts).rule.label == "lang"


# --- Step 2: no qualified contact yet --------------------------------------------------------

def first_contact_policy(calendar=NW):
    return centre(rule_set(rule(deadline=(6, "weeks")), first_contact_target_days=7,
                           first_contact_max_days=10), calendar=calendar)


def test_the_first_contact_is_due_n_working_days_after_registration_skipping_easter():
    # Registered Fri 27.03.2026. Working days after it in NW: Mo 30.03 (1), Di 31.03 (2),
    # Mi 01.04 (3), Do 02.04 (4), [Karfreitag 03.04, Ostermontag 06.04], Di 07.04 (5), Mi 08.04 (6),
    # Do 09.04 (7), Fr 10.04 (8), Mo 13.04 (9), Di 14.04 (10).
    decision = decide(policy=first_contact_policy(), registered_on=date(2026, 3, 27),
                      today=date(2026, 4, 1))

    assert decision.due_by == date(2026, 4, 14)
    assert decision.window_opens is None
    assert decision.status == "ok"


def test_the_job_centres_closing_days_push_the_first_contact_deadline():
    calendar = WorkingCalendar("NW", closing_days=[date(2026, 4, 8)])

    decision = decide(policy=first_contact_policy(calendar), registered_on=date(2026, 3, 27),
                      today=date(2026, 4, 1))

    assert decision.due_by == date(2026, 4, 15)


def test_a_non_qualifying_contact_does_not_end_the_first_contact_deadline():
    decision = decide(met(date(2026, 3, 30), "phone"), policy=first_contact_policy(),
                      registered_on=date(2026, 3, 27), today=date(2026, 4, 1))

    assert decision.due_by == date(2026, 4, 14)
    assert decision.last_contact_on is None


def test_without_a_first_contact_deadline_the_cycle_runs_from_registration():
    # 30.11.2025 + 2 months = 30.01.2026; + 3 months = 28.02.2026 (clamped).
    policy = centre(rule_set(rule(window=(2, "months"), deadline=(3, "months"))))

    decision = decide(policy=policy, registered_on=date(2025, 11, 30), today=date(2026, 1, 10))

    assert (decision.window_opens, decision.due_by) == (date(2026, 1, 30), date(2026, 2, 28))
    assert decision.status == "ok"


# --- Step 3: the cycle from the last qualified contact ---------------------------------------

def test_the_cycle_runs_from_the_last_qualified_contact_only():
    policy = centre(rule_set(rule(window=(2, "weeks"), deadline=(6, "weeks"))))
    contacts = [
        met(date(2026, 1, 20)),             # the last qualified one on or before today
        met(date(2026, 2, 10), "phone"),     # does not qualify here
        met(date(2026, 1, 5)),
        met(date(2026, 3, 20)),             # after today: not held yet
    ]

    decision = decide(*contacts, policy=policy, today=date(2026, 3, 1))

    # 20.01.2026 + 2 weeks = 03.02.2026; + 6 weeks = 03.03.2026.
    assert decision.last_contact_on == date(2026, 1, 20)
    assert (decision.window_opens, decision.due_by) == (date(2026, 2, 3), date(2026, 3, 3))
    assert decision.status == "ok"


def test_the_rule_sets_qualifying_channels_decide_what_counts():
    policy = centre(rule_set(rule(deadline=(1, "months")),
                             qualifying_channels={"in_person", "phone"}))

    decision = decide(met(date(2026, 1, 20)), met(date(2026, 2, 10), "phone"), policy=policy)

    assert decision.last_contact_on == date(2026, 2, 10)
    assert decision.due_by == date(2026, 3, 10)


@pytest.mark.parametrize("contact_on, deadline, due_by", [
    (date(2026, 1, 31), (1, "months"), date(2026, 2, 28)),
    (date(2024, 1, 31), (1, "months"), date(2024, 2, 29)),
    (date(2026, 3, 31), (1, "months"), date(2026, 4, 30)),
    (date(2025, 11, 30), (3, "months"), date(2026, 2, 28)),
    (date(2023, 12, 31), (2, "months"), date(2024, 2, 29)),
    (date(2026, 1, 31), (6, "weeks"), date(2026, 3, 14)),
    (date(2026, 2, 20), (2, "weeks"), date(2026, 3, 6)),
    (date(2026, 12, 20), (2, "weeks"), date(2027, 1, 3)),
    (date(2026, 2, 20), (10, "days"), date(2026, 3, 2)),
])
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

    decision = decide(met(date(2026, 1, 20), follow_up_on=date(2026, 2, 2)), policy=policy,
                      today=date(2026, 2, 3))

    assert (decision.status, decision.due_by) == ("overdue", date(2026, 2, 2))


def test_the_cycle_of_a_holistic_rule_ends_at_the_latest_at_the_benefit_renewal():
    policy = centre(rule_set(rule("Ganzheitlich", deadline=(12, "months"), care={"holistic"},
                                  cap_at_benefit_renewal=True)))

    decision = decide(met(date(2026, 1, 20)), policy=policy, care="holistic",
                      benefit_renewal_on=date(2026, 9, 30))

    assert decision.due_by == date(2026, 9, 30)  # not 20.01.2027


# --- Step 5: graduate management milestones --------------------------------------------------

def graduate_policy(graduate_management=True):
    return centre(rule_set(rule(deadline=(3, "months")), graduate_management=graduate_management,
                           qualifying_channels={"in_person", "phone", "email", "video", "group"}))


def test_a_running_measure_needs_a_contact_90_days_before_its_end():
    # Cycle: 15.01.2026 + 3 months = 15.04.2026. Milestone: 31.05.2026 - 90 days = 02.03.2026.
    decision = decide(met(date(2026, 1, 15)), policy=graduate_policy(),
                      measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))], today=date(2026, 3, 1))

    assert decision.due_by == date(2026, 3, 2)
    assert decision.status == "ok"


def test_a_milestone_later_than_the_cycle_does_not_win():
    # Milestone 31.08.2026 - 90 days = 02.06.2026, later than 15.04.2026.
    decision = decide(met(date(2026, 1, 15)), policy=graduate_policy(),
                      measures=[Measure(date(2026, 2, 1), date(2026, 8, 31))], today=date(2026, 3, 1))

    assert decision.due_by == date(2026, 4, 15)


def test_a_measure_shorter_than_90_days_needs_the_contact_by_its_start():
    # 30.04.2026 - 90 days = 30.01.2026 lies before the start, 16.02.2026.
    decision = decide(met(date(2026, 1, 15)), policy=graduate_policy(),
                      measures=[Measure(date(2026, 2, 16), date(2026, 4, 30))], today=date(2026, 3, 1))

    assert (decision.status, decision.due_by) == ("overdue", date(2026, 2, 16))


def test_a_contact_since_the_measure_started_closes_the_running_milestone():
    decision = decide(met(date(2026, 2, 10), "phone"), policy=graduate_policy(),
                      measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))], today=date(2026, 3, 1))

    assert decision.due_by == date(2026, 5, 10)


def test_an_ended_measure_needs_a_contact_within_15_working_days():
    # Ended Fri 13.02.2026; 15 NW working days later: 16.-20.02 (5), 23.-27.02 (10),
    # 02.-06.03 (15) -> 06.03.2026, earlier than the cycle's 10.04.2026.
    decision = decide(met(date(2026, 1, 10)), policy=graduate_policy(),
                      measures=[Measure(date(2026, 1, 5), date(2026, 2, 13))], today=date(2026, 2, 20))

    assert decision.due_by == date(2026, 3, 6)


def test_an_early_exit_ends_the_measure():
    decision = decide(met(date(2026, 1, 10)), policy=graduate_policy(),
                      measures=[Measure(date(2026, 1, 5), date(2026, 6, 30), exited_on=date(2026, 2, 13))],
                      today=date(2026, 2, 20))

    assert decision.due_by == date(2026, 3, 6)


def test_a_contact_after_the_end_closes_the_follow_up_milestone():
    decision = decide(met(date(2026, 2, 16)), policy=graduate_policy(),
                      measures=[Measure(date(2026, 1, 5), date(2026, 2, 13))], today=date(2026, 2, 20))

    assert decision.due_by == date(2026, 5, 16)


def test_without_graduate_management_measures_set_no_milestones():
    decision = decide(met(date(2026, 1, 15)), policy=graduate_policy(graduate_management=False),
                      measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))], today=date(2026, 3, 1))

    assert decision.due_by == date(2026, 4, 15)


def test_one_month_before_a_measure_ends_it_asks_for_the_employer_service():
    # Ends 31.03.2026; one month before is 28.02.2026 (clamped), so on 01.03.2026 the task is
    # due, and it is a reminder, not a contact: the due date stays the cycle's 20.04.2026.
    measures = [Measure(date(2026, 1, 5), date(2026, 3, 31))]

    decision = decide(met(date(2026, 1, 20)), policy=graduate_policy(), measures=measures)

    assert "employer_service_task" in decision.flags
    assert decision.due_by == date(2026, 4, 20)


def test_the_employer_service_task_waits_until_one_month_before_the_end():
    measures = [Measure(date(2026, 1, 5), date(2026, 3, 31))]

    decision = decide(met(date(2026, 1, 20)), policy=graduate_policy(), measures=measures,
                      today=date(2026, 2, 27))

    assert "employer_service_task" not in decision.flags
    assert decision.recheck_on == date(2026, 2, 28)


def test_a_market_close_profile_older_than_six_months_is_flagged_for_review():
    policy = centre(rule_set(rule(deadline=(2, "months")), profiling_review_months=6))
    facts = {"profile": "market_close", "profile_since": date(2025, 9, 1)}

    before = decide(met(date(2026, 1, 20)), policy=policy, today=date(2026, 2, 28), **facts)
    on_the_day = decide(met(date(2026, 1, 20)), policy=policy, today=date(2026, 3, 1), **facts)

    assert "profiling_review" not in before.flags
    assert before.recheck_on == date(2026, 3, 1)
    assert "profiling_review" in on_the_day.flags
    assert on_the_day.due_by == date(2026, 3, 20)


# --- Step 6: documented suspensions ----------------------------------------------------------

def test_a_suspension_covering_today_extends_the_due_date_to_its_end():
    # Cycle: 20.01.2026 + 1 month = 20.02.2026; the suspension runs to 15.03.2026.
    decision = decide(met(date(2026, 1, 20)),
                      suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15), "Einstellungszusage")])

    assert (decision.status, decision.due_by) == ("suspended", date(2026, 3, 15))


def test_a_suspension_ending_before_the_due_date_keeps_the_due_date():
    decision = decide(met(date(2026, 1, 20)), today=date(2026, 2, 5),
                      suspensions=[Suspension(date(2026, 2, 1), date(2026, 2, 10))])

    assert (decision.status, decision.due_by) == ("suspended", date(2026, 2, 20))


def test_the_largest_extension_caps_a_suspension():
    # 20.02.2026 + 2 weeks = 06.03.2026, earlier than the suspension's end 30.04.2026.
    policy = centre(rule_set(rule(deadline=(1, "months")), max_extension=(2, "weeks")))

    decision = decide(met(date(2026, 1, 20)), policy=policy,
                      suspensions=[Suspension(date(2026, 2, 1), date(2026, 4, 30))])

    assert (decision.status, decision.due_by) == ("suspended", date(2026, 3, 6))


def test_a_capped_suspension_past_its_cap_is_overdue():
    # Step 7 after step 6: the capped due date 06.03.2026 lies before today.
    policy = centre(rule_set(rule(deadline=(1, "months")), max_extension=(2, "weeks")))

    decision = decide(met(date(2026, 1, 20)), policy=policy, today=date(2026, 3, 10),
                      suspensions=[Suspension(date(2026, 2, 1), date(2026, 4, 30))])

    assert (decision.status, decision.due_by) == ("overdue", date(2026, 3, 6))


def test_a_suspension_starting_after_today_has_no_effect():
    decision = decide(met(date(2026, 1, 20)),
                      suspensions=[Suspension(date(2026, 3, 10), date(2026, 4, 30))])

    assert (decision.status, decision.due_by) == ("overdue", date(2026, 2, 20))


def test_a_suspension_that_ended_before_today_has_no_effect():
    decision = decide(met(date(2026, 1, 20)), today=date(2026, 2, 18),
                      suspensions=[Suspension(date(2026, 1, 1), date(2026, 2, 15))])

    assert (decision.status, decision.due_by) == ("ok", date(2026, 2, 20))


def test_a_suspension_covers_its_first_and_last_day():
    suspensions = [Suspension(date(2026, 2, 21), date(2026, 3, 15))]

    assert decide(met(date(2026, 1, 20)), today=date(2026, 2, 21), suspensions=suspensions).status == "suspended"
    assert decide(met(date(2026, 1, 20)), today=date(2026, 3, 15), suspensions=suspensions).status == "suspended"
    assert decide(met(date(2026, 1, 20)), today=date(2026, 3, 16), suspensions=suspensions).status == "overdue"


def test_a_suspension_of_an_individual_rule_is_due_at_its_end():
    policy = centre(rule_set(rule(deadline=None)))

    decision = decide(met(date(2026, 1, 20)), policy=policy,
                      suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15))])

    assert (decision.status, decision.due_by) == ("suspended", date(2026, 3, 15))


# --- Step 7: status --------------------------------------------------------------------------

def test_a_contact_due_today_is_ok_and_overdue_the_day_after():
    assert decide(met(date(2026, 1, 20)), today=date(2026, 2, 20)).status == "ok"
    assert decide(met(date(2026, 1, 20)), today=date(2026, 2, 21)).status == "overdue"


# --- Step 8: last working day, recheck, reading later ----------------------------------------

@pytest.mark.parametrize("contact_on, due_by, last_working_day", [
    (date(2026, 1, 20), date(2026, 2, 20), date(2026, 2, 20)),  # Friday, a working day
    (date(2026, 2, 1), date(2026, 3, 1), date(2026, 2, 27)),    # Sunday -> Friday
    (date(2026, 3, 6), date(2026, 4, 6), date(2026, 4, 2)),     # Easter Monday -> Maundy Thursday
    (date(2026, 5, 4), date(2026, 6, 4), date(2026, 6, 3)),     # Corpus Christi (NW) -> Wednesday
])
def test_the_last_working_day_falls_back_over_weekends_and_holidays(contact_on, due_by,
                                                                    last_working_day):
    decision = decide(met(contact_on), today=contact_on)

    assert (decision.due_by, decision.last_working_day) == (due_by, last_working_day)


def test_the_last_working_day_follows_the_job_centres_federal_state():
    # Corpus Christi is no public holiday in Thuringia.
    decision = decide(met(date(2026, 5, 4)), policy=centre(rule_set(), calendar=WorkingCalendar("TH")),
                      today=date(2026, 5, 4))

    assert decision.last_working_day == date(2026, 6, 4)


def test_the_last_working_day_skips_the_job_centres_closing_day():
    calendar = WorkingCalendar("NW", closing_days=[date(2026, 2, 20)])

    decision = decide(met(date(2026, 1, 20)), policy=centre(rule_set(), calendar=calendar),
                      today=date(2026, 2, 1))

    assert decision.last_working_day == date(2026, 2, 19)


def recheck_policy(**settings):
    """A rule set that looks at age, unemployment duration and measures."""
    return centre(rule_set(
        rule("U25", age_band="u25"),
        rule("Maßnahme", in_measure=True),
        rule("lang", unemployed_months_min=12),
        rule("Rest"),
        **settings,
    ))


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
    decision = decide(policy=recheck_policy(),
                      measures=[Measure(date(2026, 2, 1), date(2026, 5, 31), exited_on=date(2026, 3, 10))])

    assert decision.recheck_on == date(2026, 3, 11)


def test_recheck_on_is_the_day_after_the_suspension_ends():
    decision = decide(met(date(2026, 1, 20)), policy=recheck_policy(),
                      suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15))])

    assert decision.recheck_on == date(2026, 3, 16)


def test_recheck_on_is_the_day_after_the_rule_set_ends():
    policy = centre(rule_set(valid_until=date(2026, 6, 30)))

    assert decide(policy=policy).recheck_on == date(2026, 7, 1)


def test_recheck_on_is_the_earliest_of_all_coming_changes():
    # Birthday 15.06.2026, anniversary 10.05.2026, measure over 01.06.2026, suspension over
    # 16.03.2026, rule set over 01.07.2026: the suspension's end comes first.
    decision = decide(
        met(date(2026, 1, 20)), policy=recheck_policy(valid_until=date(2026, 6, 30)),
        birth_date=date(2001, 6, 15), unemployed_since=date(2025, 5, 10),
        measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))],
        suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15))],
    )

    assert decision.recheck_on == date(2026, 3, 16)


def test_recheck_on_is_none_when_nothing_can_change_and_ignores_past_dates():
    decision = decide(
        met(date(2026, 1, 20)), policy=recheck_policy(),
        birth_date=date(1990, 1, 1), unemployed_since=date(2020, 1, 1),
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
    decision = decide(met(date(2026, 1, 20)),
                      suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15))])

    assert decision.status_on(date(2026, 3, 15)) == "suspended"
    assert decision.status_on(date(2026, 3, 16)) == "overdue"


@pytest.mark.parametrize("status_maker, expected", [
    (lambda: decide(met(date(2026, 1, 20)), policy=centre(rule_set(rule(deadline=None)))), "individual"),
    (lambda: decide(policy=centre(rule_set(valid_from=date(2027, 1, 1)))), "no_rule_set"),
    (lambda: decide(policy=centre(rule_set(rule(profiles={"market"}))), profile="support"), "no_rule"),
], ids=["individual", "no_rule_set", "no_rule"])
def test_undated_statuses_stay_as_they_are_when_read_later(status_maker, expected):
    decision = status_maker()

    assert decision.status == expected
    assert decision.status_on(date(2030, 1, 1)) == expected
