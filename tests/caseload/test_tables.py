"""The list tables' fast body renders exactly what django-tables2's own cell rendering does."""

import re
from datetime import date

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from caseload import selectors
from caseload.tables import (
    TeamOverdueTable,
    WorklistTable,
    cell_html,
    customer_url_maker,
    paginate,
)
from policies.signals import bump_policy_version

from .factories import due_soon_customer, no_rule_customer, overdue_customer, world  # noqa: F401


def tables2_body(table):
    """The body as django_tables2/table.html renders it, cell by cell (whitespace aside)."""
    rows = []
    for row in table.paginated_rows:
        cells = mark_safe(
            "".join(
                format_html("<td {}>{}</td>", column.attrs["td"].as_html(), conditional_escape(cell))
                for column, cell in row.items()
            )
        )
        rows.append(format_html("<tr {}>{}</tr>", row.attrs.as_html(), cells))
    return "\n".join(rows)


def _normalised(html):
    # Row parity comes from a counter over every row object django-tables2 ever built for the
    # table, so it differs between two renderings of one table; the stylesheet does not use it.
    html = re.sub(r'(<tr class="[^"]*?) ?\b(odd|even)"', r'\1"', str(html))
    return re.sub(r"\s+", " ", html).strip()


@pytest.fixture
def mixed_team(world):
    today = timezone.localdate()
    overdue_customer(world.team_a, world.alice)
    overdue_customer(world.team_a, None)  # "nicht zugeordnet"
    due_soon_customer(world.team_a, world.alice)
    no_rule_customer(world.team_a, world.alice)  # no due date: the default dash
    bump_policy_version(world.coburg.pk)  # stale marks
    overdue_customer(world.team_a, world.alice)  # computed under the new version
    return today


@pytest.mark.parametrize("sort", ["", "-due_by", "caseworker"])
def test_team_table_body_matches_django_tables2(world, mixed_team, sort):
    staff, today = world.bob, mixed_team
    table = TeamOverdueTable(
        selectors.team_overdue_rows(selectors.team_overdue(staff, today)),
        today=today,
        policy_version=world.coburg.policy_version + 1,
    )
    paginate(table, RequestFactory().get("/", {"sort": sort} if sort else {}))
    assert len(table.paginated_rows) == 3
    assert _normalised(table.body_html()) == _normalised(tables2_body(table))
    assert "nicht zugeordnet" in table.body_html() and 'class="stale-mark"' in table.body_html()


def test_worklist_table_body_matches_django_tables2(world, mixed_team):
    staff, today = world.alice, mixed_team
    rows = selectors.worklist_rows(selectors.caseload(staff, "team"), selectors.SECTION_BY_KEY["alle"], today)
    table = WorklistTable(rows, today=today, policy_version=world.coburg.policy_version + 1)
    paginate(table, RequestFactory().get("/"))
    assert len(table.paginated_rows) >= 4
    body = table.body_html()
    assert _normalised(body) == _normalised(tables2_body(table))
    assert "überfällig" in body and "—" in body and '<a href="/kunden/' in body


@pytest.mark.parametrize("table_class", [WorklistTable, TeamOverdueTable])
def test_row_attributes_are_django_tables2s_parity_included(world, mixed_team, table_class):
    rows = selectors.worklist_rows(
        selectors.caseload(world.alice, "team"), selectors.SECTION_BY_KEY["alle"], mixed_team
    )
    table = table_class(rows, today=mixed_team, policy_version=world.coburg.policy_version)
    paginate(table, RequestFactory().get("/"))
    pairs = [(table._row_attrs(row.record, row.row_counter), row.attrs.as_html()) for row in table.paginated_rows]
    ours, theirs = [p[0] for p in pairs], [p[1] for p in pairs]
    assert ours == theirs and len(set(ours)) > 1  # classes or parity differ between rows
    assert any('class="row-overdue ' in attrs for attrs in ours) == (table_class is WorklistTable)


@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**12])
def test_customer_links_are_what_reverse_gives(pk):
    assert customer_url_maker()(pk) == reverse("customer", kwargs={"pk": pk})


def test_a_sort_key_that_is_no_sortable_column_is_ignored(client, world):
    from django.urls import reverse

    from .factories import overdue_customer

    overdue_customer(world.team_a, world.alice)
    client.force_login(world.bob.user)
    with_odd = client.get(reverse("team_overdue"), {"sort": "customer.first_name"})
    plain = client.get(reverse("team_overdue"))
    assert with_odd.status_code == 200
    assert with_odd.content.decode().count("<tr") == plain.content.decode().count("<tr")


def _tag(source, table):
    """What django-tables2's own `querystring_replace` tag writes for `table` on its request."""
    from django.template import engines

    template = engines["django"].from_string("{% load django_tables2 %}" + source)
    return template.render({"table": table, "request": table.request})


def _team_table(world, today, query):
    table = TeamOverdueTable(
        selectors.team_overdue_rows(selectors.team_overdue(world.bob, today)),
        today=today,
        policy_version=world.coburg.policy_version,
    )
    return paginate(table, RequestFactory().get("/", query))


def test_the_header_links_each_sortable_column_as_django_tables2s_tag_does(world, mixed_team):
    table = _team_table(world, mixed_team, {"sort": "-due_by", "x": '<b>"&', "page": "1"})
    head = table.head_html()
    headers = re.findall(r"<th ([^>]*)>(.*?)</th>", head)
    assert len(headers) == len(table.columns) == 6
    for column, (attrs, content) in zip(table.columns, headers):
        assert 'scope="col"' in attrs and column.attrs["th"].as_html() in attrs
        link = _tag(
            "{% querystring_replace table.prefixed_order_by_field='" + column.order_by_alias.next + "' %}", table
        )
        assert content == f'<a href="{link}">{conditional_escape(column.header)}</a>'
        assert ("aria-sort" in attrs) == (column.name == "due_by")
    assert 'aria-sort="descending"' in head and "x=%3Cb%3E%22%26&amp;" in head and "<b>" not in head


def test_pagination_links_are_django_tables2s_and_a_single_page_has_none(world, mixed_team, monkeypatch):
    monkeypatch.setattr("caseload.tables.PER_PAGE", 1)
    table = _team_table(world, mixed_team, {"page": "2", "sort": "caseworker", "x": "ä&"})
    nav = table.pagination_html()
    back = _tag("{% querystring_replace table.prefixed_page_field=1 %}", table)
    forward = _tag("{% querystring_replace table.prefixed_page_field=3 %}", table)
    assert f'<a href="{back}" rel="prev">‹ zurück</a>' in nav
    assert f'<a href="{forward}" rel="next">weiter ›</a>' in nav
    assert "Seite 2 von 3 · 3 Kunden" in nav

    last = _team_table(world, mixed_team, {"page": "3"})
    assert '<span class="disabled">weiter ›</span>' in last.pagination_html()
    monkeypatch.setattr("caseload.tables.PER_PAGE", 25)
    assert _team_table(world, mixed_team, {}).pagination_html() == ""


def test_an_empty_table_says_so_across_every_column(world):
    table = _team_table(world, timezone.localdate(), {})
    assert table.body_html() == (f'<tr><td colspan="{len(table.columns)}">Im Team ist niemand überfällig.</td></tr>')


@pytest.mark.parametrize(
    "value",
    [
        "<b>\"Ä\" & 'ö'</b>",
        "",
        17,
        0,
        2.5,
        None,
        date(2026, 3, 10),
        mark_safe("<i>x</i>"),
        format_html("<a>{}</a>", "<"),
    ],
)
def test_a_cell_is_escaped_as_conditional_escape_escapes_it(value):
    assert cell_html(value) == conditional_escape(value)
