"""Stored report figures (`reports.stored`): the monthly report read from them says exactly what
the replay says, for generated caseloads, and they follow back-dated changes."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from caseload import duedates, services
from caseload.models import Customer, Staff, Team
from kontaktdichte.dates import add_months
from reports import figures, stored
from reports.models import CustomerMonth, WalkInMonth
from reports.tasks import store_report_figures

TODAY = timezone.localdate()
THIS_MONTH = (TODAY - timedelta(days=1)).replace(day=1)
LAST_MONTH = add_months(THIS_MONTH, -1)


@pytest.fixture
def caseload(rulesets):
    duedates._policy_cache.clear()
    call_command("generate_caseload", customers=240, seed=11, today=TODAY.isoformat())
    yield
    duedates._policy_cache.clear()


def store_trend(months=13):
    """Every month a report of this or last month reads (its trend reaches back eleven more)."""
    call_command("store_report_figures", months=months, today=TODAY.isoformat())


def snapshot(report):
    return (
        [(r.name, r.values()) for r in report.rows],
        [(p.month, p.counts) for p in report.trend],
        report.by_rule,
    )


def reports(month):
    teams = Team.objects.select_related("job_centre").order_by("pk")
    return {team.pk: snapshot(figures.monthly_report(team, month, TODAY)) for team in teams}


def replayed_only():
    return mock.patch.object(figures, "_stored_figures", return_value=None)


def stored_only():
    return mock.patch.object(figures, "_replayed_figures", side_effect=AssertionError("replayed"))


def assert_stored_reports_equal_the_replay(month):
    with replayed_only():
        expected = reports(month)
    with stored_only():
        actual = reports(month)
    assert actual == expected


def stored_caseworkers(customer):
    return set(CustomerMonth.objects.filter(customer=customer).values_list("caseworker_id", flat=True))


@pytest.mark.parametrize("month", [LAST_MONTH, THIS_MONTH], ids=["finished month", "running month"])
def test_the_report_from_stored_figures_equals_the_replay(caseload, month):
    with replayed_only():
        expected = reports(month)
    store_trend()
    with stored_only():
        actual = reports(month)
    assert len(expected) >= 4
    assert sum(rows[0][1][1] for rows, _, _ in expected.values()) > 100  # customers in the reports
    assert any(trend[-1][1].due for _, trend, _ in expected.values())  # contacts fell due
    walk_ins = figures.COLUMN_KEYS.index("walk_ins")
    assert sum(rows[0][1][walk_ins] for rows, _, _ in expected.values()) > 0  # the walk-ins read from storage
    assert actual == expected


def test_stored_figures_follow_a_customer_who_moves_to_another_team(caseload):
    """The rows carry the customer's team (the report reads them by team, without a join): a
    move takes them along, and both teams' reports still read exactly what the replay says."""
    store_trend()
    walked_in = WalkInMonth.objects.values("customer_id")
    customer = Customer.objects.filter(registered_on__lte=LAST_MONTH, pk__in=walked_in).order_by("pk").first()
    other = Team.objects.filter(job_centre_id=customer.job_centre_id).exclude(pk=customer.team_id).first()
    assert CustomerMonth.objects.filter(customer=customer).count() >= 2
    services.update_customer(customer=customer, changes={"team": other, "caseworker": None}, today=TODAY)
    assert set(CustomerMonth.objects.filter(customer=customer).values_list("team_id", flat=True)) == {other.pk}
    assert set(WalkInMonth.objects.filter(customer=customer).values_list("team_id", flat=True)) == {other.pk}
    assert_stored_reports_equal_the_replay(THIS_MONTH)


def test_stored_figures_follow_a_customer_given_to_another_caseworker(caseload):
    """The rows carry the customer's caseworker too (the rows per caseworker read it without a
    join): a new caseworker in the same team, and none, take them along."""
    store_trend()
    customer = Customer.objects.filter(registered_on__lte=LAST_MONTH, caseworker__isnull=False).order_by("pk").first()
    other = Staff.objects.create(
        user=get_user_model().objects.create_user("neue-fachkraft"),
        job_centre_id=customer.job_centre_id,
        team_id=customer.team_id,
        role=Staff.CASEWORKER,
    )
    assert stored_caseworkers(customer) == {customer.caseworker_id}
    services.update_customer(customer=customer, changes={"caseworker": other}, today=TODAY)
    assert stored_caseworkers(customer) == {other.pk}
    assert_stored_reports_equal_the_replay(THIS_MONTH)
    services.update_customer(customer=customer, changes={"caseworker": None}, today=TODAY)
    assert stored_caseworkers(customer) == {None}


def test_a_report_replays_while_its_months_are_not_all_stored(caseload):
    call_command("store_report_figures", months=1, today=TODAY.isoformat())  # no trend yet
    team = Team.objects.select_related("job_centre").filter(customers__isnull=False).first()
    with mock.patch.object(figures, "_replayed_figures", wraps=figures._replayed_figures) as replayed:
        figures.monthly_report(team, THIS_MONTH, TODAY)
    assert replayed.called
    store_trend()
    customer = Customer.objects.filter(team=team, registered_on__lte=LAST_MONTH).first()
    CustomerMonth.objects.filter(customer=customer, month=LAST_MONTH).delete()
    with mock.patch.object(figures, "_replayed_figures", wraps=figures._replayed_figures) as replayed:
        figures.monthly_report(team, THIS_MONTH, TODAY)
    assert replayed.called  # one customer's month is missing


def test_a_back_dated_note_writes_the_stored_months_again(caseload, django_capture_on_commit_callbacks):
    store_trend()
    customer = (
        # Overdue at the end of last month; not Weimarer Land, where a note without its
        # checklist is no qualified contact.
        Customer.objects.filter(registered_on__lt=LAST_MONTH, due_by__lt=THIS_MONTH - timedelta(days=2))
        .exclude(job_centre__slug="weimarer-land")
        .order_by("pk")
        .select_related("team__job_centre", "caseworker__user")
        .first()
    )
    assert customer is not None
    before = CustomerMonth.objects.get(customer=customer, month=LAST_MONTH)
    assert before.overdue_end
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.record_contact(
            customer=customer,
            by=customer.caseworker.user,
            date=max(LAST_MONTH, customer.due_by) + timedelta(days=1),  # late, in last month
            channel="in_person",
            summary="Nachgetragen",
            today=TODAY,
        )
    assert len(callbacks) == 1
    after = CustomerMonth.objects.get(customer=customer, month=LAST_MONTH)
    assert not after.overdue_end and after.late + after.on_time >= 1
    with replayed_only():
        expected = snapshot(figures.monthly_report(customer.team, LAST_MONTH, TODAY))
    with stored_only():
        assert snapshot(figures.monthly_report(customer.team, LAST_MONTH, TODAY)) == expected


def test_a_note_of_today_leaves_the_stored_months_alone(caseload, django_capture_on_commit_callbacks):
    customer = Customer.objects.filter(job_centre__slug="coburg-land").select_related("caseworker__user").first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.record_contact(
            customer=customer,
            by=customer.caseworker.user,
            date=TODAY,
            channel="in_person",
            summary="Heute",
            today=TODAY,
        )
    assert callbacks == []


def test_the_nightly_task_stores_the_month_of_yesterday(caseload):
    written = store_report_figures.enqueue().return_value
    today = timezone.localdate()  # the task's own today (the module's may be yesterday's at midnight)
    yesterday = today - timedelta(days=1)
    expected = Customer.objects.filter(registered_on__lte=yesterday).count()
    assert written == expected == CustomerMonth.objects.filter(month=yesterday.replace(day=1)).count()
    assert set(CustomerMonth.objects.values_list("as_of", flat=True)) == {
        stored.as_of_for(yesterday.replace(day=1), today)
    }


def test_the_command_refuses_odd_month_counts(rulesets):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--months"):
        call_command("store_report_figures", months=0)


def test_a_back_dated_walk_in_by_a_colleague_of_another_team_is_stored_for_the_writer(
    caseload, django_capture_on_commit_callbacks
):
    """Walk-ins count for whoever wrote the note: stored per writer, the team counts one written
    by a colleague from elsewhere, and the report from storage still equals the replay."""
    store_trend()
    customer = (
        Customer.objects.filter(registered_on__lt=LAST_MONTH, job_centre__slug="moenchengladbach")
        .select_related("team__job_centre")
        .order_by("pk")
        .first()
    )
    colleague = Staff.objects.filter(job_centre_id=customer.job_centre_id).exclude(team=customer.team).first()
    day = LAST_MONTH + timedelta(days=3)
    before = WalkInMonth.objects.filter(customer=customer, month=LAST_MONTH, writer=colleague.user).count()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_contact(
            customer=customer,
            by=colleague.user,
            date=day,
            channel="in_person",
            walk_in=True,
            summary="Kam ohne Termin",
            today=TODAY,
        )
    stored_row = WalkInMonth.objects.get(customer=customer, month=LAST_MONTH, writer=colleague.user)
    assert (before, stored_row.walk_ins, stored_row.team_id) == (0, 1, customer.team_id)
    with replayed_only():
        expected = figures.monthly_report(customer.team, LAST_MONTH, TODAY)
    with stored_only():
        actual = figures.monthly_report(customer.team, LAST_MONTH, TODAY)
    assert snapshot(actual) == snapshot(expected)
    assert actual.rows[0].walk_ins == expected.rows[0].walk_ins >= 1


def test_the_migration_stores_the_walk_ins_of_months_stored_before_it(caseload):
    """Figures stored before walk-ins were: the migration that adds them counts them for every
    stored month, exactly as storing the month again does."""
    from importlib import import_module

    from django.apps import apps

    store_trend(months=2)
    fields = ("job_centre_id", "customer_id", "team_id", "writer_id", "month", "as_of", "walk_ins")
    written = sorted(WalkInMonth.objects.values_list(*fields))
    assert len(written) > 10
    WalkInMonth.objects.all().delete()
    migration = import_module("reports.migrations.0005_walk_in_month")
    migration.store_walk_ins_of_stored_months(apps, None)
    assert sorted(WalkInMonth.objects.values_list(*fields)) == written
