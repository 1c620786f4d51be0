"""The stored next task's day (`Customer.next_task_on`, issue 15): the lists' "Aufgaben" read one
indexed column instead of testing each customer's activities and flags. It must select exactly
the customers the tasks of each kind select, and stay right after every write that changes a
task."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from caseload import activities, open_tasks, recompute, services
from caseload.models import Customer, FollowUpActivity

from .factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 10)
# Days the lists may be read on: before, on and after each task's day in the world below.
READ_ON = [
    TODAY,
    date(2026, 3, 15),
    date(2026, 3, 21),
    date(2026, 4, 2),
    date(2026, 8, 20),
    date(2026, 9, 3),
    date(2026, 10, 1),
]


def note(customer, by, day=TODAY, **kwargs):
    kwargs.setdefault("channel", "in_person")
    kwargs.setdefault("summary", "Gespräch")
    return services.record_contact(customer=customer, by=by, date=day, today=TODAY, **kwargs)[0]


def expected(customer: Customer):
    """The next task's day from where each kind is kept, read afresh."""
    customer = Customer.objects.get(pk=customer.pk)
    return open_tasks.next_task_day(
        customer.due_tasks_since, customer.cooperation_plan_on, open_tasks.earliest_activity(customer)
    )


def assert_stored_right():
    for customer in Customer.objects.all():
        assert customer.next_task_on == expected(customer), customer.number


def by_kinds(today, *, overdue):
    """The customers with a task, as the kinds' own conditions select them (no stored day)."""
    q = Q()
    for kind in open_tasks.KINDS:
        q |= open_tasks.kind_q(kind, today, overdue=overdue)
    return set(Customer.objects.filter(q).values_list("number", flat=True))


def by_column(q):
    return set(Customer.objects.filter(q).values_list("number", flat=True))


@pytest.fixture
def tasks(world):
    """Customers with each kind of task, one with two, one with none."""
    alice, dave = world.alice, world.dave
    made = {
        "activities": make_customer(world.team_a, caseworker=alice, today=TODAY),
        "profiling": make_customer(
            world.team_a, caseworker=alice, today=TODAY,
            registered_on=date(2025, 6, 1), profile_since=date(2025, 8, 1),
        ),
        "ags": make_customer(world.weimar_team, caseworker=dave, today=TODAY),
        "plan": make_customer(world.team_a, caseworker=alice, today=TODAY),
        "plan_and_activity": make_customer(world.team_a, caseworker=alice, today=TODAY),
        "none": make_customer(world.team_a, caseworker=alice, today=TODAY),
    }  # fmt: skip
    note(made["activities"], alice.user, activities=[(date(2026, 3, 20), "Nachweise"), (date(2026, 4, 1), "Kurs")])
    services.add_measure(
        customer=made["ags"], title="Bewerbungstraining", start=date(2026, 1, 5), end=date(2026, 3, 31), today=TODAY
    )
    note(made["plan"], alice.user, day=date(2026, 3, 2), plan_updated=True)
    note(made["plan_and_activity"], alice.user, plan_updated=True, activities=[(date(2026, 9, 30), "Praktikum")])
    return made


def test_the_stored_day_selects_what_the_kinds_select_on_every_day(tasks):
    stored = dict(Customer.objects.values_list("number", "next_task_on"))
    assert stored[tasks["activities"].number] == date(2026, 3, 20)
    assert stored[tasks["profiling"].number] == date(2026, 2, 1)
    assert stored[tasks["ags"].number] == date(2026, 2, 28)
    assert stored[tasks["plan"].number] == date(2026, 9, 2)
    assert stored[tasks["plan_and_activity"].number] == date(2026, 9, 10)  # the plan's review comes first
    assert stored[tasks["none"].number] is None
    for day in READ_ON:
        assert by_column(open_tasks.tasks_due_q(day)) == by_kinds(day, overdue=False), day
        assert by_column(open_tasks.tasks_overdue_q(day)) == by_kinds(day, overdue=True), day
    assert by_kinds(date(2026, 10, 1), overdue=True) == set(stored) - {tasks["none"].number}


def test_every_write_that_changes_a_task_writes_the_day(world, tasks):
    alice = world.alice
    customer = tasks["activities"]
    first, second = FollowUpActivity.objects.filter(customer=customer).order_by("due_on")
    first.customer = customer
    activities.complete_activity(activity=first, by=alice.user)
    assert Customer.objects.get(pk=customer.pk).next_task_on == date(2026, 4, 1)
    later = note(customer, alice.user, follow_ups={second.pk: (activities.CARRY, date(2026, 5, 4))})
    assert Customer.objects.get(pk=customer.pk).next_task_on == date(2026, 5, 4)
    activities.delete_contact_note(customer=customer, note_id=later.pk, by=alice.user, today=TODAY)
    assert Customer.objects.get(pk=customer.pk).next_task_on == date(2026, 4, 1)  # open again

    plan = tasks["plan"]
    services.update_customer(customer=plan, changes={"cooperation_plan_on": date(2026, 1, 15)}, today=TODAY)
    assert Customer.objects.get(pk=plan.pk).next_task_on == date(2026, 7, 15)
    services.update_customer(customer=plan, changes={"cooperation_plan_on": None}, today=TODAY)
    assert Customer.objects.get(pk=plan.pk).next_task_on is None

    profiling = tasks["profiling"]
    note(profiling, alice.user, profiling_reviewed=True)
    assert Customer.objects.get(pk=profiling.pk).next_task_on is None
    assert_stored_right()


def test_the_bulk_recompute_writes_the_day_and_the_migration_fills_it(tasks):
    Customer.objects.update(next_task_on=date(2000, 1, 1))
    recompute.recompute(today=TODAY)
    assert_stored_right()

    Customer.objects.update(next_task_on=None)
    migration = importlib.import_module("caseload.migrations.0016_next_task_day")
    migration.fill_next_task_on(django_apps, None)
    assert_stored_right()
    assert Customer.objects.exclude(next_task_on=None).count() == 5


def test_the_day_is_the_earliest_of_the_three():
    day = date(2026, 3, 1)
    assert open_tasks.next_task_day(None, None, None) is None
    assert open_tasks.next_task_day(day, None, None) == day
    assert open_tasks.next_task_day(None, date(2025, 8, 31), None) == date(2026, 2, 28)  # six months, month end
    assert open_tasks.next_task_day(day, date(2025, 8, 31), day + timedelta(days=1)) == date(2026, 2, 28)
    assert open_tasks.next_task_day(day, None, day - timedelta(days=1)) == day - timedelta(days=1)


def test_the_customer_page_reads_activities_only_for_a_customer_with_a_task(client, world, tasks):
    client.force_login(world.alice.user)
    with_task, without = tasks["activities"], tasks["none"]

    def activity_reads(customer):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/kunden/{customer.pk}/")
        assert page.status_code == 200
        return page, sum("caseload_followupactivity" in q["sql"] for q in queries.captured_queries)

    page, reads = activity_reads(with_task)
    assert reads == 2 and "Nachweise" in page.content.decode()  # the notes' activities; the open ones
    page, reads = activity_reads(without)
    assert reads == 0 and "Keine offenen Aufgaben." in page.content.decode()
