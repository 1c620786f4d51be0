"""GCfaK counselling process (seed 004): acquisition sources against their expected inflow, and
the quarterly anonymised export.

Inflow: customers entered in the customer list (`registered_on`) with an acquisition source,
per source and month, against the source's `expected_per_month`; for a source expected per
event (`expected_per_event`, the Beratungstag), per event: the customers attributed to each of
its events (`Customer.acquisition_event`) against that expectation. The export, delivered on the
28th of March, June, September and December to the process owner, holds the quarter's data:

- customer list (anonymised): ID (the customer number), first contact (the first contact
  note, any channel), acquisition source, status, counsellor; every customer with a source
  entered by the quarter's end;
- customer log: date, customer ID, subject ("Beratungsvermerk 2MM", "Unterminierte Vorsprache
  2MM": the kind of contact and the rule's code, nothing personal), summary (with the
  agreements and the follow-up date) of the notes dated in the quarter.

No names, birth dates, addresses, phone numbers or e-mail addresses leave the system.
Who reads it: admins (every job centre that keeps acquisition sources) and the team leads of
such a job centre; the export is the admins' (they deliver it).
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse

from caseload.models import AcquisitionEvent, AcquisitionSource, ContactNote, Customer, note_subject
from caseload.selectors import CASEWORKER_VALUES, caseworker_name
from kontaktdichte.dates import add_months
from policies.models import JobCentre

from .anonymise import ExportIds, Identifiers, redact
from .exports import Sheet, csv_bytes, xlsx_response
from .figures import Column
from .replay import ONE_DAY

DELIVERY_DAY = 28
INFLOW_MONTHS = 12
EXPORTS = ("xlsx", "csv")
STATUS_LABELS = dict(Customer.CASE_STATUSES)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return add_months(self.start, 3) - ONE_DAY

    @property
    def delivery(self) -> date:
        return date(self.year, 3 * self.number, DELIVERY_DAY)

    @property
    def label(self) -> str:
        return f"{self.number}. Quartal {self.year}"

    @property
    def param(self) -> str:
        return f"{self.year}-{self.number}"


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def next_delivery(today: date) -> date:
    """The next delivery day on or after today: 28 March, June, September or December."""
    quarter = quarter_of(today)
    if today <= quarter.delivery:
        return quarter.delivery
    return quarter_of(add_months(quarter.start, 3)).delivery


def recent_quarters(today: date, count: int = 8) -> list[Quarter]:
    current = quarter_of(today)
    return [quarter_of(add_months(current.start, -3 * k)) for k in range(count)]


def parse_quarter(raw: str | None, today: date) -> Quarter:
    """`2026-3` → the third quarter of 2026; default: the quarter of the next delivery."""
    if not raw:
        return quarter_of(next_delivery(today))
    try:
        year, number = (int(p) for p in raw.split("-"))
    except ValueError:
        raise Http404("Unbekanntes Quartal.") from None
    if not (2000 <= year <= today.year + 1 and 1 <= number <= 4):
        raise Http404("Unbekanntes Quartal.")
    return Quarter(year, number)


# --- Who reads which job centre ----------------------------------------------------------------


def readable_centres(request) -> list[JobCentre]:
    centres = JobCentre.objects.filter(acquisition_sources__isnull=False).distinct().order_by("name")
    if not request.is_report_admin:
        centres = centres.filter(pk=request.staff.job_centre_id)
    return list(centres)


def centre_for(request, centres: list[JobCentre]) -> JobCentre | None:
    raw = request.GET.get("jobcenter")
    if not raw:
        if request.staff is not None:
            own = [c for c in centres if c.pk == request.staff.job_centre_id]
            if own:
                return own[0]
        return centres[0] if centres else None
    for centre in centres:
        if str(centre.pk) == raw:
            return centre
    raise Http404("Keine GCfaK-Auswertung für dieses Jobcenter.")


# --- Inflow ------------------------------------------------------------------------------------


@dataclass
class SourceInflow:
    name: str
    expected: float
    per_month: list[int]
    owner: str = ""

    @property
    def total(self) -> int:
        return sum(self.per_month)

    @property
    def average(self) -> float:
        return self.total / len(self.per_month) if self.per_month else 0.0

    @property
    def difference(self) -> float:
        return self.average - self.expected

    @property
    def below(self) -> bool:
        return self.average < self.expected


@dataclass
class EventInflow:
    date: date
    title: str
    customers: int  # attributed to this event (`Customer.acquisition_event`)
    expected: float

    @property
    def difference(self) -> float:
        return self.customers - self.expected

    @property
    def below(self) -> bool:
        return self.customers < self.expected


@dataclass
class EventSourceInflow:
    """A source whose expectation is per event (seed 004: "Beratungstag (Karin): Erwartung 4-5
    Kunden pro Veranstaltung"): its events, each against the expectation."""

    name: str
    owner: str
    expected: float
    events: list[EventInflow]
    unattributed: int  # customers of the source in the period without an event

    @property
    def total(self) -> int:
        return sum(e.customers for e in self.events)

    @property
    def average(self) -> float:
        return self.total / len(self.events) if self.events else 0.0

    @property
    def difference(self) -> float:
        return self.average - self.expected

    @property
    def below(self) -> bool:
        return bool(self.events) and self.average < self.expected


@dataclass
class Inflow:
    months: list[date]
    sources: list[SourceInflow]  # expected per month
    event_sources: list[EventSourceInflow] = field(default_factory=list)  # expected per event


def inflow(centre: JobCentre | None, today: date) -> Inflow | None:
    """The last 12 complete months: per month for sources expected per month, per event (events
    from the first of those months until today) for sources expected per event. Three queries:
    sources, customers per source and month, events with their customers."""
    if centre is None:
        return None
    first_month = add_months(today.replace(day=1), -INFLOW_MONTHS)
    months = [add_months(first_month, k) for k in range(INFLOW_MONTHS)]
    until = today.replace(day=1) - ONE_DAY
    sources = list(AcquisitionSource.objects.filter(job_centre_id=centre.pk).order_by("name"))
    counts, unattributed = defaultdict(int), defaultdict(int)
    for source_id, month, n, without_event in (
        Customer.objects.filter(
            job_centre_id=centre.pk,
            acquisition_source__isnull=False,
            registered_on__gte=first_month,
            registered_on__lte=until,
        )
        .annotate(month=TruncMonth("registered_on"))
        .values("acquisition_source_id", "month")
        .annotate(n=Count("pk"), without_event=Count("pk", filter=Q(acquisition_event__isnull=True)))
        .values_list("acquisition_source_id", "month", "n", "without_event")
    ):
        month = month.date() if hasattr(month, "date") else month
        counts[source_id, month.replace(day=1)] += n
        unattributed[source_id] += without_event
    events = defaultdict(list)
    for source_id, day, title, n in (
        AcquisitionEvent.objects.filter(job_centre_id=centre.pk, date__gte=first_month, date__lte=today)
        .annotate(n=Count("customers", filter=Q(customers__job_centre_id=centre.pk)))
        .order_by("date", "pk")
        .values_list("source_id", "date", "title", "n")
    ):
        events[source_id].append((day, title, n))
    return Inflow(
        months,
        [
            SourceInflow(s.name, float(s.expected_per_month), [counts[s.pk, m] for m in months], s.owner)
            for s in sources
            if not s.per_event
        ],
        [
            EventSourceInflow(
                s.name,
                s.owner,
                float(s.expected_per_event),
                [EventInflow(*event, float(s.expected_per_event)) for event in events[s.pk]],
                unattributed[s.pk],
            )
            for s in sources
            if s.per_event
        ],
    )


# --- The quarterly export ----------------------------------------------------------------------

LIST_COLUMNS = [
    Column("id", "ID", "text"),
    Column("first_contact", "Erstkontakt", "date"),
    Column("source", "Akquise", "text"),
    Column("status", "Status", "text"),
    Column("counsellor", "Berater", "text"),
]
LOG_COLUMNS = [
    Column("date", "Datum", "date"),
    Column("id", "Kunde", "text"),
    Column("subject", "Betreff", "text"),
    Column("summary", "Zusammenfassung", "text"),
]


def customer_list(centre: JobCentre, quarter: Quarter, ids: ExportIds) -> list[list]:
    rows = (
        Customer.objects.filter(
            job_centre_id=centre.pk, acquisition_source__isnull=False, registered_on__lte=quarter.end
        )
        .annotate(first_contact=Min("contact_notes__date"))
        .values("id", "first_contact", "acquisition_source__name", "case_status", *CASEWORKER_VALUES)
        .order_by("first_contact", "id")
    )
    return [
        [
            ids[row["id"]],
            row["first_contact"],
            row["acquisition_source__name"],
            STATUS_LABELS.get(row["case_status"], row["case_status"]),
            caseworker_name(row),
        ]
        for row in rows
    ]


def _summary(summary: str, agreements: str, follow_up: date | None) -> str:
    parts = [summary.strip()]
    if agreements.strip():
        parts.append(f"Vereinbarungen: {agreements.strip()}")
    if follow_up is not None:
        parts.append(f"Folgetermin: {follow_up.isoformat()}")
    return " ".join(parts)


IDENTIFIER_FIELDS = ("first_name", "last_name", "birth_date", "street", "postcode", "city", "phone", "email", "number")


def customer_log(centre: JobCentre, quarter: Quarter, ids: ExportIds) -> list[list]:
    """The quarter's notes: date, export ID, subject and the summary with the customer's own
    identifiers replaced (`anonymise.redact`)."""
    rows = (
        ContactNote.objects.filter(
            job_centre_id=centre.pk,
            customer__acquisition_source__isnull=False,
            date__gte=quarter.start,
            date__lte=quarter.end,
        )
        .values_list(
            "date",
            "customer_id",
            "walk_in",
            "rule_code",
            "summary",
            "agreements",
            "follow_up_on",
            *(f"customer__{f}" for f in IDENTIFIER_FIELDS),
        )
        .order_by("date", "customer_id", "id")
    )
    log = []
    for day, customer_id, walk_in, code, summary, agreements, follow_up, *identifiers in rows:
        who = Identifiers(**dict(zip(IDENTIFIER_FIELDS, identifiers)))
        log.append(
            [day, ids[customer_id], note_subject(walk_in, code), redact(_summary(summary, agreements, follow_up), who)]
        )
    return log


def export_response(centre: JobCentre | None, quarter: Quarter, kind: str):
    """One export: the customer list and the log with one set of random IDs (an XLSX with two
    sheets, or a ZIP with two CSV files), new IDs with every export."""
    if centre is None:
        raise Http404("Keine Akquisequellen erfasst.")
    filename = f"gcfak-{centre.slug}-{quarter.year}-q{quarter.number}"
    ids = ExportIds()
    sheets = [
        Sheet("Kundenliste", LIST_COLUMNS, customer_list(centre, quarter, ids)),
        Sheet("Kundendoku", LOG_COLUMNS, customer_log(centre, quarter, ids)),
    ]
    if kind == "xlsx":
        return xlsx_response(sheets, filename)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as files:
        files.writestr(f"{filename}-kundenliste.csv", csv_bytes(sheets[0]))
        files.writestr(f"{filename}-kundendoku.csv", csv_bytes(sheets[1]))
    response = HttpResponse(archive.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}.zip"'
    return response
