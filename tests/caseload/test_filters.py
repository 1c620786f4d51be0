"""The filter form: Python-rendered inputs give Django's own markup; dates and ranges."""

import re
from datetime import date

import pytest
from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import escape

from caseload.filters import FIELDS_TEMPLATE, CaseloadFilter, ListFilters
from caseload.models import Customer
from kontaktdichte.widgets import DateInput, Select, TextInput

from .factories import world  # noqa: F401


def _normalised(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


@pytest.mark.parametrize("value", ["", "2MM", "<b>", None])
def test_select_renders_what_djangos_select_renders(value):
    choices = [("", "alle"), ("1MM", "1MM"), ("2MM", "2MM"), ("<b>", "<Ä & Ö>")]
    ours = Select(choices=choices).render("kuerzel", value, attrs={"id": "id_kuerzel", "required": False})
    django = forms.Select(choices=choices).render("kuerzel", value, attrs={"id": "id_kuerzel", "required": False})
    assert _normalised(ours) == _normalised(django)
    assert "&lt;Ä &amp; Ö&gt;" in ours
    assert ours.count(" selected") == 1
    assert f'<option value="{escape(value or "")}" selected>' in ours


@pytest.mark.parametrize("value", ["", "2026-11-23", '<"x">', None])
@pytest.mark.parametrize(
    "ours, theirs",
    [
        (
            TextInput(attrs={"inputmode": "numeric", "size": 12}),
            forms.TextInput(attrs={"inputmode": "numeric", "size": 12}),
        ),
        (DateInput(), forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")),
    ],
)
def test_inputs_render_what_djangos_inputs_render(ours, theirs, value):
    attrs = {"id": "id_feld", "required": False, "autofocus": True}
    mine = ours.render("feld", value, attrs=attrs)
    assert _normalised(mine) == _normalised(
        theirs.render("feld", value, attrs=attrs).replace(
            'type="text" name="feld" type="date"', 'type="date" name="feld"'
        )
    )
    if value:
        assert f'value="{escape(value)}"' in mine


def test_caseworker_choices_are_the_teams_staff_by_their_names(world, django_assert_num_queries):
    from caseload.filters import team_staff_choices
    from caseload.models import Staff

    world.alice.user.first_name = ""
    world.alice.user.last_name = ""
    world.alice.user.save()  # no name: the user name, as str(staff) gives it
    with django_assert_num_queries(1):
        choices = team_staff_choices(world.bob)
    team = Staff.objects.filter(team=world.team_a).select_related("user")
    assert sorted(choices) == sorted((s.pk, str(s)) for s in team)
    assert (world.alice.pk, "alice") in choices and world.charlie.pk not in dict(choices)


@pytest.mark.parametrize(
    "typed, shown", [("01.10.2026", "2026-10-01"), ("2026-10-01", "2026-10-01"), ("31.02.2026", "31.02.2026")]
)
def test_a_date_typed_the_german_way_comes_back_as_the_iso_date_a_browser_shows(typed, shown):
    assert f'value="{shown}"' in DateInput().render("faellig_ab", typed)


def test_an_inverted_due_range_says_so_instead_of_an_empty_list(world):
    filterset = CaseloadFilter(
        {"faellig_ab": "01.10.2026", "faellig_bis": "01.09.2026"},
        queryset=Customer.objects.none(),
        staff=world.bob,
        today=date(2026, 11, 23),
    )
    assert not filterset.form.is_valid()
    assert filterset.form.errors["faellig_bis"] == [
        "„fällig bis“ liegt vor „fällig ab“: so findet die Liste niemanden."
    ]


def _fields(filterset):
    return render_to_string(FIELDS_TEMPLATE, {"filterset": filterset})


@pytest.mark.parametrize("options", [{}, {"with_status": False}, {"with_caseworker": False, "with_number": False}])
def test_an_unfiltered_list_builds_no_filter_set_and_shows_the_empty_form(world, options):
    query = QueryDict("liste=alle&page=2&sort=-due_by")
    filters = ListFilters(query, Customer.objects.all(), staff=world.bob, today=date(2026, 3, 10), **options)
    assert not filters.requested and not filters.is_filtered
    assert filters.qs is filters.queryset
    shown = filters.fields_html()
    assert "filterset" not in filters.__dict__  # neither built nor validated
    bound = CaseloadFilter(query, Customer.objects.all(), staff=world.bob, today=date(2026, 3, 10), **options)
    assert shown == _fields(bound)  # what the filter set itself renders for that request
    assert ('name="fachkraft"' in shown) == options.get("with_caseworker", True)


def test_the_empty_form_names_a_renamed_colleague_at_once(world):
    def shown():
        return ListFilters(QueryDict(), Customer.objects.all(), staff=world.bob, today=date(2026, 3, 10)).fields_html()

    assert ">Alice Fachkraft</option>" in shown()
    world.alice.user.last_name = "<Neu>"
    world.alice.user.save()
    assert ">Alice &lt;Neu&gt;</option>" in shown() and "Alice Fachkraft" not in shown()


@pytest.mark.parametrize("query", ["status=", "kuerzel=2MM", "faellig_ab=kaputt", "fachkraft=999999"])
def test_a_named_filter_goes_through_the_filter_set(world, query):
    data = QueryDict(query)
    filters = ListFilters(data, Customer.objects.all(), staff=world.bob, today=date(2026, 3, 10))
    assert filters.requested
    bound = CaseloadFilter(data, Customer.objects.all(), staff=world.bob, today=date(2026, 3, 10))
    assert filters.is_filtered == bound.is_filtered == (query == "kuerzel=2MM")
    assert filters.fields_html() == _fields(bound)
    assert str(filters.qs.query) == str(bound.qs.query)
