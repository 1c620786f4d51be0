"""The due status as the database reads it: the one home of what "overdue", "due soon" and
"stale" mean for stored due dates.

A customer row stores the engine's decision: `status_until_due` (an `engine.Status`, never
overdue: a dated status turns overdue on its own once `due_by` has passed) and `due_by`. The
status on a day is derived in SQL from the two, the same rule as `engine.Status.on`, so lists
filter and count through the (job_centre, team|caseworker, due_by) indexes and never decide per
row. `Customer.objects` is a `CustomerQuerySet`: `.overdue(today)`, `.due_soon(today)`,
`.stale(today, version)`, `.with_status(today)`. The `*_q` functions are the same conditions
for counts (`Count(filter=...)`) and for other apps' querysets over customers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When

from policies.engine import DATED, Status

DUE_SOON = timedelta(days=14)
# No rule set in force, no rule matched, or never computed: somebody must look at these.
UNRULED = (Status.NO_RULE, Status.NO_RULE_SET, "")
NOT_COMPUTED = ""  # the stored status of a customer whose due date was never computed


def overdue_q(today: date) -> Q:
    return Q(status_until_due__in=DATED, due_by__lt=today)


def due_soon_q(today: date) -> Q:
    return Q(status_until_due__in=DATED, due_by__gte=today, due_by__lte=today + DUE_SOON)


def open_q(today: date) -> Q:
    return Q(status_until_due=Status.OK, due_by__gte=today)


def suspended_q(today: date) -> Q:
    return Q(status_until_due=Status.SUSPENDED) & (Q(due_by__gte=today) | Q(due_by__isnull=True))


def individual_q(today: date) -> Q:
    return Q(status_until_due=Status.INDIVIDUAL)


def unruled_q(today: date) -> Q:
    return Q(status_until_due__in=UNRULED)


def every_q(today: date) -> Q:
    return Q()


def stale_q(today: date, version: int) -> Q:
    """Stored due dates that may no longer hold: never computed, computed under an older policy
    version (the rules changed since), or their recheck day has come (a birthday, a measure's
    end, the end of a rule set's validity) and the nightly `recompute_due --due-only` has not
    redone them yet. Pages mark these; `stale_reason` says which of the three."""
    return Q(recheck_on__lte=today) | Q(due_computed_on__isnull=True) | ~Q(policy_version=version)


def stale_reason(*, due_computed_on, policy_version, recheck_on, today: date, version: int) -> str:
    """ "" for a stored due date that holds; else "new", "rules" or "recheck" (see `stale_q`)."""
    if due_computed_on is None:
        return "new"
    if policy_version != version:
        return "rules"
    if recheck_on is not None and recheck_on <= today:
        return "recheck"
    return ""


def current_status(today: date) -> Case:
    """The status on `today` as an SQL expression (`engine.Status.on`); "" reads as no rule set."""
    return Case(
        When(overdue_q(today), then=Value(Status.OVERDUE)),
        When(status_until_due=NOT_COMPUTED, then=Value(Status.NO_RULE_SET)),
        default=F("status_until_due"),
        output_field=CharField(),
    )


# The status filter of the lists: GET value -> (label, the customers in that status on `today`).
STATUS_FILTERS: dict[str, tuple[str, Callable[[date], Q]]] = {
    "ueberfaellig": (Status.OVERDUE.label, overdue_q),
    "offen": (Status.OK.label, open_q),
    "ausgesetzt": (Status.SUSPENDED.label, suspended_q),
    "individuell": (Status.INDIVIDUAL.label, individual_q),
    "keine_regel": (Status.NO_RULE.label, unruled_q),
}


class CustomerQuerySet(QuerySet):
    def overdue(self, today: date):
        return self.filter(overdue_q(today))

    def due_soon(self, today: date):
        """Due within the next 14 days (today included), not yet overdue."""
        return self.filter(due_soon_q(today))

    def stale(self, today: date, version: int):
        return self.filter(stale_q(today, version))

    def with_status(self, today: date):
        """Each customer's status on `today` as `current_status`."""
        return self.annotate(current_status=current_status(today))
