"""The generated customers' archetypes (`caseload.demo`): per job centre, a kind of customer for
each rule of its rule set, with how often it occurs and what the rule looks at."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Archetype:
    """A kind of customer that one rule of a rule set is written for."""

    weight: int
    cycle: int  # days between qualified contacts the rule asks for (roughly)
    employment: tuple[str, ...]
    profiles: tuple[str, ...]
    age: str = "ue25"  # u25 | ue25 | any
    care: str = "placement"
    flags: tuple[str, ...] = ()  # always set
    extra: tuple[str, ...] = ()  # each set with a probability of one in five
    measure: bool = False  # in a running measure
    integrated: str = ""
    unemployed_days: tuple[int, int] = (5, 1100)
    individual: bool = False


A = Archetype
ARCHETYPES = {
    "moenchengladbach": [  # 4-Phasen-Modell
        A(
            14,
            30,
            ("unemployed", "jobseeking"),
            ("market", "activation", "promotion", "development"),
            age="u25",
            extra=("refugee",),
        ),
        A(
            6,
            42,
            ("unemployed", "jobseeking"),
            ("stabilisation", "support", "development"),
            care="case_management",
            individual=True,
        ),
        A(25, 42, ("unemployed",), ("market", "activation"), extra=("refugee",)),
        A(22, 91, ("unemployed", "jobseeking"), ("promotion", "development"), extra=("refugee", "incapacitated")),
        A(
            15,
            270,
            ("unemployed", "jobseeking", "none"),
            ("stabilisation", "support"),
            extra=("incapacitated", "section_10"),
        ),
        A(
            14,
            365,
            ("jobseeking", "none"),
            ("not_required", "integrated_needy"),
            extra=("subsidised_employment", "section_10"),
        ),
    ],
    "coburg-land": [  # VerBIS 16.03
        A(6, 30, ("unemployed",), ("market_far",), care="case_management", extra=("refugee",)),
        A(10, 30, ("unemployed",), ("market_close", "market_far"), age="u25", extra=("refugee",)),
        A(8, 91, ("jobseeking",), ("market_close", "market_far"), age="any", measure=True),
        A(22, 61, ("unemployed",), ("market_close",), extra=("refugee",)),
        A(24, 91, ("unemployed",), ("market_far",), extra=("refugee", "limited_german")),
        A(
            12,
            182,
            ("jobseeking",),
            ("market_far", "integrated_needy"),
            age="any",
            extra=("incapacitated", "subsidised_employment"),
        ),
        A(10, 182, ("none",), ("not_required", "market_far"), age="any", extra=("section_10",)),
        A(6, 182, ("unemployed",), ("integrated_needy",)),
    ],
    "weimarer-land": [
        A(
            8,
            14,
            ("unemployed",),
            ("market_far", "market_close"),
            age="any",
            flags=("refugee",),
            extra=("limited_german",),
        ),
        A(6, 30, ("unemployed", "jobseeking"), ("market_far",), care="case_management"),
        A(5, 365, ("unemployed", "jobseeking", "none"), ("market_far", "not_required"), care="holistic"),
        A(12, 30, ("unemployed", "jobseeking"), ("market_close", "market_far"), age="u25"),
        A(8, 91, ("jobseeking",), ("market_close", "market_far"), measure=True),
        A(18, 30, ("unemployed",), ("market_close",)),
        A(12, 122, ("unemployed",), ("market_far",), unemployed_days=(380, 1800)),
        A(12, 61, ("unemployed",), ("market_far",), unemployed_days=(5, 330)),
        A(8, 365, ("jobseeking",), ("integrated_needy",), integrated="insured"),
        A(4, 91, ("jobseeking",), ("integrated_needy",), integrated="self_employed"),
        A(7, 91, ("none", "jobseeking"), ("not_required",), individual=True, extra=("section_10",)),
    ],
}
FLAG_NEEDS = {"section_10": "none", "incapacitated": "jobseeking", "subsidised_employment": "jobseeking"}
