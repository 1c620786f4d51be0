"""Filters for the worklist and the team's overdue list.

Everything here travels in the query string, so nothing here may identify a person: the
customer NUMBER, status, code, caseworker (by id) and a due range, never a name (§ 35 SGB I).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from kontaktdichte import statements
from kontaktdichte.kept import KeptAnswers
from kontaktdichte.widgets import DATE_INPUT_FORMATS, DateInput, Select, TextInput
from policies.lookups import rule_codes

from .models import Customer, Staff, person_name
from .open_tasks import KINDS, kind_q
from .selectors import team_staff
from .status import STATUS_FILTERS


def team_staff_choices(staff: Staff) -> list[tuple[int, str]]:
    """The team's staff as (id, name), one query, no model instances; the name is what
    `str(staff)` gives. The statement is built once per process and team (kontaktdichte.statements)."""
    rows = statements.rows(
        Staff,
        ("team staff", staff.job_centre_id, staff.team_id),
        lambda: team_staff(staff.job_centre_id, staff.team_id).values_list(
            "pk", "user__first_name", "user__last_name", "user__username"
        ),
    )
    return [(pk, person_name(first, last, username)) for pk, first, last, username in rows]


def _date_filter(lookup, label):
    return django_filters.DateFilter(
        field_name="due_by", lookup_expr=lookup, label=label, widget=DateInput(), input_formats=DATE_INPUT_FORMATS
    )


class CaseloadFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("faellig_ab"), data.get("faellig_bis")
        if start is not None and end is not None and end < start:
            self.add_error("faellig_bis", "„fällig bis“ liegt vor „fällig ab“: so findet die Liste niemanden.")
        return data


class CaseloadFilter(django_filters.FilterSet):
    nummer = django_filters.CharFilter(
        field_name="number", lookup_expr="startswith", label="Kundennummer", widget=TextInput(attrs={"size": 12})
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        method="filter_status",
        empty_label="alle",
        widget=Select,
        choices=[(key, label) for key, (label, _q) in STATUS_FILTERS.items()],
    )
    kuerzel = django_filters.ChoiceFilter(
        field_name="due_code", label="Kürzel", empty_label="alle", choices=[], widget=Select
    )
    fachkraft = django_filters.ChoiceFilter(
        field_name="caseworker", label="Fachkraft", empty_label="alle", choices=[], widget=Select
    )
    aufgabe = django_filters.ChoiceFilter(
        label="Aufgabe", method="filter_task", empty_label="alle", choices=list(KINDS.items()), widget=Select
    )
    faellig_ab = _date_filter("gte", "fällig ab")
    faellig_bis = _date_filter("lte", "fällig bis")

    class Meta:
        model = Customer
        fields = []
        form = CaseloadFilterForm

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        staff: Staff,
        today,
        with_status=True,
        with_caseworker=True,
        with_number=True,
        overdue_tasks=False,
        staff_choices: list[tuple[int, str]] | None = None,
        **kwargs,
    ):
        super().__init__(data, queryset, **kwargs)
        self.today, self.overdue_tasks = today, overdue_tasks
        if not with_number:  # the worklist's search box ("Name oder Kundennummer") does it
            del self.filters["nummer"]
        if with_caseworker:
            self.filters["fachkraft"].extra["choices"] = staff_choices or team_staff_choices(staff)
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

    def filter_task(self, queryset, name, value):
        """Customers with a task of that kind: due within 14 days or overdue (on the team's list
        of overdue tasks: overdue)."""
        return queryset.filter(kind_q(value, self.today, overdue=self.overdue_tasks))

    def filter_status(self, queryset, name, value):
        return queryset.filter(STATUS_FILTERS[value][1](self.today))

    @property
    def is_filtered(self) -> bool:
        """Whether a filter narrows the list: a field given and valid (`qs` leaves out invalid ones)."""
        if not self.is_bound:
            return False
        self.is_valid()  # validates once; cleaned_data then holds the valid fields
        return any(self.form.cleaned_data.get(name) not in (None, "") for name in self.filters)


FIELDS_TEMPLATE = "caseload/_filter_fields.html"
_blank_fields = KeptAnswers(limit=1024)


class ListFilters:
    """A list page's filters: `CaseloadFilter` (same arguments; `queryset` may be a function
    that builds it), built only when the query string names one of its fields. A list opened
    without a filter, nearly every request, then needs neither its queryset, nor the filter set,
    nor its form's validation (0.43 ms), and shows the empty form's fields as rendered once per
    process for each shape of the form (0.46 ms: the options, the team's staff, the rule codes;
    a renamed colleague is a new shape)."""

    def __init__(self, data, queryset, *, staff: Staff, today, **options):
        self.data, self._queryset, self.staff, self.today, self.options = data, queryset, staff, today, options
        self.requested = any(name in data for name in CaseloadFilter.base_filters)

    @cached_property
    def queryset(self):
        return self._queryset() if callable(self._queryset) else self._queryset

    @cached_property
    def filterset(self) -> CaseloadFilter:
        return CaseloadFilter(self.data, self.queryset, staff=self.staff, today=self.today, **self.options)

    @property
    def is_filtered(self) -> bool:
        return self.requested and self.filterset.is_filtered

    @property
    def qs(self):
        """The queryset under the chosen filters (itself when none is named)."""
        return self.filterset.qs if self.requested else self.queryset

    def fields_html(self) -> SafeString:
        """The filter fields (caseload/_filter_fields.html), with the request's values and errors."""
        if self.requested:
            return render_to_string(FIELDS_TEMPLATE, {"filterset": self.filterset})
        choices = team_staff_choices(self.staff) if self.options.get("with_caseworker", True) else []
        shape = (tuple(sorted(self.options.items())), tuple(choices), rule_codes(self.staff.job_centre))

        def render_empty():
            empty = CaseloadFilter(
                None, Customer.objects.none(), staff=self.staff, today=self.today, staff_choices=choices, **self.options
            )
            return render_to_string(FIELDS_TEMPLATE, {"filterset": empty})

        return _blank_fields.answer(shape, render_empty)
