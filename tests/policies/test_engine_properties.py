"""Properties of `evaluate()` over arbitrary customers, against the seeds' real rule sets.

The rule sets come from `fixtures/rulesets.json` through the `policies` fixture (once per test
function; hypothesis then runs many examples against the same, unchanged policies).
"""

import json
import pickle
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from kontaktdichte.dates import add_months
from policies import engine, reasons
from policies import vocabulary as voc
from policies.engine import Contact, Customer, Measure, Suspension, contacts_that_count, evaluate
from policies.loading import render_stored_reasons
from policies.matching import facts_on, whole_months
from policies.models import ContactRule, RuleSet

pytestmark = pytest.mark.django_db

STATUSES = {"ok", "overdue", "suspended", "individual", "no_rule_set", "no_rule"}
SLUGS = ["moenchengladbach", "coburg-land", "weimarer-land", "jobagentur-en"]
CODES = {
    name: [code for code, _ in getattr(voc, name)]
    for name in ("EMPLOYMENT", "PROFILES", "CARE", "FLAGS", "INTEGRATED_EMPLOYMENT", "CHANNELS")
}

# Evaluation dates: half of them while the seed's rule set is in force, half around it.
SPANS = {
    "moenchengladbach": ((date(2012, 3, 1), date(2016, 12, 31)), (date(2011, 12, 1), date(2017, 3, 31))),
    "coburg-land": ((date(2017, 1, 1), date(2031, 12, 31)), (date(2016, 10, 1), date(2031, 12, 31))),
    "weimarer-land": ((date(2017, 8, 15), date(2031, 12, 31)), (date(2017, 6, 1), date(2031, 12, 31))),
    "jobagentur-en": ((date(2011, 1, 1), date(2031, 12, 31)),) * 2,  # has no rule set at all
}

explore = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def days_around(day, before, after):
    return st.integers(-before, after).map(lambda n: day + timedelta(days=n))


@st.composite
def spans(draw, today, with_exit=False):
    start = draw(days_around(today, 400, 200))
    end = start + timedelta(days=draw(st.integers(0, 400)))
    if not with_exit:
        return start, end
    exited_on = draw(st.one_of(st.none(), st.just(start), days_around(start, 0, (end - start).days)))
    return start, end, exited_on


@st.composite
def cases(draw):
    """(slug, customer, contacts, today): every field the contract allows, in range."""
    slug = draw(st.sampled_from(SLUGS[:3] * 3 + SLUGS[3:]))
    # Mostly inside each rule set's validity, with its edges and the gaps around them.
    in_force, around = SPANS[slug]
    today = draw(st.one_of(st.dates(*in_force), st.dates(*around)))
    optional = lambda codes: st.one_of(st.none(), st.sampled_from(codes))  # noqa: E731
    customer = Customer(
        birth_date=today - timedelta(days=draw(st.integers(15, 67)) * 365 + draw(st.integers(0, 364))),
        registered_on=draw(days_around(today, 365 * 8, 30)),
        employment=draw(optional(CODES["EMPLOYMENT"])),
        profile=draw(optional(CODES["PROFILES"])),
        profile_since=draw(st.one_of(st.none(), days_around(today, 800, 30))),
        care=draw(st.sampled_from(CODES["CARE"])),
        flags=frozenset(draw(st.sets(st.sampled_from(CODES["FLAGS"])))),
        integrated_employment=draw(optional(CODES["INTEGRATED_EMPLOYMENT"])),
        unemployed_since=draw(st.one_of(st.none(), days_around(today, 365 * 3, 30))),
        benefit_renewal_on=draw(st.one_of(st.none(), days_around(today, 200, 400))),
        measures=tuple(Measure(*span) for span in draw(st.lists(spans(today, with_exit=True), max_size=3))),
        suspensions=tuple(Suspension(*span) for span in draw(st.lists(spans(today), max_size=1))),
    )
    contacts = draw(
        st.lists(
            st.builds(
                Contact,
                date=days_around(today, 600, 60),
                channel=st.sampled_from(["in_person"] * 4 + CODES["CHANNELS"]),  # the one that always counts
                follow_up_on=st.one_of(st.none(), st.none(), days_around(today, 300, 400)),
            ),
            max_size=6,
        )
    )
    return slug, customer, contacts, today


def last_qualified_on(decision, contacts, today):
    channels = decision.rule_set.qualifying_channels
    dates = [c.date for c in contacts if c.date <= today and c.channel in channels]
    return max(dates) if dates else None


def follow_ups_since(contacts, since, today):
    """Follow-up dates of notes from `since` (the last qualified contact's day) to today: the one
    that counts is among them (the latest note that carries one)."""
    return {c.follow_up_on for c in contacts if since <= c.date <= today and c.follow_up_on is not None}


@explore
@given(case=cases())
def test_every_decision_has_one_of_the_six_statuses(policies, case):
    slug, customer, contacts, today = case

    decision = evaluate(policies[slug], customer, contacts, today)

    event(f"{slug}: {decision.status}")  # --hypothesis-show-statistics shows the spread
    assert decision.status in STATUSES


@explore
@given(case=cases())
def test_only_undated_statuses_lack_a_due_date(policies, case):
    slug, customer, contacts, today = case

    decision = evaluate(policies[slug], customer, contacts, today)

    if decision.due_by is None:
        assert decision.status in {"individual", "no_rule_set", "no_rule"} or (
            decision.status == "suspended" and decision.rule is not None and decision.rule.individual
        )
        assert decision.last_working_day is None
    else:
        assert decision.status in {"ok", "overdue", "suspended"}
        assert (decision.status == "overdue") == (today > decision.due_by)


@explore
@given(case=cases())
def test_the_due_date_lies_before_the_last_qualified_contact_only_by_a_follow_up_date(policies, case):
    slug, customer, contacts, today = case

    decision = evaluate(policies[slug], customer, contacts, today)

    if decision.due_by is None or decision.rule_set is None:
        return
    last = last_qualified_on(decision, contacts, today)
    assert decision.last_contact_on == last
    if last is not None and decision.due_by < last:
        # A follow-up date (which the engine accepts before its note's day, as the contract
        # does not forbid it), or the end of an exception that extended one, capped at the rule
        # set's largest extension after it.
        follow_ups = follow_ups_since(contacts, last, today)
        ends = {s.end for s in customer.suspensions if s.start <= today}
        extension = decision.rule_set.max_extension
        caps = {extension.after(day) for day in follow_ups} if extension is not None else set()
        assert decision.due_by in follow_ups | ends | caps


@explore
@given(case=cases())
def test_the_window_opens_no_later_than_the_due_date(policies, case):
    slug, customer, contacts, today = case

    decision = evaluate(policies[slug], customer, contacts, today)

    if decision.window_opens is not None:
        assert decision.due_by is not None
        assert decision.window_opens <= decision.due_by


@explore
@given(case=cases())
def test_the_last_working_day_is_a_working_day_on_or_before_the_due_date(policies, case):
    slug, customer, contacts, today = case
    centre = policies[slug]

    decision = evaluate(centre, customer, contacts, today)

    if decision.due_by is not None:
        day = decision.last_working_day
        assert day <= decision.due_by
        assert centre.calendar.is_working_day(day)
        # ... and the last one: every day after it up to the due date is closed.
        between = [day + timedelta(days=n) for n in range(1, (decision.due_by - day).days + 1)]
        assert not any(centre.calendar.is_working_day(d) for d in between)


@explore
@given(case=cases())
def test_recheck_on_lies_after_today(policies, case):
    slug, customer, contacts, today = case

    decision = evaluate(policies[slug], customer, contacts, today)

    if decision.recheck_on is not None:
        assert decision.recheck_on > today


@explore
@given(case=cases())
def test_nothing_changes_between_today_and_the_day_before_recheck_on(policies, case):
    """recheck_on is the *next* day the rule or due date can change without new input."""
    slug, customer, contacts, today = case
    centre = policies[slug]

    decision = evaluate(centre, customer, contacts, today)
    later = (decision.recheck_on - timedelta(days=1)) if decision.recheck_on else today + timedelta(days=400)
    # New input (contacts held after today) would change the answer; the facts alone may not.
    held = [c for c in contacts if c.date <= today]
    before = evaluate(centre, customer, held, today)
    after = evaluate(centre, customer, held, later)

    assert (after.rule_set, after.rule) == (before.rule_set, before.rule)
    if before.status != "no_rule_set":
        assert after.due_by == before.due_by


@explore
@given(case=cases())
def test_evaluating_twice_gives_the_same_decision(policies, case):
    slug, customer, contacts, today = case

    first = evaluate(policies[slug], customer, contacts, today)

    assert evaluate(policies[slug], customer, list(contacts), today) == first


@explore
@given(case=cases())
def test_the_order_of_the_contacts_does_not_matter_when_their_dates_differ(policies, case):
    slug, customer, contacts, today = case
    contacts = list({c.date: c for c in contacts}.values())

    first = evaluate(policies[slug], customer, contacts, today)
    second = evaluate(policies[slug], customer, list(reversed(contacts)), today)

    assert second == first


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    months=st.integers(min_value=-1200, max_value=1200),
)
def test_add_months_is_relativedelta_months(day, months):
    # The engine's own month arithmetic must agree with dateutil's, clamping included.
    assert add_months(day, months) == day + relativedelta(months=months)


@settings(max_examples=500)
@given(
    asks=st.lists(
        st.tuples(st.dates(min_value=date(2000, 1, 1), max_value=date(2003, 12, 31)), st.integers(-14, 14)),
        min_size=1,
        max_size=40,
    )
)
def test_the_engines_kept_month_answers_are_add_months(asks):
    """The engine keeps add_months' answers (`months_after`): asked again, in any order, about
    a few years of days, each answer is still the one worked out afresh."""
    for day, months in asks + asks[::-1]:
        assert engine.months_after[day, months] == add_months(day, months)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2100, 3, 31), -1) == date(2100, 2, 28)
    assert add_months(date(2000, 3, 31), -1) == date(2000, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


@explore
@given(case=cases())
def test_stored_reason_codes_read_back_as_the_same_german_text(policies, case):
    """A decision keeps its reasons as codes with parameters; stored as JSON (dates as text)
    and read back with the stored rule set and rule (the database's rows: what the stored
    reasons leave to them), they give the text the decision gives, word for word and in German."""
    slug, customer, contacts, today = case
    decision = evaluate(policies[slug], customer, contacts, today)
    stored = json.loads(json.dumps(reasons.to_stored(decision.reason_codes), cls=DjangoJSONEncoder))
    rule_set = RuleSet.objects.get(pk=decision.rule_set.key) if decision.rule_set else None
    rule = ContactRule.objects.get(pk=decision.rule.key) if decision.rule else None
    assert render_stored_reasons(stored, rule_set, rule) == decision.reasons
    assert not any(decision.rule_set.title in json.dumps(r) for r in stored if decision.rule_set)  # left to the row
    assert decision.reasons and not any(text in reasons.TEXTS for text in decision.reasons)  # text, not codes


@explore
@given(case=cases())
def test_the_two_contacts_that_count_decide_as_the_whole_history_does(policies, case):
    """The bulk recompute reads only the last qualified contact and the last note with a
    follow-up date per customer (`engine.contacts_that_count`, in SQL): the decision, reasons
    included, must be the one the whole history gives."""
    slug, customer, contacts, today = case
    centre = policies[slug]
    rule_set = centre.rule_set_on(today)
    channels = rule_set.qualifying_channels if rule_set else frozenset()
    kept = contacts_that_count(contacts, channels, today)
    assert len(kept) <= 2 and all(c in contacts for c in kept)
    full, summarised = evaluate(centre, customer, contacts, today), evaluate(centre, customer, kept, today)
    assert summarised == full
    assert summarised.reasons == full.reasons


@settings(max_examples=500, deadline=None)
@given(since=st.dates(date(1990, 1, 1), date(2040, 12, 31)), today=st.dates(date(1990, 1, 1), date(2040, 12, 31)))
def test_whole_months_are_the_largest_count_of_months_that_fits(since, today):
    months = whole_months(since, today)
    assert add_months(since, months) <= today < add_months(since, months + 1)


@explore
@given(case=cases())
def test_a_pickled_policy_decides_as_the_original(policies, case):
    """A worker process (a bulk recompute, a preview) gets its policy pickled; the copy keeps
    answers of its own (months added, working days) and must decide the same."""
    slug, customer, contacts, today = case
    copy = pickle.loads(pickle.dumps(policies[slug]))
    assert evaluate(copy, customer, contacts, today) == evaluate(policies[slug], customer, contacts, today)


@given(
    birth_date=st.dates(min_value=date(1996, 1, 1), max_value=date(2012, 12, 31)),
    today=st.dates(min_value=date(2021, 1, 1), max_value=date(2037, 12, 31)),
)
@example(birth_date=date(2004, 2, 29), today=date(2029, 2, 28))
@example(birth_date=date(2004, 2, 29), today=date(2029, 2, 27))
@example(birth_date=date(2003, 2, 28), today=date(2028, 2, 29))
@example(birth_date=date(2003, 3, 1), today=date(2028, 2, 29))
def test_under_25_is_before_the_25th_birthday(birth_date, today):
    """Under 25 until the 25th birthday as relativedelta counts it (29 Feb turns 25 on 28 Feb
    of a common year), whose day the facts keep for the recheck."""
    birthday = birth_date + relativedelta(years=25)
    facts = facts_on(Customer(birth_date=birth_date, registered_on=date(2020, 1, 1)), today)
    assert facts.u25 == (today < birthday)
    assert facts.adult_on == birthday
