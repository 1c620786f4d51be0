"""Reads for the caseload pages, built in one place.

Lists read the stored due date columns (`Customer.due_*`, written by `caseload.duedates`)
through the (job_centre, team|caseworker, due_by) indexes, with a fixed number of queries
whatever the caseload size: the status a person sees is derived in SQL from the stored
status and `due_by` (`caseload.status`, the same rule as `engine.Status.on`), never per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import Count, F, Q, QuerySet

from kontaktdichte import loads, statements

from .access import team_customers
from .duedates import policy_for
from .models import ContactNote, Customer, FollowUpActivity, Measure, Staff, Suspension, person_name
from .open_tasks import TASK_VALUES, tasks_due_q, tasks_overdue_q
from .status import (
    due_soon_q,
    every_q,
    individual_q,
    overdue_q,
    stale_q,
    stale_reason,
    unruled_q,
)

MINE, TEAM = "meine", "team"


# --- The worklist ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    q: Callable[[date], Q]
    empty_text: str
    hint: str = ""


# The appointments app, which builds on this one, adds "Ohne Termin" after "bald"
# (appointments.apps, with `add_section`): this app does not import that one.
SECTIONS = [
    Section("ueberfaellig", "Überfällig", overdue_q, "Niemand ist überfällig."),
    Section("bald", "Fällig in 14 Tagen", due_soon_q, "In den nächsten 14 Tagen ist niemand fällig."),
    Section(
        "aufgaben",
        "Aufgaben",
        tasks_due_q,
        "Keine Aufgaben fällig.",
        hint="Vereinbarungen nachhalten, Profilingprüfung, AG-S einbinden, Kooperationsplan überprüfen: "
        "überfällig oder in den nächsten 14 Tagen fällig.",
    ),
    Section(
        "individuell",
        "Individuell ohne Datum",
        individual_q,
        "Alle Kunden mit individuellem Zyklus haben eine Wiedervorlage.",
        hint="Individueller Zyklus ohne Wiedervorlage: bitte im Beratungsvermerk ein Datum festlegen.",
    ),
    Section(
        "ohne_regel",
        "Ohne Regel",
        unruled_q,
        "Für alle Kunden gilt eine Regel.",
        hint="Kein Konzept in Kraft oder keine Regel trifft zu: bitte der Fachadministration melden.",
    ),
    Section("alle", "Alle", every_q, "Keine Kunden."),
]
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
DEFAULT_SECTION = "ueberfaellig"


def add_section(section: Section, *, after: str) -> None:
    """A worklist section another app contributes (once, when that app is ready)."""
    if section.key in SECTION_BY_KEY:
        return
    SECTIONS.insert([s.key for s in SECTIONS].index(after) + 1, section)
    SECTION_BY_KEY[section.key] = section


# Columns another app adds to the worklist's rows, as {key: today -> an expression}: the
# appointments app adds `next_appointment` (appointments.apps). An annotation of the rows'
# one query, never a query per row.
ROW_ANNOTATIONS: dict[str, Callable[[date], object]] = {}


def add_row_annotation(key: str, expression: Callable[[date], object]) -> None:
    ROW_ANNOTATIONS[key] = expression


# List rows are plain dicts (`values()`): a page shows 25 of them and builds no model instances.
# Keys without "__" where a table column reads them.
# What `caseworker_name` reads.
CASEWORKER_VALUES = (
    "caseworker_id",
    "caseworker__user__first_name",
    "caseworker__user__last_name",
    "caseworker__user__username",
)
# What `row_is_stale` reads.
_STALE_VALUES = ("policy_version", "recheck_on", "due_computed_on")
WORKLIST_VALUES = (
    (
        "pk",
        "number",
        "first_name",
        "last_name",
        "status_until_due",
        "due_by",
        "due_last_working_day",
        "due_code",
        "last_contact_on",
        "current_status",
    )
    + _STALE_VALUES
    + CASEWORKER_VALUES
    + TASK_VALUES
)
# No names, no birth dates: the team list and its export are pseudonymised (§ 35 SGB I).
TEAM_LIST_VALUES = (
    (
        "pk",
        "number",
        "status_until_due",
        "due_by",
        "due_code",
        "last_contact_on",
    )
    + _STALE_VALUES
    + CASEWORKER_VALUES
)


def caseworker_name(row: dict) -> str:
    """The caseworker's name in a list row, as `str(staff)` gives it; "" without one."""
    if row["caseworker_id"] is None:
        return ""
    return person_name(
        row["caseworker__user__first_name"], row["caseworker__user__last_name"], row["caseworker__user__username"]
    )


def row_is_stale(row: dict, today: date, policy_version: int) -> bool:
    """Whether a list row's stored due date may no longer hold (`status.stale_q`)."""
    return bool(
        stale_reason(
            due_computed_on=row["due_computed_on"],
            policy_version=row["policy_version"],
            recheck_on=row["recheck_on"],
            today=today,
            version=policy_version,
        )
    )


def team_staff(job_centre_id: int, team_id: int) -> QuerySet[Staff]:
    """The team's caseworkers and team leads, by name."""
    return Staff.objects.filter(job_centre_id=job_centre_id, team_id=team_id).order_by(
        "user__last_name", "user__first_name", "pk"
    )


def caseload(staff: Staff, scope: str) -> QuerySet[Customer]:
    """The customers a worklist starts from: the staff member's own caseload or the team's
    (open cases only)."""
    queryset = team_customers(staff).filter(closed_on__isnull=True)
    if scope == MINE:
        queryset = queryset.filter(caseworker_id=staff.pk)
    return queryset


def _section_aggregates(today: date, policy_version: int) -> dict[str, Count]:
    aggregates = {s.key: Count("pk", filter=s.q(today)) for s in SECTIONS if s.key != "alle"}
    aggregates["alle"] = Count("pk")
    aggregates["stale"] = Count("pk", filter=stale_q(today, policy_version))
    return aggregates


def section_counts(queryset: QuerySet[Customer], today: date, policy_version: int) -> dict[str, int]:
    """One query: how many customers each section holds, and how many stored due dates
    may no longer hold (`stale`: older rule set, or recheck day come)."""
    return queryset.aggregate(**_section_aggregates(today, policy_version))


def caseload_section_counts(staff: Staff, scope: str, today: date, policy_version: int) -> dict[str, int]:
    """`section_counts` of the whole caseload (`caseload(staff, scope)`), as the worklist opens
    nearly every time; its statement is built once per process and day (kontaktdichte.statements)."""
    key = (
        "sections",
        staff.job_centre_id,
        staff.team_id,
        staff.pk if scope == MINE else None,
        today,
        policy_version,
        tuple(s.key for s in SECTIONS),
    )
    return statements.counts(
        Customer, key, lambda: (caseload(staff, scope), _section_aggregates(today, policy_version))
    )


def worklist_rows(queryset: QuerySet[Customer], section: Section, today: date) -> QuerySet[dict]:
    """The section's rows as dicts (WORKLIST_VALUES, the rule's label as `rule_label` and the
    ROW_ANNOTATIONS other apps add)."""
    extra = {key: expression(today) for key, expression in ROW_ANNOTATIONS.items()}
    return (
        queryset.filter(section.q(today))
        .with_status(today)
        .annotate(**extra)
        .values(*WORKLIST_VALUES, *extra, rule_label=F("due_rule__label"))
        .order_by(F("due_by").asc(nulls_last=True), "number")
    )


# --- Searching by name ---------------------------------------------------------------------------

NAME_SEARCH_MAX = 100


def name_q(term: str) -> Q:
    """Customers whose first or last name contains every word of `term` ("Anna Müller",
    "Müller, Anna", "müll"), case-insensitively. The term never travels in a URL: the worklist
    keeps it in the session (caseload.views.worklist)."""
    q = Q()
    for word in term.replace(",", " ").split()[:5]:
        q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return q


def looks_like_number(term: str) -> bool:
    """Customer numbers carry digits (241…K); names do not."""
    return any(ch.isdigit() for ch in term)


# --- Possible duplicates -------------------------------------------------------------------------


def possible_duplicates(job_centre_id: int, *, number: str, first_name: str, last_name: str, birth_date) -> list[dict]:
    """Customers of the job centre with the same number, or with the same first and last name
    (ignoring case and spaces around them) and birth date: what a new customer may be a
    duplicate of. One query, through the (job_centre, number) and (job_centre, birth_date)
    indexes. Rows: pk, number, team_id, team__name, same_number."""
    q = Q(number=(number or "").strip())
    if birth_date is not None and first_name and last_name:
        q |= Q(birth_date=birth_date, first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip())
    rows = list(
        Customer.objects.filter(q, job_centre_id=job_centre_id)
        .values("pk", "number", "team_id", "team__name", "closed_on")
        .order_by("number")[:10]
    )
    for row in rows:
        row["same_number"] = row["number"] == (number or "").strip()
    return rows


# --- The team's overdue list -------------------------------------------------------------------


def team_overdue(staff: Staff, today: date) -> QuerySet[Customer]:
    """The team's overdue customers, oldest due date first: what the filters narrow and the
    summary counts; `team_overdue_rows` gives the rows to show."""
    return team_customers(staff).overdue(today).filter(closed_on__isnull=True).order_by("due_by", "number")


def team_overdue_tasks(staff: Staff, today: date) -> QuerySet[Customer]:
    """The team's customers with an overdue task (`caseload.open_tasks`), by number."""
    return team_customers(staff).filter(tasks_overdue_q(today), closed_on__isnull=True).order_by("number")


def team_task_rows(queryset: QuerySet[Customer]) -> QuerySet[dict]:
    """The overdue tasks list's rows: no names, no birth dates (as TEAM_LIST_VALUES)."""
    return queryset.values(*TEAM_LIST_VALUES, *TASK_VALUES)


def team_overdue_rows(queryset: QuerySet[Customer]) -> QuerySet[dict]:
    """The list's rows as dicts (TEAM_LIST_VALUES): no names, no birth dates."""
    return queryset.values(*TEAM_LIST_VALUES)


def _summary_aggregates(today: date, policy_version: int) -> dict[str, Count]:
    return {
        "total": Count("pk"),
        "stale": Count("pk", filter=stale_q(today, policy_version)),
        "unassigned": Count("pk", filter=Q(caseworker__isnull=True)),
    }


def team_overdue_summary(queryset: QuerySet[Customer], today: date, policy_version: int) -> dict[str, int]:
    """One query: the list's length, stale due dates, customers without a caseworker."""
    return queryset.aggregate(**_summary_aggregates(today, policy_version))


def team_overdue_figures(staff: Staff, today: date, policy_version: int) -> dict[str, int]:
    """`team_overdue_summary` of the whole list, and `tasks`: how many of the team's customers
    have an overdue task. Two queries, as the list opens nearly every time; their statements
    are built once per process and day (kontaktdichte.statements)."""
    where = (staff.job_centre_id, staff.team_id, today)
    figures = statements.counts(
        Customer,
        ("team overdue", *where, policy_version),
        lambda: (team_overdue(staff, today), _summary_aggregates(today, policy_version)),
    )
    tasks = statements.counts(
        Customer, ("team tasks", *where), lambda: (team_overdue_tasks(staff, today), {"tasks": Count("pk")})
    )
    return {**figures, **tasks}


EXPORT_HEADERS = (
    "Kundennummer",
    "Fachkraft",
    "Kürzel",
    "fällig bis",
    "Tage überfällig",
    "letzter qualifizierter Kontakt",
    "Hinweis",
)
STALE_TEXT = "Nicht mehr aktuell – Fälligkeit wird neu berechnet"


def team_overdue_export(queryset: QuerySet[Customer], today: date, policy_version: int):
    """Rows for the CSV/XLSX export: customer number, never a name or a birth date."""
    for row in team_overdue_rows(queryset).iterator(chunk_size=2000):
        yield (
            row["number"],
            caseworker_name(row),
            row["due_code"],
            row["due_by"],
            (today - row["due_by"]).days,
            row["last_contact_on"],
            STALE_TEXT if row_is_stale(row, today, policy_version) else "",
        )


# --- One customer ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # note | measure | suspension, or another app's (proposal)
    date: date
    item: object
    qualified: bool = False  # notes: the channel counted under the rule set in force that day
    template_name: str = ""  # another app's entries bring their own template

    @property
    def template(self) -> str:
        return self.template_name or f"caseload/_timeline_{self.kind}.html"


_KIND_ORDER = {"note": 2, "suspension": 1, "measure": 0}

# Entries other apps add to a customer's history (the employers app: placement proposals and
# their outcomes), each a function of the customer giving TimelineEntry objects with one query.
TIMELINE_SOURCES: list[Callable[[Customer], list[TimelineEntry]]] = []


def add_timeline_source(source: Callable[[Customer], list[TimelineEntry]]) -> None:
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)


# The customer page shows the newest entries of a history; the rest one click away (`limit`
# None). A page then costs the same for a customer with two years of weekly contacts as for
# one with a dozen notes: reading and rendering an entry is ~0.35 ms of CPU, the history was
# over half of the page (README, Benchmarks).
TIMELINE_NEWEST = 25


# The history's own kinds: (kind, model, the field that gives its day).
_OWN_KINDS = (("note", ContactNote, "date"), ("measure", Measure, "start"), ("suspension", Suspension, "start"))
# The newest of them together, in the history's order (day, kind, id; newest first), as text: see
# `_newest_ids`. Parameters: the kind's order, job centre and customer for each kind, the count.
_NEWEST_SQL = (
    " UNION ALL ".join(
        f'SELECT %s AS kind, "id", "{day}" AS on_day FROM "{model._meta.db_table}" '
        'WHERE "job_centre_id" = %s AND "customer_id" = %s'
        for _kind, model, day in _OWN_KINDS
    )
    + " ORDER BY on_day DESC, kind DESC, id DESC LIMIT %s"
)
_KIND_BY_ORDER = {order: kind for kind, order in _KIND_ORDER.items()}


def _newest_ids(customer: Customer, count: int) -> dict[str, list[int]]:
    """The ids of the customer's `count` newest notes, measures and suspensions together, per
    kind: one statement. Read kind by kind through the ORM, each kind cost a statement, also for
    the kinds a customer has none of (most have no measure and no suspension), and an ORM
    statement costs ~0.4 ms of Python to build and compile however little it finds (an empty
    measures query: 0.42 ms, the same SQL as text 0.05 ms; README, Benchmarks)."""
    params = []
    for kind, _model, _day in _OWN_KINDS:
        params += [_KIND_ORDER[kind], customer.job_centre_id, customer.pk]
    ids = {kind: [] for kind, _model, _day in _OWN_KINDS}
    with connections[router.db_for_read(ContactNote)].cursor() as cursor:
        cursor.execute(_NEWEST_SQL, [*params, count])
        for order, pk, _on_day in cursor.fetchall():
            ids[_KIND_BY_ORDER[order]].append(pk)
    return ids


@cache
def _notes_sql() -> str:
    """A customer's contact notes, each with the user who wrote it (`kontaktdichte.loads`:
    every customer page reads them; through the ORM building the statement cost more than
    running it)."""
    n, u = (ContactNote, "n"), (get_user_model(), "u")
    return (
        f"SELECT {loads.select(n, u)} FROM {loads.table(*n)}"
        + loads.join("INNER", u, n, "caseworker")
        + f" WHERE {loads.column('n', ContactNote, 'job_centre')} = %s"
        + f" AND {loads.column('n', ContactNote, 'customer')} = %s"
    )


def _notes(scope: dict, ids: list[int] | None) -> list[ContactNote]:
    """The customer's notes (`scope`: job centre and customer ids) with `ids`, or all for None."""
    sql, params = _notes_sql(), [scope["job_centre_id"], scope["customer_id"]]
    if ids is not None:
        if not ids:
            return []
        sql += f" AND {loads.column('n', ContactNote, 'pk')} IN ({loads.placeholders(len(ids))})"
        params += ids
    notes = []
    for note, user in loads.every(router.db_for_read(ContactNote), sql, params, ContactNote, get_user_model()):
        note.caseworker = user
        notes.append(note)
    return notes


@cache
def _activities_sql(count: int) -> str:
    """A customer's follow-up activities of `count` notes, in FollowUpActivity's order."""
    a = (FollowUpActivity, "a")
    job_centre, customer, note, due_on, pk = (
        loads.column("a", FollowUpActivity, name) for name in ("job_centre", "customer", "note", "due_on", "pk")
    )
    return (
        f"SELECT {loads.select(a)} FROM {loads.table(*a)} WHERE {job_centre} = %s AND {customer} = %s"
        f" AND {note} IN ({loads.placeholders(count)}) ORDER BY {due_on}, {pk}"
    )


def _with_activities(notes: list[ContactNote], scope: dict) -> list[ContactNote]:
    """Each note with its follow-up activities as `activity_list` (by day, then id, as
    FollowUpActivity's order): one statement for all notes, none without notes."""
    by_note = {note.pk: [] for note in notes}
    if by_note:
        params = [scope["job_centre_id"], scope["customer_id"], *by_note]
        sql = _activities_sql(len(by_note))
        for (activity,) in loads.every(router.db_for_read(FollowUpActivity), sql, params, FollowUpActivity):
            by_note[activity.note_id].append(activity)
    for note in notes:
        note.activity_list = by_note[note.pk]
    return notes


def customer_timeline(customer: Customer, limit: int | None = None) -> tuple[list[TimelineEntry], bool]:
    """Contact notes (with their follow-up activities), measures and suspensions (and what other
    apps add, `TIMELINE_SOURCES`), newest first: the newest `limit` entries (all for None), and
    whether there are more. Whether a note counted comes from the engine's rule sets
    (`policy_for`, kept per process).

    With a `limit`, the ids of the newest `limit` + 1 notes, measures and suspensions together
    come first (`_newest_ids`): each is one entry on one day, so the newest `limit` of all are
    among them. Then each kind among them is read by id, the notes' activities with them: two
    to five statements, and one per added source. The added sources are read whole (a placement
    proposal is an entry on two days; a customer has few). Without a limit: the three kinds and
    the activities whole, four statements and one per added source."""
    scope = {"job_centre_id": customer.job_centre_id, "customer_id": customer.pk}
    policy = policy_for(customer.job_centre_id, customer.job_centre.policy_version)

    def qualifies(note):
        rule_set = policy.rule_set_on(note.date)
        return rule_set is not None and note.channel in rule_set.qualifying_channels

    ids = _newest_ids(customer, limit + 1) if limit is not None else {}

    def read(kind, queryset):  # a kind not among the newest is neither built nor read
        if limit is None:
            return list(queryset().filter(**scope))
        return list(queryset().filter(**scope, pk__in=ids[kind])) if ids[kind] else []

    def suspensions():
        return Suspension.objects.select_related("documented_by").defer("documented_by__password")

    notes = _with_activities(_notes(scope, ids.get("note")), scope)
    entries = [TimelineEntry("note", n.date, n, qualifies(n)) for n in notes]
    entries += [TimelineEntry("measure", m.start, m) for m in read("measure", Measure.objects.all)]
    entries += [TimelineEntry("suspension", s.start, s) for s in read("suspension", suspensions)]
    for source in TIMELINE_SOURCES:
        entries += source(customer)
    entries.sort(key=lambda e: (e.date, _KIND_ORDER.get(e.kind, 3), e.item.pk), reverse=True)
    if limit is not None and len(entries) > limit:
        return entries[:limit], True
    return entries, False


def stale(customer: Customer, today: date) -> str:
    """Why the customer's stored due date may no longer hold ("" when it holds; see
    `status.stale_reason`). Needs `job_centre` loaded (get_customer_for_user does)."""
    return stale_reason(
        due_computed_on=customer.due_computed_on,
        policy_version=customer.policy_version,
        recheck_on=customer.recheck_on,
        today=today,
        version=customer.job_centre.policy_version,
    )


def walk_ins(job_centre_id: int, team_id: int, first: date, last: date) -> dict[int, int]:
    """Walk-ins (unterminierte Vorsprachen) recorded from `first` to `last` for the team's
    customers registered by `last`, per user who wrote the note (`ContactNote.caseworker`). One
    query. `reports.stored` stores the same counts per customer and month."""
    return dict(
        ContactNote.objects.filter(
            job_centre_id=job_centre_id,
            customer__team_id=team_id,
            customer__registered_on__lte=last,
            walk_in=True,
            date__gte=first,
            date__lte=last,
        )
        .values("caseworker_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("caseworker_id", "n")
    )
