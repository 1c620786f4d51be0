"""The seeds' rule sets, as `fixtures/rulesets.json` encodes them, decided by the engine: the
fixture's order and every rule of every rule set. Each job centre's details have a file of their
own (test_rulesets_moenchengladbach.py, _coburg.py, _weimar.py).

Every expected value was worked out by hand from the seeds' passages and rules in docs/domain.md,
with a wall calendar; none was copied from a run of the code. Month
arithmetic clamps to the month's end (31 Jan + 1 month = 28 Feb; 2016 is a leap year).
"""

from datetime import date

import pytest

from policies.engine import Measure

from .ruleset_builders import (
    CO_BFM,
    CO_CLOSE,
    CO_FAR,
    CO_IH,
    CO_MEASURE,
    CO_NONE,
    CO_SEEKING,
    CO_U25,
    COBURG,
    MG,
    MG_FM,
    MG_MARKET,
    MG_PROMOTION,
    MG_STABILISATION,
    MG_U25,
    MG_Z_I,
    RULES_IN_ORDER,
    WEIMAR,
    WL_CLOSE,
    WL_FAR,
    WL_FAR_LONG,
    WL_FM,
    WL_HOLISTIC,
    WL_IH_INSURED,
    WL_IH_SELF,
    WL_MEASURE,
    WL_REFUGEE,
    WL_U25,
    WL_Z,
    decide,
    outcome,
    person,
    seen,
)

# --- The fixture states the seeds' rules in the seeds' order ---------------------------------


@pytest.mark.parametrize("slug", [MG, COBURG, WEIMAR])
def test_fixture_lists_the_rules_in_the_documents_order(policies, slug):
    (rule_set,) = policies[slug].rule_sets
    assert [rule.label for rule in rule_set.rules] == RULES_IN_ORDER[slug]


# --- Every rule of every rule set -------------------------------------------------------------
# (slug, customer, contacts, evaluation date, label, code, window opens, due by)

EVERY_RULE = [
    # Mönchengladbach (000): U25 monthly; case management individual; 4PM profiles.
    pytest.param(
        MG,
        person(date(1995, 3, 10), employment="unemployed", profile="market"),
        [seen(date(2016, 1, 31))],
        date(2016, 2, 10),
        MG_U25,
        None,
        None,
        date(2016, 2, 29),
        id="mg-u25-monthly-31jan-to-29feb",
    ),
    pytest.param(
        MG,
        person(care="case_management", profile="development"),
        [seen(date(2016, 3, 1), follow_up=date(2016, 4, 20))],
        date(2016, 4, 1),
        MG_FM,
        None,
        None,
        date(2016, 4, 20),
        id="mg-case-management-follow-up-decides",
    ),
    pytest.param(
        MG,
        person(employment="unemployed", profile="market"),
        [seen(date(2016, 2, 1))],
        date(2016, 2, 15),
        MG_MARKET,
        None,
        None,
        date(2016, 3, 14),
        id="mg-market-profile-6-weeks",
    ),
    pytest.param(
        MG,
        person(employment="unemployed", profile="activation"),
        [seen(date(2016, 6, 10))],
        date(2016, 6, 20),
        MG_MARKET,
        None,
        None,
        date(2016, 7, 22),
        id="mg-activation-profile-6-weeks",
    ),
    pytest.param(
        MG,
        person(employment="unemployed", profile="promotion"),
        [seen(date(2016, 3, 31))],
        date(2016, 4, 15),
        MG_PROMOTION,
        None,
        date(2016, 5, 31),
        date(2016, 6, 30),
        id="mg-promotion-profile-2-to-3-months",
    ),
    pytest.param(
        MG,
        person(employment="unemployed", profile="development"),
        [seen(date(2016, 5, 15))],
        date(2016, 6, 1),
        MG_PROMOTION,
        None,
        date(2016, 7, 15),
        date(2016, 8, 15),
        id="mg-development-profile-2-to-3-months",
    ),
    pytest.param(
        MG,
        person(employment="unemployed", profile="stabilisation"),
        [seen(date(2016, 1, 31))],
        date(2016, 3, 1),
        MG_STABILISATION,
        None,
        date(2016, 7, 31),
        date(2016, 10, 31),
        id="mg-stabilisation-profile-6-to-9-months",
    ),
    pytest.param(
        MG,
        person(employment="unemployed", profile="support"),
        [seen(date(2015, 8, 29))],
        date(2016, 3, 1),
        MG_STABILISATION,
        None,
        date(2016, 2, 29),
        date(2016, 5, 29),
        id="mg-support-profile-6-to-9-months",
    ),
    pytest.param(
        MG,
        person(employment="none", profile="not_required"),
        [seen(date(2015, 2, 28))],
        date(2015, 12, 1),
        MG_Z_I,
        None,
        date(2015, 8, 28),
        date(2016, 2, 28),
        id="mg-profile-z-6-to-12-months",
    ),
    pytest.param(
        MG,
        person(employment="jobseeking", profile="integrated_needy"),
        [seen(date(2016, 2, 29))],
        date(2016, 6, 1),
        MG_Z_I,
        None,
        date(2016, 8, 29),
        date(2017, 2, 28),
        id="mg-profile-i-6-to-12-months",
    ),
    # Coburg Land (001): the code goes into every appointment subject.
    pytest.param(
        COBURG,
        person(care="case_management", employment="unemployed", profile="market_far"),
        [seen(date(2025, 1, 31))],
        date(2025, 2, 10),
        CO_BFM,
        "1MM",
        None,
        date(2025, 2, 28),
        id="coburg-bfm-monthly",
    ),
    pytest.param(
        COBURG,
        person(date(2002, 5, 20), employment="unemployed", profile="market_far"),
        [seen(date(2025, 3, 31))],
        date(2025, 4, 1),
        CO_U25,
        "1MM",
        None,
        date(2025, 4, 30),
        id="coburg-u25-unemployed-monthly",
    ),
    pytest.param(
        COBURG,
        person(employment="jobseeking", profile="market_far", measures=[Measure(date(2025, 2, 1), date(2025, 7, 31))]),
        [seen(date(2025, 2, 15))],
        date(2025, 3, 1),
        CO_MEASURE,
        "3MM",
        None,
        date(2025, 5, 15),
        id="coburg-jobseeking-in-measure-3mm",
    ),
    pytest.param(
        COBURG,
        person(employment="unemployed", profile="market_close", profile_since=date(2025, 5, 1)),
        [seen(date(2025, 6, 30))],
        date(2025, 7, 10),
        CO_CLOSE,
        "2MM",
        None,
        date(2025, 8, 30),
        id="coburg-ue25-market-close-2mm",
    ),
    pytest.param(
        COBURG,
        person(employment="unemployed", profile="market_far"),
        [seen(date(2025, 11, 30))],
        date(2025, 12, 10),
        CO_FAR,
        "3MM",
        None,
        date(2026, 2, 28),
        id="coburg-ue25-market-far-3mm",
    ),
    pytest.param(
        COBURG,
        person(employment="jobseeking", profile="market_far", flags=["incapacitated"]),
        [seen(date(2025, 8, 31))],
        date(2025, 9, 10),
        CO_SEEKING,
        "6MM",
        None,
        date(2026, 2, 28),
        id="coburg-jobseeking-incapacitated-6mm",
    ),
    pytest.param(
        COBURG,
        person(employment="jobseeking", profile="market_far", flags=["subsidised_employment"]),
        [seen(date(2025, 4, 15))],
        date(2025, 5, 1),
        CO_SEEKING,
        "6MM",
        None,
        date(2025, 10, 15),
        id="coburg-subsidised-employment-6mm",
    ),
    pytest.param(
        COBURG,
        person(employment="none", profile="not_required", flags=["section_10"]),
        [seen(date(2025, 3, 15))],
        date(2025, 4, 1),
        CO_NONE,
        "6MM",
        None,
        date(2025, 9, 15),
        id="coburg-no-status-section-10-6mm",
    ),
    pytest.param(
        COBURG,
        person(profile="integrated_needy", integrated_employment="insured"),
        [seen(date(2025, 5, 31))],
        date(2025, 6, 10),
        CO_IH,
        "6MM",
        None,
        date(2025, 11, 30),
        id="coburg-integrated-needy-6mm",
    ),
    # Weimarer Land (002): every channel counts; no codes in the document.
    pytest.param(
        WEIMAR,
        person(employment="unemployed", profile="market_far", flags=["refugee"]),
        [seen(date(2025, 3, 10))],
        date(2025, 3, 12),
        WL_REFUGEE,
        None,
        None,
        date(2025, 3, 24),
        id="weimar-refugee-unemployed-2-weeks",
    ),
    pytest.param(
        WEIMAR,
        person(
            care="case_management", employment="unemployed", profile="market_far", unemployed_since=date(2023, 1, 2)
        ),
        [seen(date(2025, 5, 31))],
        date(2025, 6, 2),
        WL_FM,
        None,
        None,
        date(2025, 6, 30),
        id="weimar-case-management-monthly",
    ),
    pytest.param(
        WEIMAR,
        person(care="holistic", employment="unemployed", profile="market_far"),
        [seen(date(2025, 2, 10))],
        date(2025, 3, 1),
        WL_HOLISTIC,
        None,
        None,
        date(2026, 2, 10),
        id="weimar-holistic-12-months",
    ),
    pytest.param(
        WEIMAR,
        person(date(2003, 6, 1), employment="jobseeking", profile="market_far"),
        [seen(date(2025, 1, 30))],
        date(2025, 2, 3),
        WL_U25,
        None,
        None,
        date(2025, 2, 28),
        id="weimar-u25-monthly",
    ),
    pytest.param(
        WEIMAR,
        person(
            employment="jobseeking", profile="market_close", measures=[Measure(date(2025, 1, 6), date(2025, 12, 19))]
        ),
        [seen(date(2025, 3, 3))],
        date(2025, 4, 1),
        WL_MEASURE,
        None,
        None,
        date(2025, 6, 3),
        id="weimar-in-measure-3-months",
    ),
    pytest.param(
        WEIMAR,
        person(employment="unemployed", profile="market_close"),
        [seen(date(2025, 1, 31))],
        date(2025, 2, 3),
        WL_CLOSE,
        None,
        None,
        date(2025, 2, 28),
        id="weimar-market-close-monthly",
    ),
    pytest.param(
        WEIMAR,
        person(employment="unemployed", profile="market_far", unemployed_since=date(2023, 6, 1)),
        [seen(date(2025, 2, 28))],
        date(2025, 3, 10),
        WL_FAR_LONG,
        None,
        None,
        date(2025, 6, 28),
        id="weimar-market-far-long-term-4-months",
    ),
    pytest.param(
        WEIMAR,
        person(employment="unemployed", profile="market_far", unemployed_since=date(2024, 9, 2)),
        [seen(date(2025, 2, 28))],
        date(2025, 3, 10),
        WL_FAR,
        None,
        None,
        date(2025, 4, 28),
        id="weimar-market-far-2-months",
    ),
    pytest.param(
        WEIMAR,
        person(employment="jobseeking", profile="integrated_needy", integrated_employment="insured"),
        [seen(date(2025, 4, 30))],
        date(2025, 5, 5),
        WL_IH_INSURED,
        None,
        None,
        date(2026, 4, 30),
        id="weimar-integrated-insured-12-months",
    ),
    pytest.param(
        WEIMAR,
        person(employment="jobseeking", profile="integrated_needy", integrated_employment="self_employed"),
        [seen(date(2025, 11, 30))],
        date(2025, 12, 1),
        WL_IH_SELF,
        None,
        None,
        date(2026, 2, 28),
        id="weimar-integrated-self-employed-3-months",
    ),
    pytest.param(
        WEIMAR,
        person(employment="none", profile="not_required"),
        [seen(date(2025, 5, 2), follow_up=date(2025, 5, 20))],
        date(2025, 5, 5),
        WL_Z,
        None,
        None,
        date(2025, 5, 20),
        id="weimar-profile-z-follow-up-decides",
    ),
]


@pytest.mark.parametrize("slug, customer, contacts, on, label, code, window_opens, due_by", EVERY_RULE)
def test_each_rule_decides_its_customers_cycle(
    policies, slug, customer, contacts, on, label, code, window_opens, due_by
):
    decision = decide(policies, slug, customer, contacts, on)
    assert outcome(decision) == (label, code, window_opens, due_by)
    assert decision.status == "ok"
    assert decision.last_contact_on == contacts[0].date


def test_every_rule_of_every_rule_set_has_a_case_above():
    covered = {(p.values[0], p.values[4]) for p in EVERY_RULE}
    for slug, labels in RULES_IN_ORDER.items():
        assert {(slug, label) for label in labels} <= covered
