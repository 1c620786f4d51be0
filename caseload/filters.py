"""Filters for the worklist and the team's overdue list.

Everything here travels in the query string, so nothing here may identify a person: the
customer NUMBER, status, code, caseworker (by id) and a due range, never a name (§ 35 SGB I).
"""

from __future__ import annotations

from datetime import datetime

import django_filters
from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from policies.lookups import rule_codes

from .models import Customer, Staff, person_name
from .selectors import STATUS_FILTERS, team_staff

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def _attrs_html(attrs: dict) -> str:
    """The attributes as Django's widgets/attrs.html writes them: in order, True as a bare
    name, False left out (flatatt would sort them)."""
    return mark_safe("".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items() if value is not False))


class Input:
    """An <input> rendered in Python, for the same reason as `Select` below."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown,
                           _attrs_html(widget["attrs"]))


class TextInput(Input, forms.TextInput):
    pass


class DateInput(Input, forms.DateInput):
    """A native date picker without JavaScript; it sends ISO dates, typing dd.mm.yyyy also works."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        # A date typed as 31.12.2026 comes back as the ISO date the browser's picker shows; a
        # browser leaves a date input with any other value empty, hiding what was typed.
        if isinstance(value, str):
            for input_format in DATE_INPUT_FORMATS:
                try:
                    return datetime.strptime(value.strip(), input_format).date().isoformat()
                except ValueError:
                    continue
        return super().format_value(value)


class Select(forms.Select):
    """A <select> rendered in Python. Django renders every option through a template include,
    which for a list page's filter form cost more than all of the page's SQL; the output is
    the same markup (tests/caseload/test_filters.py compares them)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
             for _group, group_options, _index in widget["optgroups"] for option in group_options))
        return format_html("<select name=\"{}\"{}>{}</select>", widget["name"], _attrs_html(widget["attrs"]),
                           options)


def team_staff_choices(staff: Staff) -> list[tuple[int, str]]:
    """The team's staff as (id, name), one query, no model instances; the name is what
    `str(staff)` gives."""
    rows = team_staff(staff.job_centre_id, staff.team_id).values_list(
        "pk", "user__first_name", "user__last_name", "user__username")
    return [(pk, person_name(first, last, username)) for pk, first, last, username in rows]


def _date_filter(lookup, label):
    return django_filters.DateFilter(field_name="due_by", lookup_expr=lookup, label=label,
                                     widget=DateInput(), input_formats=DATE_INPUT_FORMATS)


class CaseloadFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("faellig_ab"), data.get("faellig_bis")
        if start is not None and end is not None and end < start:
            self.add_error("faellig_bis", "„fällig bis“ liegt vor „fällig ab“: so findet die Liste niemanden.")
        return data


class CaseloadFilter(django_filters.FilterSet):
    nummer = django_filters.CharFilter(field_name="number", lookup_expr="startswith", label="Kundennummer",
                                       widget=TextInput(attrs={"size": 12}))
    status = django_filters.ChoiceFilter(
        label="Status", method="filter_status", empty_label="alle", widget=Select,
        choices=[(key, label) for key, (label, _q) in STATUS_FILTERS.items()])
    kuerzel = django_filters.ChoiceFilter(field_name="due_code", label="Kürzel", empty_label="alle", choices=[],
                                     widget=Select)
    fachkraft = django_filters.ChoiceFilter(field_name="caseworker", label="Fachkraft", empty_label="alle",
                                            choices=[], widget=Select)
    faellig_ab = _date_filter("gte", "fällig ab")
    faellig_bis = _date_filter("lte", "fällig bis")

    class Meta:
        model = Customer
        fields = []
        form = CaseloadFilterForm

    def __init__(self, data=None, queryset=None, *, staff: Staff, today, with_status=True,
                 with_caseworker=True, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.today = today
        if with_caseworker:
            self.filters["fachkraft"].extra["choices"] = team_staff_choices(staff)
        else:
            del self.filters["fachkraft"]
        if not with_status:
            del self.filters["status"]
        # The codes the job centre's rules use (Weimarer Land's rules have none); no query
        # unless the rules changed since this process last asked.
        codes = rule_codes(staff.job_centre)
        if codes:
            self.filters["kuerzel"].extra["choices"] = [(c, c) for c in codes]
        else:
            del self.filters["kuerzel"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(STATUS_FILTERS[value][1](self.today))

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.form.cleaned_data.get(name) not in (None, "")
                                     for name in self.filters)
