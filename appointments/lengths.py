"""How long an appointment is by default: the rule set's lengths, as a pure function."""

from __future__ import annotations

from dataclasses import dataclass

FALLBACK_MINUTES = 30
GROUP_MINUTES = 90


@dataclass(frozen=True)
class Length:
    minutes: int
    preparation: int
    cap: int | None  # the longest allowed (limited German), None for no limit

    @property
    def blocked(self) -> int:
        return self.minutes + self.preparation


def default_length(rule_set, kind: str, *, limited_german: bool = False) -> Length:
    """`rule_set` is a policies RuleSet row (or None: no rule set in force)."""
    first = getattr(rule_set, "first_appointment_minutes", None)
    follow_up = getattr(rule_set, "follow_up_minutes", None)
    if kind == "first":
        minutes = first or follow_up or FALLBACK_MINUTES
    elif kind == "group":
        minutes = GROUP_MINUTES
    else:
        minutes = follow_up or first or FALLBACK_MINUTES
    cap = getattr(rule_set, "limited_german_max_minutes", None) if limited_german else None
    if cap:
        minutes = min(minutes, cap)
    return Length(minutes=minutes, preparation=getattr(rule_set, "preparation_minutes", 0) or 0, cap=cap or None)
