"""Background tasks of the reports app."""

from __future__ import annotations

from django.core import mail
from django.utils import timezone
from django_tasks import task

from . import reminders


@task()
def send_reminder_mails(url: str = "") -> int:
    """The morning's reminder mails (numbers only, no names); returns how many were sent."""
    result = reminders.build(timezone.localdate(), url=url)
    if not result.messages:
        return 0
    with mail.get_connection() as connection:
        return connection.send_messages(result.messages) or 0
