"""Statements kept per process (kontaktdichte.statements): the same rows and figures as the ORM's,
always current, one statement built per key."""

from datetime import timedelta

import pytest
from django.db.models import Count

from caseload import selectors, services
from caseload.models import Customer
from kontaktdichte import statements
from policies.signals import bump_policy_version

from .factories import CASELOAD_DAY, caseload_a, overdue_customer, world  # noqa: F401

TODAY = CASELOAD_DAY


@pytest.fixture
def caseload(world, caseload_a):
    """caseload_a, and an overdue customer of team A without a caseworker: six in team A."""
    overdue_customer(world.team_a, None, today=TODAY)


@pytest.mark.parametrize("scope", [selectors.MINE, selectors.TEAM])
@pytest.mark.parametrize("days", [0, 5, 40, -30])
def test_section_counts_of_a_caseload_equal_the_orms(world, caseload, scope, days, django_assert_num_queries):
    day, version = TODAY + timedelta(days=days), world.coburg.policy_version
    expected = selectors.section_counts(selectors.caseload(world.alice, scope), day, version)
    assert expected["alle"] > 0
    for _ in range(2):  # built, then kept
        with django_assert_num_queries(1):
            assert selectors.caseload_section_counts(world.alice, scope, day, version) == expected


def test_they_mark_stale_due_dates_under_a_new_rule_version(world, caseload):
    old = world.coburg.policy_version
    assert selectors.caseload_section_counts(world.alice, selectors.TEAM, TODAY, old)["stale"] == 0
    bump_policy_version(world.coburg.pk)
    world.coburg.refresh_from_db()
    counts = selectors.caseload_section_counts(world.alice, selectors.TEAM, TODAY, world.coburg.policy_version)
    assert counts["stale"] == counts["alle"] == 6


def test_the_team_lists_figures_equal_the_orms(world, caseload, django_assert_num_queries):
    version = world.coburg.policy_version
    summary = selectors.team_overdue_summary(selectors.team_overdue(world.bob, TODAY), TODAY, version)
    tasks = selectors.team_overdue_tasks(world.bob, TODAY).count()
    assert summary == {"total": 3, "stale": 0, "unassigned": 1}
    for _ in range(2):
        with django_assert_num_queries(2):
            assert selectors.team_overdue_figures(world.bob, TODAY, version) == {**summary, "tasks": tasks}


def test_only_the_statement_is_kept_never_a_figure(world, caseload):
    version = world.coburg.policy_version
    before = selectors.caseload_section_counts(world.alice, selectors.MINE, TODAY, version)
    customer = overdue_customer(world.team_a, world.alice, today=TODAY)
    after = selectors.caseload_section_counts(world.alice, selectors.MINE, TODAY, version)
    assert after["ueberfaellig"] == before["ueberfaellig"] + 1 and after["alle"] == before["alle"] + 1
    services.close_case(customer=customer, by=world.alice.user, on=TODAY, today=TODAY)
    assert selectors.caseload_section_counts(world.alice, selectors.MINE, TODAY, version) == before


def test_a_statement_is_built_once_per_key(world, caseload, django_assert_num_queries):
    built = []

    def build(team):
        built.append(team)
        return Customer.objects.filter(job_centre_id=world.coburg.pk, team_id=team.pk), {"n": Count("pk")}

    assert statements.counts(Customer, ("test", world.team_a.pk), lambda: build(world.team_a)) == {"n": 6}
    assert statements.counts(Customer, ("test", world.team_a.pk), lambda: build(world.team_a)) == {"n": 6}
    assert statements.counts(Customer, ("test", world.team_b.pk), lambda: build(world.team_b)) == {"n": 1}
    assert built == [world.team_a, world.team_b]


def test_no_matching_row_counts_zero_and_an_empty_queryset_runs_nothing(world, django_assert_num_queries):
    none_there = Customer.objects.filter(job_centre_id=world.coburg.pk, team_id=world.team_a.pk)
    counted = statements.counts(Customer, ("test empty", world.team_a.pk), lambda: (none_there, {"n": Count("pk")}))
    assert counted == {"n": 0}
    with django_assert_num_queries(0):
        assert statements.counts(Customer, ("test none",), lambda: (Customer.objects.none(), {"n": Count("pk")})) == {}
        assert statements.rows(Customer, ("test none",), lambda: Customer.objects.none().values_list("pk")) == []


def test_kept_rows_are_the_querysets_rows_and_always_current(world, caseload, django_assert_num_queries):
    def numbers():
        return Customer.objects.filter(job_centre_id=world.coburg.pk, team_id=world.team_a.pk).order_by("number")

    key = ("test numbers", world.team_a.pk)
    assert statements.rows(Customer, key, lambda: numbers().values_list("number", "caseworker_id")) == list(
        numbers().values_list("number", "caseworker_id")
    )
    added = overdue_customer(world.team_a, world.bob, today=TODAY)
    with django_assert_num_queries(1):
        kept = statements.rows(Customer, key, lambda: numbers().values_list("number", "caseworker_id"))
    assert (added.number, world.bob.pk) in kept and len(kept) == 7


def test_it_starts_over_when_full(world, caseload, monkeypatch):
    monkeypatch.setattr(statements, "MAX_KEPT", 2)
    monkeypatch.setattr(statements, "_kept", {})
    for team in (world.team_a, world.team_b, world.team_a):
        query = Customer.objects.filter(job_centre_id=team.job_centre_id, team_id=team.pk)
        statements.counts(Customer, ("full", team.pk, TODAY), lambda query=query: (query, {"n": Count("pk")}))
    assert len(statements._kept) <= 2


def test_a_statement_is_kept_per_database(world, caseload, monkeypatch):
    """The same key read from the replica (`@replica_reads`) is another statement: kept apart,
    and compiled for that database."""
    compiled_for = []
    real = statements.router.db_for_read
    monkeypatch.setattr(statements.router, "db_for_read", lambda model: compiled_for.append(real(model)) or real(model))
    query = Customer.objects.filter(job_centre_id=world.coburg.pk, team_id=world.team_a.pk)
    statements.counts(Customer, ("per database",), lambda: (query, {"n": Count("pk")}))
    assert compiled_for == ["default"]
    assert ("default", ("counts", ("per database",))) in statements._kept
