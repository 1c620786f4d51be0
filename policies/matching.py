"""Whether a rule's conditions hold for a customer on a day: the facts the conditions read,
derived once per evaluation (age band, in a measure, months unemployed), and the test itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kontaktdichte.dates import ONE_DAY

if TYPE_CHECKING:
    from .engine import Conditions, Customer


@dataclass(slots=True)
class Facts:
    """What the conditions read, derived once per evaluation."""

    u25: bool
    adult_on: date
    in_measure: bool
    unemployed_months: int | None  # whole months of unemployment, None when not unemployed


def whole_months(since: date, today: date) -> int:
    """The largest n with add_months(since, n) <= today. add_months(since, n) falls in today's
    month on day min(since.day, the month's length), which is after today exactly when
    since.day > today.day and today is not the month's last day (a clamped day is at most
    today). The same as the add_months test, without building the date: 0.7 against 1.7 µs,
    once per unemployed customer's decision."""
    months = (today.year - since.year) * 12 + today.month - since.month
    if since.day > today.day and (today + ONE_DAY).month == today.month:
        months -= 1
    return months


def _birthday(birth_date: date, years: int) -> date:
    """Same as birth_date + relativedelta(years=years): 29 Feb clamps to 28 Feb."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return birth_date.replace(year=birth_date.year + years, day=28)


def facts_on(customer: Customer, today: date) -> Facts:
    adult_on = _birthday(customer.birth_date, 25)
    unemployed_months = None
    if customer.employment == "unemployed" and customer.unemployed_since is not None:
        unemployed_months = max(whole_months(customer.unemployed_since, today), 0)
    return Facts(
        u25=today < adult_on,
        adult_on=adult_on,
        in_measure=any(m.start <= today <= m.ends_on for m in customer.measures),
        unemployed_months=unemployed_months,
    )


def matches(c: Conditions, customer: Customer, facts: Facts) -> bool:
    if c.age_band is not None and (c.age_band == "u25") != facts.u25:
        return False
    if c.employment and customer.employment not in c.employment:
        return False
    if c.profiles and customer.profile not in c.profiles:
        return False
    if c.care and customer.care not in c.care:
        return False
    if c.flags and not c.flags <= customer.flags:
        return False
    if c.in_measure is not None and c.in_measure != facts.in_measure:
        return False
    if c.integrated_employment and customer.integrated_employment not in c.integrated_employment:
        return False
    if c.unemployed_months_min is not None and (
        facts.unemployed_months is None or facts.unemployed_months < c.unemployed_months_min
    ):
        return False
    below = c.unemployed_months_below
    return below is None or facts.unemployed_months is None or facts.unemployed_months < below
