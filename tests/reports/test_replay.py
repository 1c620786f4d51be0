"""The replay, hand-counted: which contacts fell due in a month and how they were held.

Coburg Land (BY, only in-person contacts count, no first-contact deadline: the cycle runs from
registration): an Ü25 unemployed market_close customer is on 2MM. Weimarer Land (TH, every
channel counts, first contact within 15 working days).
"""

from datetime import date

import pytest

from kontaktdichte.dates import add_months, month_bounds
from policies import engine
from reports.replay import replay

from .oracles import month_counts

IN_PERSON, PHONE = "in_person", "phone"


def customer(registered, **facts):
    fields = dict(
        birth_date=date(1980, 5, 17), registered_on=registered, employment="unemployed", profile="market_close"
    )
    fields.update(facts)
    return engine.Customer(**fields)


def note(day, channel=IN_PERSON, follow_up=None):
    return engine.Contact(day, channel, follow_up)


def counts(result, year, month, as_of=None):
    first, last = month_bounds(date(year, month, 1))
    c = month_counts(result.obligations, first, as_of or last)
    return c.due, c.on_time, c.late, c.overdue_end


@pytest.fixture
def coburg(policies):
    return policies["coburg-land"]


@pytest.fixture
def weimar(policies):
    return policies["weimarer-land"]


def test_month_helpers():
    assert month_bounds(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds(date(2026, 12, 5)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert add_months(date(2026, 1, 1), -11) == date(2025, 2, 1)
    assert add_months(date(2026, 11, 1), 2) == date(2027, 1, 1)


def test_a_contact_before_the_due_date_is_on_time_and_a_missed_one_is_late_next_month(coburg):
    # Registered 10.01. → due 10.03.; held 05.03. → due 05.05.; missed; held 03.06. → due 03.08.
    facts = customer(date(2026, 1, 10))
    result = replay(
        coburg, facts, [note(date(2026, 3, 5)), note(date(2026, 6, 3))], date(2026, 1, 1), date(2026, 7, 31)
    )
    assert [o.due for o in result.obligations] == [date(2026, 3, 10), date(2026, 5, 5), date(2026, 8, 3)]
    #                      due, on time, late, overdue at month end
    assert counts(result, 2026, 2) == (0, 0, 0, 0)
    assert counts(result, 2026, 3) == (1, 1, 0, 0)
    assert counts(result, 2026, 4) == (0, 0, 0, 0)
    assert counts(result, 2026, 5) == (1, 0, 0, 1)
    assert counts(result, 2026, 6) == (0, 0, 1, 0)
    assert result.final.due_by == date(2026, 8, 3)


def test_a_contact_on_the_last_day_is_on_time_and_on_the_first_of_the_next_month_late(coburg):
    # Registered 31.01. → due 31.03. (2 months).
    on_the_day = replay(
        coburg, customer(date(2026, 1, 31)), [note(date(2026, 3, 31))], date(2026, 1, 1), date(2026, 4, 30)
    )
    assert counts(on_the_day, 2026, 3) == (1, 1, 0, 0)
    assert counts(on_the_day, 2026, 4) == (0, 0, 0, 0)

    a_day_late = replay(
        coburg, customer(date(2026, 1, 31)), [note(date(2026, 4, 1))], date(2026, 1, 1), date(2026, 4, 30)
    )
    assert counts(a_day_late, 2026, 3) == (1, 0, 0, 1)
    assert counts(a_day_late, 2026, 4) == (0, 0, 1, 0)


def test_month_arithmetic_clamps_at_the_end_of_february(coburg):
    # Held 31.12.2025 → 2 months → 28.02.2026 (not 03.03.).
    result = replay(
        coburg,
        customer(date(2025, 9, 1)),
        [note(date(2025, 10, 31)), note(date(2025, 12, 31))],
        date(2025, 12, 1),
        date(2026, 3, 31),
    )
    assert date(2026, 2, 28) in [o.due for o in result.obligations]
    assert counts(result, 2026, 2) == (1, 0, 0, 1)
    assert counts(result, 2026, 3) == (0, 0, 0, 1)  # still overdue: nobody came


def test_a_phone_call_does_not_count_in_coburg(coburg):
    result = replay(
        coburg, customer(date(2026, 1, 10)), [note(date(2026, 3, 5), PHONE)], date(2026, 1, 1), date(2026, 3, 31)
    )
    assert counts(result, 2026, 3) == (1, 0, 0, 1)


def test_an_earlier_follow_up_date_moves_the_due_date_into_the_month(coburg):
    # Held 10.02. → 2MM would be 10.04.; the note asks for 20.03. instead, and it is met 19.03.
    result = replay(
        coburg,
        customer(date(2025, 12, 20)),
        [note(date(2026, 2, 10), follow_up=date(2026, 3, 20)), note(date(2026, 3, 19))],
        date(2026, 2, 1),
        date(2026, 4, 30),
    )
    assert counts(result, 2026, 2) == (1, 1, 0, 0)  # 20.02. (from registration), met 10.02.
    assert counts(result, 2026, 3) == (1, 1, 0, 0)
    assert counts(result, 2026, 4) == (0, 0, 0, 0)  # 10.04. was never due: it moved


def test_a_suspension_moves_the_due_date_and_is_no_missed_contact(coburg):
    # Due 10.03.; suspended 01.03.-20.04.: due 20.04. instead; nobody comes.
    facts = customer(
        date(2026, 1, 10), suspensions=(engine.Suspension(date(2026, 3, 1), date(2026, 4, 20), "Gutachten"),)
    )
    result = replay(coburg, facts, [], date(2026, 1, 1), date(2026, 5, 31))
    assert [o.due for o in result.obligations] == [date(2026, 4, 20)]
    assert counts(result, 2026, 3) == (0, 0, 0, 0)
    assert counts(result, 2026, 4) == (1, 0, 0, 1)
    assert counts(result, 2026, 5) == (0, 0, 0, 1)


def test_a_suspension_after_a_missed_date_ends_the_overdue_state(coburg):
    # Due 10.03., missed; a suspension from 20.03. to 30.04.: overdue 11.-19.03., then not.
    facts = customer(date(2026, 1, 10), suspensions=(engine.Suspension(date(2026, 3, 20), date(2026, 4, 30), "Reha"),))
    result = replay(coburg, facts, [note(date(2026, 4, 28))], date(2026, 3, 1), date(2026, 4, 30))
    assert counts(result, 2026, 3) == (1, 0, 0, 0)  # fell due and was missed, not overdue at the end
    assert counts(result, 2026, 4) == (1, 1, 0, 0)  # 30.04. met on 28.04.


def test_a_customer_overdue_before_the_window_is_overdue_at_its_end_and_late_when_seen(coburg):
    # Due 10.11.2025, nobody came until 15.02.2026.
    result = replay(coburg, customer(date(2025, 9, 10)), [note(date(2026, 2, 15))], date(2026, 1, 1), date(2026, 2, 28))
    assert counts(result, 2026, 1) == (0, 0, 0, 1)
    assert counts(result, 2026, 2) == (0, 0, 1, 0)


def test_a_running_month_is_read_up_to_yesterday(coburg):
    # Due 10.03. and 20.03. ... read on the morning of 15.03.: one due, one still ahead.
    result = replay(coburg, customer(date(2026, 1, 10)), [], date(2026, 1, 1), date(2026, 3, 14))
    assert counts(result, 2026, 3, as_of=date(2026, 3, 14)) == (1, 0, 0, 1)
    ahead = replay(coburg, customer(date(2026, 1, 20)), [], date(2026, 1, 1), date(2026, 3, 14))
    assert counts(ahead, 2026, 3, as_of=date(2026, 3, 14)) == (0, 0, 0, 0)


def test_a_public_holiday_moves_the_first_contact_deadline(weimar):
    # Registered Mon 20.04.2026; 15 working days in Thuringia skip 01.05.: due Tue 12.05.
    result = replay(
        weimar, customer(date(2026, 4, 20)), [note(date(2026, 5, 12), PHONE)], date(2026, 4, 1), date(2026, 5, 31)
    )
    assert result.obligations[0].due == date(2026, 5, 12)
    assert counts(result, 2026, 5) == (1, 1, 0, 0)  # every channel counts in Weimar
    assert result.first_contact_on == date(2026, 5, 12)


def test_no_rule_means_nothing_falls_due(coburg):
    result = replay(coburg, customer(date(2026, 1, 10), profile="market"), [], date(2026, 1, 1), date(2026, 6, 30))
    assert result.obligations == []
    assert result.final.status == engine.NO_RULE


def test_a_customer_registered_after_the_window_is_not_replayed(coburg):
    result = replay(coburg, customer(date(2026, 7, 1)), [], date(2026, 1, 1), date(2026, 6, 30))
    assert result.obligations == [] and result.final is None
