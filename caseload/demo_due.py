"""Due dates for generated customers, computed while they are generated.

The generator holds every fact the engine reads (the customer's row, measures, exceptions and
contact notes), so it asks the engine there and writes the stored columns with the rows, instead
of a bulk recompute reading the million rows back afterwards (which took about as long as
writing them). The values are those `recompute` and `duedates.refresh_due_date` store: tests
recompute a generated caseload and find nothing to change (tests/caseload/test_demo.py).
"""

from __future__ import annotations

import functools
from datetime import date

from policies import engine

from .duedates import DUE_ATTNAMES, due_values, facts_from_values
from .models import Customer

# Where the JSON columns sit among the stored ones: `bulk_write.write_rows` takes JSON as tuples.
_JSON_COLUMNS = frozenset(
    i for i, name in enumerate(DUE_ATTNAMES) if Customer._meta.get_field(name).get_internal_type() == "JSONField"
)
_DATE_FIELDS = frozenset(f.attname for f in Customer._meta.concrete_fields if f.get_internal_type() == "DateField")


@functools.cache
def _day(number: int | None) -> date | None:
    return None if number is None else date.fromordinal(number)


def _frozen(value):
    """A JSON value with its lists as tuples (hashable: `write_rows` encodes each once)."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


class DueDates:
    """The stored due columns (`DUE_ATTNAMES`) of generated customers, from the tuples the
    generator writes (day numbers for dates): a customer's row, notes, measures and exceptions,
    whose fields the constructor is given by name."""

    def __init__(self, policy: engine.JobCentre, version: int, today: date, *, row, note, measure, suspension):
        self.policy, self.version, self.today = policy, version, today
        at = {name: i for i, name in enumerate(row)}
        # Where each fact sits in the row (None: not generated, the field's default), and whether
        # it is a day.
        self.facts = [(at.get(name), name in _DATE_FIELDS) for name in Customer.FACT_FIELDS]
        self.note = [note.index(f) for f in ("date", "channel", "follow_up_on")]
        self.measure = [measure.index(f) for f in ("start", "end", "exited_on")]
        self.suspension = [suspension.index(f) for f in ("start", "end", "reason")]

    def values(self, row: tuple, notes, measures, suspensions) -> tuple:
        facts = [None if i is None else _day(row[i]) if is_day else row[i] for i, is_day in self.facts]
        day, channel, follow_up = self.note
        # Notes are generated in date order; sorted() keeps the order of a day's notes (their ids').
        contacts = [
            engine.Contact(_day(n[day]), n[channel], _day(n[follow_up])) for n in sorted(notes, key=lambda n: n[day])
        ]
        start, end, exited = self.measure
        measures = [engine.Measure(_day(m[start]), _day(m[end]), _day(m[exited])) for m in measures]
        start, end, reason = self.suspension
        suspensions = [engine.Suspension(_day(s[start]), _day(s[end]), s[reason]) for s in suspensions]
        decision = engine.evaluate(self.policy, facts_from_values(*facts, measures, suspensions), contacts, self.today)
        # Generated customers have neither a plan's date nor agreed activities: no task day of
        # their own beside the decision's (a recompute of a generated caseload changes nothing).
        values = due_values(decision, self.today, self.version, None, None)
        return tuple(_frozen(v) if i in _JSON_COLUMNS else v for i, v in enumerate(values))
