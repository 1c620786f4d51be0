"""A change to the rules brings the stored due dates up to date, or says it hasn't yet."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from caseload.models import Customer
from policies.models import ClosingDay, ContactRule, JobCentre, RuleSet

from ..policies.test_admin import form_data
from .factories import make_staff, overdue_customer, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def version(job_centre):
    return JobCentre.objects.values_list("policy_version", flat=True).get(pk=job_centre.pk)


def two_month_rule(job_centre):
    rule_set = RuleSet.objects.get(job_centre=job_centre)
    return rule_set, rule_set.rules.get(code="2MM")


def post_new_deadline(client, rule_set, rule, months):
    url = reverse("admin:policies_ruleset_change", args=[rule_set.pk])
    data = form_data(client.get(url))
    prefix = next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.startswith("rules-") and key.endswith("-id") and value == str(rule.pk)
    )
    data[f"{prefix}-deadline_amount"] = str(months)
    return client.post(url, data)


def test_saving_a_rule_in_the_admin_recomputes_the_job_centres_due_dates(
    client, world, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    customer = overdue_customer(world.team_a, world.alice)
    assert customer.due_code == "2MM" and customer.due_by < today
    rule_set, rule = two_month_rule(world.coburg)
    before = version(world.coburg)
    client.force_login(world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_new_deadline(client, rule_set, rule, 6)

    assert response.status_code == 302
    assert version(world.coburg) > before
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.policy_version == version(world.coburg)
    assert stored.due_by == customer.registered_on + relativedelta(months=6)
    assert stored.due_by > today
    assert any("Fälligkeiten neu berechnet" in str(m) for m in get_messages(response.wsgi_request))


def test_with_a_task_worker_the_recompute_is_queued_and_pages_mark_the_due_dates_meanwhile(
    client, world, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    customer = overdue_customer(world.team_a, world.alice)
    rule_set, rule = two_month_rule(world.coburg)
    client.force_login(world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_new_deadline(client, rule_set, rule, 6)

    stored = Customer.objects.get(pk=customer.pk)
    assert stored.due_by == customer.due_by  # not recomputed in the request ...
    assert stored.policy_version < version(world.coburg)  # ... and known to be stale
    assert any("im Hintergrund neu berechnet" in str(m) for m in get_messages(response.wsgi_request))
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "caseload.tasks.recompute_job_centre" and queued.args_kwargs["args"] == [world.coburg.pk]
    # The customer page says so.
    client.force_login(world.alice.user)
    assert "Regeln wurden geändert" in client.get(reverse("customer", args=[customer.pk])).text

    # The worker runs it. It closes "old" connections between tasks, which inside the test's
    # transaction would close the test's own connection on PostgreSQL: keep it open here.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert Customer.objects.get(pk=customer.pk).policy_version == version(world.coburg)


def test_other_job_centres_keep_their_version(client, world, django_capture_on_commit_callbacks):
    weimar = version(world.weimar)
    rule_set, rule = two_month_rule(world.coburg)
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        post_new_deadline(client, rule_set, rule, 6)
    assert version(world.weimar) == weimar


@pytest.mark.parametrize("change", ["add closing day", "delete rule", "edit rule set"])
def test_any_change_outside_the_admin_marks_the_due_dates_stale(world, change):
    before = version(world.coburg)
    rule_set, rule = two_month_rule(world.coburg)
    if change == "add closing day":
        ClosingDay.objects.create(job_centre=world.coburg, date=date(2026, 12, 24), label="Heiligabend")
    elif change == "delete rule":
        ContactRule.objects.get(pk=rule.pk).delete()
    else:
        rule_set.follow_up_required = not rule_set.follow_up_required
        rule_set.save()
    assert version(world.coburg) > before


def test_loading_the_fixture_is_not_a_change(world):
    before = version(world.coburg)
    call_command("loaddata", "rulesets", verbosity=0)
    assert version(world.coburg) == before
