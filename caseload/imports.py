"""Import of customers' master data and facts from the job centre's specialist system.

A file (`caseload.import_files`: CSV or XLSX, German headers, COLUMNS below) is first *planned*:
every row is read, checked as the "Kunde anlegen" form checks (`services.check_facts`,
`intake.check_master_data`, the model's field checks) and compared by its customer number with
the job centre's customers, giving one of: new, changed (which fields), unchanged, or an error
(one German message per row). Nothing is written until the person confirms the plan; then
`apply` writes it in ONE transaction through `services.create_customer` and
`services.update_customer` (under each customer's lock, audit event per customer, the due date
recomputed only where a fact the rules read changed) and the whole file is imported or nothing
is. A file with errors is not imported at all: it is corrected and uploaded again. Importing the
same file again changes nothing (the customer number is the key).

Columns: those in the file are applied as they stand (an empty cell clears an optional value,
"Betreuung" falls back to Arbeitsvermittlung); columns left out of the file leave what
Kontaktdichte has. Between the preview and the confirmation the rows wait in a `PendingImport`
(the upload itself is never stored), for `KEEP_MINUTES` at most.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import events as audit
from kontaktdichte.commands import german_number
from policies import vocabulary as voc

from . import intake, services
from .import_files import ImportFileError
from .models import Customer, Staff, Team
from .pending_import import PendingImport

log = logging.getLogger(__name__)

KEEP_MINUTES = 60
CHUNK = 500  # customer numbers and birth dates per query
CREATE, CHANGE, UNCHANGED, ERROR = "create", "change", "unchanged", "error"
ACTION_LABELS = {CREATE: "neu", CHANGE: "geändert", UNCHANGED: "unverändert", ERROR: "Fehler"}


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # a Customer field; "team_id" and "caseworker_id" are looked up by name
    kind: str  # text | date | choice | flags | team | login
    required: bool = False
    choices: tuple = ()
    note: str = ""  # for the column list on the page and in the docs


COLUMNS = [
    Column("Kundennummer", "number", "text", True, note="Schlüssel: Ziffern und Buchstaben, im Jobcenter eindeutig"),
    Column("Vorname", "first_name", "text", True),
    Column("Nachname", "last_name", "text", True),
    Column("Geburtsdatum", "birth_date", "date", True, note="TT.MM.JJJJ oder JJJJ-MM-TT"),
    Column("Straße", "street", "text", note="mit Hausnummer"),
    Column("PLZ", "postcode", "text", note="fünf Ziffern; vierstellige bekommen die führende 0"),
    Column("Ort", "city", "text"),
    Column("Telefon", "phone", "text"),
    Column("E-Mail", "email", "text"),
    Column("Meldung", "registered_on", "date", True, note="Tag der Meldung (Zugang), nicht vor 2005"),
    Column("Status", "employment", "choice", True, tuple(voc.EMPLOYMENT)),
    Column("Profillage", "profile", "choice", False, tuple(voc.PROFILES)),
    Column("Profillage seit", "profile_since", "date"),
    Column("Betreuung", "care", "choice", False, tuple(voc.CARE), note="leer: Arbeitsvermittlung"),
    Column("Merkmale", "flags", "flags", False, tuple(voc.FLAGS), note="mehrere mit Komma getrennt"),
    Column("Beschäftigung IH", "integrated_employment", "choice", False, tuple(voc.INTEGRATED_EMPLOYMENT)),
    Column("arbeitslos seit", "unemployed_since", "date"),
    Column("WBA", "benefit_renewal_on", "date", note="Weiterbewilligung am"),
    Column("Team", "team_id", "team", note="Name des Teams; auf der Seite der Teamleitung: leer oder das eigene"),
    Column("Fachkraft", "caseworker_id", "login", note="Benutzername der Fachkraft im Team; leer: niemand"),
]
COLUMN_BY_KEY = {c.header.casefold(): c for c in COLUMNS}
ALIASES = {
    "strasse": "Straße",
    "straße, hausnummer": "Straße",
    "email": "E-Mail",
    "postleitzahl": "PLZ",
    "fachkraft (login name)": "Fachkraft",
    "fachkraft (benutzername)": "Fachkraft",
    "beschäftigung (ih)": "Beschäftigung IH",
    "weiterbewilligung": "WBA",
}
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")


def _key(header: str) -> str:
    return " ".join(header.split()).casefold()


def match_header(header: list[str], *, team_given: bool) -> list[Column | None]:
    """The column of each header cell (None for an empty one), or ImportFileError naming the
    unknown, doubled and missing columns. "Team" is required unless the team is given (the team
    lead's page)."""
    columns, unknown, seen = [], [], set()
    for cell in header:
        if not cell.strip():
            columns.append(None)
            continue
        key = _key(cell)
        column = COLUMN_BY_KEY.get(key) or COLUMN_BY_KEY.get(_key(ALIASES.get(key, "")))
        if column is None:
            unknown.append(cell)
        elif column.header in seen:
            raise ImportFileError(f"Die Spalte „{column.header}“ steht zweimal in der Kopfzeile.")
        else:
            seen.add(column.header)
        columns.append(column)
    problems = []
    if unknown:
        problems.append("Unbekannte Spalten: " + ", ".join(f"„{u}“" for u in unknown) + ".")
    needed = [c for c in COLUMNS if c.required or (c.kind == "team" and not team_given)]
    missing = [c.header for c in needed if c.header not in seen]
    if missing:
        problems.append("Es fehlen die Spalten: " + ", ".join(f"„{m}“" for m in missing) + ".")
    if problems:
        raise ImportFileError(" ".join(problems) + " Die erste Zeile muss die Spaltennamen enthalten (siehe Liste).")
    return columns


# --- Reading a row's cells -------------------------------------------------------------------


class CellError(ValueError):
    pass


def parse_date(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError("kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT).")


@functools.cache
def _names(pairs: tuple) -> list[tuple[str, str]]:
    """(name in lower case, code) for a vocabulary: the code, the label, the label without its
    bracket ("Fallmanagement") and a short bracket on its own ("bFM", "IH", "Z")."""
    names = []
    for code, label in pairs:
        names += [(code.lower(), code), (label.lower(), code)]
        match = re.fullmatch(r"(.+?)\s*\((.+)\)", label)
        if match:
            names.append((match.group(1).lower(), code))
            if len(match.group(2)) <= 4:
                names.append((match.group(2).lower(), code))
    return sorted(set(names), key=lambda pair: -len(pair[0]))


def parse_choice(text: str, pairs) -> str:
    lookup = dict(_names(pairs))
    code = lookup.get(text.lower())
    if code is None:
        raise CellError(f"„{text[:40]}“ ist kein bekannter Wert ({', '.join(label for _, label in pairs)}).")
    return code


def parse_flags(text: str) -> list[str]:
    """ "Flucht/Asyl, arbeitsunfähig (AU)" → codes in the vocabulary's order. Labels may hold a
    comma themselves ("geförderte Beschäftigung (EGZ, FAV)"), so names are matched, longest
    first, before a comma ends one."""
    names, rest, codes = _names(tuple(voc.FLAGS)), text.strip(), set()
    while rest:
        for name, code in names:
            if rest.lower().startswith(name) and (len(rest) == len(name) or rest[len(name)] in ", "):
                codes.add(code)
                rest = rest[len(name) :].lstrip(" ").removeprefix(",").strip()
                break
        else:
            piece = rest.split(",")[0].strip()
            known = ", ".join(label for _, label in voc.FLAGS)
            raise CellError(f"„{piece[:40]}“ ist kein bekanntes Merkmal ({known}).")
    return [code for code in voc.FLAG_CODES if code in codes]


def _default(column: Column):
    if column.kind == "date" or column.kind in ("team", "login"):
        return None
    if column.kind == "flags":
        return []
    if column.field == "care":
        return "placement"
    return ""


def parse_cell(column: Column, text: str):
    """A cell's value for the Customer field; CellError with a German message."""
    if not text:
        if column.required:
            raise CellError("fehlt.")
        return _default(column)
    if column.kind == "date":
        return parse_date(text)
    if column.kind == "choice":
        return parse_choice(text, column.choices)
    if column.kind == "flags":
        return parse_flags(text)
    if column.field == "postcode" and text.isdigit() and len(text) == 4:
        return "0" + text  # a spreadsheet dropped the leading zero (07743 Jena)
    return text


# --- The plan ---------------------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int
    number: str
    name: str  # "Nachname, Vorname": shown on the preview page, never logged
    action: str = CREATE
    message: str = ""  # the row's error, one German sentence or several
    values: dict = field(default_factory=dict)  # Customer attname -> value, the file's columns
    changed: list[str] = field(default_factory=list)  # column headers whose value changes
    customer_id: int | None = None
    duplicates: list[str] = field(default_factory=list)  # numbers of possible duplicates

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class Plan:
    rows: list[RowPlan]
    columns: list[Column]

    @property
    def counts(self) -> Counter:
        return Counter(row.action for row in self.rows)

    @property
    def ok(self) -> bool:
        return not any(row.action == ERROR for row in self.rows)

    @property
    def errors(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action == ERROR]

    @property
    def with_duplicates(self) -> list[RowPlan]:
        return [row for row in self.rows if row.duplicates and row.action != ERROR]

    def summary(self) -> str:
        counts = self.counts
        return ", ".join(f"{german_number(counts[a])} {ACTION_LABELS[a]}" for a in (CREATE, CHANGE, UNCHANGED, ERROR))


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Lookups:
    teams: dict  # name (casefold) -> Team
    staff: dict  # username (casefold) -> (pk, team_id)
    existing: dict  # number -> values dict
    by_birth: dict  # birth_date -> [(first, last, number)]


FIELDS_READ = ["pk", "team_id", "caseworker_id", *(c.field for c in COLUMNS if c.kind not in ("team", "login"))]


def _lookups(job_centre_id: int, rows: list[tuple[int, list[str]]], columns: list) -> _Lookups:
    """Every read the plan needs: teams, staff, the customers with the file's numbers, the
    customers born on the file's birth dates. 2 + 2 queries per CHUNK rows."""
    teams = {t.name.casefold(): t for t in Team.objects.filter(job_centre_id=job_centre_id)}
    staff = {
        username.casefold(): (pk, team_id)
        for pk, team_id, username in Staff.objects.filter(job_centre_id=job_centre_id).values_list(
            "pk", "team_id", "user__username"
        )
    }
    index = {c.field: i for i, c in enumerate(columns) if c is not None}
    numbers, births = set(), set()
    for _line, cells in rows:
        cells = cells + [""] * (len(columns) - len(cells))
        numbers.add(cells[index["number"]].strip())
        with contextlib.suppress(CellError):
            births.add(parse_date(cells[index["birth_date"]].strip()))
    existing = {}
    for chunk in _chunks(sorted(numbers)):
        for row in Customer.objects.filter(job_centre_id=job_centre_id, number__in=chunk).values(*FIELDS_READ):
            existing[row["number"]] = row
    by_birth = {}
    for chunk in _chunks(sorted(births)):
        for first, last, born, number in Customer.objects.filter(
            job_centre_id=job_centre_id, birth_date__in=chunk
        ).values_list("first_name", "last_name", "birth_date", "number"):
            by_birth.setdefault(born, []).append((first.strip().casefold(), last.strip().casefold(), number))
    return _Lookups(teams, staff, existing, by_birth)


def plan(job_centre, file_rows, *, team: Team | None = None, today: date | None = None) -> Plan:
    """What importing `file_rows` (an `import_files.FileRows`) into `job_centre` would do.
    `team`: the team lead's team, which every row goes to; None (admin, command): each row names
    its team. Raises ImportFileError when the header does not fit."""
    today = today or timezone.localdate()
    columns = match_header(file_rows.header, team_given=team is not None)
    lookups = _lookups(job_centre.pk, file_rows.rows, columns)
    seen: dict[str, int] = {}
    new_people: dict[tuple, str] = {}
    rows = []
    for line, cells in file_rows.rows:
        row = _plan_row(line, cells, columns, lookups, job_centre, team, today, seen)
        if row.action == CREATE:
            person = (row.values["first_name"].casefold(), row.values["last_name"].casefold(), row.values["birth_date"])
            row.duplicates = [n for f, la, n in lookups.by_birth.get(person[2], []) if (f, la) == person[:2]]
            if person in new_people:
                row.duplicates.append(new_people[person])
            new_people.setdefault(person, row.number)
        rows.append(row)
    return Plan(rows, [c for c in columns if c is not None])


def _plan_row(line, cells, columns, lookups: _Lookups, job_centre, team, today, seen) -> RowPlan:
    present = [c for c in columns if c is not None]
    cells = cells + [""] * (len(columns) - len(cells))
    raw = {c.field: cells[i].strip() for i, c in enumerate(columns) if c is not None}
    row = RowPlan(line, raw.get("number", ""), f"{raw.get('last_name', '')}, {raw.get('first_name', '')}")
    errors = {}
    if any(cell.strip() for cell in cells[len(columns) :]):
        errors["__all__"] = "Die Zeile hat mehr Werte als die Kopfzeile Spalten."
    values = {}
    for column in present:
        try:
            values[column.field] = parse_cell(column, raw[column.field])
        except CellError as error:
            errors[column.field] = str(error)
    number = values.get("number") or ""
    if number in seen:
        errors["number"] = f"steht schon in Zeile {seen[number]}."
    elif number:
        seen[number] = line
    existing = lookups.existing.get(number)
    _assign(values, raw, errors, lookups, team, existing)
    if existing is not None and team is not None and existing["team_id"] != team.pk:
        errors["number"] = "Diese Kundennummer gehört im Jobcenter einem anderen Team: nicht übernommen."
    current = dict(existing) if existing else {c.field: _default(c) for c in COLUMNS}
    merged = {**current, **values}
    if merged.get("team_id") is None and "team_id" not in errors:
        errors["team_id"] = "fehlt."
    changed = [c.field for c in present if c.field in values and _differs(current.get(c.field), values[c.field])]
    if existing is None:
        changed = [c.field for c in present]
    _check(merged, changed, errors, today)
    if errors:
        row.action, row.message = ERROR, _message(errors)
        return row
    row.values = values
    row.customer_id = existing["pk"] if existing else None
    if existing is None:
        row.values["team_id"] = merged["team_id"]
        row.action = CREATE
    else:
        row.changed = [COLUMN_FOR_FIELD[f].header for f in changed]
        row.action = CHANGE if changed else UNCHANGED
    return row


def _assign(values, raw, errors, lookups: _Lookups, team, existing) -> None:
    """Team and Fachkraft by name: the team lead's own team, a team of the job centre, a member
    of the row's team."""
    if "team_id" in values or team is not None:
        name = raw.get("team_id", "")
        if team is not None:
            if name and name.casefold() != team.name.casefold():
                errors["team_id"] = f"Hier werden nur Kunden des eigenen Teams ({team.name}) importiert."
            values["team_id"] = team.pk
        elif name:
            found = lookups.teams.get(name.casefold())
            if found is None:
                errors["team_id"] = f"Das Team „{name[:60]}“ gibt es in diesem Jobcenter nicht."
            else:
                values["team_id"] = found.pk
    if "caseworker_id" in values:
        login = raw.get("caseworker_id", "")
        if login:
            member = lookups.staff.get(login.casefold())
            row_team = values.get("team_id") or (existing or {}).get("team_id")
            if member is None:
                errors["caseworker_id"] = f"„{login[:60]}“ ist in diesem Jobcenter nicht als Fachkraft angelegt."
            elif row_team is not None and member[1] != row_team:
                errors["caseworker_id"] = f"„{login[:60]}“ gehört nicht zum Team des Kunden."
            else:
                values["caseworker_id"] = member[0]


def _differs(old, new) -> bool:
    if isinstance(old, list) or isinstance(new, list):
        return sorted(old or []) != sorted(new or [])
    return (old or None) != (new or None)


def _check(merged: dict, changed: list[str], errors: dict, today: date) -> None:
    """The checks `services.create_customer`/`update_customer` run, without their queries: the
    plausibility of dates that change, the master data, the model's field checks."""
    facts = {f: merged.get(f) for f in Customer.FACT_FIELDS}
    for name, message in services.changed_facts_errors(facts, changed, today).items():
        errors.setdefault(name, message)
    master = {f: merged.get(f) for f in intake.TEXT_FIELDS if f in changed}
    for name, message in intake.check_master_data(master).items():
        errors.setdefault(name, message)
    if merged.get("profile_since") and not merged.get("profile"):
        errors.setdefault("profile_since", "braucht eine Profillage.")
    fields = {f: v for f, v in merged.items() if f in FIELD_NAMES}
    try:
        Customer(**fields).clean_fields(exclude=[f for f in ALL_FIELDS if f not in changed or f in SKIP_CLEAN])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, " ".join(messages))


FIELD_NAMES = {c.field for c in COLUMNS if c.kind not in ("team", "login")}
ALL_FIELDS = [f.name for f in Customer._meta.concrete_fields]
SKIP_CLEAN = {"employment", "profile", "care", "integrated_employment", "flags"}  # parsed from the vocabulary
COLUMN_FOR_FIELD = {c.field: c for c in COLUMNS}


def _message(errors: dict) -> str:
    parts = []
    for name, message in errors.items():
        message = message if isinstance(message, str) else " ".join(message)
        if name == "__all__":
            parts.append(message)
        else:
            parts.append(f"{COLUMN_FOR_FIELD[name].header}: {message}" if name in COLUMN_FOR_FIELD else message)
    return " ".join(parts)


# --- Writing -----------------------------------------------------------------------------------


class ImportRefused(Exception):
    """Nothing was imported; the message (German) says why."""


@transaction.atomic
def apply(job_centre, import_plan: Plan, *, by=None, today: date | None = None, progress=None) -> Counter:
    """Write the plan in one transaction: every row or none. Rows that change nothing are not
    touched (no lock, no history, no audit event)."""
    today = today or timezone.localdate()
    if not import_plan.ok:
        bad = german_number(len(import_plan.errors))
        raise ImportRefused(f"Die Datei hat {bad} fehlerhafte Zeilen: nichts importiert.")
    done = Counter()
    changing = [row.customer_id for row in import_plan.rows if row.action == CHANGE]
    customers = {}
    for chunk in _chunks(changing):
        customers.update(Customer.objects.filter(job_centre_id=job_centre.pk).in_bulk(chunk))
    for row in import_plan.rows:
        try:
            if row.action == CREATE:
                services.create_customer(today=today, by=by, job_centre_id=job_centre.pk, **row.values)
            elif row.action == CHANGE:
                customer = customers[row.customer_id]
                services.update_customer(customer=customer, changes=row.values, today=today, by=by)
        except services.ServiceError as error:
            raise ImportRefused(f"Zeile {row.line}: {_message(error.message_dict)} Nichts importiert.") from None
        done[row.action] += 1
        if progress is not None:
            progress(1)
    written = done[CREATE] + done[CHANGE]
    audit.record(
        audit.Event.CUSTOMER_CHANGED, user=by, job_centre_id=job_centre.pk, what="customer_import", rows=written
    )
    log.info(
        "customer import into job centre %s by user id %s: %d created, %d changed, %d unchanged",
        job_centre.pk,
        getattr(by, "pk", None),
        done[CREATE],
        done[CHANGE],
        done[UNCHANGED],
    )
    return done


# --- Waiting between preview and confirmation --------------------------------------------------


def purge_expired(now: datetime | None = None) -> int:
    """Delete previews older than KEEP_MINUTES (also run nightly by apply_retention)."""
    cutoff = (now or timezone.now()) - timedelta(minutes=KEEP_MINUTES)
    deleted, _ = PendingImport.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def keep(file_rows, *, job_centre, team, user) -> PendingImport:
    purge_expired()
    return PendingImport.objects.create(
        job_centre=job_centre,
        team=team,
        created_by=user,
        header=file_rows.header,
        rows=[[line, cells] for line, cells in file_rows.rows],
    )


def pending_for(pk, *, user, job_centre_id: int | None = None) -> PendingImport | None:
    """The user's own preview, if it has not expired (None otherwise: a 404 for the page)."""
    cutoff = timezone.now() - timedelta(minutes=KEEP_MINUTES)
    queryset = PendingImport.objects.filter(pk=pk, created_by_id=user.pk, created_at__gte=cutoff)
    if job_centre_id is not None:
        queryset = queryset.filter(job_centre_id=job_centre_id)
    return queryset.select_related("job_centre", "team").first()
