"""Builders for the engine tests: a tiny job centre by hand (rules, a rule set, a NW calendar),
one customer, contacts; `decide` evaluates them."""

from datetime import date

from policies.calendar import WorkingCalendar
from policies.engine import (
    Amount,
    Conditions,
    Contact,
    Customer,
    JobCentre,
    Rule,
    RuleSet,
    evaluate,
)

NW = WorkingCalendar("NW")
TODAY = date(2026, 3, 1)  # a Sunday; only the dates around it matter


def amount(spec):
    return Amount(*spec) if spec is not None else None


def rule(
    label="Regel",
    deadline=(1, "months"),
    window=None,
    code=None,
    cap_at_benefit_renewal=False,
    first_contact_exempt=False,
    **conditions,
):
    """A rule; `deadline=None` makes it individual. Condition sets may be given as sets."""
    conditions = {k: frozenset(v) if isinstance(v, (set, list, tuple)) else v for k, v in conditions.items()}
    return Rule(
        label=label,
        conditions=Conditions(**conditions),
        deadline=amount(deadline),
        window=amount(window),
        code=code,
        cap_at_benefit_renewal=cap_at_benefit_renewal,
        first_contact_exempt=first_contact_exempt,
    )


def rule_set(*rules, valid_from=date(2020, 1, 1), valid_until=None, title="Testkonzept", **settings):
    if "max_extension" in settings:
        settings["max_extension"] = amount(settings["max_extension"])
    if "qualifying_channels" in settings:
        settings["qualifying_channels"] = frozenset(settings["qualifying_channels"])
    return RuleSet(
        title=title, valid_from=valid_from, valid_until=valid_until, rules=tuple(rules) or (rule(),), **settings
    )


def centre(*rule_sets, calendar=NW):
    return JobCentre(slug="test", name="Jobcenter Test", calendar=calendar, rule_sets=tuple(rule_sets) or (rule_set(),))


def customer(**facts):
    facts = {"birth_date": date(1980, 5, 17), "registered_on": date(2025, 1, 6), "employment": "unemployed", **facts}
    if "flags" in facts:
        facts["flags"] = frozenset(facts["flags"])
    for name in ("measures", "suspensions"):
        if name in facts:
            facts[name] = tuple(facts[name])
    return Customer(**facts)


def met(day, channel="in_person", follow_up_on=None):
    return Contact(date=day, channel=channel, follow_up_on=follow_up_on)


def decide(*contacts, policy=None, today=TODAY, **facts):
    return evaluate(policy or centre(), customer(**facts), list(contacts), today)
