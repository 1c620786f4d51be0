"""The scheduled background tasks, queued by `manage.py enqueue` (run at once in tests)."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from caseload.models import Customer
from policies.signals import bump_policy_version

from ..caseload.factories import overdue_customer, world  # noqa: F401


def test_the_nightly_tasks_recompute_stale_due_dates(world):
    customer = overdue_customer(world.team_a, world.alice)
    bump_policy_version(world.coburg.pk)
    out = io.StringIO()
    call_command("enqueue", "nightly", stdout=out)
    assert "recheck_due_dates: SUCCESSFUL" in out.getvalue() and "apply_retention: SUCCESSFUL" in out.getvalue()
    world.coburg.refresh_from_db()
    assert Customer.objects.get(pk=customer.pk).policy_version == world.coburg.policy_version


def test_the_reminder_task_sends_the_mails(world, mailoutbox):
    world.alice.user.email = "alice@jobcenter.example"
    world.alice.user.save()
    overdue_customer(world.team_a, world.alice, today=timezone.localdate() - timedelta(days=0))
    out = io.StringIO()
    call_command("enqueue", "reminders", url="https://kontaktdichte.example/", stdout=out)
    assert "send_reminder_mails: SUCCESSFUL" in out.getvalue()
    assert [m.to for m in mailoutbox] == [["alice@jobcenter.example"]]
