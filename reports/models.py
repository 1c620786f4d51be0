"""Report figures stored per customer and month, so that the monthly report reads them with one
aggregation instead of replaying the engine over the team's history on every request.

A row holds what `reports.replay` says of one customer for one month, replayed over the twelve
months that end with it, read up to `as_of` (the month's last day, or yesterday in a running
month): the contacts due, held on time and late, whether the customer was overdue at the end,
and, for a customer registered in that month, the first-contact lead time. `reports.stored`
writes the rows (nightly for the running month, and again for a customer whose history changed
back in time); `reports.figures` reads them and falls back to the replay where rows are missing.
"""

from django.conf import settings
from django.db import models

from caseload.models import Customer, Staff, Team
from policies.models import JobCentre


class CustomerMonth(models.Model):
    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The customer's team, kept with the row so that a team's report reads its rows through an
    # index alone, without joining the customers (at a national job centre's size, the join
    # made the trend read every team's rows). It follows the customer when the customer moves
    # (`reports.apps.follow_assignment`); the report checks its counts and replays when they differ.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", db_index=False)
    # The customer's caseworker, for the same reason: the report's rows per caseworker read it
    # from here (joining the customers cost a primary-key lookup per row). It follows the
    # customer as the team does; gone with the member of staff, as on the customer.
    caseworker = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    month = models.DateField("Monat")  # its first day
    as_of = models.DateField("gelesen bis")
    due = models.PositiveSmallIntegerField(default=0)
    on_time = models.PositiveSmallIntegerField(default=0)
    late = models.PositiveSmallIntegerField(default=0)
    overdue_end = models.BooleanField(default=False)
    new = models.BooleanField(default=False)  # registered in the month
    lead_days = models.PositiveSmallIntegerField(null=True)  # working days to the first contact
    lead_in_target = models.BooleanField(null=True)
    lead_in_max = models.BooleanField(null=True)
    rule_label = models.CharField(max_length=200, blank=True)  # the rule on `as_of`
    rule_code = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = "Berichtszahlen je Kunde und Monat"
        verbose_name_plural = "Berichtszahlen je Kunde und Monat"
        constraints = [
            models.UniqueConstraint(fields=["job_centre", "customer", "month"], name="customer_month_unique"),
        ]
        indexes = [
            # The trend reads twelve months of a team's rows: from the index alone on PostgreSQL
            # (the columns it sums are included).
            models.Index(
                fields=["job_centre", "team", "month"],
                include=["as_of", "due", "on_time", "late", "overdue_end"],
                name="customer_month_by_team",
            )
        ]

    def __str__(self):
        return f"{self.customer_id} {self.month:%m/%Y}"


class WalkInMonth(models.Model):
    """The walk-ins (unterminierte Vorsprachen) of one customer in one month, per user who wrote
    the notes, read up to `as_of` as the `CustomerMonth` row beside it: the monthly report counts
    walk-ins per writer, not per customer's caseworker, so they do not fit that row. Written and
    deleted with it (`reports.stored`), so a month whose `CustomerMonth` rows are complete has
    these complete too; the team follows the customer (`reports.apps.follow_assignment`)."""

    job_centre = models.ForeignKey(JobCentre, on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", db_index=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", db_index=False)
    # The notes' writer (`ContactNote.caseworker`, a user), whom the report's rows count them for.
    writer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    month = models.DateField("Monat")  # its first day
    as_of = models.DateField("gelesen bis")
    walk_ins = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "unterminierte Vorsprachen je Kunde und Monat"
        verbose_name_plural = "unterminierte Vorsprachen je Kunde und Monat"
        constraints = [
            models.UniqueConstraint(fields=["job_centre", "customer", "month", "writer"], name="walk_in_month_unique"),
            models.CheckConstraint(condition=models.Q(walk_ins__gt=0), name="walk_in_month_counts_some"),
        ]
        indexes = [
            # A team's month, read from the index alone on PostgreSQL.
            models.Index(
                fields=["job_centre", "team", "month"],
                include=["as_of", "writer", "walk_ins"],
                name="walk_in_month_by_team",
            )
        ]

    def __str__(self):
        return f"{self.customer_id} {self.month:%m/%Y}: {self.walk_ins}"
