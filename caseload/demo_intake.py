"""The demo's newer side (issue 16): GCfaK sources with the people who look after them and the
Beratungstag's events with the customers won there (seed 004), and a few customers that came in
through the import from the specialist system. Called by setup_demo; each part runs once.

Everything is written through the services (create_customer, record_contact) and the import
(`caseload.imports`), as in real use, with generators of its own: the generated caseload
(`caseload.demo`) stays as it was for a seed.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from policies.models import JobCentre

from . import import_files, imports, services
from .demo import NUMBER_PREFIX, PLACES, STREETS, customer_number
from .demo_words import AGREEMENTS, FIRST_F, FIRST_M, LAST, SUMMARIES
from .models import AcquisitionEvent, AcquisitionSource, Customer, Staff, Team

# Seed 004: "Runder Tisch (Regina) · VAMV Beratung (Karin): Erwartung 1 Kunde pro Monat ·
# Beratungstag (Karin): Erwartung 4-5 Kunden pro Veranstaltung · Kontaktstelle Familie & Beruf
# (Evelyn): Erwartung 2-3 Kunden pro Monat · Wer hilft weiter? (Karin)".
OWNERS = {
    "Runder Tisch Kinderarmut": "Regina",
    "VAMV Beratung": "Karin",
    "Beratungstag": "Karin",
    "Kontaktstelle Familie & Beruf": "Evelyn",
    "Wer hilft weiter?": "Karin",
}
PER_EVENT = {"Beratungstag": Decimal("4.5")}
EVENT_DAYS_AGO = (16, 79, 142, 205, 268, 331)  # about every two months over the last year
EVENT_PLACES = ("Familienzentrum", "Rathaus", "Volkshochschule")
EVENT_INDEX, IMPORT_INDEX = 9_200_000, 9_100_000  # customer_number serials no generated customer has


def ensure_sources(centre: JobCentre, today: date, seed: int) -> Counter:
    """Owners and per-event expectations on the centre's sources; for a per-event source
    without events, events over the last year, each with 2 to 6 customers attributed to it,
    counselled since (a recent contact note). Returns what it created."""
    made = Counter()
    for source in AcquisitionSource.objects.filter(job_centre=centre):
        owner, per_event = OWNERS.get(source.name, source.owner), PER_EVENT.get(source.name)
        if source.owner != owner or (per_event is not None and source.expected_per_event is None):
            source.owner = owner
            if per_event is not None:
                source.expected_per_event, source.expected_per_month = per_event, Decimal(0)
            source.save(update_fields=["owner", "expected_per_event", "expected_per_month"])
        if source.per_event and not source.events.exists():
            made += _events_with_customers(centre, source, today, random.Random(f"{seed}/{centre.slug}/gcfak"))
    return made


def _team_and_caseworkers(centre) -> tuple[Team | None, list[Staff]]:
    team = Team.objects.filter(job_centre=centre, name__startswith="Team Markt").order_by("pk").first()
    if team is None:
        return None, []
    members = Staff.objects.filter(team=team, role=Staff.CASEWORKER).exclude(user__username__startswith="demo-")
    return team, list(members.select_related("user").order_by("pk"))


def _events_with_customers(centre, source, today, rng) -> Counter:
    team, caseworkers = _team_and_caseworkers(centre)
    made = Counter()
    if team is None or not caseworkers:
        return made
    prefix = NUMBER_PREFIX.get(centre.slug, f"{centre.pk % 1000:03d}")
    taken = set(Customer.objects.filter(job_centre=centre).values_list("number", flat=True))
    serial = EVENT_INDEX
    for days_ago in EVENT_DAYS_AGO:
        day = today - timedelta(days=days_ago)
        day -= timedelta(days=max(0, day.weekday() - 4))  # a weekday
        event = AcquisitionEvent.objects.create(
            job_centre=centre, source=source, date=day, title=rng.choice(EVENT_PLACES)
        )
        made["events"] += 1
        for _ in range(rng.randint(2, 6)):
            number = customer_number(prefix, serial)
            serial += 1
            if number in taken:
                continue
            caseworker = rng.choice(caseworkers)
            postcode, city, _area = rng.choice(PLACES.get(centre.slug, PLACES["coburg-land"]))
            registered = min(today, day + timedelta(days=rng.randint(0, 3)))
            customer, _ = services.create_customer(
                today=today,
                job_centre_id=centre.pk,
                team=team,
                caseworker=caseworker,
                number=number,
                first_name=rng.choice(FIRST_F + FIRST_M),
                last_name=rng.choice(LAST),
                birth_date=today - timedelta(days=rng.randint(26 * 365, 50 * 365)),
                street=f"{rng.choice(STREETS)} {rng.randint(1, 80)}",
                postcode=postcode,
                city=city,
                registered_on=registered,
                employment="unemployed",
                profile="market_close" if centre.slug != "moenchengladbach" else "market",
                unemployed_since=registered - timedelta(days=rng.randint(10, 200)),
                acquisition_source=source,
                acquisition_event=event,
            )
            # Counselled since: the last talk a few weeks ago, the next one agreed.
            talk = max(registered, today - timedelta(days=rng.randint(1, 25)))
            services.record_contact(
                customer=customer,
                by=caseworker.user,
                date=talk,
                channel="in_person",
                summary=rng.choice(SUMMARIES),
                agreements=rng.choice(AGREEMENTS),
                follow_up_on=talk + timedelta(days=28),
                checklist=dict.fromkeys(
                    ("prognosis_reviewed", "strategy_reviewed", "agreement_reviewed", "job_search_done"), True
                ),
                today=today,
            )
            made["customers"] += 1
    return made


# --- Imported from the specialist system ---------------------------------------------------------

IMPORT_HEADER = ";".join(c.header for c in imports.COLUMNS)
IMPORT_PEOPLE = [  # first, last, born, status, profile, care, flags, integrated, days since registration
    ("Lena", "Vogt", date(1991, 4, 12), "arbeitslos", "marktnah", "", "", "", 2),
    (
        "Murat",
        "Yilmaz",
        date(1978, 9, 3),
        "arbeitslos",
        "nicht marktnah",
        "",
        "ohne hinreichende Deutschkenntnisse",
        "",
        4,
    ),
    ("Sabine", "Kraus", date(1969, 1, 28), "arbeitsuchend", "IH", "", "", "sozialversicherungspflichtig", 5),
    ("Tobias", "Lang", date(2003, 6, 30), "arbeitslos", "marktnah", "", "", "", 7),
    ("Olena", "Melnyk", date(1985, 11, 8), "arbeitslos", "nicht marktnah", "bFM", "Flucht/Asyl", "", 9),
    ("Kerstin", "Brandt", date(1975, 3, 17), "ohne Status", "Z", "", "§ 10 SGB II (Unzumutbarkeit)", "", 11),
]


def import_file(centre: JobCentre, team: Team, login: str, today: date) -> bytes:
    """A CSV as the specialist system exports it (UTF-8 with BOM, semicolons, German dates)."""
    prefix = NUMBER_PREFIX.get(centre.slug, f"{centre.pk % 1000:03d}")
    place = PLACES.get(centre.slug, PLACES["coburg-land"])
    lines = [IMPORT_HEADER]
    for n, (first, last, born, status, profile, care, flags, integrated, ago) in enumerate(IMPORT_PEOPLE):
        postcode, city, area = place[n % len(place)]
        registered = today - timedelta(days=ago)
        unemployed = (registered - timedelta(days=30)).strftime("%d.%m.%Y") if status == "arbeitslos" else ""
        cells = [
            customer_number(prefix, IMPORT_INDEX + n),
            first,
            last,
            born.strftime("%d.%m.%Y"),
            f"{STREETS[n % len(STREETS)]} {n + 4}",
            postcode,
            city,
            f"{area} {470_000 + 1_111 * n}",
            f"{first.lower()}.{last.lower()}@example.org" if n % 2 else "",
            registered.strftime("%d.%m.%Y"),
            status,
            profile,
            registered.strftime("%d.%m.%Y"),
            care,
            flags,
            integrated,
            unemployed,
            (registered + timedelta(days=180)).strftime("%d.%m.%Y"),
            team.name,
            login,
        ]
        lines.append(";".join(cells))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def ensure_imported(staff: Staff, today: date) -> Counter:
    """Import IMPORT_PEOPLE into the staff member's team and caseload, once (by the first number)."""
    centre = staff.job_centre
    data = import_file(centre, staff.team, staff.user.username, today)
    rows = import_files.read("fachverfahren.csv", data)
    if Customer.objects.filter(job_centre=centre, number=rows.rows[0][1][0]).exists():
        return Counter()
    plan = imports.plan(centre, rows, today=today)
    return imports.apply(centre, plan, today=today)
