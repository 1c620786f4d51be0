"""The employer service's demo for `setup_demo`, once (only where the job centre has no employer
yet), written through the services as the pages write it: in Weimarer Land (whose graduate
management gives the employer service its tasks) three employers with contact persons, offers,
notes, an attended and a planned appointment of the demo employer service, and placement
proposals of customers in every outcome; where the employer service can be reached in
Weimarer Land and in JobAgentur EN, with JobAgentur EN's standard (Monday to Friday 8-17).

Names, phone numbers and addresses are invented: numbers from the Federal Network Agency's
range for fiction, e-mail addresses under the reserved .example domain.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from appointments.models import Appointment, Office
from appointments.slots import BERLIN
from caseload import services as caseload_services
from caseload.models import Customer, Staff, Team
from policies.models import JobCentre

from . import services
from .models import Employer, JobOffer, PlacementProposal, ReachabilityStandard, ServiceDesk, ServiceHours

CENTRE = "weimarer-land"
TEAM = "Arbeitgeberservice"
EMPLOYERS = [
    {
        "name": "Metallbau Ilmtal GmbH",
        "sector": "Metall- und Elektroindustrie",
        "street": "Industriestraße 12",
        "postcode": "99510",
        "city": "Apolda",
        "size": Employer.MEDIUM,
        "contacts": [
            ("Sabine Beispiel", "Personalleitung", "030 23125-611", "personal@metallbau-ilmtal.example", "phone"),
            ("Jens Muster", "Meister Fertigung", "030 23125-612", "", "in_person"),
        ],
        "offers": [
            ("Maschinen- und Anlagenführer/in", "Apolda", JobOffer.FULL_TIME, 2, 40),
            ("Elektroniker/in für Betriebstechnik", "Apolda", JobOffer.FULL_TIME, 1, 12),
        ],
    },
    {
        "name": "Pflegedienst Sonnenhof",
        "sector": "Pflege",
        "street": "Am Kurpark 3",
        "postcode": "99438",
        "city": "Bad Berka",
        "size": Employer.SMALL,
        "contacts": [("Dr. Anna Probe", "Geschäftsführung", "", "kontakt@pflegedienst-sonnenhof.example", "email")],
        "offers": [
            ("Pflegehelfer/in", "Bad Berka", JobOffer.PART_TIME, 1, 30),
            ("Pflegefachkraft", "Bad Berka", JobOffer.FULL_TIME, 1, 60),
        ],
    },
    {
        "name": "Logistikzentrum Weimarer Land KG",
        "sector": "Logistik",
        "street": "Gewerbepark 7",
        "postcode": "99428",
        "city": "Nohra",
        "size": Employer.LARGE,
        "contacts": [("Tim Test", "Schichtleitung", "030 23125-631", "", "phone")],
        "offers": [("Lagerhelfer/in", "Nohra", JobOffer.FULL_TIME, 3, 20)],
    },
]
# (whose: "task" a customer whose measure ends soon, "gcfak" an open GCfaK case; offer title,
# days ago proposed, outcome, days ago answered). The hire closes its GCfaK case ("Arbeitsstelle
# angenommen"); the pending GCfaK proposal is there to try the hire and its offer to close.
PROPOSALS = [
    ("task", "Maschinen- und Anlagenführer/in", 20, PlacementProposal.PENDING, None),
    ("task", "Lagerhelfer/in", 6, PlacementProposal.PENDING, None),
    ("task", "Elektroniker/in für Betriebstechnik", 10, PlacementProposal.REJECTED, 3),
    ("task", "Pflegehelfer/in", 25, PlacementProposal.NO_ANSWER, 4),
    ("gcfak", "Pflegefachkraft", 50, PlacementProposal.HIRED, 30),
    ("gcfak", "Lagerhelfer/in", 8, PlacementProposal.PENDING, None),
]
# Measures ending within the coming month (days from today): graduate management then gives
# the employer service its task (Weimarer Land: "1 Monat vor Maßnahmenende Einbindung AG-S").
MEASURES_ENDING = [
    ("Aktivierungshilfe", 9),
    ("Berufliche Weiterbildung Lager/Logistik", 16),
    ("Coaching AVGS", 23),
    ("Maßnahme bei einem Arbeitgeber (MAG)", 27),
]


def ensure_staff(user) -> Staff:
    """The demo employer service: a Staff profile in Weimarer Land's team "Arbeitgeberservice"."""
    centre = JobCentre.objects.get(slug=CENTRE)
    team, _ = Team.objects.get_or_create(job_centre=centre, name=TEAM)
    staff, _ = Staff.objects.get_or_create(
        user=user, defaults={"job_centre": centre, "team": team, "role": Staff.EMPLOYER_SERVICE}
    )
    return staff


def ensure_demo(staff: Staff, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    stats = {"employers": 0, "proposals": 0, "desks": _desks()}
    if Employer.objects.filter(job_centre_id=staff.job_centre_id).exists():
        return stats
    with transaction.atomic():
        offers = {}
        by = staff.user
        for data in EMPLOYERS:
            employer = services.create_employer(
                job_centre_id=staff.job_centre_id,
                by=by,
                account_manager=staff,
                **{k: v for k, v in data.items() if k not in ("contacts", "offers")},
            )
            contacts = [
                services.save_contact_person(
                    employer=employer, by=by, name=name, role=role, phone=phone, email=email, preferred_channel=channel
                )
                for name, role, phone, email, channel in data["contacts"]
            ]
            for title, location, working_time, positions, days_ago in data["offers"]:
                offers[title] = services.save_offer(
                    employer=employer,
                    by=by,
                    today=today,
                    title=title,
                    location=location,
                    working_time=working_time,
                    positions=positions,
                    received_on=today - timedelta(days=days_ago),
                    contact_person=contacts[0],
                    description="Einstieg auch für Quereinsteiger nach Einarbeitung möglich.",
                )
            stats["employers"] += 1
        _contacts(staff, Employer.objects.get(job_centre_id=staff.job_centre_id, name=EMPLOYERS[0]["name"]), today)
        tasks = _measures_ending(staff, today)
        stats["proposals"] = _proposals(staff, offers, tasks, today)
    return stats


def _contacts(staff: Staff, employer: Employer, today: date) -> None:
    """A phone note, an attended visit with its note, and a visit next week."""
    by = staff.user
    contact = employer.contacts.order_by("pk").first()
    services.record_employer_note(
        employer=employer,
        by=by,
        date=today - timedelta(days=9),
        channel="phone",
        contact_person=contact,
        summary=(
            "Bedarf an zwei Anlagenführern bestätigt; Stellenangebot aufgenommen. "
            "Rückmeldung zu Bewerbern bis Monatsende."
        ),
        follow_up_on=today + timedelta(days=14),
        today=today,
    )
    office = Office.objects.filter(job_centre_id=staff.job_centre_id).order_by("pk").first()
    visit = datetime.combine(_weekday_before(today, 3), time(13, 30), tzinfo=BERLIN)
    link = services.book_employer_appointment(
        employer=employer,
        caseworker=staff,
        by=by,
        start=visit,
        minutes=60,
        mode=Appointment.FIELD,
        contact_person=contact,
        topic="Betriebsbesuch",
        now=visit - timedelta(days=7),
    )
    services.record_employer_attendance(link=link, by=by, now=visit)
    services.record_employer_note(
        employer=employer,
        by=by,
        date=visit.date(),
        channel="in_person",
        contact_person=contact,
        summary="Betrieb besichtigt, Arbeitsplätze in der Fertigung angesehen; Probearbeit für Bewerber möglich.",
        appointment=link.appointment,
        today=today,
    )
    next_week = datetime.combine(_weekday_after(today + timedelta(days=7), 1), time(10), tzinfo=BERLIN)
    services.book_employer_appointment(
        employer=employer,
        caseworker=staff,
        by=by,
        start=next_week,
        minutes=45,
        mode=Appointment.OFFICE if office else Appointment.FIELD,
        office=office,
        contact_person=contact,
        topic="Bewerberauswahl besprechen",
        now=timezone.now(),
    )


def _measures_ending(staff: Staff, today: date) -> list[Customer]:
    """Unemployed customers without a running measure get one that ends soon (written as the
    customer page writes it, so their due dates and the AG-S task are recomputed)."""
    candidates = (
        Customer.objects.filter(
            job_centre_id=staff.job_centre_id,
            closed_on__isnull=True,
            acquisition_source__isnull=True,
            employment="unemployed",
            registered_on__lte=today - timedelta(days=200),
        )
        .exclude(measures__end__gte=today)
        .select_related("caseworker__user")
        .order_by("pk")[: len(MEASURES_ENDING)]
    )
    customers = []
    for customer, (title, days) in zip(list(candidates), MEASURES_ENDING):
        caseload_services.add_measure(
            customer=customer,
            title=title,
            start=today - timedelta(days=150),
            end=today + timedelta(days=days),
            today=today,
            by=customer.caseworker.user if customer.caseworker_id else None,
        )
        customers.append(customer)
    return customers


def _proposals(staff: Staff, offers: dict, tasks: list[Customer], today: date) -> int:
    """Customers with an employer-service task, open GCfaK cases, each proposed once."""
    open_cases = Customer.objects.filter(job_centre_id=staff.job_centre_id, closed_on__isnull=True).order_by("pk")
    pools = {
        "task": iter(tasks),
        "gcfak": iter(
            open_cases.filter(acquisition_source__isnull=False, registered_on__lte=today - timedelta(days=60))
        ),
    }
    made = 0
    for whose, title, days_ago, outcome, answered in PROPOSALS:
        customer = next(pools[whose], None)
        if customer is None:
            continue
        offer = offers[title]
        proposed_on = max(today - timedelta(days=days_ago), offer.received_on, customer.registered_on)
        proposal = services.propose(customer=customer, offer=offer, by=staff.user, on=proposed_on, today=today)
        if outcome != PlacementProposal.PENDING:
            services.record_outcome(
                proposal=proposal,
                by=staff.user,
                outcome=outcome,
                on=max(today - timedelta(days=answered), proposed_on),
                note="Absage nach Vorstellungsgespräch." if outcome == PlacementProposal.REJECTED else "",
                close_case=outcome == PlacementProposal.HIRED and services.may_close_case(customer),
                today=today,
            )
        made += 1
    return made


def _desks() -> int:
    """Weimarer Land's employer service by phone; JobAgentur EN's with its standard, one office
    meeting it and one falling short on Friday afternoons (the start page says so)."""
    created = 0
    for slug, desks, standard in (
        (
            "weimarer-land",
            [("Arbeitgeberservice Weimarer Land", None, "030 23125-600", range(4), time(16), time(12))],
            False,
        ),
        (
            "jobagentur-en",
            [
                (
                    "Unternehmensservice Ennepetal",
                    "Regionalstelle Ennepetal",
                    "0221 4710-480",
                    range(5),
                    time(17),
                    None,
                ),
                ("Unternehmensservice Witten", "Regionalstelle Witten", "0221 4710-483", range(4), time(17), time(14)),
            ],
            True,
        ),
    ):
        centre = JobCentre.objects.filter(slug=slug).first()
        if centre is None or ServiceDesk.objects.filter(job_centre=centre).exists():
            continue
        if standard:
            ReachabilityStandard.objects.get_or_create(job_centre=centre)
        for name, office_name, phone, full_days, until, friday_until in desks:
            desk = ServiceDesk.objects.create(
                job_centre=centre,
                name=name,
                office=Office.objects.filter(job_centre=centre, name=office_name).first() if office_name else None,
                phone=phone,
                email=f"arbeitgeber@{slug}.example",
            )
            hours = [ServiceHours(desk=desk, weekday=d, start=time(8), end=until) for d in full_days]
            if friday_until:
                hours.append(ServiceHours(desk=desk, weekday=4, start=time(8), end=friday_until))
            ServiceHours.objects.bulk_create(hours)
            created += 1
    return created


def _weekday_before(day: date, days: int) -> date:
    day -= timedelta(days=days)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _weekday_after(day: date, weekday: int) -> date:
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day
