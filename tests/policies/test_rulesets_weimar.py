"""Weimarer Land's rule set (seed 002), graduate management included, decided by the engine.

Every expected value was worked out by hand from the seeds' passages and rules in docs/domain.md,
with a wall calendar; none was copied from a run of the code. Month
arithmetic clamps to the month's end (31 Jan + 1 month = 28 Feb; 2016 is a leap year).

Public holidays used: TH 2024: World Children's Day 20 Sep, German Unity 3 Oct, Reformation
Day 31 Oct (All Saints is no holiday in TH); TH 2025: Ascension 29 May, Whit Monday 9 Jun;
Corpus Christi 19 Jun 2025 is no holiday in TH.
"""

from datetime import date

import pytest

from policies.engine import Measure

from .ruleset_builders import (
    WEIMAR,
    WL_CLOSE,
    WL_FAR,
    WL_FAR_LONG,
    WL_FM,
    WL_HOLISTIC,
    WL_IH_INSURED,
    WL_MEASURE,
    WL_REFUGEE,
    WL_U25,
    WL_Z,
    decide,
    mentions,
    outcome,
    person,
    seen,
)

# --- Weimarer Land --------------------------------------------------------------------------


def test_weimar_refugee_in_case_management_who_is_unemployed_gets_two_weeks(policies):
    customer = person(care="case_management", employment="unemployed", profile="market_far", flags=["refugee"])
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 10))], date(2025, 3, 12))
    assert outcome(decision) == (WL_REFUGEE, None, None, date(2025, 3, 24))


def test_weimar_refugee_in_case_management_who_is_not_unemployed_is_seen_monthly(policies):
    customer = person(care="case_management", employment="jobseeking", profile="market_far", flags=["refugee"])
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 10))], date(2025, 3, 12))
    assert outcome(decision) == (WL_FM, None, None, date(2025, 4, 10))


def test_weimar_u25_refugee_unemployed_gets_two_weeks(policies):
    customer = person(date(2004, 1, 1), employment="unemployed", flags=["refugee"])
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 10))], date(2025, 3, 12))
    assert outcome(decision) == (WL_REFUGEE, None, None, date(2025, 3, 24))


def test_weimar_u25_in_holistic_support_follows_the_holistic_rule(policies):
    customer = person(date(2004, 1, 1), care="holistic", employment="unemployed")
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 10))], date(2025, 3, 12))
    assert outcome(decision) == (WL_HOLISTIC, None, None, date(2026, 3, 10))


def test_weimar_u25_in_a_measure_is_seen_monthly(policies):
    customer = person(
        date(2004, 1, 1), employment="jobseeking", measures=[Measure(date(2025, 1, 6), date(2025, 12, 19))]
    )
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 10))], date(2025, 3, 12))
    assert outcome(decision) == (WL_U25, None, None, date(2025, 4, 10))


def test_weimar_market_close_in_a_measure_gets_the_measure_rule(policies):
    customer = person(
        employment="jobseeking", profile="market_close", measures=[Measure(date(2025, 1, 6), date(2025, 12, 19))]
    )
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 10))], date(2025, 3, 12))
    assert outcome(decision) == (WL_MEASURE, None, None, date(2025, 6, 10))


def test_weimar_market_far_unemployed_twelve_months_on_the_anniversary_gets_four_months(policies):
    # Unemployed since 15 Mar 2024; anniversary Saturday 15 Mar 2025; last contact 28 Feb 2025.
    customer = person(employment="unemployed", profile="market_far", unemployed_since=date(2024, 3, 15))
    contacts = [seen(date(2025, 2, 28))]
    day_before = decide(policies, WEIMAR, customer, contacts, date(2025, 3, 14))
    anniversary = decide(policies, WEIMAR, customer, contacts, date(2025, 3, 15))
    assert outcome(day_before) == (WL_FAR, None, None, date(2025, 4, 28))
    assert day_before.recheck_on == date(2025, 3, 15)
    assert outcome(anniversary) == (WL_FAR_LONG, None, None, date(2025, 6, 28))


def test_weimar_market_far_not_unemployed_gets_two_months(policies):
    # DOMAIN.md: "market_far -> 2 months, or 4 months when unemployed for 12 months or more".
    customer = person(employment="jobseeking", profile="market_far")
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 2, 28))], date(2025, 3, 10))
    assert outcome(decision) == (WL_FAR, None, None, date(2025, 4, 28))


def test_weimar_profile_z_without_follow_up_date_is_individual(policies):
    customer = person(employment="none", profile="not_required")
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 5, 2))], date(2025, 5, 5))
    assert decision.rule.label == WL_Z
    assert (decision.status, decision.due_by) == ("individual", None)


def test_weimar_earlier_follow_up_date_wins_over_the_cycle(policies):
    customer = person(employment="unemployed", profile="market_far", unemployed_since=date(2024, 9, 2))
    earlier = decide(
        policies, WEIMAR, customer, [seen(date(2025, 3, 3), follow_up=date(2025, 3, 20))], date(2025, 3, 10)
    )
    later = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 3), follow_up=date(2025, 6, 1))], date(2025, 3, 10))
    assert earlier.due_by == date(2025, 3, 20)
    assert later.due_by == date(2025, 5, 3)


def test_weimar_jobseeker_without_profile_matches_no_rule(policies):
    customer = person(employment="jobseeking")
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 3))], date(2025, 3, 10))
    assert decision.status == "no_rule"
    assert decision.due_by is None
    assert mentions(decision, "arbeitsuchend")
    assert mentions(decision, "25 und älter")


def test_weimar_integrated_needy_without_kind_of_employment_matches_no_rule(policies):
    customer = person(employment="jobseeking", profile="integrated_needy")
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 3))], date(2025, 3, 10))
    assert decision.status == "no_rule"
    assert mentions(decision, "Integriert, aber hilfebedürftig")


@pytest.mark.parametrize("channel", ["in_person", "phone", "email", "group"])
def test_weimar_counts_the_seeds_channels(policies, channel):
    customer = person(employment="unemployed", profile="market_close")
    contacts = [seen(date(2025, 1, 10)), seen(date(2025, 2, 3), channel)]
    decision = decide(policies, WEIMAR, customer, contacts, date(2025, 2, 10))
    assert decision.due_by == date(2025, 3, 3)
    assert decision.last_contact_on == date(2025, 2, 3)


def test_weimar_does_not_count_video(policies):
    # Corrected 29.11.2026: "persönlich, telefonisch, E-Mail, Einzelgespräch oder
    # Gruppenveranstaltung" names no video. Seen Fri 10 Jan 2025 in person: due Mon 10 Feb.
    customer = person(employment="unemployed", profile="market_close")
    contacts = [seen(date(2025, 1, 10)), seen(date(2025, 2, 3), "video")]
    decision = decide(policies, WEIMAR, customer, contacts, date(2025, 2, 10))
    assert (decision.due_by, decision.last_contact_on, decision.status) == (date(2025, 2, 10), date(2025, 1, 10), "ok")


def test_weimar_first_contact_within_15_working_days_across_world_childrens_day(policies):
    # Registered Mon 16 Sep 2024: 17, 18, 19, (20 Weltkindertag), 23, 24, 25, 26, 27, 30,
    # 1 Oct, 2, (3 German Unity), 4, 7, 8, 9 Oct.
    customer = person(registered=date(2024, 9, 16), employment="unemployed", profile="market_close")
    decision = decide(policies, WEIMAR, customer, [], date(2024, 9, 20))
    assert outcome(decision) == (WL_CLOSE, None, None, date(2024, 10, 9))
    assert decision.status == "ok"


def test_weimar_does_not_count_video(policies):
    # Corrected 29.11.2026: "persönlich, telefonisch, E-Mail, Einzelgespräch oder
    # Gruppenveranstaltung" names no video. Seen Fri 10 Jan 2025 in person: due Mon 10 Feb.
    customer = person(employment="unemployed", profile="market_close")
    contacts = [seen(date(2025, 1, 10)), seen(date(2025, 2, 3), "video")]
    decision = decide(policies, WEIMAR, customer, contacts, date(2025, 2, 10))
    assert (decision.due_by, decision.last_contact_on, decision.status) == (date(2025, 2, 10), date(2025, 1, 10), "ok")


def test_weimar_first_contact_within_15_working_days_across_reformation_day(policies):
    # Registered Mon 21 Oct 2024: 22, 23, 24, 25, 28, 29, 30, (31 Reformation Day), 1 Nov
    # (no holiday in TH), 4, 5, 6, 7, 8, 11, 12 Nov.
    customer = person(registered=date(2024, 10, 21), employment="unemployed", profile="market_far")
    decision = decide(policies, WEIMAR, customer, [], date(2024, 11, 13))
    assert decision.due_by == date(2024, 11, 12)
    assert decision.status == "overdue"


def test_weimar_first_contact_deadline_does_not_skip_corpus_christi(policies):
    # Registered Mon 16 Jun 2025: 17, 18, 19 (Corpus Christi, a working day in TH), 20, 23, 24,
    # 25, 26, 27, 30, 1 Jul, 2, 3, 4, 7 Jul.
    customer = person(registered=date(2025, 6, 16), employment="unemployed", profile="market_close")
    decision = decide(policies, WEIMAR, customer, [], date(2025, 6, 17))
    assert decision.due_by == date(2025, 7, 7)


def test_weimar_first_contact_deadline_holds_for_an_individual_rule(policies):
    customer = person(registered=date(2025, 6, 16), employment="none", profile="not_required")
    decision = decide(policies, WEIMAR, customer, [], date(2025, 6, 17))
    assert decision.rule.label == WL_Z
    assert (decision.status, decision.due_by) == ("ok", date(2025, 7, 7))


def test_weimar_a_phone_call_is_the_first_contact(policies):
    customer = person(registered=date(2024, 9, 16), employment="unemployed", profile="market_close")
    decision = decide(policies, WEIMAR, customer, [seen(date(2024, 9, 25), "phone")], date(2024, 10, 1))
    assert decision.due_by == date(2024, 10, 25)


def test_weimar_due_on_reformation_day_gives_the_day_before_as_last_working_day(policies):
    # Thu 17 Oct 2024 + 2 weeks = Thu 31 Oct 2024.
    customer = person(employment="unemployed", flags=["refugee"])
    decision = decide(policies, WEIMAR, customer, [seen(date(2024, 10, 17))], date(2024, 10, 18))
    assert decision.due_by == date(2024, 10, 31)
    assert decision.last_working_day == date(2024, 10, 30)


def test_weimar_holistic_contact_is_due_at_the_latest_on_the_benefit_renewal_date(policies):
    customer = person(care="holistic", employment="unemployed", benefit_renewal_on=date(2025, 9, 30))
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 2, 10))], date(2025, 3, 1))
    assert outcome(decision) == (WL_HOLISTIC, None, None, date(2025, 9, 30))
    assert mentions(decision, "30.09.2025")


def test_weimar_holistic_benefit_renewal_after_twelve_months_does_not_move_the_date(policies):
    customer = person(care="holistic", employment="unemployed", benefit_renewal_on=date(2026, 5, 31))
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 2, 10))], date(2025, 3, 1))
    assert decision.due_by == date(2026, 2, 10)


def test_weimar_benefit_renewal_does_not_cap_other_rules(policies):
    customer = person(
        employment="jobseeking",
        profile="integrated_needy",
        integrated_employment="insured",
        benefit_renewal_on=date(2025, 9, 30),
    )
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 4, 30))], date(2025, 5, 5))
    assert decision.due_by == date(2026, 4, 30)


def test_weimar_does_not_flag_profiling_review(policies):
    customer = person(employment="unemployed", profile="market_close", profile_since=date(2024, 1, 2))
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 1, 31))], date(2025, 2, 3))
    assert "profiling_review" not in decision.flags


def test_weimar_has_no_rule_set_before_15_august_2017(policies):
    customer = person(employment="unemployed", profile="market_close")
    before = decide(policies, WEIMAR, customer, [seen(date(2017, 8, 1))], date(2017, 8, 14))
    assert before.status == "no_rule_set"
    assert before.recheck_on == date(2017, 8, 15)
    in_force = decide(policies, WEIMAR, customer, [seen(date(2017, 8, 1))], date(2017, 8, 15))
    assert outcome(in_force) == (WL_CLOSE, None, None, date(2017, 9, 1))


# --- Weimarer Land: graduate management ------------------------------------------------------
# Measure Mon 3 Feb - Mon 30 Jun 2025: end - 90 days = Tue 1 Apr 2025; one month before the end
# = Fri 30 May 2025.

FEB_TO_JUNE = Measure(date(2025, 2, 3), date(2025, 6, 30))


def _in_measure(*measures, **facts):
    return person(employment="jobseeking", profile="market_close", measures=measures, **facts)


def test_weimar_measure_needs_a_contact_90_days_before_its_end(policies):
    # Last contact 15 Jan, before the start: the 3-month rule says 15 Apr, the milestone 1 Apr.
    decision = decide(policies, WEIMAR, _in_measure(FEB_TO_JUNE), [seen(date(2025, 1, 15))], date(2025, 3, 1))
    assert outcome(decision) == (WL_MEASURE, None, None, date(2025, 4, 1))
    assert decision.status == "ok"
    assert mentions(decision, "Absolventenmanagement")


def test_weimar_missed_graduate_milestone_is_overdue(policies):
    decision = decide(policies, WEIMAR, _in_measure(FEB_TO_JUNE), [seen(date(2025, 1, 15))], date(2025, 4, 2))
    assert decision.due_by == date(2025, 4, 1)
    assert decision.status == "overdue"


def test_weimar_phone_contact_since_the_measure_start_meets_the_milestone(policies):
    contacts = [seen(date(2025, 1, 15)), seen(date(2025, 2, 10), "phone")]
    decision = decide(policies, WEIMAR, _in_measure(FEB_TO_JUNE), contacts, date(2025, 3, 1))
    assert decision.due_by == date(2025, 5, 10)


def test_weimar_short_measure_needs_a_contact_by_its_start(policies):
    # Mon 3 Mar - Wed 30 Apr 2025 is shorter than 90 days (end - 90 = 30 Jan, before the start).
    short = Measure(date(2025, 3, 3), date(2025, 4, 30))
    decision = decide(policies, WEIMAR, _in_measure(short), [seen(date(2025, 2, 14))], date(2025, 3, 10))
    assert decision.due_by == date(2025, 3, 3)
    assert decision.status == "overdue"


def test_weimar_contact_on_the_measure_start_day_meets_the_milestone(policies):
    decision = decide(policies, WEIMAR, _in_measure(FEB_TO_JUNE), [seen(date(2025, 2, 3))], date(2025, 3, 1))
    assert decision.due_by == date(2025, 5, 3)


def test_weimar_ended_measure_needs_a_contact_within_15_working_days(policies):
    # End Mon 30 Jun 2025: 1-4 Jul, 7-11 Jul, 14-18 Jul, 21 Jul = 15 working days.
    customer = person(
        employment="jobseeking", profile="integrated_needy", integrated_employment="insured", measures=[FEB_TO_JUNE]
    )
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 4, 10))], date(2025, 7, 10))
    assert outcome(decision) == (WL_IH_INSURED, None, None, date(2025, 7, 21))
    assert decision.status == "ok"


def test_weimar_exit_date_wins_over_the_planned_end(policies):
    # Left Fri 16 May 2025: 19-23 May (5), 26, 27, 28 (8), (29 Ascension), 30 (9),
    # 2-6 Jun (14), (9 Whit Monday), Tue 10 Jun (15).
    left = Measure(date(2025, 2, 3), date(2025, 6, 30), exited_on=date(2025, 5, 16))
    customer = person(
        employment="jobseeking", profile="integrated_needy", integrated_employment="insured", measures=[left]
    )
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 4, 10))], date(2025, 5, 20))
    assert outcome(decision) == (WL_IH_INSURED, None, None, date(2025, 6, 10))


def test_weimar_contact_after_the_end_closes_the_graduate_milestone(policies):
    customer = person(
        employment="jobseeking", profile="integrated_needy", integrated_employment="insured", measures=[FEB_TO_JUNE]
    )
    contacts = [seen(date(2025, 4, 10)), seen(date(2025, 7, 2), "phone")]
    decision = decide(policies, WEIMAR, customer, contacts, date(2025, 7, 10))
    assert decision.due_by == date(2026, 7, 2)


def test_weimar_contact_on_the_last_day_of_the_measure_is_not_after_its_end(policies):
    customer = person(
        employment="jobseeking", profile="integrated_needy", integrated_employment="insured", measures=[FEB_TO_JUNE]
    )
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 6, 30))], date(2025, 7, 10))
    assert decision.due_by == date(2025, 7, 21)


def test_weimar_employer_service_task_one_month_before_the_end(policies):
    contacts = [seen(date(2025, 5, 2))]
    day_before = decide(policies, WEIMAR, _in_measure(FEB_TO_JUNE), contacts, date(2025, 5, 29))
    one_month = decide(policies, WEIMAR, _in_measure(FEB_TO_JUNE), contacts, date(2025, 5, 30))
    assert "employer_service_task" not in day_before.flags
    assert "employer_service_task" in one_month.flags
    assert mentions(one_month, "AG-S")
    # A reminder, not a contact: the due date stays the measure rule's 2 May + 3 months.
    assert one_month.due_by == date(2025, 8, 2)
    assert one_month.status == "ok"
