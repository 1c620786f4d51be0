"""The policy engine, steps 5-7 of docs/domain.md: graduate management milestones,
documented suspensions, the status. Expected dates worked out by hand in the comments.
"""

from datetime import date

from policies.engine import Measure, Suspension

from .engine_builders import centre, decide, met, rule, rule_set

# --- Step 5: graduate management milestones --------------------------------------------------


def graduate_policy(graduate_management=True, **settings):
    return centre(
        rule_set(
            rule(deadline=(3, "months")),
            graduate_management=graduate_management,
            qualifying_channels={"in_person", "phone", "email", "video", "group"},
            **settings,
        )
    )


def test_a_running_measure_needs_a_contact_90_days_before_its_end():
    # Cycle: 15.01.2026 + 3 months = 15.04.2026. Milestone: 31.05.2026 - 90 days = 02.03.2026.
    decision = decide(
        met(date(2026, 1, 15)),
        policy=graduate_policy(),
        measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))],
        today=date(2026, 3, 1),
    )

    assert decision.due_by == date(2026, 3, 2)
    assert decision.status == "ok"


def test_a_milestone_later_than_the_cycle_does_not_win():
    # Milestone 31.08.2026 - 90 days = 02.06.2026, later than 15.04.2026.
    decision = decide(
        met(date(2026, 1, 15)),
        policy=graduate_policy(),
        measures=[Measure(date(2026, 2, 1), date(2026, 8, 31))],
        today=date(2026, 3, 1),
    )

    assert decision.due_by == date(2026, 4, 15)


def test_a_measure_shorter_than_90_days_needs_the_contact_by_its_start():
    # 30.04.2026 - 90 days = 30.01.2026 lies before the start, 16.02.2026.
    decision = decide(
        met(date(2026, 1, 15)),
        policy=graduate_policy(),
        measures=[Measure(date(2026, 2, 16), date(2026, 4, 30))],
        today=date(2026, 3, 1),
    )

    assert (decision.status, decision.due_by) == ("overdue", date(2026, 2, 16))


def test_a_contact_since_the_measure_started_closes_the_running_milestone():
    decision = decide(
        met(date(2026, 2, 10), "phone"),
        policy=graduate_policy(),
        measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))],
        today=date(2026, 3, 1),
    )

    assert decision.due_by == date(2026, 5, 10)


def test_an_ended_measure_needs_a_contact_within_15_working_days():
    # Ended Fri 13.02.2026; 15 NW working days later: 16.-20.02 (5), 23.-27.02 (10),
    # 02.-06.03 (15) -> 06.03.2026, earlier than the cycle's 10.04.2026.
    decision = decide(
        met(date(2026, 1, 10)),
        policy=graduate_policy(),
        measures=[Measure(date(2026, 1, 5), date(2026, 2, 13))],
        today=date(2026, 2, 20),
    )

    assert decision.due_by == date(2026, 3, 6)


def test_an_early_exit_ends_the_measure():
    decision = decide(
        met(date(2026, 1, 10)),
        policy=graduate_policy(),
        measures=[Measure(date(2026, 1, 5), date(2026, 6, 30), exited_on=date(2026, 2, 13))],
        today=date(2026, 2, 20),
    )

    assert decision.due_by == date(2026, 3, 6)


def test_a_contact_after_the_end_closes_the_follow_up_milestone():
    decision = decide(
        met(date(2026, 2, 16)),
        policy=graduate_policy(),
        measures=[Measure(date(2026, 1, 5), date(2026, 2, 13))],
        today=date(2026, 2, 20),
    )

    assert decision.due_by == date(2026, 5, 16)


def test_without_graduate_management_measures_set_no_milestones():
    decision = decide(
        met(date(2026, 1, 15)),
        policy=graduate_policy(graduate_management=False),
        measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))],
        today=date(2026, 3, 1),
    )

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

    decision = decide(met(date(2026, 1, 20)), policy=graduate_policy(), measures=measures, today=date(2026, 2, 27))

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


# The three figures are rule-set settings (Weimarer Land: 90 days, 15 working days, 1 month).


def test_the_days_before_the_end_are_a_setting():
    # Ends 31.05.2026; 60 days before is 01.04.2026 (90 would be 02.03.2026).
    decision = decide(
        met(date(2026, 1, 15)),
        policy=graduate_policy(graduate_days_before_end=60),
        measures=[Measure(date(2026, 2, 1), date(2026, 5, 31))],
        today=date(2026, 3, 1),
    )

    assert decision.due_by == date(2026, 4, 1)
    assert any("60 Tage vor Ende" in r for r in decision.reasons)


def test_the_working_days_after_the_end_are_a_setting():
    # Ended Fri 13.02.2026; 10 NW working days: 16, 17, 18, 19, 20, 23, 24, 25, 26, 27 Feb.
    # With the default 15: 2, 3, 4, 5, 6 Mar more, so 06.03.2026.
    measures = [Measure(date(2025, 10, 1), date(2026, 2, 13))]
    ten = decide(met(date(2026, 1, 20)), policy=graduate_policy(graduate_follow_up_working_days=10), measures=measures)
    fifteen = decide(met(date(2026, 1, 20)), policy=graduate_policy(), measures=measures)

    assert (ten.due_by, ten.status) == (date(2026, 2, 27), "overdue")
    assert (fifteen.due_by, fifteen.status) == (date(2026, 3, 6), "ok")


def test_the_employer_service_lead_is_a_setting_and_moves_the_recheck_date():
    # Ends 30.06.2026: two months before is 30.04.2026, one month before 30.05.2026.
    measures = [Measure(date(2026, 1, 5), date(2026, 6, 30))]
    policy = graduate_policy(employer_service_lead_months=2)

    before = decide(met(date(2026, 4, 1)), policy=policy, measures=measures, today=date(2026, 4, 15))
    on_the_day = decide(met(date(2026, 4, 1)), policy=policy, measures=measures, today=date(2026, 4, 30))
    default = decide(met(date(2026, 4, 1)), policy=graduate_policy(), measures=measures, today=date(2026, 4, 30))

    assert before.recheck_on == date(2026, 4, 30)
    assert "employer_service_task" not in before.flags
    assert "employer_service_task" in on_the_day.flags
    assert "employer_service_task" not in default.flags
    assert default.recheck_on == date(2026, 5, 30)


# --- Step 6: documented suspensions ----------------------------------------------------------


def test_a_suspension_covering_today_extends_the_due_date_to_its_end():
    # Cycle: 20.01.2026 + 1 month = 20.02.2026; the suspension runs to 15.03.2026.
    decision = decide(
        met(date(2026, 1, 20)), suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15), "Einstellungszusage")]
    )

    assert (decision.status, decision.due_by) == ("suspended", date(2026, 3, 15))


def test_a_suspension_ending_before_the_due_date_keeps_the_due_date():
    decision = decide(
        met(date(2026, 1, 20)), today=date(2026, 2, 5), suspensions=[Suspension(date(2026, 2, 1), date(2026, 2, 10))]
    )

    assert (decision.status, decision.due_by) == ("suspended", date(2026, 2, 20))


def test_the_largest_extension_caps_a_suspension():
    # 20.02.2026 + 2 weeks = 06.03.2026, earlier than the suspension's end 30.04.2026.
    policy = centre(rule_set(rule(deadline=(1, "months")), max_extension=(2, "weeks")))

    decision = decide(
        met(date(2026, 1, 20)), policy=policy, suspensions=[Suspension(date(2026, 2, 1), date(2026, 4, 30))]
    )

    assert (decision.status, decision.due_by) == ("suspended", date(2026, 3, 6))


def test_a_capped_suspension_past_its_cap_is_overdue():
    # Step 7 after step 6: the capped due date 06.03.2026 lies before today.
    policy = centre(rule_set(rule(deadline=(1, "months")), max_extension=(2, "weeks")))

    decision = decide(
        met(date(2026, 1, 20)),
        policy=policy,
        today=date(2026, 3, 10),
        suspensions=[Suspension(date(2026, 2, 1), date(2026, 4, 30))],
    )

    assert (decision.status, decision.due_by) == ("overdue", date(2026, 3, 6))


def test_a_suspension_starting_after_today_has_no_effect():
    decision = decide(met(date(2026, 1, 20)), suspensions=[Suspension(date(2026, 3, 10), date(2026, 4, 30))])

    assert (decision.status, decision.due_by) == ("overdue", date(2026, 2, 20))


def test_a_suspension_that_ended_before_the_due_date_has_no_effect():
    decision = decide(
        met(date(2026, 1, 20)), today=date(2026, 2, 18), suspensions=[Suspension(date(2026, 1, 1), date(2026, 2, 15))]
    )

    assert (decision.status, decision.due_by) == ("ok", date(2026, 2, 20))


def test_a_suspension_covers_its_first_and_last_day():
    suspensions = [Suspension(date(2026, 2, 21), date(2026, 3, 15))]

    assert decide(met(date(2026, 1, 20)), today=date(2026, 2, 21), suspensions=suspensions).status == "suspended"
    assert decide(met(date(2026, 1, 20)), today=date(2026, 3, 15), suspensions=suspensions).status == "suspended"
    assert decide(met(date(2026, 1, 20)), today=date(2026, 3, 16), suspensions=suspensions).status == "overdue"


def test_a_suspension_of_an_individual_rule_is_due_at_its_end():
    policy = centre(rule_set(rule(deadline=None)))

    decision = decide(
        met(date(2026, 1, 20)), policy=policy, suspensions=[Suspension(date(2026, 2, 1), date(2026, 3, 15))]
    )

    assert (decision.status, decision.due_by) == ("suspended", date(2026, 3, 15))


# --- Step 7: status --------------------------------------------------------------------------


def test_an_ended_suspension_keeps_its_extension():
    # Cycle 20.02.2026, extended to the suspension's end 28.02.2026; on 01.03.2026 the customer
    # is one day overdue, not nine.
    decision = decide(met(date(2026, 1, 20)), suspensions=[Suspension(date(2026, 2, 1), date(2026, 2, 28))])

    assert (decision.status, decision.due_by) == ("overdue", date(2026, 2, 28))


def test_the_latest_of_several_started_suspensions_decides():
    suspensions = [Suspension(date(2026, 2, 1), date(2026, 2, 25)), Suspension(date(2026, 2, 10), date(2026, 3, 10))]

    decision = decide(met(date(2026, 1, 20)), suspensions=suspensions)

    assert (decision.status, decision.due_by) == ("suspended", date(2026, 3, 10))


def test_an_ended_suspension_of_an_individual_rule_leaves_it_individual():
    policy = centre(rule_set(rule(deadline=None)))

    decision = decide(
        met(date(2026, 1, 20)), policy=policy, suspensions=[Suspension(date(2026, 2, 1), date(2026, 2, 15))]
    )

    assert (decision.status, decision.due_by) == ("individual", None)


def test_a_contact_due_today_is_ok_and_overdue_the_day_after():
    assert decide(met(date(2026, 1, 20)), today=date(2026, 2, 20)).status == "ok"
    assert decide(met(date(2026, 1, 20)), today=date(2026, 2, 21)).status == "overdue"
