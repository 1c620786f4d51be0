"""Tables for the worklist and the team's overdue list, and the team list's exports.

Every cell renders from columns the selector loaded (stored due dates, annotations,
select_related): no column triggers a query per row.
"""

from __future__ import annotations

import html
from datetime import date
from urllib.parse import urlencode

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2.data import TableData
from django_tables2.utils import OrderBy

from kontaktdichte import formats, spreadsheets, statements
from policies import engine

from .selectors import EXPORT_HEADERS, STALE_TEXT, caseworker_name, row_is_stale

PER_PAGE = 25


def cell_html(value) -> str:
    """What `conditional_escape(value)` writes: markup (`__html__`) as it is, anything else as
    escaped text. Django's escape first looks through its arguments for lazy translations; the
    cells of a 25-row page are some 300 values, and those checks were a tenth of the team
    list's Python (cProfile). Cells hold no lazy text. For the same reason a cell's own markup
    is made a `SafeString` directly, which is what `mark_safe` makes of a `str`."""
    as_html = getattr(value, "__html__", None)
    return as_html() if as_html is not None else html.escape(str(value))


def status_word(status: str) -> str:
    """A stored or derived status in German; "" (never computed) as such."""
    return engine.Status(status).label if status else "nicht berechnet"


def status_badge(status: str, due_by: date | None, today: date):
    word = status_word(status)
    if status == engine.OVERDUE and due_by is not None:
        days = (today - due_by).days
        since = "1 Tag" if days == 1 else f"{days} Tagen"
        return SafeString(
            f'<span class="status status-overdue">{cell_html(word)}</span> <span class="muted">seit {since}</span>'
        )
    return SafeString(f'<span class="status status-{cell_html(status or "none")}">{cell_html(word)}</span>')


class DateColumn(tables.Column):
    """A date as 31.12.2026. Cheaper than django-tables2's DateColumn, a TemplateColumn that
    compiles a template for every cell, which cost most of a list page's time."""

    def render(self, value):
        return formats.day(value)

    def render_value(self, value, record=None):
        return formats.day(value)


class FastBodyTable(tables.Table):
    """A table whose header, body rows and pagination are rendered in Python, with the markup
    django-tables2's template gave (tests/caseload/test_tables.py compares them);
    caseload/_table.html puts them together.

    django-tables2 renders each cell through the template engine and, to call a column's render
    method with the arguments it asks for, inspects that method's signature for every cell: on a
    25-row page that cost several times the page's SQL (measured with `make bench-caseload`:
    README, Benchmarks). Here every `render_<column>` method of our tables takes
    `(value, record)`, so the body calls it directly; header, sorting and pagination stay
    django-tables2's. Only the library's public attributes are read: `columns` (each column's
    `name`, `accessor`, `default`, `attrs` and its `column`'s `empty_values`), `paginated_rows`
    (each row's `record` and `attrs`). Records are dicts; td attributes must not depend on the
    record (none of ours do). The header and the pagination went the same way: through the
    template engine they cost a list page about a millisecond (a sort link per column).
    """

    def _cell_renderers(self):
        for column in self.columns:
            render = getattr(self, f"render_{column.name}", None)
            if render is None and isinstance(column.column, DateColumn):
                render = column.column.render_value
            yield (
                column.attrs["td"].as_html(),
                str(column.accessor),
                column.column.empty_values,
                conditional_escape(column.default),
                render,
            )

    def _row_attrs(self, record, counter: int) -> str:
        """A row's attributes as `BoundRow.attrs.as_html()` gives them, for row attributes that
        are only a class (a text, or a callable of the record): django-tables2 inspects the
        callable's signature for every row, a sixth of the worklist's body (py-spy)."""
        own = self.row_attrs.get("class")
        own = own(record) if callable(own) else own
        even_odd = "odd" if counter % 2 else "even"
        return f'class="{cell_html(f"{own} {even_odd}" if own else even_odd)}"'

    def body_html(self) -> str:
        plans = list(self._cell_renderers())
        only_class = set(self.row_attrs) <= {"class"}
        rows = []
        for row in self.paginated_rows:
            record, cells = row.record, []
            for td, key, empty, default, render in plans:
                value = record.get(key)
                if value in empty:
                    content = default
                else:
                    content = cell_html(render(value, record) if render is not None else value)
                cells.append(f"<td {td}>{content}</td>")
            attrs = self._row_attrs(record, row.row_counter) if only_class else row.attrs.as_html()
            rows.append(f"<tr {attrs}>{''.join(cells)}</tr>")
        if not rows and self.empty_text:
            rows.append(f'<tr><td colspan="{len(self.columns)}">{conditional_escape(self.empty_text)}</td></tr>')
        return mark_safe("\n".join(rows))

    def _link(self, key: str, value) -> str:
        """This page's query string with `key` set to `value`, escaped for an attribute: what
        django-tables2's `querystring_replace` tag writes."""
        params = dict(self.request.GET)
        params[key] = value
        return escape("?" + urlencode(params, doseq=True))

    def head_html(self) -> str:
        """The header row: a sort link on each sortable column, `aria-sort` on the one sorted by."""
        cells = []
        for column in self.columns:
            header, sort = conditional_escape(column.header), ""
            if column.orderable:
                header = (
                    f'<a href="{self._link(self.prefixed_order_by_field, column.order_by_alias.next)}">{header}</a>'
                )
                if column.is_ordered:
                    sort = f' aria-sort="{"descending" if column.order_by_alias.is_descending else "ascending"}"'
            cells.append(f'<th scope="col" {column.attrs["th"].as_html()}{sort}>{header}</th>')
        return mark_safe(f"<thead><tr>{''.join(cells)}</tr></thead>")

    def pagination_html(self) -> str:
        """Back, "Seite 2 von 7 · 160 Kunden", forward; nothing for a single page."""
        page = getattr(self, "page", None)
        if page is None or self.paginator.num_pages <= 1:
            return ""

        def step(number, rel, label):  # a link to page `number`, or the label greyed out
            if number is None:
                return f'<span class="disabled">{label}</span>'
            return f'<a href="{self._link(self.prefixed_page_field, number)}" rel="{rel}">{label}</a>'

        back = step(page.previous_page_number() if page.has_previous() else None, "prev", "‹ zurück")
        forward = step(page.next_page_number() if page.has_next() else None, "next", "weiter ›")
        where = f"Seite {page.number} von {self.paginator.num_pages} · {self.paginator.count} Kunden"
        return mark_safe(
            f'<nav class="pagination" aria-label="Seiten">{back} <span class="page-of">{where}</span> {forward}</nav>'
        )


def customer_url_maker():
    """pk -> the customer page's URL, as `reverse("customer", kwargs={"pk": pk})` gives it, with
    the URL resolved once per table instead of once per row (tests/caseload/test_tables.py)."""
    marker = 987654321
    prefix, suffix = reverse("customer", kwargs={"pk": marker}).split(str(marker))
    return lambda pk: f"{prefix}{int(pk)}{suffix}"


class _StaleAwareTable(FastBodyTable):
    """Links the customer number, names the caseworker and marks due dates computed under a
    rule set that has changed since (see the page notice)."""

    def __init__(self, *args, today: date, policy_version: int, **kwargs):
        self.today = today
        self.policy_version = policy_version
        self.customer_url = customer_url_maker()
        super().__init__(*args, **kwargs)

    def render_number(self, value, record):
        return SafeString(f'<a href="{cell_html(self.customer_url(record["pk"]))}">{cell_html(value)}</a>')

    def render_caseworker(self, value, record):
        return caseworker_name(record)

    def render_due_by(self, value, record):
        if value is None:
            return "—"
        if row_is_stale(record, self.today, self.policy_version):
            return format_html('{} <abbr class="stale-mark" title="{}">*</abbr>', formats.day(value), STALE_TEXT)
        return formats.day(value)

    def render_due_code(self, value, record):
        return SafeString(f'<span class="code">{cell_html(value)}</span>')


def tasks_html(tasks) -> str:
    """A row's tasks (`caseload.open_tasks.Task`) as a short list: kind, day, overdue marked."""
    items = []
    for task in tasks:
        text = f"{task.label}: {task.text}" if task.text else task.label
        day = formats.day(task.due_on) if task.due_on else ""
        if task.overdue:
            items.append(format_html('<li class="late">{} (seit {})</li>', text, day))
        else:
            items.append(format_html("<li>{} (bis {})</li>", text, day) if day else format_html("<li>{}</li>", text))
    return format_html('<ul class="task-list">{}</ul>', mark_safe("".join(items)))


class _TasksColumn(tables.Column):
    def __init__(self, **kwargs):
        super().__init__("Aufgaben", accessor="tasks", orderable=False, **kwargs)


class WorklistTable(_StaleAwareTable):
    region_label = "Fälle"  # names the table's scroll box for screen readers (caseload/_table.html)
    number = tables.Column("Kundennummer", attrs={"td": {"class": "nowrap"}})
    name = tables.Column(
        "Name", accessor="last_name", order_by=("last_name", "first_name"), attrs={"td": {"class": "nowrap"}}
    )
    caseworker = tables.Column(
        "Fachkraft",
        accessor="caseworker_id",
        order_by=("caseworker__user__last_name", "caseworker__user__first_name"),
        attrs={"td": {"class": "nowrap"}},
    )
    due_code = tables.Column("Kürzel")
    rule = tables.Column("Regel", accessor="rule_label", order_by=("due_rule__position", "due_code"))
    due_by = DateColumn(verbose_name="fällig bis", order_by=("due_by", "number"), attrs={"td": {"class": "nowrap"}})
    due_last_working_day = DateColumn(verbose_name="letzter Arbeitstag", attrs={"td": {"class": "nowrap"}})
    last_contact_on = DateColumn(
        verbose_name="letzter Kontakt",
        attrs={"th": {"title": "letzter qualifizierter Kontakt"}, "td": {"class": "nowrap"}},
    )
    current_status = tables.Column(
        "Status", order_by=("current_status", "due_by"), attrs={"td": {"class": "status-cell"}}
    )
    # An annotation the appointments app adds (caseload.selectors.ROW_ANNOTATIONS). Rendered
    # when empty too: an overdue customer without one has been forgotten, and says so.
    next_appointment = tables.Column(
        "nächster Termin",
        order_by=("next_appointment", "number"),
        empty_values=(),
        attrs={"td": {"class": "nowrap"}},
    )
    # Only in the "Aufgaben" section, whose rows get `tasks` (`caseload.open_tasks.attach_tasks`).
    tasks = _TasksColumn()

    class Meta:
        template_name = "caseload/_table.html"
        attrs = {"class": "list"}
        per_page = PER_PAGE
        default = "—"
        empty_text = "Keine Kunden."
        row_attrs = {"class": lambda record: f"row-{record['current_status'] or 'none'}"}

    def render_name(self, value, record):
        return f"{record['last_name']}, {record['first_name']}"

    def render_next_appointment(self, value, record):
        if value is not None:
            return format_html('<span class="booked">{} Uhr</span>', formats.moment(value))
        if record["current_status"] == engine.OVERDUE:
            return SafeString('<span class="late">kein Termin</span>')
        return "—"

    def render_tasks(self, value, record):
        return tasks_html(value)

    def render_current_status(self, value, record):
        return status_badge(value, record["due_by"], self.today)


class TeamOverdueTable(_StaleAwareTable):
    region_label = "Überfällige Fälle im Team"
    number = tables.Column("Kundennummer", attrs={"td": {"class": "nowrap"}})
    caseworker = tables.Column(
        "Fachkraft",
        accessor="caseworker_id",
        default="nicht zugeordnet",
        order_by=("caseworker__user__last_name", "caseworker__user__first_name"),
    )
    due_code = tables.Column("Kürzel")
    due_by = DateColumn(verbose_name="fällig bis", order_by=("due_by", "number"), attrs={"td": {"class": "nowrap"}})
    days_overdue = tables.Column(
        "Tage überfällig",
        accessor="due_by",
        order_by=("due_by", "number"),
        attrs={"td": {"class": "num late"}, "th": {"class": "num"}},
    )
    last_contact_on = DateColumn(
        verbose_name="letzter Kontakt",
        attrs={"th": {"title": "letzter qualifizierter Kontakt"}, "td": {"class": "nowrap"}},
    )

    class Meta:
        template_name = "caseload/_table.html"
        attrs = {"class": "list"}
        per_page = PER_PAGE
        default = "—"
        empty_text = "Im Team ist niemand überfällig."
        order_by = ("due_by",)  # the list's own order (selectors.team_overdue), marked in the header

    def render_days_overdue(self, value, record):
        return (self.today - value).days


class TeamTaskTable(_StaleAwareTable):
    """The team's customers with overdue tasks: numbers, no names."""

    number = tables.Column("Kundennummer", attrs={"td": {"class": "nowrap"}})
    caseworker = tables.Column(
        "Fachkraft",
        accessor="caseworker_id",
        default="nicht zugeordnet",
        order_by=("caseworker__user__last_name", "caseworker__user__first_name"),
    )
    tasks = _TasksColumn()
    due_by = DateColumn(verbose_name="Kontakt fällig bis", order_by=("due_by", "number"))

    class Meta:
        template_name = "caseload/_table.html"
        attrs = {"class": "list"}
        per_page = PER_PAGE
        default = "—"
        empty_text = "Im Team ist keine Aufgabe überfällig."

    def render_tasks(self, value, record):
        return tasks_html(value)


class KeptRows(TableData):
    """A list's rows for django-tables2, their statement kept (`kontaktdichte.statements`).

    Through the ORM, building and compiling the worklist's 25 rows took 1.57 ms of CPU, running
    the same SQL 0.11 ms (the team list's: 0.87 against 0.09 ms; the 1 M database, 2026-12-01,
    README, Benchmarks). An unfiltered list's rows depend only on what `key` names (job centre,
    team, caseworker, section, day), the sort and the page. So the table is given this instead
    of the queryset: it takes the sort (as django-tables2's queryset data does; our tables have
    no `order_<column>` methods) and the page's slice, and `build()`, the rows' `values`
    queryset, is ordered, sliced and compiled once per process for each key, sort and page.
    The rows are read afresh on every request. `count` is the list's length, counted already."""

    def __init__(self, model: type[Model], key: tuple, build, count: int):
        super().__init__(data=None)
        self.kept_model, self.key, self.build, self.count = model, key, build, count
        self.accessors: tuple[str, ...] = ()

    def __len__(self):
        return self.count

    @property
    def ordering(self):
        return None  # the rows' own order, unless the table is told one (Meta.order_by, ?sort=)

    def order_by(self, aliases):
        accessors = []
        for alias in aliases:
            column = self.table.columns[OrderBy(alias).bare]
            accessors += column.order_by.opposite if alias[0] != column.order_by_alias[0] else column.order_by
        self.accessors = tuple(accessor.for_queryset() for accessor in accessors)

    def _window(self, start: int, stop: int) -> QuerySet:
        queryset = self.build()
        return (queryset.order_by(*self.accessors) if self.accessors else queryset)[start:stop]

    def __getitem__(self, window: slice) -> list[dict]:
        start, stop = window.start or 0, self.count if window.stop is None else window.stop
        key = (*self.key, self.accessors, start, stop)
        return statements.dicts(self.kept_model, key, lambda: self._window(start, stop))

    def __iter__(self):
        return iter(self[0 : self.count])


# --- Pagination --------------------------------------------------------------------------------


class KnownCountPaginator(Paginator):
    """A paginator told the number of rows: the page's aggregate query has counted them
    already, so the COUNT(*) Django's paginator would run is spared."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def paginate(table: tables.Table, request, *, count: int | None = None) -> tables.Table:
    """Order by the `sort` parameter and show the `page` parameter's page (25 rows, fixed:
    no per_page from the URL, so nobody loads a whole job centre by editing it)."""
    table.request = request
    # Only the table's own sortable columns: anything else in the URL is ignored, not handed on.
    sortable = {column.name for column in table.columns if column.orderable}
    order_by = [key for key in request.GET.getlist(table.prefixed_order_by_field) if key.lstrip("-") in sortable]
    if order_by:
        table.order_by = order_by
    kwargs = {} if count is None else {"paginator_class": KnownCountPaginator, "count": count}
    try:
        page = int(request.GET.get(table.prefixed_page_field, 1))
    except ValueError:
        page = 1
    try:
        table.paginate(page=page, per_page=PER_PAGE, **kwargs)
    except (PageNotAnInteger, EmptyPage):
        table.paginate(page=max(table.paginator.num_pages, 1), per_page=PER_PAGE, **kwargs)
    return table


# --- Exports -------------------------------------------------------------------------------------


def _cell(value):
    return formats.day(value) if isinstance(value, date) else value


def _date_format(_index, value):
    return "DD.MM.YYYY" if isinstance(value, date) else None


def csv_response(rows, filename: str) -> HttpResponse:
    return spreadsheets.csv_response(EXPORT_HEADERS, ([_cell(v) for v in row] for row in rows), filename)


def xlsx_response(rows, filename: str) -> HttpResponse:
    return spreadsheets.xlsx_response(
        [spreadsheets.XlsxSheet("Überfällig", EXPORT_HEADERS, rows, _date_format)], filename
    )
