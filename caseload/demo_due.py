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

# The stored columns, after the generator's own; dates as day numbers, JSON as tuples, as
# `bulk_write.write_rows` takes them.
DUE_FIELDS = DUE_ATTNAMES
_DAY_COLUMNS = frozenset(
    i for i, name in enumerate(DUE_ATTNAMES) if Customer._meta.get_field(name).get_internal_type() == "DateField"
)
_JSON_COLUMNS = frozenset(
    i for i, name in enumerate(DUE_ATTNAMES) if Customer._meta.get_field(name).get_internal_type() == "JSONField"
)


@functools.cache
def _day(number: int | None) -> date | None:
    return None if number is None else date.fromordinal(number)


def _frozen(value):
    """A JSON value with its lists as tuples (hashable: `write_rows` encodes each once)."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


class DueDates:
    """The stored due columns of a generated customer, from the values the generator writes:
    its row (`fields` names them), its notes, measures and exceptions in the generator's tuples
    (day numbers for dates)."""

    def __init__(self, policy: engine.JobCentre, version: int, today: date, fields: tuple[str, ...]):
        self.policy, self.version, self.today = policy, version, today
        at = {name: i for i, name in enumerate(fields)}
        dated = {f.attname for f in Customer._meta.concrete_fields if f.get_internal_type() == "DateField"}
        # Where each fact sits in the row (None: not generated, the field's default), and whether
        # it is a day.
        self.facts = [(at.get(name), name in dated) for name in Customer.FACT_FIELDS]

    def values(self, row: tuple, notes, measures, suspensions, *, note_at, measure_at, suspension_at) -> tuple:
        """`note_at`: where date, channel and follow-up sit in a note's tuple; `measure_at`:
        start, end, exited; `suspension_at`: start, end, reason."""
        facts = [None if i is None else _day(row[i]) if is_day else row[i] for i, is_day in self.facts]
        day, channel, follow_up = note_at
        # Notes are generated in date order; sorted() keeps the order of a day's notes (their ids').
        contacts = [
            engine.Contact(_day(n[day]), n[channel], _day(n[follow_up])) for n in sorted(notes, key=lambda n: n[day])
        ]
        start, end, exited = measure_at
        measures = [engine.Measure(_day(m[start]), _day(m[end]), _day(m[exited])) for m in measures]
        start, end, reason = suspension_at
        suspensions = [engine.Suspension(_day(s[start]), _day(s[end]), s[reason]) for s in suspensions]
        decision = engine.evaluate(self.policy, facts_from_values(*facts, measures, suspensions), contacts, self.today)
        return tuple(
            value.toordinal()
            if i in _DAY_COLUMNS and value is not None
            else _frozen(value)
            if i in _JSON_COLUMNS
            else value
            for i, value in enumerate(due_values(decision, self.today, self.version))
        )
