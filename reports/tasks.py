"""Background tasks of the reports app."""

from __future__ import annotations

from datetime import date, timedelta

from django.core import mail
from django.utils import timezone
from django_tasks import task

from . import reminders, stored


@task()
def send_reminder_mails(url: str = "") -> int:
    """The morning's reminder mails (numbers only, no names); returns how many were sent."""
    result = reminders.build(timezone.localdate(), url=url)
    if not result.messages:
        return 0
    with mail.get_connection() as connection:
        return connection.send_messages(result.messages) or 0


@task()
def store_report_figures(job_centre_id: int | None = None) -> int:
    """Nightly: the month of yesterday's figures for every customer (final on the 1st)."""
    from policies.models import JobCentre

    today = timezone.localdate()
    ids = [job_centre_id] if job_centre_id else list(JobCentre.objects.values_list("pk", flat=True))
    return sum(stored.store_month(pk, today - timedelta(days=1), today) for pk in ids)


@task()
def refresh_customer_figures(job_centre_id: int, customer_id: int, since: str) -> int:
    """After a back-dated change: the customer's stored months from `since` (ISO date) on."""
    return stored.refresh_customer(job_centre_id, customer_id, date.fromisoformat(since), timezone.localdate())
