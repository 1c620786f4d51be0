"""A list's rows with their statement kept (caseload.tables.KeptRows): for every sort and page the
rows the ORM's queryset gives, typed alike, always current."""

import pytest

from caseload import selectors
from caseload.models import Customer
from caseload.tables import KeptRows, TeamOverdueTable, WorklistTable

from .factories import CASELOAD_DAY, caseload_a, make_customer, overdue_customer, world  # noqa: F401

TODAY = CASELOAD_DAY
WINDOWS = [(0, 2), (2, 4), (1, 7), (5, 25)]


@pytest.fixture
def caseload(world, caseload_a):
    """caseload_a, and in team A three more overdue customers, one without a caseworker."""
    for caseworker in (world.alice, world.bob, None):
        overdue_customer(world.team_a, caseworker, today=TODAY)


def _tables(table_class, queryset, key, **kwargs):
    """The table over the queryset, and over the same rows kept."""
    count = queryset.count()
    kept = KeptRows(Customer, key, lambda: queryset, count=count)
    return table_class(queryset, **kwargs), table_class(kept, **kwargs), count


@pytest.mark.parametrize(
    "sort", [None, "number", "-due_by", "name", "-caseworker", "next_appointment", "-current_status"]
)
def test_the_worklists_rows_are_the_querysets_for_every_sort_and_page(world, caseload, sort):
    section = selectors.SECTION_BY_KEY["alle"]
    queryset = selectors.worklist_rows(selectors.caseload(world.bob, selectors.TEAM), section, TODAY)
    by_orm, kept, count = _tables(
        WorklistTable, queryset, ("test worklist", sort), today=TODAY, policy_version=world.coburg.policy_version
    )
    assert count == 8
    if sort:
        by_orm.order_by = kept.order_by = sort
    for start, stop in WINDOWS:
        expected = list(by_orm.data[start:stop])
        assert expected and kept.data[start:stop] == expected
        for row, orms in zip(kept.data[start:stop], expected, strict=True):  # dates as dates on SQLite too
            assert {key: type(value) for key, value in row.items()} == {key: type(v) for key, v in orms.items()}
    assert list(kept.data) == list(by_orm.data)


@pytest.mark.parametrize("sort", [None, "caseworker", "-days_overdue", "number", "-due_by"])
def test_the_team_lists_rows_are_the_querysets_for_every_sort_and_page(world, caseload, sort):
    queryset = selectors.team_overdue_rows(selectors.team_overdue(world.bob, TODAY))
    by_orm, kept, count = _tables(
        TeamOverdueTable, queryset, ("test team", sort), today=TODAY, policy_version=world.coburg.policy_version
    )
    assert count == 5
    assert kept.order_by == by_orm.order_by == ("due_by",)  # marked sorted in the header by default
    if sort:
        by_orm.order_by = kept.order_by = sort
    for start, stop in WINDOWS:
        expected = list(by_orm.data[start:stop])
        assert kept.data[start:stop] == expected


def test_kept_rows_are_read_afresh_and_the_statement_built_once(world, caseload, django_assert_num_queries):
    section = selectors.SECTION_BY_KEY["alle"]
    built = []

    def build():
        built.append(1)
        return selectors.worklist_rows(selectors.caseload(world.alice, selectors.MINE), section, TODAY)

    def rows():
        table = WorklistTable(
            KeptRows(Customer, ("test afresh",), build, count=10),
            today=TODAY,
            policy_version=world.coburg.policy_version,
        )
        table.order_by = "number"
        with django_assert_num_queries(1):
            return [row["number"] for row in table.data[0:10]]

    before = rows()
    added = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    after = rows()
    assert after == sorted([*before, added.number]) and len(built) == 1
