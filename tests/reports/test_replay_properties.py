"""The replay hands the engine a compact history (last qualified contact, last note); over
arbitrary histories that must give exactly what the full history gives. If the engine ever reads
more of the history, this fails and `reports.replay` must pass the full list again."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontaktdichte.dates import add_months, month_bounds
from policies import engine
from policies import vocabulary as voc
from reports.replay import MonthCounts, replay, tally

from .oracles import month_counts

pytestmark = pytest.mark.django_db

START, END = date(2025, 1, 1), date(2026, 1, 31)
CHANNELS = [code for code, _ in voc.CHANNELS]
explore = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def day_in(low, high):
    return st.integers(0, (high - low).days).map(lambda n: low + timedelta(days=n))


@st.composite
def histories(draw):
    slug = draw(st.sampled_from(["coburg-land", "weimarer-land", "moenchengladbach"]))
    registered = draw(day_in(date(2023, 6, 1), date(2025, 12, 31)))
    measures = tuple(
        engine.Measure(
            s,
            s + timedelta(days=draw(st.integers(0, 300))),
            draw(st.one_of(st.none(), st.just(s + timedelta(days=10)))),
        )
        for s in draw(st.lists(day_in(date(2024, 1, 1), END), max_size=2))
    )
    suspensions = tuple(
        engine.Suspension(s, s + timedelta(days=draw(st.integers(0, 120))), "Grund")
        for s in draw(st.lists(day_in(date(2024, 6, 1), END), max_size=2))
    )
    customer = engine.Customer(
        birth_date=draw(day_in(date(1960, 1, 1), date(2007, 1, 1))),
        registered_on=registered,
        employment=draw(st.sampled_from(["unemployed", "jobseeking", "none"])),
        profile=draw(st.sampled_from(["market_close", "market_far", "integrated_needy", "not_required", "market"])),
        care=draw(st.sampled_from(["placement", "placement", "case_management", "holistic"])),
        flags=frozenset(draw(st.lists(st.sampled_from(["refugee", "limited_german"]), max_size=2))),
        unemployed_since=draw(st.one_of(st.none(), day_in(date(2022, 1, 1), date(2025, 6, 1)))),
        benefit_renewal_on=draw(st.one_of(st.none(), day_in(date(2025, 1, 1), date(2026, 6, 1)))),
        measures=measures,
        suspensions=suspensions,
    )
    dates = sorted(draw(st.lists(day_in(date(2023, 6, 1), END), max_size=14)))
    notes = [
        engine.Contact(
            d,
            draw(st.sampled_from(CHANNELS)),
            draw(st.one_of(st.none(), st.integers(1, 120).map(lambda n, d=d: d + timedelta(days=n)))),
        )
        for d in dates
    ]
    return slug, customer, notes


@explore
@given(case=histories())
def test_the_compact_history_gives_the_engines_decisions(policies, case):
    slug, customer, notes = case
    compact = replay(policies[slug], customer, notes, START, END)
    full = replay(policies[slug], customer, notes, START, END, compact=False)
    assert compact.obligations == full.obligations
    assert compact.final == full.final
    assert compact.first_contact_on == full.first_contact_on


@explore
@given(case=histories(), as_of_day=st.integers(0, 30))
def test_tally_counts_every_month_as_month_counts_does(policies, case, as_of_day):
    slug, customer, notes = case
    months = [add_months(date(2025, 2, 1), k) for k in range(12)]
    ends = [month_bounds(m)[1] for m in months]
    ends[-1] = min(ends[-1], date(2026, 1, 1) + timedelta(days=as_of_day))  # a running last month
    result = replay(policies[slug], customer, notes, START, ends[-1])
    totals = [MonthCounts() for _ in months]
    last = tally(result.obligations, months, ends, totals)
    assert totals == [month_counts(result.obligations, m, e) for m, e in zip(months, ends)]
    assert last == totals[-1]
