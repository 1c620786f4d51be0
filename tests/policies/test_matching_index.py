"""The compiled rule index (`matching.RuleIndex`) finds the same first rule as `matching.matches`
tried rule by rule, for arbitrary rule sets and customers (pure: no database)."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from policies import vocabulary as voc
from policies.engine import Conditions, Customer, Rule, RuleSet
from policies.matching import Facts, RuleIndex, matches


def codes(vocabulary, extra=()):
    """A subset of the codes, now and then with a code no customer has."""
    return st.frozensets(st.sampled_from(list(vocabulary) + list(extra)), max_size=3)


months = st.one_of(st.none(), st.integers(0, 30))
conditions = st.builds(
    Conditions,
    age_band=st.sampled_from([None, "u25", "ue25"]),
    employment=codes(voc.EMPLOYMENT_CODES, ["retired"]),
    profiles=codes(voc.PROFILE_CODES),
    care=codes(voc.CARE_CODES),
    flags=st.frozensets(st.sampled_from(voc.FLAG_CODES), max_size=2),
    in_measure=st.sampled_from([None, True, False]),
    integrated_employment=codes(voc.INTEGRATED_EMPLOYMENT_CODES),
    unemployed_months_min=months,
    unemployed_months_below=months,
)
optional = lambda values: st.one_of(st.none(), st.sampled_from(values))  # noqa: E731
customers = st.builds(
    Customer,
    birth_date=st.just(date(1990, 1, 1)),
    registered_on=st.just(date(2020, 1, 1)),
    employment=optional(voc.EMPLOYMENT_CODES + ["retired"]),
    profile=optional(voc.PROFILE_CODES),
    care=st.sampled_from(voc.CARE_CODES),
    flags=st.frozensets(st.sampled_from(voc.FLAG_CODES)),
    integrated_employment=optional(voc.INTEGRATED_EMPLOYMENT_CODES),
)
facts = st.builds(
    Facts,
    u25=st.booleans(),
    adult_on=st.just(date(2015, 1, 1)),
    in_measure=st.booleans(),
    unemployed_months=st.one_of(st.none(), st.integers(-2, 40)),
)


def first_by_matches(rules, customer, facts):
    return next((i for i, c in enumerate(rules) if matches(c, customer, facts)), None)


@settings(max_examples=1000, deadline=None)
@given(rules=st.lists(conditions, max_size=12), customer=customers, facts=facts)
def test_the_index_finds_the_first_rule_that_matches(rules, customer, facts):
    assert RuleIndex.of(rules).first_match(customer, facts) == first_by_matches(rules, customer, facts)


@settings(max_examples=200, deadline=None)
@given(rules=st.lists(conditions, min_size=1, max_size=8), edited=conditions, customer=customers, facts=facts)
def test_each_rule_set_has_its_own_index_rebuilt_with_its_rules(rules, edited, customer, facts):
    """An edited rule set (a new RuleSet, as loading builds it) never answers from the old index."""
    rule_set = RuleSet("T", date(2020, 1, 1), None, tuple(Rule(str(i), c, None) for i, c in enumerate(rules)))
    changed = RuleSet("T", date(2020, 1, 1), None, (Rule("x", edited, None), *rule_set.rules[1:]))
    assert rule_set.index.first_match(customer, facts) == first_by_matches(rules, customer, facts)
    assert changed.index.first_match(customer, facts) == first_by_matches([edited, *rules[1:]], customer, facts)
