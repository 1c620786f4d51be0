"""Demo appointments for `setup_demo`: offices with opening hours, working hours, and a realistic
week of appointments per caseworker (three working days back, today, three ahead). Past ones
are attended (linked to the contact note written that day), missed (some excused) or left
unresolved. Safe to repeat: each part is added only where nothing of its kind exists yet.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from caseload.models import ContactNote, Customer, Staff
from kontaktdichte.dates import month_bounds
from policies.calendar import WorkingCalendar
from policies.models import JobCentre, RuleSet

from . import services
from .lengths import default_length
from .models import (
    Absence,
    Appointment,
    Office,
    OpeningHours,
    OpeningHoursStandard,
    WorkingHours,
)
from .slots import BERLIN, hours_by_weekday
from .working_time import working_calendar

MORNINGS = [(d, time(8), time(12, 30)) for d in range(5)]
LATE_THURSDAY = [(3, time(14), time(18))]
# Phone numbers from the Federal Network Agency's range for fiction (drama numbers), e-mail
# addresses under the reserved .example domain: nobody is reached by mistake.
OFFICES = {  # slug: [(name, address, hours, tandem main's name, phone, e-mail)]
    "coburg-land": [
        (
            "Regionalstelle Coburg",
            "Oberer Bürglaß 36, 96450 Coburg",
            MORNINGS + LATE_THURSDAY,
            None,
            "089 99998-101",
            "coburg@jobcenter-coburg-land.example",
        ),
        (
            "Außenstelle Neustadt",
            "Bahnhofstraße 8, 96465 Neustadt b. Coburg",
            [(d, time(8), time(12)) for d in (0, 2, 3)] + LATE_THURSDAY,
            None,
            "089 99998-102",
            "neustadt@jobcenter-coburg-land.example",
        ),
    ],
    "moenchengladbach": [
        (
            "Regionalstelle Mitte",
            "Lürriper Straße 56, 41065 Mönchengladbach",
            MORNINGS + LATE_THURSDAY,
            None,
            "0221 4710-201",
            "mitte@jobcenter-mg.example",
        ),
        (
            "Regionalstelle Rheydt",
            "Stresemannstraße 41, 41236 Mönchengladbach",
            MORNINGS + [(1, time(14), time(17, 30))],
            None,
            "0221 4710-202",
            "rheydt@jobcenter-mg.example",
        ),
    ],
    "weimarer-land": [
        (
            "Regionalstelle Apolda",
            "Bahnhofstraße 28, 99510 Apolda",
            MORNINGS + LATE_THURSDAY,
            None,
            "030 23125-301",
            "apolda@jobcenter-weimarer-land.example",
        )
    ],
    "jobagentur-en": [
        (
            "Regionalstelle Ennepetal",
            "Gasstraße 10, 58256 Ennepetal",
            MORNINGS + LATE_THURSDAY,
            None,
            "0221 4710-401",
            "ennepetal@jobagentur-en.example",
        ),
        (
            "Regionalstelle Breckerfeld",
            "Frankfurter Straße 38, 58339 Breckerfeld",
            [(d, time(8), time(12)) for d in (0, 2, 3)] + LATE_THURSDAY,
            "Regionalstelle Ennepetal",
            "0221 4710-402",
            "breckerfeld@jobagentur-en.example",
        ),
        (
            "Regionalstelle Witten",
            "Ruhrstraße 43, 58452 Witten",
            MORNINGS + LATE_THURSDAY,
            None,
            "0221 4710-403",
            "witten@jobagentur-en.example",
        ),
    ],
}
# Without a heading: the letter sets "Rechtsfolgenbelehrung" above it.
LEGAL_NOTICE = (
    "Kommen Sie ohne wichtigen Grund nicht zu diesem Termin, wird Ihr "
    "Bürgergeld für einen Monat um 10 Prozent des maßgebenden Regelbedarfs gemindert (§ 32 SGB II). "
    "Können Sie nicht kommen, teilen Sie uns das bitte vorher mit und weisen Sie den Grund nach, bei "
    "Arbeitsunfähigkeit durch eine ärztliche Bescheinigung."
)
STARTS = [time(8, 30), time(9, 30), time(10, 30), time(11, 30), time(14, 0)]
MISSED_REASONS = ["", "", "keine Rückmeldung", "Erkrankung des Kindes"]


def ensure_demo(today: date | None = None, seed: int = 20170101) -> dict:
    today = today or timezone.localdate()
    rng = random.Random(seed)
    stats = {"offices": 0, "working_hours": 0, "appointments": 0}
    with transaction.atomic():
        stats["offices"] = _offices()
        stats["working_hours"] = _working_hours()
        for staff in (
            Staff.objects.filter(role=Staff.CASEWORKER, customers__isnull=False)
            .distinct()
            .select_related("job_centre")
            .order_by("pk")
        ):
            if not Appointment.objects.filter(caseworker=staff).exists():
                stats["appointments"] += _week(staff, today, rng)
    return stats


def _offices() -> int:
    created = 0
    for centre in JobCentre.objects.filter(slug__in=OFFICES):
        if not centre.legal_notice:
            centre.legal_notice = LEGAL_NOTICE
            centre.save(update_fields=["legal_notice"])
        if centre.slug == "jobagentur-en":
            OpeningHoursStandard.objects.get_or_create(
                job_centre=centre,
                defaults={
                    "min_weekly_hours": Decimal("21.5"),
                    "every_weekday": True,
                    "every_morning": True,
                    "late_afternoons": 1,
                    "late_until": time(17, 30),
                    "tandem_mornings": 3,
                },
            )
        existing = {o.name: o for o in Office.objects.filter(job_centre=centre)}
        if existing:
            # Demo databases from before offices had a contact for cancellations get one.
            for name, _address, _hours, _main, phone, email in OFFICES[centre.slug]:
                office = existing.get(name)
                if office is not None and not (office.phone or office.email):
                    office.phone, office.email = phone, email
                    office.save(update_fields=["phone", "email"])
            continue
        by_name = {}
        for name, address, hours, main, phone, email in OFFICES[centre.slug]:
            office = Office.objects.create(
                job_centre=centre,
                name=name,
                address=address,
                phone=phone,
                email=email,
                room_hint="Anmeldung im Erdgeschoss",
                tandem_main=by_name.get(main),
            )
            by_name[name] = office
            OpeningHours.objects.bulk_create(
                [OpeningHours(office=office, weekday=d, start=s, end=e) for d, s, e in hours]
            )
            created += 1
    return created


def _working_hours() -> int:
    """Mon-Fri from 7:30, the weekly hours spread evenly (to the quarter hour)."""
    rows = []
    for staff in Staff.objects.filter(working_hours__isnull=True):
        minutes = int(Decimal(staff.weekly_hours) * 60 / 5) // 15 * 15
        start = datetime.combine(date(2000, 1, 3), time(7, 30))
        end = (start + timedelta(minutes=minutes)).time()
        rows += [WorkingHours(staff=staff, weekday=d, start=time(7, 30), end=end) for d in range(5)]
    WorkingHours.objects.bulk_create(rows)
    return len(rows)


def _mode(rule_set, *, phone: bool, kind: str, start: datetime, end: datetime, office: Office | None, opening) -> str:
    """The first of a phone call (when one was rolled), an office appointment and a field visit
    that the booking service would take under the rule set."""
    candidates = (
        ([Appointment.PHONE] if phone else [])
        + ([Appointment.OFFICE] if office is not None else [])
        + [Appointment.FIELD]
    )
    return next(
        (
            mode
            for mode in candidates
            if not services.check_schedule(
                rule_set,
                mode=mode,
                kind=kind,
                start=start,
                end=end,
                office=office if mode == Appointment.OFFICE else None,
                opening=opening,
            )
        ),
        Appointment.FIELD,
    )


def _week(staff: Staff, today: date, rng: random.Random) -> int:
    centre = staff.job_centre
    calendar = WorkingCalendar(centre.federal_state, centre.closing_days.values_list("date", flat=True))
    days = [calendar.on_or_before(today)]
    while len(days) < 4:
        days.insert(0, calendar.on_or_before(days[0] - timedelta(days=1)))
    while len(days) < 7:
        days.append(calendar.add_working_days(days[-1], 1))
    rule_set = RuleSet.objects.of_job_centre_on(centre.pk, today)
    length = default_length(rule_set, Appointment.FOLLOW_UP)
    offices = list(Office.objects.filter(job_centre=centre).order_by("pk"))
    opening = {}
    if offices:
        opening = hours_by_weekday(
            OpeningHours.objects.filter(office=offices[0]).values_list("weekday", "start", "end")
        )
    now = timezone.now()
    customers = Customer.objects.filter(job_centre=centre, caseworker=staff)
    # Past appointments: customers seen in person on that day, with the note already written.
    notes = {}
    for note in ContactNote.objects.filter(
        job_centre=centre,
        customer__in=customers,
        channel="in_person",
        walk_in=False,
        date__gte=days[0],
        date__lte=today,
        appointment__isnull=True,
    ).order_by("date", "pk"):
        notes.setdefault(note.date, []).append(note)
    used = {n.customer_id for day_notes in notes.values() for n in day_notes}
    facts = list(
        customers.exclude(pk__in=used)
        .filter(due_by__isnull=False)
        .order_by("due_by", "pk")
        .values_list("pk", "due_code", "last_contact_on", "due_by")
    )
    # Past ones without a note: customers not due for a while (whatever happened, they are not
    # the ones the worklist is about). Future ones: due soon first, then some overdue.
    past_pool = [f[:3] for f in facts if f[3] >= today + timedelta(days=14)]
    rng.shuffle(past_pool)
    soon = [f[:3] for f in facts if today <= f[3] < today + timedelta(days=14)]
    overdue = [f[:3] for f in facts if f[3] < today]
    future_pool = list(reversed(soon + overdue[: len(overdue) // 2]))  # popped from the end
    rows = []
    for day in days:
        starts = sorted(rng.sample(STARTS, rng.randint(2, 4)))
        day_notes = list(notes.get(day, []))
        for start_time in starts:
            start = datetime.combine(day, start_time, tzinfo=BERLIN)
            end = start + timedelta(minutes=length.minutes)
            phone = rng.random() < 0.15
            status, sequence, reason, excused, note = Appointment.PLANNED, None, "", False, None
            past = end <= now
            pool = past_pool if past else future_pool
            if past and day_notes:
                note = day_notes.pop(0)
                customer_id, code, kind = note.customer_id, "", Appointment.FOLLOW_UP
                status = Appointment.ATTENDED
                phone = False
            elif not pool:
                continue
            else:
                customer_id, code, last_contact = pool.pop()
                kind = Appointment.FIRST if last_contact is None else Appointment.FOLLOW_UP
                if past:
                    roll = rng.random()
                    if roll < 0.2:
                        status, reason = Appointment.MISSED, rng.choice(MISSED_REASONS)
                        excused = reason == "Erkrankung des Kindes"
                        sequence = None if excused else 1
                    elif roll < 0.3:
                        status, reason = Appointment.CANCELLED_CUSTOMER, "Vorstellungsgespräch"
                    elif roll < 0.5:
                        pass  # left without an outcome: unresolved, shown as such
                    else:
                        status = Appointment.ATTENDED  # the contact note is still to be written
            mode = _mode(
                rule_set,
                phone=phone,
                kind=kind,
                start=start,
                end=end,
                office=offices[0] if offices else None,
                opening=opening,
            )
            rows.append(
                Appointment(
                    job_centre=centre,
                    customer_id=customer_id,
                    caseworker=staff,
                    mode=mode,
                    office=offices[0] if mode == Appointment.OFFICE else None,
                    start=start,
                    end=end,
                    preparation_minutes=length.preparation,
                    blocked_until=end + timedelta(minutes=length.preparation),
                    kind=kind,
                    subject=f"{dict(Appointment.KINDS)[kind]} {code}".strip(),
                    rule_code=code,
                    status=status,
                    outcome_reason=reason,
                    important_reason=excused,
                    missed_sequence=sequence,
                    contact_note=note,
                    booked_by_id=staff.user_id,
                )
            )
    # Codes of attended customers: read once for the subjects.
    codes = dict(
        Customer.objects.filter(pk__in=[r.customer_id for r in rows if r.contact_note]).values_list("pk", "due_code")
    )
    for row in rows:
        if row.contact_note is not None and codes.get(row.customer_id):
            row.rule_code = codes[row.customer_id]
            row.subject = f"{row.get_kind_display()} {row.rule_code}"
    Appointment.objects.bulk_create(rows)
    return len(rows)


def ensure_absences(staff: Staff, recorded_by, today: date) -> int:
    """The demo team's absences in this month, once: a leave week (Monday to Friday) for a
    colleague of `staff`, a sickness day and, where the rule set leaves desk days out of the
    working time (Coburg Land), a day on the immediate-placement desk for `staff`. The days
    avoid the person's demo appointments, so the calendar stays plausible. Returns how many
    were created."""
    centre = staff.job_centre
    if Absence.objects.filter(job_centre=centre, staff__team_id=staff.team_id).exists():
        return 0
    first, last = month_bounds(today.replace(day=1))
    # Around the month: a leave week may start in it and end in the next.
    span_first, span_last = first - timedelta(days=7), last + timedelta(days=7)
    calendar = working_calendar(centre, span_first, span_last)
    colleague = (
        Staff.objects.filter(job_centre=centre, team_id=staff.team_id, role=Staff.CASEWORKER)
        .exclude(pk=staff.pk)
        .order_by("pk")
        .first()
    ) or staff
    busy = {
        (staff_id, timezone.localtime(start).date())
        for staff_id, start in Appointment.objects.filter(
            job_centre=centre,
            caseworker__in=[staff, colleague],
            start__gte=datetime.combine(span_first, time(0), BERLIN),
            start__lt=datetime.combine(span_last, time(0), BERLIN),
        ).values_list("caseworker_id", "start")
    }
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    mondays = [d for d in days if d.weekday() == 0]
    monday = next(
        (m for m in mondays if not any((colleague.pk, m + timedelta(days=k)) in busy for k in range(5))), mondays[-1]
    )
    leave = [monday + timedelta(days=k) for k in range(5)]
    rows = [Absence(staff=colleague, kind=Absence.LEAVE, start=leave[0], end=leave[-1])]
    free = [
        d
        for d in days
        if calendar.is_working_day(d) and (staff.pk, d) not in busy and not (colleague.pk == staff.pk and d in leave)
    ]
    if free:
        past = [d for d in free if d < today]
        sick = past[-1] if past else free[-1]
        rows.append(Absence(staff=staff, kind=Absence.SICKNESS, start=sick, end=sick))
        rule_set = RuleSet.objects.of_job_centre_on(centre.pk, today)
        desk = next((d for d in free if d != sick), None)
        if rule_set is not None and rule_set.immediate_placement_excluded and desk is not None:
            rows.append(Absence(staff=staff, kind=Absence.IMMEDIATE_PLACEMENT, start=desk, end=desk))
    for row in rows:
        row.job_centre, row.recorded_by = centre, recorded_by
    Absence.objects.bulk_create(rows)
    return len(rows)
