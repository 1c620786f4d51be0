"""Test oracles for the replay: the definitions of reports/replay.py read the slow, obvious way,
one customer and one month at a time. `replay.tally` must agree with them."""

from collections.abc import Sequence
from datetime import date

from reports.replay import MonthCounts, Obligation


def month_counts(obligations: Sequence[Obligation], first: date, as_of: date) -> MonthCounts:
    """The definitions above for one customer and one month, read up to `as_of` (the month's last
    day, or yesterday in a running month)."""
    counts = MonthCounts()
    overdue = False
    for o in obligations:
        if first <= o.due <= as_of and (o.met_on is None or o.met_on >= first):
            counts.due += 1
            if o.on_time():
                counts.on_time += 1
        if o.met_on is not None and first <= o.met_on <= as_of and o.met_on > o.due:
            counts.late += 1
        if not overdue and o.open_on(as_of):
            overdue = True
    counts.overdue_end = int(overdue)
    return counts
