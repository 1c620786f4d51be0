"""Mönchengladbach's rule set (seed 000), decided by the engine.

Every expected value was worked out by hand from the seeds' passages and rules in docs/domain.md,
with a wall calendar; none was copied from a run of the code. Month
arithmetic clamps to the month's end (31 Jan + 1 month = 28 Feb; 2016 is a leap year).

Public holidays used: NW 2016: Good Friday 25 Mar, Easter Monday 28 Mar, Corpus Christi 26 May.
"""

from datetime import date

import pytest

from policies.engine import Suspension

from .ruleset_builders import (
    EN,
    MG,
    MG_FM,
    MG_MARKET,
    MG_U25,
    decide,
    mentions,
    outcome,
    person,
    seen,
)

# --- Mönchengladbach ------------------------------------------------------------------------


def test_mg_u25_in_case_management_is_decided_by_case_management(policies):
    # Corrected 29.11.2026: "Für das Fallmanagement (größtmögliche Individualisierung) und den
    # Bereich der Vermittlung U25 ... gelten abweichende Regelungen": case management comes first.
    customer = person(date(1995, 3, 10), care="case_management", profile="market")
    decision = decide(policies, MG, customer, [seen(date(2016, 4, 15))], date(2016, 4, 20))
    assert outcome(decision) == (MG_FM, None, None, None)
    assert decision.status == "individual"
    agreed = decide(policies, MG, customer, [seen(date(2016, 4, 15), follow_up=date(2016, 5, 3))], date(2016, 4, 20))
    assert (agreed.rule.label, agreed.due_by, agreed.status) == (MG_FM, date(2016, 5, 3), "ok")


def test_mg_case_management_beats_the_market_profile(policies):
    customer = person(care="case_management", profile="market")
    decision = decide(policies, MG, customer, [seen(date(2016, 4, 15))], date(2016, 4, 20))
    assert decision.rule.label == MG_FM
    assert decision.status == "individual"
    assert decision.due_by is None


def test_mg_case_management_without_follow_up_date_is_individual(policies):
    customer = person(care="case_management", profile="development")
    decision = decide(policies, MG, customer, [seen(date(2016, 3, 1))], date(2016, 4, 1))
    assert (decision.status, decision.due_by, decision.last_working_day) == ("individual", None, None)


def test_mg_customer_turns_from_u25_to_market_profile_on_the_25th_birthday(policies):
    # 25th birthday Thursday 26 May 2016; last contact Monday 2 May 2016.
    customer = person(date(1991, 5, 26), employment="unemployed", profile="market")
    contacts = [seen(date(2016, 5, 2))]
    day_before = decide(policies, MG, customer, contacts, date(2016, 5, 25))
    birthday = decide(policies, MG, customer, contacts, date(2016, 5, 26))
    assert outcome(day_before) == (MG_U25, None, None, date(2016, 6, 2))
    assert day_before.recheck_on == date(2016, 5, 26)
    assert outcome(birthday) == (MG_MARKET, None, None, date(2016, 6, 13))


def test_mg_profile_outside_the_four_phase_model_matches_no_rule(policies):
    customer = person(employment="unemployed", profile="market_close")
    decision = decide(policies, MG, customer, [seen(date(2016, 2, 1))], date(2016, 3, 1))
    assert decision.status == "no_rule"
    assert (decision.rule, decision.due_by) == (None, None)
    assert mentions(decision, "marktnah")
    assert mentions(decision, "25 und älter")


def test_mg_first_contact_is_due_ten_working_days_after_registration_across_corpus_christi(policies):
    # Registered Thu 19 May 2016: 20, 23, 24, 25, (26 Corpus Christi), 27, 30, 31, 1, 2, 3 Jun.
    customer = person(registered=date(2016, 5, 19), employment="unemployed", profile="market")
    decision = decide(policies, MG, customer, [], date(2016, 5, 20))
    assert outcome(decision) == (MG_MARKET, None, None, date(2016, 6, 3))
    assert decision.status == "ok"
    assert decision.last_contact_on is None
    # The target of 7 working days ends on Tue 31 May.
    assert mentions(decision, "31.05.2016")


def test_mg_first_contact_deadline_skips_good_friday_and_easter_monday(policies):
    # Registered Wed 23 Mar 2016: 24, (25, 28 Easter), 29, 30, 31, 1, 4, 5, 6, 7, 8 Apr.
    customer = person(registered=date(2016, 3, 23), employment="unemployed", profile="activation")
    decision = decide(policies, MG, customer, [], date(2016, 4, 11))
    assert decision.due_by == date(2016, 4, 8)
    assert decision.status == "overdue"


def test_mg_u25_is_exempt_from_the_first_contact_deadline(policies):
    # Corrected 29.11.2026: the 7/10 working days are for Ü25 placement; U25 runs its monthly
    # cycle from the registration on Mon 5 Sep 2016: due Wed 5 Oct 2016.
    customer = person(date(1997, 1, 1), registered=date(2016, 9, 5), employment="unemployed")
    decision = decide(policies, MG, customer, [], date(2016, 9, 6))
    assert outcome(decision) == (MG_U25, None, None, date(2016, 10, 5))
    assert mentions(decision, "Erstkontakt-Frist gilt für diese Regel nicht")


def test_mg_case_management_without_contact_is_individual_from_registration(policies):
    customer = person(registered=date(2016, 9, 5), care="case_management", profile="market")
    decision = decide(policies, MG, customer, [], date(2016, 9, 26))
    assert (decision.rule.label, decision.status, decision.due_by) == (MG_FM, "individual", None)


def test_mg_u25_customer_without_contact_meets_the_deadline_on_the_25th_birthday(policies):
    # 25th birthday Tue 20 Sep 2016, registered Mon 5 Sep 2016, never seen. Until the birthday
    # the U25 cycle runs from the registration (due 5 Oct); from the birthday the Ü25 market
    # rule's first-contact deadline holds: 6, 7, 8, 9, 12, 13, 14, 15, 16, 19 Sep: due Mon 19
    # Sep, so overdue on the birthday itself. The recheck date is the birthday.
    customer = person(date(1991, 9, 20), registered=date(2016, 9, 5), employment="unemployed", profile="market")
    before = decide(policies, MG, customer, [], date(2016, 9, 19))
    assert outcome(before) == (MG_U25, None, None, date(2016, 10, 5))
    assert (before.status, before.recheck_on) == ("ok", date(2016, 9, 20))
    birthday = decide(policies, MG, customer, [], date(2016, 9, 20))
    assert outcome(birthday) == (MG_MARKET, None, None, date(2016, 9, 19))
    assert birthday.status == "overdue"


@pytest.mark.parametrize("channel", ["phone", "email", "video", "group"])
def test_mg_counts_only_in_person_contacts(policies, channel):
    customer = person(employment="unemployed", profile="market")
    contacts = [seen(date(2016, 2, 1)), seen(date(2016, 3, 1), channel)]
    decision = decide(policies, MG, customer, contacts, date(2016, 3, 5))
    assert decision.due_by == date(2016, 3, 14)
    assert decision.last_contact_on == date(2016, 2, 1)


def test_mg_a_phone_call_does_not_stop_the_first_contact_deadline(policies):
    customer = person(registered=date(2016, 9, 5), employment="unemployed", profile="market")
    decision = decide(policies, MG, customer, [seen(date(2016, 9, 7), "phone")], date(2016, 9, 20))
    assert decision.due_by == date(2016, 9, 19)
    assert decision.status == "overdue"
    assert decision.last_contact_on is None


def test_mg_due_date_on_corpus_christi_gives_the_day_before_as_last_working_day(policies):
    # Thu 14 Apr 2016 + 6 weeks = Thu 26 May 2016, Corpus Christi in NW.
    customer = person(employment="unemployed", profile="market")
    decision = decide(policies, MG, customer, [seen(date(2016, 4, 14))], date(2016, 4, 20))
    assert decision.due_by == date(2016, 5, 26)
    assert decision.last_working_day == date(2016, 5, 25)


def test_mg_window_rule_is_overdue_after_the_deadline(policies):
    customer = person(employment="unemployed", profile="promotion")
    decision = decide(policies, MG, customer, [seen(date(2016, 3, 31))], date(2016, 7, 1))
    assert (decision.window_opens, decision.due_by) == (date(2016, 5, 31), date(2016, 6, 30))
    assert decision.status == "overdue"


def test_mg_documented_hiring_promise_suspends_until_its_end(policies):
    # MG states no largest extension: the suspension's end decides.
    customer = person(
        employment="unemployed",
        profile="market",
        suspensions=[Suspension(date(2016, 3, 1), date(2016, 9, 30), "Einstellungszusage")],
    )
    decision = decide(policies, MG, customer, [seen(date(2016, 2, 1))], date(2016, 3, 20))
    assert decision.status == "suspended"
    assert decision.due_by == date(2016, 9, 30)
    assert mentions(decision, "Einstellungszusage")


@pytest.mark.parametrize("on", [date(2017, 1, 1), date(2025, 6, 2)])
def test_mg_has_no_rule_set_from_2017(policies, on):
    customer = person(employment="unemployed", profile="market")
    decision = decide(policies, MG, customer, [seen(date(2016, 12, 1))], on)
    assert decision.status == "no_rule_set"
    assert (decision.rule_set, decision.rule, decision.due_by) == (None, None, None)
    assert decision.recheck_on is None


def test_mg_rule_set_is_in_force_on_its_first_and_last_day(policies):
    customer = person(employment="unemployed", profile="market")
    last_day = decide(policies, MG, customer, [seen(date(2016, 12, 1))], date(2016, 12, 31))
    assert last_day.due_by == date(2017, 1, 12)
    assert last_day.recheck_on == date(2017, 1, 1)
    first_day = decide(policies, MG, customer, [seen(date(2012, 2, 20))], date(2012, 3, 1))
    assert first_day.due_by == date(2012, 4, 2)


def test_mg_has_no_rule_set_before_march_2012(policies):
    customer = person(employment="unemployed", profile="market")
    decision = decide(policies, MG, customer, [], date(2012, 2, 29))
    assert decision.status == "no_rule_set"
    assert decision.recheck_on == date(2012, 3, 1)


@pytest.mark.parametrize("on", [date(2012, 6, 1), date(2016, 6, 1), date(2025, 6, 2)])
def test_jobagentur_en_has_no_rule_set_on_any_date(policies, on):
    customer = person(employment="unemployed", profile="market_far")
    decision = decide(policies, EN, customer, [seen(on)], on)
    assert decision.status == "no_rule_set"
    assert (decision.rule, decision.due_by, decision.recheck_on) == (None, None, None)
