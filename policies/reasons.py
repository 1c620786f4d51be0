"""The engine's reasons: codes with parameters while it decides, German text when shown.

A reason is a tuple `(code, *params)` of plain values (text, numbers, booleans, dates, tuples
of those). The engine builds these cheaply for every decision; most decisions (a recompute, a
report, a list) never show them, so the German text is made only by `render`, for a page, an
export or `evaluate_cases`. Stored due dates keep the tuples as JSON (`to_stored`; dates as
ISO text) without what their rule set and rule hold, and `render_stored` reads them back with
those two.

Text from before reasons were stored as codes (a plain string) renders as itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from kontaktdichte.dates import german_date

from .vocabulary import label, unit_label

if TYPE_CHECKING:
    from .engine import Amount, Conditions, Customer, Rule, RuleSet
    from .matching import Facts

Reason = tuple


# --- Parameters, as the engine gathers them ---------------------------------------------------


def amount(value: Amount | None):
    return None if value is None else (value.value, value.unit)


def because(c: Conditions, customer: Customer, facts: Facts) -> tuple:
    """The conditions a matching rule looked at, with the customer's values: (kind, value) pairs."""
    parts = []
    if c.age_band:
        parts.append(("u25", facts.u25))
    if c.employment:
        parts.append(("label", customer.employment))
    if c.profiles:
        parts.append(("profile", customer.profile))
    if c.care:
        parts.append(("label", customer.care))
    for flag in sorted(c.flags):
        parts.append(("label", flag))
    if c.in_measure is not None:
        parts.append(("in_measure", facts.in_measure))
    if c.integrated_employment:
        parts.append(("label", customer.integrated_employment))
    if c.unemployed_months_min is not None:
        parts.append(("months_min", c.unemployed_months_min))
    if c.unemployed_months_below is not None:
        parts.append(("months_below", c.unemployed_months_below))
    return tuple(parts)


def _rule_params(position: int, matched: Rule, customer: Customer, facts: Facts) -> Reason:
    return (
        "rule",
        position,
        matched.label,
        because(matched.conditions, customer, facts),
        amount(matched.window),
        amount(matched.deadline),
    )


def _no_match_params(customer: Customer, facts: Facts) -> Reason:
    return (
        "no_match",
        facts.u25,
        customer.employment,
        customer.profile,
        customer.care,
        tuple(sorted(customer.flags)),
        facts.in_measure,
        customer.integrated_employment,
        facts.unemployed_months,
    )


# The engine hands these two over with its objects, (code, [position, rule,] customer, facts),
# and they are reduced to plain parameters only when shown or stored: most decisions never are.
_FROM_OBJECTS = {"rule": (5, _rule_params), "no_match": (3, _no_match_params)}


def plain(reason: Reason) -> Reason:
    """The reason with plain parameters only (as stored)."""
    unpack = _FROM_OBJECTS.get(reason[0])
    if unpack is not None and len(reason) == unpack[0]:
        return unpack[1](*reason[1:])
    return reason


# --- Text -------------------------------------------------------------------------------------


def _day(value) -> str:
    return german_date(value if isinstance(value, date) else date.fromisoformat(value))


def _after(value) -> str:
    """An amount as in "nach 2 Monaten"."""
    count, unit = value
    return f"{count} {unit_label(unit, count, dative=True)}"


def _as_amount(value) -> str:
    count, unit = value
    return f"{count} {unit_label(unit, count)}"


def _matched_because(parts) -> str:
    words = []
    for kind, value in parts:
        if kind == "u25":
            words.append("unter 25" if value else "25 und älter")
        elif kind == "profile":
            words.append(f"Profillage {label(value)}")
        elif kind == "in_measure":
            words.append("in einer Maßnahme" if value else "in keiner Maßnahme")
        elif kind == "months_min":
            words.append(f"seit mindestens {value} Monaten arbeitslos")
        elif kind == "months_below":
            words.append(f"seit weniger als {value} Monaten arbeitslos")
        else:
            words.append(label(value))
    return ", ".join(words) if words else "gilt für alle"


def cycle_text(window, deadline) -> str:
    """A rule's cycle from its (value, unit) amounts; no deadline: individual."""
    if deadline is None:
        return "individuell (Wiedervorlage der Fachkraft)"
    if window is not None:
        return f"frühestens nach {_after(window)}, spätestens nach {_after(deadline)}"
    return f"spätestens nach {_after(deadline)}"


def _rule(position, rule_label, parts, window, deadline) -> str:
    """ "Regel 4: Ü25, arbeitslos, marktnah (25 und älter, ...); Kontakt spätestens nach 2 Monaten." """
    return f"Regel {position}: {rule_label} ({_matched_because(parts)}); Kontakt {cycle_text(window, deadline)}."


def describe_customer(u25, employment, profile, care, flags, in_measure, integrated, unemployed_months) -> str:
    parts = [
        "unter 25" if u25 else "25 und älter",
        f"Status {label(employment) if employment else 'nicht angegeben'}",
        f"Profillage {label(profile) if profile else 'nicht angegeben'}",
        label(care),
        ("Merkmale " + ", ".join(label(f) for f in flags)) if flags else "keine Merkmale",
        "in einer Maßnahme" if in_measure else "in keiner Maßnahme",
    ]
    if integrated:
        parts.append(label(integrated))
    if unemployed_months is not None:
        parts.append(f"seit {unemployed_months} Monaten arbeitslos")
    return ", ".join(parts)


def _first_contact(maximum, base, target, target_day) -> str:
    goal = f" (Ziel: {target} Arbeitstage, bis {_day(target_day)})" if target_day is not None else ""
    return (
        f"Noch kein qualifizierter Kontakt: Erstkontakt spätestens {maximum} Arbeitstage nach der "
        f"Meldung am {_day(base)}{goal}."
    )


def _documented(reason) -> str:
    return f"Ausnahme dokumentiert{': ' + reason if reason else ''}"


def _extended(reason, end, extended, cap) -> str:
    capped = f" (höchstens {_as_amount(cap)} Verlängerung)" if cap is not None else ""
    return f"{_documented(reason)} bis {_day(end)}: fällig am {_day(extended)}{capped}."


def _profiling_review(since, from_profile_start) -> str:
    head = f"Seit {_day(since)} marktnah" if from_profile_start else f"Profiling zuletzt am {_day(since)} überprüft"
    return f"{head} und nicht integriert: Profiling und Integrationsprognose überprüfen."


TEXTS = {
    "no_rule_set": lambda centre, day: f"Für {centre} gilt am {_day(day)} kein Kontaktdichtekonzept.",
    "concept": lambda title, valid_from: f"Konzept: {title} (gültig ab {_day(valid_from)})",
    "no_match": lambda *facts: f"Keine Regel des Konzepts trifft zu auf: {describe_customer(*facts)}.",
    "rule": _rule,
    "last_contact": lambda day, channel: f"Letzter qualifizierter Kontakt am {_day(day)} ({label(channel)}).",
    "first_contact": _first_contact,
    "from_registration": lambda base, exempt: (
        f"Noch kein qualifizierter Kontakt: der Zyklus läuft ab der Meldung am {_day(base)}"
        + (" (die Erstkontakt-Frist gilt für diese Regel nicht)" if exempt else "")
        + "."
    ),
    "benefit_renewal": lambda day: f"Spätestens zum Weiterbewilligungsantrag am {_day(day)}.",
    "follow_up": lambda day, on: f"Wiedervorlage aus dem Beratungsvermerk vom {_day(day)}: {_day(on)}.",
    "graduate_running": lambda start, milestone, days, ends_on: (
        f"Absolventenmanagement: Kontakt seit Maßnahmebeginn am {_day(start)} "
        f"fällig bis {_day(milestone)} ({days} Tage vor Ende am {_day(ends_on)})."
    ),
    "graduate_after": lambda ends_on, days, milestone: (
        f"Absolventenmanagement: Folgegespräch nach Maßnahmeende am {_day(ends_on)} "
        f"fällig binnen {days} Arbeitstagen, bis {_day(milestone)}."
    ),
    "employer_service": lambda ends_on: f"Maßnahme endet am {_day(ends_on)}: Arbeitgeber-Service (AG-S) einbinden.",
    "profiling_review": _profiling_review,
    "suspended_until": lambda reason, end: f"{_documented(reason)} bis {_day(end)}: fällig am {_day(end)}.",
    "extended": _extended,
    "due_before_end": lambda end: f"Ausnahme dokumentiert bis {_day(end)}; der Kontakt ist vorher fällig.",
    "individual": lambda: "Individueller Zyklus ohne Wiedervorlage: bitte ein Datum festlegen.",
    "extension_used_up": lambda: "Die größte zulässige Verlängerung ist ausgeschöpft: der Kontakt ist überfällig.",
}


def render(reason) -> str:
    """One reason's German text; a plain string (stored before codes) as it is."""
    if isinstance(reason, str):
        return reason
    code, *params = plain(reason)
    return TEXTS[code](*params)


def render_all(reasons: Iterable) -> tuple[str, ...]:
    return tuple(render(r) for r in reasons)


def to_stored(reasons: Iterable[Reason]) -> list:
    """The reasons with plain parameters, for a JSON column (its encoder writes the tuples as
    lists and the dates as ISO text, which `render` reads back), without what the stored
    decision's rule set and rule hold: "concept" keeps no parameter and "rule" only its position
    and the customer's values it matched (`render_stored` takes the rest from the two). Every
    customer stored the concept's title and the rule's label before: half the JSON (565 against
    245 KB a chunk of 2,000 customers, which the bulk recompute writes in 47 against 60 ms)."""
    return [_stored(r) for r in reasons]


def _stored(reason: Reason) -> Reason:
    code = reason[0]
    if code == "concept":
        return ("concept",)
    if code == "rule" and len(reason) == _FROM_OBJECTS["rule"][0]:
        _code, position, matched, customer, facts = reason
        return ("rule", position, because(matched.conditions, customer, facts))
    return plain(reason)


def render_stored(stored: Iterable, rule_set: RuleSet | None, rule: Rule | None) -> tuple[str, ...]:
    """Stored reasons (`to_stored`) in German, with the stored decision's rule set and rule as
    the engine reads them (`policies.loading.render_stored_reasons`; None when deleted since).
    Reasons stored whole, as before, render as they are."""
    texts = []
    for reason in stored:
        code = None if isinstance(reason, str) else reason[0]
        if code == "concept" and len(reason) == 1:
            reason = rule_set.head_reason if rule_set is not None else "Konzept: inzwischen gelöscht."
        elif code == "rule" and len(reason) == 3:
            _code, position, parts = reason
            if rule is None:
                reason = f"Regel {position}: inzwischen gelöscht."
            else:
                reason = ("rule", position, rule.label, parts, amount(rule.window), amount(rule.deadline))
        texts.append(render(reason))
    return tuple(texts)
