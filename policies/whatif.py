"""What would a rule change do? The proposed rules as the engine reads them, before anything is
saved: from the admin's posted (validated, unsaved) form, from a file, or as a continuation
("Fortschreibung") of a stored rule set.

This module builds the proposed policy (`engine.JobCentre` with the changed or added rule set)
and the day it takes effect; the caseload app, which holds the customers, answers
`impact_requested` by running the engine over them (`caseload.whatif.preview`). Nothing here
writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.core import serializers
from django.core.exceptions import ValidationError
from django.dispatch import Signal

from kontaktdichte import formats

from . import engine
from .loading import load_policies, rule_set_from_row
from .models import ContactRule, RuleSet

# kwargs: job_centre_id, proposal (a Proposal). Receivers return an impact report, or None when
# the job centre is too large to preview here (the command does it).
impact_requested = Signal()

ONE_DAY = timedelta(days=1)


class WhatIfError(ValidationError):
    """The proposal cannot be previewed; the message says why (German)."""


@dataclass(frozen=True)
class Proposal:
    """The job centre's rules as they would be: `policy` with the changed or added rule set,
    and the day the change takes effect (`on`: today, or the new rule set's first day when it
    lies ahead), which the preview evaluates both the current and the proposed rules on."""

    job_centre_id: int
    policy: engine.JobCentre
    rule_set: engine.RuleSet
    on: date
    note: str = ""


def ordered_rules(rules: list[ContactRule]) -> list[ContactRule]:
    """Rules in the order the engine checks them; a rule without a position goes to the end,
    as the admin saves it (`RuleSetAdmin.save_formset`)."""
    top = max((r.position for r in rules if r.position is not None), default=0)
    following = (top // 10 + 1) * 10
    placed = []
    for index, rule in enumerate(rules):
        if rule.position is None:  # unsaved: given the position saving would give it
            rule.position, following = following, following + 10
        placed.append((rule.position, rule.pk or 10**12 + index, rule))
    return [rule for _, _, rule in sorted(placed, key=lambda item: item[:2])]


def propose(row: RuleSet, rules: list[ContactRule], *, today: date) -> Proposal:
    """The job centre's policy with `row` (and its `rules`) as given: changed in place when
    `row` is stored (it has a pk), else added; an added rule set continues the one in force on
    its first day, which then ends the day before (as "Fortschreiben" does). Raises
    WhatIfError when the added one would overlap another rule set of the job centre."""
    current = load_policies([row.job_centre_id])[row.job_centre_id]
    proposed = rule_set_from_row(row, ordered_rules(rules))
    others = []
    for rule_set in current.rule_sets:
        if row.pk is not None and rule_set.key == row.pk:
            continue
        if _overlap(rule_set, proposed):
            if row.pk is None and rule_set.valid_from < proposed.valid_from:
                rule_set = replace(rule_set, valid_until=proposed.valid_from - ONE_DAY)
            else:
                raise WhatIfError(
                    f"Der Zeitraum überschneidet sich mit „{rule_set.title}“ "
                    f"({formats.day(rule_set.valid_from)} – "
                    f"{formats.day(rule_set.valid_until) if rule_set.valid_until else 'unbefristet'})."
                )
        others.append(rule_set)
    rule_sets = tuple(sorted([*others, proposed], key=lambda rs: rs.valid_from))
    on, note = effective_day(proposed, today)
    policy = engine.JobCentre(slug=current.slug, name=current.name, calendar=current.calendar, rule_sets=rule_sets)
    return Proposal(job_centre_id=row.job_centre_id, policy=policy, rule_set=proposed, on=on, note=note)


def continuation(rule_set: RuleSet, *, valid_from: date, title: str | None = None, today: date) -> Proposal:
    """A "Fortschreibung" of a stored rule set from `valid_from` with the same rules (as
    `cloning.clone_rule_set` would save it), previewed."""
    if valid_from <= rule_set.valid_from:
        raise WhatIfError(
            "Die neue Version muss nach dem Beginn des bisherigen Konzepts "
            f"({formats.day(rule_set.valid_from)}) beginnen."
        )
    still_in_force = rule_set.valid_until is None or rule_set.valid_until >= valid_from
    copy = RuleSet(
        **{f.attname: getattr(rule_set, f.attname) for f in RuleSet._meta.concrete_fields if not f.primary_key}
    )
    copy.valid_from, copy.valid_until = valid_from, rule_set.valid_until if still_in_force else None
    copy.title = title or rule_set.title
    rules = [
        ContactRule(
            **{f.attname: getattr(r, f.attname) for f in ContactRule._meta.concrete_fields if not f.primary_key}
        )
        for r in rule_set.rules.order_by("position", "id")
    ]
    return propose(copy, rules, today=today)


def effective_day(rule_set: engine.RuleSet, today: date) -> tuple[date, str]:
    """The day the change takes effect: today, or the rule set's first day when it lies ahead.
    A rule set whose validity ended before today changes nothing today: evaluated today."""
    if rule_set.valid_until is not None and rule_set.valid_until < today:
        return today, (
            f"Das Konzept galt nur bis {formats.day(rule_set.valid_until)}: heutige Fälligkeiten ändern sich "
            "dadurch nicht."
        )
    if rule_set.valid_from > today:
        return rule_set.valid_from, (
            f"Das Konzept gilt ab {formats.day(rule_set.valid_from)}: verglichen wird, was an diesem Tag gälte."
        )
    return today, ""


def _overlap(a: engine.RuleSet, b: engine.RuleSet) -> bool:
    a_end = a.valid_until or date.max
    b_end = b.valid_until or date.max
    return a.valid_from <= b_end and b.valid_from <= a_end


# --- As a file, for `manage.py preview_rule_change --rules FILE` ------------------------------


def dump(row: RuleSet, rules: list[ContactRule]) -> str:
    """The proposal in Django's fixture format (as fixtures/rulesets.json): one rule set (with
    its id when it changes a stored one, null when it is new) and its rules."""
    return serializers.serialize("json", [row, *ordered_rules(rules)], indent=2)


def load(text: str) -> tuple[RuleSet, list[ContactRule]]:
    """Read a file written by `dump` (or a hand-made one in the same format) and check it as
    the admin would. Raises WhatIfError with German messages."""
    try:
        objects = [d.object for d in serializers.deserialize("json", text, ignorenonexistent=True)]
    except (serializers.base.DeserializationError, json.JSONDecodeError, ValidationError) as error:
        raise WhatIfError(f"Die Datei lässt sich nicht lesen: {error}") from None
    rule_sets = [o for o in objects if isinstance(o, RuleSet)]
    rules = [o for o in objects if isinstance(o, ContactRule)]
    if len(rule_sets) != 1:
        raise WhatIfError("Die Datei muss genau ein Kontaktdichtekonzept (policies.ruleset) enthalten.")
    row = rule_sets[0]
    if row.pk is not None and not RuleSet.objects.filter(pk=row.pk, job_centre_id=row.job_centre_id).exists():
        raise WhatIfError(f'Ein Konzept Nr. {row.pk} dieses Jobcenters gibt es nicht (für ein neues: "pk": null).')
    messages = []
    try:
        row.full_clean(validate_unique=False)
    except ValidationError as error:
        for field, texts in error.message_dict.items():
            if not (field == "valid_from" and row.pk is None):  # a new version overlaps the one it continues
                messages += [f"Konzept, {field}: {t}" for t in texts]
    for index, rule in enumerate(ordered_rules(rules), start=1):
        try:
            rule.full_clean(exclude=["rule_set"], validate_unique=False)
        except ValidationError as error:
            messages += [f"Regel {index} ({rule.label}), {f}: {t}" for f, ts in error.message_dict.items() for t in ts]
    if messages:
        raise WhatIfError(messages)
    return row, rules
