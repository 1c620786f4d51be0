"""The seeds' rule sets, as `fixtures/rulesets.json` encodes them, decided by the engine.

Every expected value was worked out by hand from the seed texts (../shared/seeds/000-002) and
../shared/DOMAIN.md, with a wall calendar; none was copied from a run of the code. Month
arithmetic clamps to the month's end (31 Jan + 1 month = 28 Feb; 2016 is a leap year).

Public holidays used (see tests/policies/test_calendar.py): NW 2016: Good Friday 25 Mar, Easter
Monday 28 Mar, Corpus Christi 26 May. BY: Epiphany 6 Jan. TH 2024: World Children's Day 20 Sep,
German Unity 3 Oct, Reformation Day 31 Oct (All Saints is no holiday in TH); TH 2025:
Ascension 29 May, Whit Monday 9 Jun; Corpus Christi 19 Jun 2025 is no holiday in TH.
"""

from datetime import date

import pytest

from policies.engine import Contact, Customer, Measure, Suspension, evaluate

MG, COBURG, WEIMAR, EN = "moenchengladbach", "coburg-land", "weimarer-land", "jobagentur-en"

UE25 = date(1975, 4, 10)  # 25 and older on every date below
LONG_AGO = date(2011, 1, 3)  # a registration before every contact below

# The fixture's rule labels, in the order DOMAIN.md lists the rules.
MG_U25 = "Vermittlung U25 (monatlich)"
MG_FM = "Fallmanagement (größtmögliche Individualisierung)"
MG_MARKET = "Marktprofil, Aktivierungsprofil"
MG_PROMOTION = "Förderprofil, Entwicklungsprofil"
MG_STABILISATION = "Stabilisierungsprofil, Unterstützungsprofil"
MG_Z_I = "Profillage Z und Profillage I"

CO_BFM = "Beschäftigungsorientiertes Fallmanagement (bFM)"
CO_U25 = "U25, arbeitslos"
CO_MEASURE = "Arbeitsuchende Maßnahmeteilnehmer (Absolventenmanagement)"
CO_CLOSE = "Ü25, arbeitslos, marktnah"
CO_FAR = "Ü25, arbeitslos, nicht marktnah"
CO_SEEKING = "Arbeitsuchend, U25 und Ü25 (auch arbeitsunfähig, geförderte Beschäftigung)"
CO_NONE = "Ohne Status (auch § 10 SGB II)"
CO_IH = "Integriert, aber hilfebedürftig"

WL_REFUGEE = "Flucht/Asyl mit Status arbeitslos (bis auf Weiteres)"
WL_FM = "Fallmanagement"
WL_HOLISTIC = "Ganzheitliche Betreuung (spätestens zum WBA)"
WL_U25 = "Unter 25"
WL_MEASURE = "In Maßnahmen (Bergfestgespräch, Absolventenmanagement)"
WL_CLOSE = "Integrationsprognose marktnah"
WL_FAR_LONG = "Nicht marktnah, 12 Monate und länger arbeitslos"
WL_FAR = "Nicht marktnah, unter 12 Monaten arbeitslos"
WL_IH_INSURED = "Integriert, aber hilfebedürftig (sozialversicherungspflichtig beschäftigt)"
WL_IH_SELF = "Integriert, aber hilfebedürftig (selbständig)"
WL_Z = "Zuordnung nicht erforderlich (Z)"

RULES_IN_ORDER = {
    MG: [MG_U25, MG_FM, MG_MARKET, MG_PROMOTION, MG_STABILISATION, MG_Z_I],
    COBURG: [CO_BFM, CO_U25, CO_MEASURE, CO_CLOSE, CO_FAR, CO_SEEKING, CO_NONE, CO_IH],
    WEIMAR: [WL_REFUGEE, WL_FM, WL_HOLISTIC, WL_U25, WL_MEASURE, WL_CLOSE, WL_FAR_LONG, WL_FAR,
             WL_IH_INSURED, WL_IH_SELF, WL_Z],
}


def person(born=UE25, registered=LONG_AGO, *, flags=(), measures=(), suspensions=(), **facts):
    return Customer(birth_date=born, registered_on=registered, flags=frozenset(flags),
                    measures=tuple(measures), suspensions=tuple(suspensions), **facts)


def seen(day, channel="in_person", follow_up=None):
    return Contact(date=day, channel=channel, follow_up_on=follow_up)


def decide(policies, slug, customer, contacts, on):
    return evaluate(policies[slug], customer, list(contacts), on)


def outcome(decision):
    """(rule label, code, window opens, due by) for one readable comparison."""
    return (decision.rule.label if decision.rule else None, decision.code,
            decision.window_opens, decision.due_by)


def mentions(decision, text):
    return any(text in reason for reason in decision.reasons)


# --- The fixture states the seeds' rules in the seeds' order ---------------------------------

@pytest.mark.parametrize("slug", [MG, COBURG, WEIMAR])
def test_fixture_lists_the_rules_in_the_documents_order(policies, slug):
    (rule_set,) = policies[slug].rule_sets
    assert [rule.label for rule in rule_set.rules] == RULES_IN_ORDER[slug]


# --- Every rule of every rule set -------------------------------------------------------------
# (slug, customer, contacts, evaluation date, label, code, window opens, due by)

EVERY_RULE = [
    # Mönchengladbach (000): U25 monthly; case management individual; 4PM profiles.
    pytest.param(MG, person(date(1995, 3, 10), employment="unemployed", profile="market"),
                 [seen(date(2016, 1, 31))], date(2016, 2, 10),
                 MG_U25, None, None, date(2016, 2, 29), id="mg-u25-monthly-31jan-to-29feb"),
    pytest.param(MG, person(care="case_management", profile="development"),
                 [seen(date(2016, 3, 1), follow_up=date(2016, 4, 20))], date(2016, 4, 1),
                 MG_FM, None, None, date(2016, 4, 20), id="mg-case-management-follow-up-decides"),
    pytest.param(MG, person(employment="unemployed", profile="market"),
                 [seen(date(2016, 2, 1))], date(2016, 2, 15),
                 MG_MARKET, None, None, date(2016, 3, 14), id="mg-market-profile-6-weeks"),
    pytest.param(MG, person(employment="unemployed", profile="activation"),
                 [seen(date(2016, 6, 10))], date(2016, 6, 20),
                 MG_MARKET, None, None, date(2016, 7, 22), id="mg-activation-profile-6-weeks"),
    pytest.param(MG, person(employment="unemployed", profile="promotion"),
                 [seen(date(2016, 3, 31))], date(2016, 4, 15),
                 MG_PROMOTION, None, date(2016, 5, 31), date(2016, 6, 30),
                 id="mg-promotion-profile-2-to-3-months"),
    pytest.param(MG, person(employment="unemployed", profile="development"),
                 [seen(date(2016, 5, 15))], date(2016, 6, 1),
                 MG_PROMOTION, None, date(2016, 7, 15), date(2016, 8, 15),
                 id="mg-development-profile-2-to-3-months"),
    pytest.param(MG, person(employment="unemployed", profile="stabilisation"),
                 [seen(date(2016, 1, 31))], date(2016, 3, 1),
                 MG_STABILISATION, None, date(2016, 7, 31), date(2016, 10, 31),
                 id="mg-stabilisation-profile-6-to-9-months"),
    pytest.param(MG, person(employment="unemployed", profile="support"),
                 [seen(date(2015, 8, 29))], date(2016, 3, 1),
                 MG_STABILISATION, None, date(2016, 2, 29), date(2016, 5, 29),
                 id="mg-support-profile-6-to-9-months"),
    pytest.param(MG, person(employment="none", profile="not_required"),
                 [seen(date(2015, 2, 28))], date(2015, 12, 1),
                 MG_Z_I, None, date(2015, 8, 28), date(2016, 2, 28),
                 id="mg-profile-z-6-to-12-months"),
    pytest.param(MG, person(employment="jobseeking", profile="integrated_needy"),
                 [seen(date(2016, 2, 29))], date(2016, 6, 1),
                 MG_Z_I, None, date(2016, 8, 29), date(2017, 2, 28),
                 id="mg-profile-i-6-to-12-months"),

    # Coburg Land (001): the code goes into every appointment subject.
    pytest.param(COBURG, person(care="case_management", employment="unemployed", profile="market_far"),
                 [seen(date(2025, 1, 31))], date(2025, 2, 10),
                 CO_BFM, "1MM", None, date(2025, 2, 28), id="coburg-bfm-monthly"),
    pytest.param(COBURG, person(date(2002, 5, 20), employment="unemployed", profile="market_far"),
                 [seen(date(2025, 3, 31))], date(2025, 4, 1),
                 CO_U25, "1MM", None, date(2025, 4, 30), id="coburg-u25-unemployed-monthly"),
    pytest.param(COBURG, person(employment="jobseeking", profile="market_far",
                                measures=[Measure(date(2025, 2, 1), date(2025, 7, 31))]),
                 [seen(date(2025, 2, 15))], date(2025, 3, 1),
                 CO_MEASURE, "3MM", None, date(2025, 5, 15), id="coburg-jobseeking-in-measure-3mm"),
    pytest.param(COBURG, person(employment="unemployed", profile="market_close",
                                profile_since=date(2025, 5, 1)),
                 [seen(date(2025, 6, 30))], date(2025, 7, 10),
                 CO_CLOSE, "2MM", None, date(2025, 8, 30), id="coburg-ue25-market-close-2mm"),
    pytest.param(COBURG, person(employment="unemployed", profile="market_far"),
                 [seen(date(2025, 11, 30))], date(2025, 12, 10),
                 CO_FAR, "3MM", None, date(2026, 2, 28), id="coburg-ue25-market-far-3mm"),
    pytest.param(COBURG, person(employment="jobseeking", profile="market_far", flags=["incapacitated"]),
                 [seen(date(2025, 8, 31))], date(2025, 9, 10),
                 CO_SEEKING, "6MM", None, date(2026, 2, 28), id="coburg-jobseeking-incapacitated-6mm"),
    pytest.param(COBURG, person(employment="jobseeking", profile="market_far",
                                flags=["subsidised_employment"]),
                 [seen(date(2025, 4, 15))], date(2025, 5, 1),
                 CO_SEEKING, "6MM", None, date(2025, 10, 15), id="coburg-subsidised-employment-6mm"),
    pytest.param(COBURG, person(employment="none", profile="not_required", flags=["section_10"]),
                 [seen(date(2025, 3, 15))], date(2025, 4, 1),
                 CO_NONE, "6MM", None, date(2025, 9, 15), id="coburg-no-status-section-10-6mm"),
    pytest.param(COBURG, person(profile="integrated_needy", integrated_employment="insured"),
                 [seen(date(2025, 5, 31))], date(2025, 6, 10),
                 CO_IH, "6MM", None, date(2025, 11, 30), id="coburg-integrated-needy-6mm"),

    # Weimarer Land (002): every channel counts; no codes in the document.
    pytest.param(WEIMAR, person(employment="unemployed", profile="market_far", flags=["refugee"]),
                 [seen(date(2025, 3, 10))], date(2025, 3, 12),
                 WL_REFUGEE, None, None, date(2025, 3, 24), id="weimar-refugee-unemployed-2-weeks"),
    pytest.param(WEIMAR, person(care="case_management", employment="unemployed", profile="market_far",
                                unemployed_since=date(2023, 1, 2)),
                 [seen(date(2025, 5, 31))], date(2025, 6, 2),
                 WL_FM, None, None, date(2025, 6, 30), id="weimar-case-management-monthly"),
    pytest.param(WEIMAR, person(care="holistic", employment="unemployed", profile="market_far"),
                 [seen(date(2025, 2, 10))], date(2025, 3, 1),
                 WL_HOLISTIC, None, None, date(2026, 2, 10), id="weimar-holistic-12-months"),
    pytest.param(WEIMAR, person(date(2003, 6, 1), employment="jobseeking", profile="market_far"),
                 [seen(date(2025, 1, 30))], date(2025, 2, 3),
                 WL_U25, None, None, date(2025, 2, 28), id="weimar-u25-monthly"),
    pytest.param(WEIMAR, person(employment="jobseeking", profile="market_close",
                                measures=[Measure(date(2025, 1, 6), date(2025, 12, 19))]),
                 [seen(date(2025, 3, 3))], date(2025, 4, 1),
                 WL_MEASURE, None, None, date(2025, 6, 3), id="weimar-in-measure-3-months"),
    pytest.param(WEIMAR, person(employment="unemployed", profile="market_close"),
                 [seen(date(2025, 1, 31))], date(2025, 2, 3),
                 WL_CLOSE, None, None, date(2025, 2, 28), id="weimar-market-close-monthly"),
    pytest.param(WEIMAR, person(employment="unemployed", profile="market_far",
                                unemployed_since=date(2023, 6, 1)),
                 [seen(date(2025, 2, 28))], date(2025, 3, 10),
                 WL_FAR_LONG, None, None, date(2025, 6, 28), id="weimar-market-far-long-term-4-months"),
    pytest.param(WEIMAR, person(employment="unemployed", profile="market_far",
                                unemployed_since=date(2024, 9, 2)),
                 [seen(date(2025, 2, 28))], date(2025, 3, 10),
                 WL_FAR, None, None, date(2025, 4, 28), id="weimar-market-far-2-months"),
    pytest.param(WEIMAR, person(employment="jobseeking", profile="integrated_needy",
                                integrated_employment="insured"),
                 [seen(date(2025, 4, 30))], date(2025, 5, 5),
                 WL_IH_INSURED, None, None, date(2026, 4, 30), id="weimar-integrated-insured-12-months"),
    pytest.param(WEIMAR, person(employment="jobseeking", profile="integrated_needy",
                                integrated_employment="self_employed"),
                 [seen(date(2025, 11, 30))], date(2025, 12, 1),
                 WL_IH_SELF, None, None, date(2026, 2, 28), id="weimar-integrated-self-employed-3-months"),
    pytest.param(WEIMAR, person(employment="none", profile="not_required"),
                 [seen(date(2025, 5, 2), follow_up=date(2025, 5, 20))], date(2025, 5, 5),
                 WL_Z, None, None, date(2025, 5, 20), id="weimar-profile-z-follow-up-decides"),
]


@pytest.mark.parametrize("slug, customer, contacts, on, label, code, window_opens, due_by", EVERY_RULE)
def test_each_rule_decides_its_customers_cycle(policies, slug, customer, contacts, on, label, code,
                                              window_opens, due_by):
    decision = decide(policies, slug, customer, contacts, on)
    assert outcome(decision) == (label, code, window_opens, due_by)
    assert decision.status == "ok"
    assert decision.last_contact_on == contacts[0].date


def test_every_rule_of_every_rule_set_has_a_case_above():
    covered = {(p.values[0], p.values[4]) for p in EVERY_RULE}
    for slug, labels in RULES_IN_ORDER.items():
        assert {(slug, label) for label in labels} <= covered


# --- Mönchengladbach ------------------------------------------------------------------------

def test_mg_u25_in_case_management_is_still_seen_monthly(policies):
    customer = person(date(1995, 3, 10), care="case_management", profile="market")
    decision = decide(policies, MG, customer, [seen(date(2016, 4, 15))], date(2016, 4, 20))
    assert outcome(decision) == (MG_U25, None, None, date(2016, 5, 15))


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


def test_mg_first_contact_deadline_applies_to_u25_too(policies):
    # Registered Mon 5 Sep 2016: 6, 7, 8, 9, 12, 13, 14, 15, 16, 19 Sep.
    customer = person(date(1997, 1, 1), registered=date(2016, 9, 5), employment="unemployed")
    decision = decide(policies, MG, customer, [], date(2016, 9, 6))
    assert outcome(decision) == (MG_U25, None, None, date(2016, 9, 19))


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
    customer = person(employment="unemployed", profile="market",
                      suspensions=[Suspension(date(2016, 3, 1), date(2016, 9, 30), "Einstellungszusage")])
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


# --- Coburg Land ----------------------------------------------------------------------------

def test_coburg_u25_in_bfm_gets_the_bfm_rule(policies):
    customer = person(date(2002, 5, 20), care="case_management", employment="unemployed",
                      profile="market_far")
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
    customer = person(date(2002, 5, 20), employment="jobseeking", profile="market_far",
                      measures=[Measure(date(2025, 3, 3), date(2025, 8, 29))])
    decision = decide(policies, COBURG, customer, [seen(date(2025, 3, 31))], date(2025, 4, 1))
    assert outcome(decision) == (CO_MEASURE, "3MM", None, date(2025, 6, 30))


def test_coburg_jobseeking_after_the_measure_falls_back_to_6mm(policies):
    customer = person(employment="jobseeking", profile="market_far",
                      measures=[Measure(date(2025, 2, 1), date(2025, 7, 31))])
    decision = decide(policies, COBURG, customer, [seen(date(2025, 7, 15))], date(2025, 8, 1))
    assert outcome(decision) == (CO_SEEKING, "6MM", None, date(2026, 1, 15))


def test_coburg_integrated_needy_jobseeking_meets_the_jobseeking_rule_first(policies):
    customer = person(employment="jobseeking", profile="integrated_needy", integrated_employment="insured")
    decision = decide(policies, COBURG, customer, [seen(date(2025, 5, 31))], date(2025, 6, 10))
    assert outcome(decision) == (CO_SEEKING, "6MM", None, date(2025, 11, 30))


def test_coburg_customer_moves_from_u25_to_ue25_rule_on_the_25th_birthday(policies):
    # 25th birthday Tuesday 15 Jul 2025; last contact 1 Jul 2025.
    customer = person(date(2000, 7, 15), employment="unemployed", profile="market_close",
                      profile_since=date(2025, 6, 1))
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
    return person(employment="unemployed", profile="market_far",
                  suspensions=[Suspension(date(2025, 3, 1), until, "ausstehendes Gutachten")])


def test_coburg_suspension_extends_to_its_end_within_six_months(policies):
    decision = decide(policies, COBURG, _coburg_suspended(date(2025, 6, 30)),
                      [seen(date(2025, 1, 15))], date(2025, 6, 1))
    assert decision.status == "suspended"
    assert decision.due_by == date(2025, 6, 30)


def test_coburg_suspension_extends_by_at_most_six_months(policies):
    decision = decide(policies, COBURG, _coburg_suspended(date(2025, 12, 31)),
                      [seen(date(2025, 1, 15))], date(2025, 6, 1))
    assert decision.status == "suspended"
    assert decision.due_by == date(2025, 10, 15)


def test_coburg_exactly_six_months_of_extension_is_allowed(policies):
    decision = decide(policies, COBURG, _coburg_suspended(date(2025, 10, 15)),
                      [seen(date(2025, 1, 15))], date(2025, 6, 1))
    assert decision.due_by == date(2025, 10, 15)


def test_coburg_suspension_ending_before_the_due_date_keeps_it(policies):
    decision = decide(policies, COBURG, _coburg_suspended(date(2025, 3, 31)),
                      [seen(date(2025, 1, 15))], date(2025, 3, 10))
    assert decision.status == "suspended"
    assert decision.due_by == date(2025, 4, 15)


def test_coburg_exhausted_extension_is_overdue_although_suspended(policies):
    decision = decide(policies, COBURG, _coburg_suspended(date(2025, 12, 31)),
                      [seen(date(2025, 1, 15))], date(2025, 10, 16))
    assert decision.due_by == date(2025, 10, 15)
    assert decision.status == "overdue"


def test_coburg_suspension_not_yet_begun_changes_nothing(policies):
    decision = decide(policies, COBURG, _coburg_suspended(date(2025, 6, 30)),
                      [seen(date(2025, 1, 15))], date(2025, 2, 28))
    assert decision.status == "ok"
    assert decision.due_by == date(2025, 4, 15)
    assert decision.recheck_on == date(2025, 3, 1)


def test_coburg_suspended_decision_is_rechecked_the_day_after_the_suspension_ends(policies):
    decision = decide(policies, COBURG, _coburg_suspended(date(2025, 3, 31)),
                      [seen(date(2025, 1, 15))], date(2025, 3, 10))
    assert decision.recheck_on == date(2025, 4, 1)


def test_coburg_measure_participant_is_rechecked_the_day_after_the_measure(policies):
    # In the measure up to and including Thu 31 Jul 2025: 3MM until then, 6MM from 1 Aug.
    customer = person(employment="jobseeking", profile="market_far",
                      measures=[Measure(date(2025, 2, 1), date(2025, 7, 31))])
    contacts = [seen(date(2025, 7, 1))]
    last_day = decide(policies, COBURG, customer, contacts, date(2025, 7, 31))
    day_after = decide(policies, COBURG, customer, contacts, date(2025, 8, 1))
    assert outcome(last_day) == (CO_MEASURE, "3MM", None, date(2025, 10, 1))
    assert last_day.recheck_on == date(2025, 8, 1)
    assert outcome(day_after) == (CO_SEEKING, "6MM", None, date(2026, 1, 1))


def test_coburg_jobseeker_is_rechecked_when_a_planned_measure_starts(policies):
    customer = person(employment="jobseeking", profile="market_far",
                      measures=[Measure(date(2025, 9, 1), date(2026, 2, 27))])
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


# --- Weimarer Land --------------------------------------------------------------------------

def test_weimar_refugee_in_case_management_who_is_unemployed_gets_two_weeks(policies):
    customer = person(care="case_management", employment="unemployed", profile="market_far",
                      flags=["refugee"])
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 10))], date(2025, 3, 12))
    assert outcome(decision) == (WL_REFUGEE, None, None, date(2025, 3, 24))


def test_weimar_refugee_in_case_management_who_is_not_unemployed_is_seen_monthly(policies):
    customer = person(care="case_management", employment="jobseeking", profile="market_far",
                      flags=["refugee"])
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
    customer = person(date(2004, 1, 1), employment="jobseeking",
                      measures=[Measure(date(2025, 1, 6), date(2025, 12, 19))])
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 10))], date(2025, 3, 12))
    assert outcome(decision) == (WL_U25, None, None, date(2025, 4, 10))


def test_weimar_market_close_in_a_measure_gets_the_measure_rule(policies):
    customer = person(employment="jobseeking", profile="market_close",
                      measures=[Measure(date(2025, 1, 6), date(2025, 12, 19))])
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
    earlier = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 3), follow_up=date(2025, 3, 20))],
                     date(2025, 3, 10))
    later = decide(policies, WEIMAR, customer, [seen(date(2025, 3, 3), follow_up=date(2025, 6, 1))],
                   date(2025, 3, 10))
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


@pytest.mark.parametrize("channel", ["in_person", "phone", "email", "video", "group"])
def test_weimar_counts_every_channel(policies, channel):
    customer = person(employment="unemployed", profile="market_close")
    contacts = [seen(date(2025, 1, 10)), seen(date(2025, 2, 3), channel)]
    decision = decide(policies, WEIMAR, customer, contacts, date(2025, 2, 10))
    assert decision.due_by == date(2025, 3, 3)
    assert decision.last_contact_on == date(2025, 2, 3)


def test_weimar_first_contact_within_15_working_days_across_world_childrens_day(policies):
    # Registered Mon 16 Sep 2024: 17, 18, 19, (20 Weltkindertag), 23, 24, 25, 26, 27, 30,
    # 1 Oct, 2, (3 German Unity), 4, 7, 8, 9 Oct.
    customer = person(registered=date(2024, 9, 16), employment="unemployed", profile="market_close")
    decision = decide(policies, WEIMAR, customer, [], date(2024, 9, 20))
    assert outcome(decision) == (WL_CLOSE, None, None, date(2024, 10, 9))
    assert decision.status == "ok"


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
    customer = person(employment="jobseeking", profile="integrated_needy", integrated_employment="insured",
                      benefit_renewal_on=date(2025, 9, 30))
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
    decision = decide(policies, WEIMAR, _in_measure(FEB_TO_JUNE), [seen(date(2025, 1, 15))],
                      date(2025, 3, 1))
    assert outcome(decision) == (WL_MEASURE, None, None, date(2025, 4, 1))
    assert decision.status == "ok"
    assert mentions(decision, "Absolventenmanagement")


def test_weimar_missed_graduate_milestone_is_overdue(policies):
    decision = decide(policies, WEIMAR, _in_measure(FEB_TO_JUNE), [seen(date(2025, 1, 15))],
                      date(2025, 4, 2))
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
    decision = decide(policies, WEIMAR, _in_measure(FEB_TO_JUNE), [seen(date(2025, 2, 3))],
                      date(2025, 3, 1))
    assert decision.due_by == date(2025, 5, 3)


def test_weimar_ended_measure_needs_a_contact_within_15_working_days(policies):
    # End Mon 30 Jun 2025: 1-4 Jul, 7-11 Jul, 14-18 Jul, 21 Jul = 15 working days.
    customer = person(employment="jobseeking", profile="integrated_needy", integrated_employment="insured",
                      measures=[FEB_TO_JUNE])
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 4, 10))], date(2025, 7, 10))
    assert outcome(decision) == (WL_IH_INSURED, None, None, date(2025, 7, 21))
    assert decision.status == "ok"


def test_weimar_exit_date_wins_over_the_planned_end(policies):
    # Left Fri 16 May 2025: 19-23 May (5), 26, 27, 28 (8), (29 Ascension), 30 (9),
    # 2-6 Jun (14), (9 Whit Monday), Tue 10 Jun (15).
    left = Measure(date(2025, 2, 3), date(2025, 6, 30), exited_on=date(2025, 5, 16))
    customer = person(employment="jobseeking", profile="integrated_needy", integrated_employment="insured",
                      measures=[left])
    decision = decide(policies, WEIMAR, customer, [seen(date(2025, 4, 10))], date(2025, 5, 20))
    assert outcome(decision) == (WL_IH_INSURED, None, None, date(2025, 6, 10))


def test_weimar_contact_after_the_end_closes_the_graduate_milestone(policies):
    customer = person(employment="jobseeking", profile="integrated_needy", integrated_employment="insured",
                      measures=[FEB_TO_JUNE])
    contacts = [seen(date(2025, 4, 10)), seen(date(2025, 7, 2), "phone")]
    decision = decide(policies, WEIMAR, customer, contacts, date(2025, 7, 10))
    assert decision.due_by == date(2026, 7, 2)


def test_weimar_contact_on_the_last_day_of_the_measure_is_not_after_its_end(policies):
    customer = person(employment="jobseeking", profile="integrated_needy", integrated_employment="insured",
                      measures=[FEB_TO_JUNE])
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
