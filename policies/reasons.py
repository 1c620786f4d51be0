"""The engine's reasons in German: why a rule matched, what a customer looks like to the rules,
a rule's cycle. Pure text, no decisions: `policies.engine` calls these while it decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .vocabulary import label

if TYPE_CHECKING:
    from .engine import Conditions, Customer, Rule
    from .matching import Facts


def matched_because(c: Conditions, customer: Customer, facts: Facts) -> str:
    parts = []
    if c.age_band:
        parts.append("unter 25" if facts.u25 else "25 und älter")
    if c.employment:
        parts.append(label(customer.employment))
    if c.profiles:
        parts.append(f"Profillage {label(customer.profile)}")
    if c.care:
        parts.append(label(customer.care))
    for flag in sorted(c.flags):
        parts.append(label(flag))
    if c.in_measure is not None:
        parts.append("in einer Maßnahme" if facts.in_measure else "in keiner Maßnahme")
    if c.integrated_employment:
        parts.append(label(customer.integrated_employment))
    if c.unemployed_months_min is not None:
        parts.append(f"seit mindestens {c.unemployed_months_min} Monaten arbeitslos")
    if c.unemployed_months_below is not None:
        parts.append(f"seit weniger als {c.unemployed_months_below} Monaten arbeitslos")
    return ", ".join(parts) if parts else "gilt für alle"


def describe_customer(customer: Customer, facts: Facts) -> str:
    parts = [
        "unter 25" if facts.u25 else "25 und älter",
        f"Status {label(customer.employment) if customer.employment else 'nicht angegeben'}",
        f"Profillage {label(customer.profile) if customer.profile else 'nicht angegeben'}",
        label(customer.care),
        ("Merkmale " + ", ".join(label(f) for f in sorted(customer.flags))) if customer.flags else "keine Merkmale",
        "in einer Maßnahme" if facts.in_measure else "in keiner Maßnahme",
    ]
    if customer.integrated_employment:
        parts.append(label(customer.integrated_employment))
    if facts.unemployed_months is not None:
        parts.append(f"seit {facts.unemployed_months} Monaten arbeitslos")
    return ", ".join(parts)


def cycle_text(rule: Rule) -> str:
    if rule.individual:
        return "individuell (Wiedervorlage der Fachkraft)"
    if rule.window is not None:
        return f"frühestens nach {rule.window.after_text()}, spätestens nach {rule.deadline.after_text()}"
    return f"spätestens nach {rule.deadline.after_text()}"


def rule_line(position: int, rule: Rule, customer: Customer, facts: Facts) -> str:
    """ "Regel 4: Ü25, arbeitslos, marktnah (25 und älter, ...); Kontakt spätestens nach 2 Monaten." """
    return (
        f"Regel {position}: {rule.label} ({matched_because(rule.conditions, customer, facts)}); "
        f"Kontakt {cycle_text(rule)}."
    )
