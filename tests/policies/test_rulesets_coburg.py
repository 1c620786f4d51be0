"""Coburg Land's rule set (seed 001), decided by the engine.

Every expected value was worked out by hand from the seeds' passages and rules in docs/domain.md,
with a wall calendar; none was copied from a run of the code. Month
arithmetic clamps to the month's end (31 Jan + 1 month = 28 Feb; 2016 is a leap year).

Public holidays used: BY: Epiphany 6 Jan.
"""

from datetime import date

import pytest

from policies.engine import Measure, Suspension

from .ruleset_builders import (
    CO_BFM,
    CO_CLOSE,
    CO_FAR,
    CO_MEASURE,
    CO_SEEKING,
    CO_U25,
    COBURG,
    decide,
    mentions,
    outcome,
    person,
    seen,
)

# --- Coburg Land ----------------------------------------------------------------------------


def test_coburg_u25_in_bfm_gets_the_bfm_rule(policies):
    customer = person(date(2002, 5, 20), care="case_management", employment="unemployed", profile="market_far")
    decision = decide(policies, COBURG, customer, [seen(date(2025, 3, 31))], date(2025, 4, 1))
    assert outcome(decision) == (CO_BFM, "1MM", None, date(2025, 4, 30))


def test_coburg_ue25_market_close_in_bfm_is_seen_monthly(policies):
    customer = person(care="case_management", employment="unemployed", profile="market_close")
    decision = decide(policies, COBURG, customer, [seen(date(2025, 3, 31))], date(2025, 4, 1))
    assert outcome(decision) == (CO_BFM, "1MM", None, date(2025, 4, 30))


def test_coburg_u25_jobseeking_is_seen_every_six_months_not_monthly(policies):
    customer = person(date(2002, 5, 20), employment="jobseeking", profile="market_far")
    decision = decide(policies, COBURG, customer, [seen(date(2025, 3, 31))], date(2025, 4, 1))
    assert outcome(decision) == (CO_SEEKING, "6MM", None, date(2025, 9, 30))


def test_coburg_u25_jobseeking_in_a_measure_gets_3mm(policies):
    customer = person(
        date(2002, 5, 20),
        employment="jobseeking",
        profile="market_far",
        measures=[Measure(date(2025, 3, 3), date(2025, 8, 29))],
    )
    decision = decide(policies, COBURG, customer, [seen(date(2025, 3, 31))], date(2025, 4, 1))
    assert outcome(decision) == (CO_MEASURE, "3MM", None, date(2025, 6, 30))


def test_coburg_jobseeking_after_the_measure_falls_back_to_6mm(policies):
    customer = person(
        employment="jobseeking", profile="market_far", measures=[Measure(date(2025, 2, 1), date(2025, 7, 31))]
    )
    decision = decide(policies, COBURG, customer, [seen(date(2025, 7, 15))], date(2025, 8, 1))
    assert outcome(decision) == (CO_SEEKING, "6MM", None, date(2026, 1, 15))


def test_coburg_integrated_needy_jobseeking_meets_the_jobseeking_rule_first(policies):
    customer = person(employment="jobseeking", profile="integrated_needy", integrated_employment="insured")
    decision = decide(policies, COBURG, customer, [seen(date(2025, 5, 31))], date(2025, 6, 10))
    assert outcome(decision) == (CO_SEEKING, "6MM", None, date(2025, 11, 30))


def test_coburg_customer_moves_from_u25_to_ue25_rule_on_the_25th_birthday(policies):
    # 25th birthday Tuesday 15 Jul 2025; last contact 1 Jul 2025.
    customer = person(
        date(2000, 7, 15), employment="unemployed", profile="market_close", profile_since=date(2025, 6, 1)
    )
    contacts = [seen(date(2025, 7, 1))]
    day_before = decide(policies, COBURG, customer, contacts, date(2025, 7, 14))
    birthday = decide(policies, COBURG, customer, contacts, date(2025, 7, 15))
    assert outcome(day_before) == (CO_U25, "1MM", None, date(2025, 8, 1))
    assert day_before.recheck_on == date(2025, 7, 15)
    assert outcome(birthday) == (CO_CLOSE, "2MM", None, date(2025, 9, 1))


def test_coburg_ue25_unemployed_without_profiling_need_matches_no_rule(policies):
    customer = person(employment="unemployed", profile="not_required")
    decision = decide(policies, COBURG, customer, [seen(date(2025, 3, 3))], date(2025, 4, 1))
    assert decision.status == "no_rule"
    assert (decision.rule, decision.code, decision.due_by) == (None, None, None)
    assert mentions(decision, "arbeitslos")
    assert mentions(decision, "Zuordnung nicht erforderlich")
    assert mentions(decision, "25 und älter")


def test_coburg_cycle_runs_from_registration_without_a_contact(policies):
    # Registered Fri 31 Jan 2025; 3MM -> 30 Apr 2025 (clamped). No first-contact deadline.
    customer = person(registered=date(2025, 1, 31), employment="unemployed", profile="market_far")
    decision = decide(policies, COBURG, customer, [], date(2025, 3, 1))
    assert outcome(decision) == (CO_FAR, "3MM", None, date(2025, 4, 30))
    assert decision.status == "ok"
    assert decision.last_contact_on is None
    assert mentions(decision, "31.01.2025")


def test_coburg_u25_cycle_from_registration_is_overdue_after_a_month(policies):
    customer = person(date(2003, 2, 2), registered=date(2025, 3, 31), employment="unemployed")
    decision = decide(policies, COBURG, customer, [], date(2025, 5, 1))
    assert outcome(decision) == (CO_U25, "1MM", None, date(2025, 4, 30))
    assert decision.status == "overdue"


def test_coburg_contact_is_on_time_on_the_due_date_and_overdue_the_day_after(policies):
    # 2MM from Mon 30 Jun 2025: due Sat 30 Aug 2025.
    customer = person(employment="unemployed", profile="market_close", profile_since=date(2025, 5, 1))
    contacts = [seen(date(2025, 6, 30))]
    assert decide(policies, COBURG, customer, contacts, date(2025, 8, 30)).status == "ok"
    assert decide(policies, COBURG, customer, contacts, date(2025, 8, 31)).status == "overdue"


def test_coburg_note_dated_after_the_evaluation_date_does_not_count_yet(policies):
    customer = person(date(2002, 5, 20), employment="unemployed", profile="market_far")
    contacts = [seen(date(2025, 3, 10)), seen(date(2025, 4, 8))]
    decision = decide(policies, COBURG, customer, contacts, date(2025, 4, 5))
    assert decision.due_by == date(2025, 4, 10)
    assert decision.last_contact_on == date(2025, 3, 10)


@pytest.mark.parametrize("channel", ["phone", "email", "video", "group"])
def test_coburg_counts_only_in_person_contacts(policies, channel):
    customer = person(date(2002, 5, 20), employment="unemployed", profile="market_far")
    contacts = [seen(date(2025, 3, 10)), seen(date(2025, 4, 1), channel)]
    decision = decide(policies, COBURG, customer, contacts, date(2025, 4, 5))
    assert decision.due_by == date(2025, 4, 10)
    assert decision.last_contact_on == date(2025, 3, 10)


def test_coburg_phone_call_leaves_the_cycle_running_from_registration(policies):
    customer = person(registered=date(2025, 1, 31), employment="unemployed", profile="market_far")
    decision = decide(policies, COBURG, customer, [seen(date(2025, 2, 20), "phone")], date(2025, 3, 1))
    assert decision.due_by == date(2025, 4, 30)


def test_coburg_due_on_epiphany_gives_the_monday_before_as_last_working_day(policies):
    # Mon 6 Oct 2025 + 3 months = Tue 6 Jan 2026, Epiphany in Bavaria.
    customer = person(employment="unemployed", profile="market_far")
    decision = decide(policies, COBURG, customer, [seen(date(2025, 10, 6))], date(2025, 10, 10))
    assert decision.due_by == date(2026, 1, 6)
    assert decision.last_working_day == date(2026, 1, 5)


def _coburg_suspended(until):
    # 3MM from Wed 15 Jan 2025: due 15 Apr 2025; largest extension 6 months -> 15 Oct 2025.
    return person(
        employment="unemployed",
        profile="market_far",
        suspensions=[Suspension(date(2025, 3, 1), until, "ausstehendes Gutachten")],
    )


def test_coburg_suspension_extends_to_its_end_within_six_months(policies):
    decision = decide(
        policies, COBURG, _coburg_suspended(date(2025, 6, 30)), [seen(date(2025, 1, 15))], date(2025, 6, 1)
    )
    assert decision.status == "suspended"
    assert decision.due_by == date(2025, 6, 30)


def test_coburg_suspension_extends_by_at_most_six_months(policies):
    decision = decide(
        policies, COBURG, _coburg_suspended(date(2025, 12, 31)), [seen(date(2025, 1, 15))], date(2025, 6, 1)
    )
    assert decision.status == "suspended"
    assert decision.due_by == date(2025, 10, 15)


def test_coburg_exactly_six_months_of_extension_is_allowed(policies):
    decision = decide(
        policies, COBURG, _coburg_suspended(date(2025, 10, 15)), [seen(date(2025, 1, 15))], date(2025, 6, 1)
    )
    assert decision.due_by == date(2025, 10, 15)


def test_coburg_suspension_ending_before_the_due_date_keeps_it(policies):
    decision = decide(
        policies, COBURG, _coburg_suspended(date(2025, 3, 31)), [seen(date(2025, 1, 15))], date(2025, 3, 10)
    )
    assert decision.status == "suspended"
    assert decision.due_by == date(2025, 4, 15)


def test_coburg_exhausted_extension_is_overdue_although_suspended(policies):
    decision = decide(
        policies, COBURG, _coburg_suspended(date(2025, 12, 31)), [seen(date(2025, 1, 15))], date(2025, 10, 16)
    )
    assert decision.due_by == date(2025, 10, 15)
    assert decision.status == "overdue"


def test_coburg_suspension_not_yet_begun_changes_nothing(policies):
    decision = decide(
        policies, COBURG, _coburg_suspended(date(2025, 6, 30)), [seen(date(2025, 1, 15))], date(2025, 2, 28)
    )
    assert decision.status == "ok"
    assert decision.due_by == date(2025, 4, 15)
    assert decision.recheck_on == date(2025, 3, 1)


def test_coburg_suspended_decision_is_rechecked_the_day_after_the_suspension_ends(policies):
    decision = decide(
        policies, COBURG, _coburg_suspended(date(2025, 3, 31)), [seen(date(2025, 1, 15))], date(2025, 3, 10)
    )
    assert decision.recheck_on == date(2025, 4, 1)


# Corrected 29.11.2026 (step 6): the extension stands after the exception ends. Seen Wed 15 Jan
# 2025 as Ü25 unemployed market_far (3MM): due Tue 15 Apr 2025; exception from Sat 1 Mar.


def test_coburg_extension_stands_after_the_exception_ends(policies):
    customer = _coburg_suspended(date(2025, 6, 30))
    contacts = [seen(date(2025, 1, 15))]
    last_day = decide(policies, COBURG, customer, contacts, date(2025, 6, 30))
    assert (last_day.status, last_day.due_by) == ("suspended", date(2025, 6, 30))
    after = decide(policies, COBURG, customer, contacts, date(2025, 7, 2))
    # Overdue from the extended date (Mon 30 Jun 2025), not from 15 Apr.
    assert (after.status, after.due_by, after.last_working_day) == ("overdue", date(2025, 6, 30), date(2025, 6, 30))
    assert mentions(after, "fällig am 30.06.2025")
    assert after.recheck_on is None


def test_coburg_exception_ending_on_a_saturday_gives_friday_as_last_working_day(policies):
    customer = _coburg_suspended(date(2025, 5, 31))  # Sat 31 May 2025
    after = decide(policies, COBURG, customer, [seen(date(2025, 1, 15))], date(2025, 6, 2))
    assert (after.status, after.due_by, after.last_working_day) == ("overdue", date(2025, 5, 31), date(2025, 5, 30))


def test_coburg_capped_extension_stands_after_a_longer_exception_ends(policies):
    # Capped at 15 Apr + 6 months = Wed 15 Oct 2025; the exception runs to 31 Dec 2025.
    customer = _coburg_suspended(date(2025, 12, 31))
    after = decide(policies, COBURG, customer, [seen(date(2025, 1, 15))], date(2026, 1, 5))
    assert (after.status, after.due_by) == ("overdue", date(2025, 10, 15))
    assert mentions(after, "höchstens 6 Monate Verlängerung")


def test_coburg_exception_documented_while_overdue_moves_the_due_date(policies):
    # 3MM due 15 Apr 2025; the exception (Fri 2 May - Mon 30 Jun 2025) starts after that.
    customer = person(
        employment="unemployed",
        profile="market_far",
        suspensions=[Suspension(date(2025, 5, 2), date(2025, 6, 30), "Einstellungszusage")],
    )
    contacts = [seen(date(2025, 1, 15))]
    before = decide(policies, COBURG, customer, contacts, date(2025, 4, 20))
    assert (before.status, before.due_by, before.recheck_on) == ("overdue", date(2025, 4, 15), date(2025, 5, 2))
    during = decide(policies, COBURG, customer, contacts, date(2025, 5, 5))
    assert (during.status, during.due_by, during.recheck_on) == ("suspended", date(2025, 6, 30), date(2025, 7, 1))
    after = decide(policies, COBURG, customer, contacts, date(2025, 7, 1))
    assert (after.status, after.due_by) == ("overdue", date(2025, 6, 30))


def test_coburg_exception_before_the_last_contact_does_not_extend_the_new_cycle(policies):
    # Exception 1 Nov - 31 Dec 2024; seen Wed 15 Jan 2025: 3MM due 15 Apr 2025 as without it.
    customer = person(
        employment="unemployed",
        profile="market_far",
        suspensions=[Suspension(date(2024, 11, 1), date(2024, 12, 31), "Einstellungszusage")],
    )
    decision = decide(policies, COBURG, customer, [seen(date(2025, 1, 15))], date(2025, 2, 1))
    assert (decision.status, decision.due_by) == ("ok", date(2025, 4, 15))


# Corrected 29.11.2026 (step 4): the follow-up date that counts is on the latest note since the
# last qualified contact that carries one. Ü25 unemployed market_close (2MM), seen in person
# Mon 3 Mar 2025 (cycle: due Sat 3 May 2025) with a follow-up agreed for Tue 1 Apr 2025.


def test_coburg_phone_note_without_follow_up_keeps_the_date_agreed_in_person(policies):
    customer = person(employment="unemployed", profile="market_close")
    contacts = [seen(date(2025, 3, 3), follow_up=date(2025, 4, 1)), seen(date(2025, 3, 20), "phone")]
    decision = decide(policies, COBURG, customer, contacts, date(2025, 3, 25))
    assert outcome(decision) == (CO_CLOSE, "2MM", None, date(2025, 4, 1))
    assert (decision.status, decision.last_contact_on) == ("ok", date(2025, 3, 3))
    assert mentions(decision, "Wiedervorlage aus dem Beratungsvermerk vom 03.03.2025: 01.04.2025")


def test_coburg_later_phone_note_with_a_follow_up_replaces_the_earlier_date(policies):
    customer = person(employment="unemployed", profile="market_close")
    contacts = [
        seen(date(2025, 3, 3), follow_up=date(2025, 4, 1)),
        seen(date(2025, 3, 20), "phone", follow_up=date(2025, 4, 15)),
    ]
    decision = decide(policies, COBURG, customer, contacts, date(2025, 3, 25))
    assert decision.due_by == date(2025, 4, 15)


def test_coburg_new_in_person_contact_ends_an_earlier_follow_up_date(policies):
    # Seen again Fri 28 Mar 2025 without a follow-up date: 2MM due Wed 28 May 2025.
    customer = person(employment="unemployed", profile="market_close")
    contacts = [seen(date(2025, 3, 3), follow_up=date(2025, 4, 1)), seen(date(2025, 3, 28))]
    decision = decide(policies, COBURG, customer, contacts, date(2025, 4, 2))
    assert (decision.status, decision.due_by, decision.last_contact_on) == ("ok", date(2025, 5, 28), date(2025, 3, 28))


def test_coburg_follow_up_agreed_without_any_contact_yet_counts(policies):
    # No qualified contact yet: every note counts. Registered Mon 3 Feb 2025, cycle from there
    # (no first-contact deadline): due Thu 3 Apr 2025; a phone call on 10 Feb agreed 24 Feb,
    # a later phone note on 17 Feb agreed nothing new.
    customer = person(registered=date(2025, 2, 3), employment="unemployed", profile="market_close")
    contacts = [seen(date(2025, 2, 10), "phone", follow_up=date(2025, 2, 24)), seen(date(2025, 2, 17), "phone")]
    decision = decide(policies, COBURG, customer, contacts, date(2025, 2, 20))
    assert (decision.due_by, decision.last_contact_on) == (date(2025, 2, 24), None)


def test_coburg_measure_participant_is_rechecked_the_day_after_the_measure(policies):
    # In the measure up to and including Thu 31 Jul 2025: 3MM until then, 6MM from 1 Aug.
    customer = person(
        employment="jobseeking", profile="market_far", measures=[Measure(date(2025, 2, 1), date(2025, 7, 31))]
    )
    contacts = [seen(date(2025, 7, 1))]
    last_day = decide(policies, COBURG, customer, contacts, date(2025, 7, 31))
    day_after = decide(policies, COBURG, customer, contacts, date(2025, 8, 1))
    assert outcome(last_day) == (CO_MEASURE, "3MM", None, date(2025, 10, 1))
    assert last_day.recheck_on == date(2025, 8, 1)
    assert outcome(day_after) == (CO_SEEKING, "6MM", None, date(2026, 1, 1))


def test_coburg_jobseeker_is_rechecked_when_a_planned_measure_starts(policies):
    customer = person(
        employment="jobseeking", profile="market_far", measures=[Measure(date(2025, 9, 1), date(2026, 2, 27))]
    )
    decision = decide(policies, COBURG, customer, [seen(date(2025, 7, 1))], date(2025, 8, 1))
    assert outcome(decision) == (CO_SEEKING, "6MM", None, date(2026, 1, 1))
    assert decision.recheck_on == date(2025, 9, 1)


def test_coburg_flags_market_close_customer_for_profiling_review_after_six_months(policies):
    customer = person(employment="unemployed", profile="market_close", profile_since=date(2025, 1, 15))
    contacts = [seen(date(2025, 6, 20))]
    day_before = decide(policies, COBURG, customer, contacts, date(2025, 7, 14))
    six_months = decide(policies, COBURG, customer, contacts, date(2025, 7, 15))
    assert "profiling_review" not in day_before.flags
    assert "profiling_review" in six_months.flags
    assert mentions(six_months, "marktnah")
    # The review is a flag, not a contact: the 2MM cycle stays.
    assert outcome(six_months) == (CO_CLOSE, "2MM", None, date(2025, 8, 20))


def test_coburg_does_not_flag_market_far_customers_for_profiling_review(policies):
    customer = person(employment="unemployed", profile="market_far", profile_since=date(2024, 1, 15))
    decision = decide(policies, COBURG, customer, [seen(date(2025, 6, 20))], date(2025, 7, 15))
    assert "profiling_review" not in decision.flags


def test_coburg_has_no_rule_set_before_2017(policies):
    customer = person(employment="unemployed", profile="market_far")
    decision = decide(policies, COBURG, customer, [], date(2016, 12, 31))
    assert decision.status == "no_rule_set"
    assert decision.recheck_on == date(2017, 1, 1)
    in_force = decide(policies, COBURG, customer, [seen(date(2017, 1, 2))], date(2017, 1, 2))
    assert outcome(in_force) == (CO_FAR, "3MM", None, date(2017, 4, 2))
