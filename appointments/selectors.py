"""Reads for the appointment pages and for the reports, each with a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404

from caseload.models import Customer, Staff
from caseload.selectors import Section, team_staff
from caseload.status import due_soon_q, overdue_q
from kontaktdichte import loads
from kontaktdichte.dates import month_bounds
from policies.models import JobCentre, RuleSet

from . import scheduling
from .lengths import Length
from .models import Absence, Appointment, GroupSession, Office, OpeningHours, WorkingHours
from .slots import BERLIN, Slot, free_slots, hours_by_weekday, intersect, within
from .working_time import rule_sets_between, working_calendar, working_time

DEFAULT_HOURS = {d: [(time(8, 0), time(16, 0))] for d in range(5)}
SEARCH_DAYS_AFTER_DUE = 21  # how far past the due date (or today, when overdue) slots are looked for
SEARCH_DAYS_AT_MOST = 120  # a window opening or due date far ahead: look no further than this


def local_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BERLIN)


# --- Access ----------------------------------------------------------------------------------


def team_appointments(staff: Staff):
    """Appointments of customers of the staff member's team, in their job centre."""
    return Appointment.objects.filter(job_centre_id=staff.job_centre_id, customer__team_id=staff.team_id)


def get_appointment_for_user(staff: Staff, pk: int) -> Appointment:
    queryset = team_appointments(staff).select_related(
        "customer", "customer__job_centre", "caseworker__user", "office", "contact_note"
    )
    return get_object_or_404(queryset, pk=pk)


def calendar_owner(staff: Staff, requested: str | None) -> Staff:
    """Whose calendar the page shows: one's own; a team lead may pick a member of the team."""
    if not requested or str(requested) == str(staff.pk):
        return staff
    if not staff.is_team_lead or not str(requested).isdigit():
        raise Http404("Kein Zugriff auf diesen Kalender.")
    owner = get_object_or_404(
        Staff.objects.select_related("user"),
        pk=int(requested),
        job_centre_id=staff.job_centre_id,
        team_id=staff.team_id,
    )
    owner.job_centre = staff.job_centre  # the same row, already loaded
    return owner


def team_members(staff: Staff) -> list[Staff]:
    return list(team_staff(staff.job_centre_id, staff.team_id).select_related("user"))


# --- Calendar --------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: date
    working: bool
    holiday: str | None
    appointments: list
    sessions: list = field(default_factory=list)  # group sessions, each once


def calendar_days(owner: Staff, first: date, last: date, now: datetime) -> list[CalendarDay]:
    """The caseworker's appointments from `first` to `last`, by day, and their group sessions
    once each (not their participants' appointments). 4 queries: appointments with customer and
    office, group sessions with office and places taken, the offices' opening hours, the
    closing days."""
    span = {"start__gte": local_start(first), "start__lt": local_start(last + timedelta(days=1))}
    rows = list(
        Appointment.objects.filter(
            job_centre_id=owner.job_centre_id, caseworker_id=owner.pk, group_session__isnull=True, **span
        )
        .select_related("customer", "office")
        .order_by("start")
    )
    sessions = defaultdict(list)
    for session in (
        GroupSession.objects.filter(job_centre_id=owner.job_centre_id, caseworker_id=owner.pk, **span)
        .annotate(taken=Count("participants", filter=~Q(participants__status__in=Appointment.CANCELLED)))
        .select_related("office")
        .order_by("start")
    ):
        sessions[session.start.astimezone(BERLIN).date()].append(session)
    annotate_outside(rows, owner.job_centre_id)
    cal = working_calendar(owner.job_centre, first, last)
    by_day = defaultdict(list)
    for row in rows:
        row.unresolved = row.is_unresolved(now)
        by_day[row.start.astimezone(BERLIN).date()].append(row)
    days, day = [], first
    while day <= last:
        days.append(
            CalendarDay(day, cal.is_working_day(day), cal.holiday_name(day), by_day.get(day, []), sessions.get(day, []))
        )
        day += timedelta(days=1)
    return days


def annotate_outside(rows, job_centre_id: int) -> None:
    """Mark office appointments that lie outside the office's opening hours (one query)."""
    office_ids = {r.office_id for r in rows if r.office_id}
    hours = defaultdict(list)
    if office_ids:
        for office_id, weekday, start, end in OpeningHours.objects.filter(
            office_id__in=office_ids, office__job_centre_id=job_centre_id
        ).values_list("office_id", "weekday", "start", "end"):
            hours[office_id].append((weekday, start, end))
    for row in rows:
        row.outside_opening_hours = bool(row.office_id) and not within(
            row.start, row.end, hours_by_weekday(hours.get(row.office_id, []))
        )


def unresolved(owner: Staff, now: datetime, limit: int = 50) -> list[Appointment]:
    """Past appointments without an outcome: each needs one, none is a silent no-show. Group
    sessions' participants are recorded on the session's page (`groups.upcoming` marks them)."""
    return list(
        Appointment.objects.filter(
            job_centre_id=owner.job_centre_id,
            caseworker_id=owner.pk,
            status=Appointment.PLANNED,
            end__lte=now,
            group_session__isnull=True,
        )
        .select_related("customer")
        .order_by("start")[:limit]
    )


def customer_appointments(customer: Customer) -> list[Appointment]:
    return list(
        Appointment.objects.filter(job_centre_id=customer.job_centre_id, customer_id=customer.pk)
        .select_related("caseworker__user", "office")
        .order_by("-start")
    )


@cache
def _next_appointment_sql() -> str:
    """A customer's first planned appointment from a moment on, with its office
    (`kontaktdichte.loads`: every customer page reads it)."""
    a, o = (Appointment, "a"), (Office, "o")
    job_centre, customer, status, start = (
        loads.column("a", Appointment, name) for name in ("job_centre", "customer", "status", "start")
    )
    return (
        f"SELECT {loads.select(a, o)} FROM {loads.table(*a)}"
        + loads.join("LEFT", o, a, "office")
        + f" WHERE {job_centre} = %s AND {customer} = %s AND {status} = %s AND {start} >= %s"
        + f" ORDER BY {start}, {loads.column('a', Appointment, 'pk')} LIMIT 1"
    )


def next_appointment(customer: Customer, now: datetime) -> Appointment | None:
    using = router.db_for_read(Appointment)
    moment = connections[using].ops.adapt_datetimefield_value(now)
    params = [customer.job_centre_id, customer.pk, Appointment.PLANNED, moment]
    found = loads.one(using, _next_appointment_sql(), params, Appointment, Office)
    if found is None:
        return None
    appointment, office = found
    appointment.office = office
    return appointment


# --- Booking ---------------------------------------------------------------------------------


def offices(job_centre_id: int) -> list[Office]:
    """The job centre's offices by name, each with `opening` ({weekday: [(start, end)]}, empty
    when none are recorded). 2 queries: offices, their opening hours."""
    rows = list(Office.objects.filter(job_centre_id=job_centre_id).order_by("name"))
    hours = defaultdict(list)
    for office_id, weekday, start, end in OpeningHours.objects.filter(office__job_centre_id=job_centre_id).values_list(
        "office_id", "weekday", "start", "end"
    ):
        hours[office_id].append((weekday, start, end))
    for office in rows:
        office.opening = hours_by_weekday(hours.get(office.pk, []))
    return rows


@dataclass(frozen=True)
class Suggestions:
    slots: list[Slot]
    first_day: date
    due_by: date | None
    overdue: bool
    hours_source: str  # "working" | "opening" | "default"
    mode: str = Appointment.OFFICE
    office: Office | None = None
    bound_to_opening_hours: bool = False  # the rule set keeps office appointments within them
    letter_in_time_from: date | None = None  # earlier days: an invitation letter comes too late
    lead_working_days: int = 0

    @property
    def initial(self) -> Slot | None:
        """The slot to preselect: never one outside opening hours."""
        return next((s for s in self.slots if s.in_opening_hours), None)

    @property
    def missing_opening_hours(self) -> bool:
        return self.office is not None and not self.office.opening


def suggest_slots(
    customer: Customer,
    caseworker: Staff,
    length: Length,
    now: datetime,
    *,
    mode: str = Appointment.OFFICE,
    office: Office | None = None,
    rule_set: RuleSet | None = None,
    limit: int = 6,
) -> Suggestions:
    """The caseworker's next free slots for an appointment in `mode` inside the customer's due
    window (the first-contact deadline when there was no contact yet: the stored due date is
    that deadline), on working days, in working hours (else the office's opening hours, else
    Mon-Fri 8-16), long enough for the appointment and its preparation. Overdue customers get
    the earliest slots from now on. An office appointment (`office` from `offices()`, with its
    opening hours) is marked when outside them; where the rule set binds it to them, only
    times within them are searched. Field visits come in the afternoon first. 3 queries: busy
    times, working hours, closing days."""
    today = now.astimezone(BERLIN).date()
    due_by = customer.due_by
    overdue = due_by is not None and due_by < today
    first_day = max(today, customer.window_opens) if customer.window_opens and not overdue else today
    until = min(
        max(first_day, due_by if due_by and not overdue else today),
        first_day + timedelta(days=SEARCH_DAYS_AT_MOST - SEARCH_DAYS_AFTER_DUE),
    )
    last_day = until + timedelta(days=SEARCH_DAYS_AFTER_DUE)
    window = {"blocked_until__gt": local_start(first_day), "start__lt": local_start(last_day + timedelta(days=1))}
    busy = list(
        Appointment.objects.filter(caseworker_id=caseworker.pk, status__in=Appointment.BLOCKING, **window)
        .order_by()
        .values_list("start", "blocked_until")
        .union(
            GroupSession.objects.filter(caseworker_id=caseworker.pk, status=GroupSession.PLANNED, **window)
            .order_by()
            .values_list("start", "blocked_until")
        )
    )
    working = hours_by_weekday(
        WorkingHours.objects.filter(staff_id=caseworker.pk).values_list("weekday", "start", "end")
    )
    office = office if mode == Appointment.OFFICE else None
    opening = office.opening if office is not None else None
    hours, source = working, "working"
    if not hours:
        hours, source = (opening, "opening") if opening else (DEFAULT_HOURS, "default")
    bound = office is not None and scheduling.binds_to_opening_hours(rule_set)
    if bound:
        hours = intersect(hours, opening)
    lead = rule_set.invitation_lead_working_days if rule_set is not None else 0
    # Closing days as far as the letter's lead reaches too: twice its working days and two
    # weeks more cover weekends, holidays and closing days even at the largest lead (30).
    cal = working_calendar(customer.job_centre, today, max(last_day, today + timedelta(days=2 * lead + 14)))
    letter_from = scheduling.letter_in_time_from(cal, today, lead)
    slots = free_slots(
        first_day=first_day,
        last_day=last_day,
        not_before=now,
        hours=hours,
        opening=opening,
        busy=busy,
        is_working_day=cal.is_working_day,
        minutes=length.minutes,
        preparation=length.preparation,
        due_by=None if overdue else due_by,
        limit=limit,
        afternoon_first=mode == Appointment.FIELD,
        letter_from=letter_from,
    )
    return Suggestions(
        slots=slots,
        first_day=first_day,
        due_by=due_by,
        overdue=overdue,
        hours_source=source,
        mode=mode,
        office=office,
        bound_to_opening_hours=bound,
        letter_in_time_from=letter_from,
        lead_working_days=lead,
    )


# --- The worklist's "Ohne Termin" ---------------------------------------------------------------


def _planned_from_sql(sql: str, today: date, output_field) -> RawSQL:
    """The customer's planned appointments from the start of `today` on, as SQL for the
    worklist's two uses on every request: `sql` with {planned} for their `FROM ... WHERE`.
    As ORM subqueries (`Exists` and `Subquery` over `OuterRef`s: an inner query built and
    compiled with outer references, once for the section count and once for the rows) they made
    the worklist take 11.6 % more instructions (make bench-instructions); this is the same SQL as
    text. It names the customer table, so it only goes into queries on `Customer` itself (the
    worklist's), never into a subquery."""
    customer = Customer._meta.db_table
    planned = (
        f'"{Appointment._meta.db_table}" a WHERE a."job_centre_id" = "{customer}"."job_centre_id" '
        f'AND a."customer_id" = "{customer}"."id" AND a."status" = %s AND a."start" >= %s'
    )
    return RawSQL(sql.format(planned=planned), (Appointment.PLANNED, local_start(today)), output_field=output_field)


def without_appointment_q(today: date) -> Q:
    """Overdue or due soon, and no planned appointment from today on."""
    planned = _planned_from_sql("EXISTS (SELECT 1 FROM {planned})", today, BooleanField())
    return (overdue_q(today) | due_soon_q(today)) & ~Q(planned)


def next_appointment_start(today: date) -> RawSQL:
    """The start of the customer's next planned appointment from today on (None: none booked),
    as a subquery of the worklist's one query, through the (job_centre, customer, start) index.
    The same appointments as "Ohne Termin" looks for: a row with a date here is never there."""
    return _planned_from_sql('SELECT MIN(a."start") FROM {planned}', today, DateTimeField())


WITHOUT_APPOINTMENT = Section(
    "ohne_termin",
    "Ohne Termin",
    without_appointment_q,
    "Alle überfälligen und bald fälligen Kunden haben einen Termin (oder es ist niemand fällig).",
    hint="Überfällig oder in den nächsten 14 Tagen fällig, und noch kein Termin vereinbart.",
)


# --- For the reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationShare:
    attended_minutes: int
    working_minutes: int
    share: float | None  # 0..1; None without working time
    target: int | None  # percent, from the rule set in force in that month
    absent_days: int = 0  # working days an absence took out of the working time
    employer_minutes: int = 0  # of attended_minutes: employer appointments (where they count)


def qualified_channels_q(channels, *, employer_contacts: bool = False) -> Q | None:
    """Appointments whose contact channel (`Appointment.channel_for`) is one of `channels`;
    None when no appointment can have one of them. Employer appointments only with
    `employer_contacts` (the rule set's `employer_contacts_count`): they never count
    otherwise."""
    parts = []
    modes = [mode for mode, channel in Appointment.CHANNEL.items() if channel in channels]
    if modes:
        kinds = [Appointment.GROUP] if employer_contacts else [Appointment.GROUP, Appointment.EMPLOYER]
        parts.append(Q(mode__in=modes) & ~Q(kind__in=kinds))
    if "group" in channels:
        parts.append(Q(kind=Appointment.GROUP))
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def _qualified_in(rule_sets, first: date, last: date, *, sessions: bool = False) -> Q | None:
    """Appointments from `first` to `last` (Berlin days) whose channel counts as a qualified
    contact under the rule set in force on their day (`sessions`: group sessions, whose channel
    is "group"; employer appointments only where that rule set counts them); None when none can
    (no rule set)."""
    q = None
    for rule_set in rule_sets:
        since = max(first, rule_set.valid_from)
        until = min(last, rule_set.valid_until or last)
        if sessions:
            channels = Q() if "group" in rule_set.qualifying_channels else None
        else:
            channels = qualified_channels_q(
                rule_set.qualifying_channels, employer_contacts=rule_set.employer_contacts_count
            )
        if since > until or channels is None:
            continue
        part = Q(start__gte=local_start(since), start__lt=local_start(until + timedelta(days=1))) & channels
        q = part if q is None else q | part
    return q


def consultation_share(job_centre: JobCentre, staff: list[Staff], month_start: date) -> dict[int, ConsultationShare]:
    """Attended consultation time against working time per caseworker in one month, next to the
    rule set's target. Consultation time: the length of attended appointments whose channel
    counts as a qualified contact under the rule set in force on their day (Coburg: in person
    only; Weimarer Land: in person, phone, e-mail, group), without preparation; employer
    appointments only where that rule set says so (`employer_contacts_count`). Working time:
    `working_time.working_time` (hours over working days, minus absences). A group session
    counts once when anyone attended it. Every member of `staff` gets an entry (staff of
    another job centre: zero minutes, share None).
    5 queries: rule sets, working hours, closing days, absences, attended minutes; and the group
    sessions' minutes where the rule set counts group sessions (Weimarer Land)."""
    first, last = month_bounds(month_start)
    rule_sets = rule_sets_between(job_centre.pk, first, last)
    worktime = working_time(job_centre, staff, first, last, rule_sets=rule_sets)
    ids = [s.pk for s in staff if s.job_centre_id == job_centre.pk]
    qualified = _qualified_in(rule_sets, first, last)
    attended = {}
    if ids and qualified is not None:
        length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
        attended = {
            row["caseworker_id"]: (row["total"], row["employer"])
            for row in Appointment.objects.filter(
                qualified,
                job_centre_id=job_centre.pk,
                caseworker_id__in=ids,
                status=Appointment.ATTENDED,
                group_session__isnull=True,
            )
            .values("caseworker_id")
            .annotate(total=Sum(length), employer=Sum(length, filter=Q(kind=Appointment.EMPLOYER)))
        }
        # A group session counts once, however many attended (its appointments share the time).
        held = Appointment.objects.filter(group_session_id=OuterRef("pk"), status=Appointment.ATTENDED)
        group_q = _qualified_in(rule_sets, first, last, sessions=True)
        sessions = GroupSession.objects.none()
        if group_q is not None:
            sessions = GroupSession.objects.filter(group_q, job_centre_id=job_centre.pk, caseworker_id__in=ids)
        for caseworker_id, total in (
            sessions.filter(Exists(held))
            .values("caseworker_id")
            .annotate(total=Sum(length))
            .values_list("caseworker_id", "total")
        ):
            before, employer = attended.get(caseworker_id, (None, None))
            attended[caseworker_id] = ((before or timedelta()) + total, employer)
    # The target of the month: the rule set in force at its end (the latest one that month).
    target = rule_sets[-1].consultation_share_target if rule_sets else None
    result = {}
    for member in staff:
        working = worktime.minutes(member.pk)
        total, employer = attended.get(member.pk, (None, None))
        minutes = int(total.total_seconds() // 60) if total else 0
        result[member.pk] = ConsultationShare(
            attended_minutes=minutes,
            working_minutes=working,
            share=(minutes / working) if working else None,
            target=target,
            absent_days=worktime.absent_days(member.pk),
            employer_minutes=int(employer.total_seconds() // 60) if employer else 0,
        )
    return result


def missed_appointments(job_centre_id: int, staff_ids: list[int], month_start: date) -> dict[int, int]:
    """Missed appointments (nicht erschienen, excused or not) in the month per caseworker. 1 query."""
    first, last = month_bounds(month_start)
    counts = dict(
        Appointment.objects.filter(
            job_centre_id=job_centre_id,
            caseworker_id__in=staff_ids,
            status=Appointment.MISSED,
            start__gte=local_start(first),
            start__lt=local_start(last + timedelta(days=1)),
        )
        .values("caseworker_id")
        .annotate(n=Count("pk"))
        .values_list("caseworker_id", "n")
    )
    return {staff_id: counts.get(staff_id, 0) for staff_id in staff_ids}


# --- Absences --------------------------------------------------------------------------------


def get_absence_for_lead(lead: Staff, pk: int) -> Absence:
    """An absence of a member of the team lead's team, with its staff; 404 for anyone else's
    and for a caseworker (who may read their own absences, not change them)."""
    if not lead.is_team_lead:
        raise Http404("Abwesenheiten erfasst die Teamleitung.")
    return get_object_or_404(
        Absence.objects.select_related("staff__user"),
        pk=pk,
        job_centre_id=lead.job_centre_id,
        staff__team_id=lead.team_id,
    )


def absences(viewer: Staff, first: date, last: date, staff_id: int | None = None) -> list[Absence]:
    """Absences touching the days from `first` to `last`: for a team lead the team's (or one
    member's), for a caseworker only their own. One query."""
    rows = Absence.objects.filter(job_centre_id=viewer.job_centre_id, start__lte=last, end__gte=first)
    if viewer.is_team_lead:
        rows = rows.filter(staff__team_id=viewer.team_id)
        if staff_id is not None:
            rows = rows.filter(staff_id=staff_id)
    else:
        rows = rows.filter(staff_id=viewer.pk)
    return list(rows.select_related("staff__user").order_by("start", "staff__user__last_name", "pk"))
