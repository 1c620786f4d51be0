"""Whether a rule's conditions hold for a customer on a day: the facts the conditions read,
derived once per evaluation (age band, in a measure, months unemployed), the test itself, and
a rule set's tests compiled into one look-up per fact (`RuleIndex`)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kontaktdichte.dates import ONE_DAY
from kontaktdichte.kept import KeptAnswers

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


def _25th_birthday(birth_date: date) -> date:
    """Same as birth_date + relativedelta(years=25): 29 Feb clamps to 28 Feb."""
    year = birth_date.year + 25
    try:
        return date(year, birth_date.month, birth_date.day)  # half the cost of .replace(year=year)
    except ValueError:
        return date(year, 2, 28)


# Kept answers: building a date is the dearest part of the facts (0.5 µs), and a caseload has
# far fewer birth dates than customers.
_adult_on = KeptAnswers(_25th_birthday)


def facts_on(customer: Customer, today: date) -> Facts:
    adult_on = _adult_on[customer.birth_date]
    unemployed_months = None
    if customer.employment == "unemployed" and customer.unemployed_since is not None:
        unemployed_months = max(whole_months(customer.unemployed_since, today), 0)
    in_measure = False
    for m in customer.measures:  # a loop, not any(): most customers have none or one
        if m.start <= today <= m.ends_on:
            in_measure = True
            break
    # Positional (the fields' order): keywords cost 0.35 µs more a call, for every decision.
    return Facts(today < adult_on, adult_on, in_measure, unemployed_months)


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
    return _months_hold(c, facts.unemployed_months)


def _months_hold(c: Conditions, months: int | None) -> bool:
    if c.unemployed_months_min is not None and (months is None or months < c.unemployed_months_min):
        return False
    below = c.unemployed_months_below
    return below is None or months is None or months < below


def _mask(bits) -> int:
    return sum(1 << i for i in bits)


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """A rule set's conditions compiled once, when the rule set is built, so that finding the
    first matching rule is a few look-ups instead of up to nine tests per rule.

    Each fact maps to a bit mask of the rules it lets through (bit i: the i-th rule): the rules
    that do not look at the fact, plus those whose condition the value meets. The rules that
    match are the intersection of the masks; the first of them is its lowest bit. `matches`
    stays the definition, and a property test holds the two to the same answer."""

    by_u25: tuple[int, int]  # indexed by facts.u25
    by_in_measure: tuple[int, int]
    employment: dict[str | None, int]
    any_employment: int  # the rules without that condition: for any value not in the dict
    profile: dict[str | None, int]
    any_profile: int
    care: dict[str, int]
    any_care: int
    integrated: dict[str | None, int]
    any_integrated: int
    without_flags: int
    with_flags: tuple[tuple[int, frozenset[str]], ...]  # (bit, flags required)
    thresholds: tuple[int, ...]  # sorted; the months masks by bisect_right(thresholds, months)
    by_months: tuple[int, ...]
    not_unemployed: int  # the months mask when facts.unemployed_months is None

    @classmethod
    def of(cls, conditions: Sequence[Conditions]) -> RuleIndex:
        rules = list(enumerate(conditions))

        def by_value(codes):  # codes(c): the condition's set of codes, empty for "any"
            values = {v for _, c in rules for v in codes(c)}
            free = _mask(i for i, c in rules if not codes(c))
            return {v: free | _mask(i for i, c in rules if v in codes(c)) for v in values}, free

        def where(holds):
            return _mask(i for i, c in rules if holds(c))

        thresholds = tuple(
            sorted({n for _, c in rules for n in (c.unemployed_months_min, c.unemployed_months_below) if n is not None})
        )
        # One months value from each interval the thresholds cut: below the first, then each one.
        samples = (thresholds[0] - 1 if thresholds else 0, *thresholds)
        employment, any_employment = by_value(lambda c: c.employment)
        profile, any_profile = by_value(lambda c: c.profiles)
        care, any_care = by_value(lambda c: c.care)
        integrated, any_integrated = by_value(lambda c: c.integrated_employment)
        return cls(
            by_u25=tuple(
                where(lambda c, u25=u25: c.age_band is None or (c.age_band == "u25") == u25) for u25 in (False, True)
            ),
            by_in_measure=tuple(where(lambda c, v=v: c.in_measure is None or c.in_measure == v) for v in (False, True)),
            employment=employment,
            any_employment=any_employment,
            profile=profile,
            any_profile=any_profile,
            care=care,
            any_care=any_care,
            integrated=integrated,
            any_integrated=any_integrated,
            without_flags=where(lambda c: not c.flags),
            with_flags=tuple((1 << i, c.flags) for i, c in rules if c.flags),
            thresholds=thresholds,
            by_months=tuple(where(lambda c, n=n: _months_hold(c, n)) for n in samples),
            not_unemployed=where(lambda c: _months_hold(c, None)),
        )

    def first_match(self, customer: Customer, facts: Facts) -> int | None:
        """The index of the first rule whose conditions all hold, as `matches` tried in order."""
        found = (
            self.by_u25[facts.u25]
            & self.by_in_measure[facts.in_measure]
            & self.employment.get(customer.employment, self.any_employment)
            & self.profile.get(customer.profile, self.any_profile)
            & self.care.get(customer.care, self.any_care)
            & self.integrated.get(customer.integrated_employment, self.any_integrated)
        )
        if not found:
            return None
        months = facts.unemployed_months
        found &= self.not_unemployed if months is None else self.by_months[bisect_right(self.thresholds, months)]
        flags = self.without_flags
        for bit, required in self.with_flags:
            if required <= customer.flags:
                flags |= bit
        found &= flags
        return (found & -found).bit_length() - 1 if found else None
