"""Generated demo caseloads: realistic, deterministic for a seed, never stored as fixtures.

`generate()` writes teams, staff (users with unusable passwords), customers, measures, suspensions
and up to two years of contact notes: by COPY on PostgreSQL (`insert_records`, `write_rows`),
bulk_create and executemany elsewhere; customers chunk by chunk, the chunks in parallel worker
processes on PostgreSQL. Each customer's stored due date is computed as it is generated
(`demo_due`). Each job centre plans its customers and staff with
`random.Random(f"{seed}/{slug}")`, each chunk draws its customers from
`random.Random(f"{seed}/{slug}/{chunk}")`: the same data in any order.
Every customer comes from an archetype written for one rule of the job centre's rule set, and the
first customers cycle through all archetypes, so that even a small demo shows every rule.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import operator
import random
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connections, router, transaction

from policies.models import JobCentre

from . import demo_due, recompute, recompute_worker
from .bulk_write import insert_records, use_copy, write_groups, write_rows
from .demo_archetypes import ARCHETYPES, FLAG_NEEDS, Archetype
from .demo_words import (
    AGREEMENTS,
    FIRST_F,
    FIRST_M,
    FIRST_REFUGEE,
    LAST,
    LAST_REFUGEE,
    MEASURES,
    PLACES,
    STREETS,
    SUMMARIES,
    SUSPENSIONS,
)
from .duedates import DUE_ATTNAMES, policy_for
from .models import (
    AcquisitionSource,
    ContactNote,
    Customer,
    Measure,
    Staff,
    Suspension,
    Team,
)

HISTORY_DAYS = 730
CHUNK = 2000
OVERDUE_SHARE = 0.14
WALK_IN_SHARE = 0.1  # of in-person notes: the customer came without an appointment
SHARES = {"moenchengladbach": 2, "coburg-land": 1, "weimarer-land": 1}  # split of --customers
DEMO_SLUGS = tuple(SHARES)
USER_PREFIX = {"moenchengladbach": "mg", "coburg-land": "cl", "weimarer-land": "wl"}
NUMBER_PREFIX = {"moenchengladbach": "164", "coburg-land": "241", "weimarer-land": "072"}
TEAM_KINDS = {  # name, customers per team, customers per caseworker
    "markt": ("Team Markt", 2000, 150),
    "u25": ("Team U25", 1000, 75),
    "fm": ("Team Fallmanagement", 600, 50),
}
# GCfaK: where customers come from, expected per month. Beratungstag: 4-5 per event, one a month assumed.
SOURCES = [
    ("Runder Tisch Kinderarmut", 0),
    ("VAMV Beratung", 1),
    ("Beratungstag", 4.5),
    ("Kontaktstelle Familie & Beruf", 2.5),
    ("Wer hilft weiter?", 0),
]
SOURCE_WEIGHTS = [1, 1, 4.5, 2.5, 1]


CHANNELS = ("in_person", "phone", "email", "video")
NOT_TAKEN = ["Kinderbetreuung nicht gesichert.", "Arbeitszeiten nicht vereinbar.", "Fahrtweg zu weit."]


def split(customers: int, slugs: list[str]) -> dict[str, int]:
    """Share `customers` among job centres by SHARES (1 for others), remainder to the first."""
    weights = [SHARES.get(s, 1) for s in slugs]
    shares = [customers * w // sum(weights) for w in weights]
    shares[0] += customers - sum(shares)
    return dict(zip(slugs, shares))


def customer_number(prefix: str, index: int) -> str:
    """Prefix, a scrambled serial (a bijection on 7 digits) and a check letter."""
    digits = f"{prefix}{(index * 7_919 + 1_234_567) % 10_000_000:07d}"
    # The check weighs the n-th digit by n: summed over the digits' character codes, less the
    # codes' share of "0"s (in C: half the time of int() per digit, 5 of a million customers' 20 s
    # of planning).
    weights = range(1, len(digits) + 1)
    check = sum(map(operator.mul, digits.encode(), weights)) - ord("0") * sum(weights)
    return digits + "ABCDEFGHJKLMNPRSTUVWXYZ"[check % 23]


def _ascii(text: str) -> str:
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i"), ("-", "")):
        text = text.replace(umlaut, plain)
    return text.lower()


def _next_serial(names, prefix: str) -> int:
    serials = [int(n[len(prefix) :]) for n in names if n.startswith(prefix) and n[len(prefix) :].isdigit()]
    return max(serials, default=0) + 1


class Chunk(NamedTuple):
    """A chunk of one job centre's new customers, all a worker process needs to write them."""

    centre_id: int
    slug: str
    seed: int
    index: int  # its place in the job centre's run: the chunk's random generator is seeded by it
    today: date
    policy_version: int | None  # the job centre's, for the stored due dates; None: none stored
    plan: list[tuple[int, bool]]  # (archetype index, U25) per customer
    owners: list[tuple[int, int, int]]  # (team, staff, user) per customer
    numbers: list[str]
    source_ids: list[int]  # AcquisitionSource per entry of SOURCES


class CentreGenerator:
    """Plans a job centre's new customers and creates their teams and staff; the customers
    themselves are written chunk by chunk (`write_chunk`), in this process or in workers."""

    def __init__(self, centre: JobCentre, count: int, seed: int, today: date, market_team_size=None, due_dates=True):
        self.centre, self.count, self.seed, self.today = centre, count, seed, today
        self.due_dates = due_dates
        self.team_sizes = {kind: size for kind, (_, size, _) in TEAM_KINDS.items()}
        if market_team_size:
            self.team_sizes["markt"] = market_team_size
        self.rng = random.Random(f"{seed}/{centre.slug}")
        self.table = ARCHETYPES.get(centre.slug, ARCHETYPES["coburg-land"])
        self.stats = Counter(staff=0, teams=0)

    def chunks(self) -> list[Chunk]:
        rng, table = self.rng, self.table
        indices = range(len(table))
        picks = list(indices[: self.count]) + rng.choices(
            indices, [a.weight for a in table], k=max(self.count - len(table), 0)
        )
        rng.shuffle(picks)
        plan = []
        for i in picks:
            a = table[i]
            u25 = a.age == "u25" or (a.age == "any" and rng.random() < 0.3)
            plan.append((i, u25, "fm" if a.care != "placement" else "u25" if u25 else "markt"))
        with transaction.atomic():
            owners, sources = self._create_staff(plan), self._sources()
        numbers = self._numbers()
        return [
            Chunk(
                self.centre.pk,
                self.centre.slug,
                self.seed,
                n,
                self.today,
                self.centre.policy_version if self.due_dates else None,
                [(i, u25) for i, u25, _ in plan[start : start + CHUNK]],
                owners[start : start + CHUNK],
                [next(numbers) for _ in range(min(CHUNK, len(plan) - start))],
                sources,
            )
            for n, start in enumerate(range(0, len(plan), CHUNK))
        ]

    def _numbers(self):
        """Customer numbers, continuing after the job centre's existing ones."""
        prefix = NUMBER_PREFIX.get(self.centre.slug, f"{self.centre.pk % 1000:03d}")
        taken = set(Customer.objects.filter(job_centre=self.centre).values_list("number", flat=True))
        index = len(taken)
        while True:
            number = customer_number(prefix, index)
            index += 1
            if number not in taken:
                yield number

    def _create_staff(self, plan) -> list[tuple[int, int, int]]:
        """Teams, each with a team lead and caseworkers; (team, staff, user) per planned customer."""
        centre, User = self.centre, get_user_model()
        prefix = USER_PREFIX.get(centre.slug, centre.slug[:2])
        usernames = list(User.objects.filter(username__startswith=f"{prefix}-").values_list("username", flat=True))
        serial = {code: _next_serial(usernames, f"{prefix}-{code}-") for code in ("fk", "tl")}
        team_names = list(Team.objects.filter(job_centre=centre).values_list("name", flat=True))
        layout = []  # (team, [(user, role)], customer indices)
        for kind, (stem, _, caseload) in TEAM_KINDS.items():
            team_size = self.team_sizes[kind]
            indices = [i for i, (_, _, k) in enumerate(plan) if k == kind]
            n_teams, first = math.ceil(len(indices) / team_size), _next_serial(team_names, f"{stem} ")
            for t in range(n_teams):
                members = indices[t::n_teams]
                roles = [Staff.TEAM_LEAD] + [Staff.CASEWORKER] * math.ceil(len(members) / caseload)
                team = {"job_centre_id": centre.pk, "name": f"{stem} {first + t}"}
                layout.append((team, [(self._user(prefix, role, serial), role) for role in roles], members))
        team_ids = insert_records(Team, [team for team, _, _ in layout])
        user_ids = iter(insert_records(User, [user for _, users, _ in layout for user, _ in users]))
        staff, owners = [], [None] * len(plan)
        for team_id, (_, users, members) in zip(team_ids, layout):
            workers = []
            for _, role in users:
                user_id = next(user_ids)
                hours = Decimal(self.rng.choice(("39", "39", "39", "30", "25", "19.5")))
                staff.append(
                    {
                        "user_id": user_id,
                        "job_centre_id": centre.pk,
                        "team_id": team_id,
                        "role": role,
                        "weekly_hours": hours,
                    }
                )
                if role == Staff.CASEWORKER:
                    workers.append(len(staff) - 1)
            for n, i in enumerate(members):
                owners[i] = workers[n % len(workers)]
        staff_ids = insert_records(Staff, staff)
        self.stats.update(teams=len(layout), staff=len(staff))
        return [(staff[s]["team_id"], staff_ids[s], staff[s]["user_id"]) for s in owners]

    def _user(self, prefix, role, serial) -> dict:
        """A generated member of staff: a login name, but no usable password."""
        code = "tl" if role == Staff.TEAM_LEAD else "fk"
        first, last = _person(self.rng)
        user = {
            "username": f"{prefix}-{code}-{serial[code]:03d}",
            "first_name": first,
            "last_name": last,
            "email": f"{_ascii(first)}.{_ascii(last)}{serial[code]}@{self.centre.slug}.example",
            "password": make_password(None),  # as set_unusable_password()
        }
        serial[code] += 1
        return user

    def _sources(self) -> list[int]:
        existing = dict(AcquisitionSource.objects.filter(job_centre=self.centre).values_list("name", "pk"))
        missing = [
            {"job_centre_id": self.centre.pk, "name": n, "expected_per_month": Decimal(str(e))}
            for n, e in SOURCES
            if n not in existing
        ]
        existing.update(zip((s["name"] for s in missing), insert_records(AcquisitionSource, missing)))
        return [existing[n] for n, _ in SOURCES]


def _person(rng, foreign=False):
    female = rng.random() < 0.5
    first = FIRST_REFUGEE if foreign else FIRST_F if female else FIRST_M
    return rng.choice(first), rng.choice(LAST_REFUGEE if foreign else LAST)


CHANNEL_WEIGHTS = list(itertools.accumulate((82, 13, 3, 2)))  # cumulative (to 100), as bisect reads them
SOURCE_CUM_WEIGHTS = list(itertools.accumulate(SOURCE_WEIGHTS))


CHUNK_MODELS = (Customer, ContactNote, Measure, Suspension)
SKIP_KEY_CHECKS_ALLOWED = """
    SELECT current_setting('is_superuser') = 'on' AND NOT EXISTS (
        SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%s)
    )"""

# The rows a chunk writes (bulk_write.write_rows, write_groups): days as day numbers, flags as
# a tuple. Notes, measures and exceptions come with a head per customer (job centre, customer
# and, for the notes, the checklist), written once for all their rows.
CUSTOMER_FIELDS = (
    "job_centre_id",
    "team_id",
    "caseworker_id",
    "number",
    "first_name",
    "last_name",
    "birth_date",
    "street",
    "postcode",
    "city",
    "phone",
    "email",
    "registered_on",
    "employment",
    "profile",
    "profile_since",
    "care",
    "flags",
    "integrated_employment",
    "unemployed_since",
    "benefit_renewal_on",
    "acquisition_source_id",
    "case_status",
    "closing_outcome",
    "closing_reason",
)
CHECKLIST = ("prognosis_reviewed", "strategy_reviewed", "agreement_reviewed", "job_search_done")
NOTE_HEAD = ("job_centre_id", "customer_id", *CHECKLIST)
NOTE_FIELDS = ("caseworker_id", "date", "channel", "summary", "agreements", "follow_up_on", "walk_in")
RELATED_HEAD = ("job_centre_id", "customer_id")
MEASURE_FIELDS = ("title", "start", "end", "exited_on")
SUSPENSION_FIELDS = ("reason", "start", "end", "documented_by_id")


class Generated(NamedTuple):
    """A generated customer: their row (CUSTOMER_FIELDS) and their notes, measures and
    exceptions (NOTE_FIELDS, MEASURE_FIELDS, SUSPENSION_FIELDS)."""

    customer: tuple
    notes: list[tuple]
    measures: list[tuple]
    suspensions: list[tuple]


@functools.cache
def _in_ascii(name: str) -> str:
    return _ascii(name)


class ChunkGenerator:
    """Generates and writes one chunk's customers with their notes, measures and exceptions.

    Its random generators are seeded by the seed, the job centre and the chunk's index: the
    same data whether chunks run one after another or in parallel, in whatever order.

    Days are day numbers (`date.toordinal()`) and every draw is one call of `random()`
    (`between`, `pick`, `pick_weighted`): the generator's arithmetic on date and timedelta
    objects and random's randint, choice and choices took about half of its time."""

    def __init__(self, chunk: Chunk):
        self.chunk, self.today, self.jc = chunk, chunk.today.toordinal(), chunk.centre_id
        self.rng = random.Random(f"{chunk.seed}/{chunk.slug}/{chunk.index}")
        self.random = self.rng.random
        # A generator of its own: drawing walk-ins from `rng` would shift everything drawn after.
        self.walk_ins = random.Random(f"{chunk.seed}/{chunk.slug}/{chunk.index}/walk-ins").random
        self.table = ARCHETYPES.get(chunk.slug, ARCHETYPES["coburg-land"])
        self.places = PLACES.get(chunk.slug, PLACES["coburg-land"])
        self.weimar = chunk.slug == "weimarer-land"

    def between(self, low: int, high: int) -> int:
        """A whole number from low to high, both included (as randint)."""
        return low + int(self.random() * (high - low + 1))

    def pick(self, options):
        return options[int(self.random() * len(options))]

    def pick_weighted(self, options, cum_weights):
        return options[bisect.bisect(cum_weights, self.random() * cum_weights[-1])]

    def write(self) -> Counter:
        """Writes the chunk in one transaction; returns what it wrote."""
        c, jc = self.chunk, self.jc
        generated = [
            self._customer(self.table[a], u25, number, *owner, c.source_ids)
            for (a, u25), owner, number in zip(c.plan, c.owners, c.numbers)
        ]
        connection = connections[router.db_for_write(Customer)]
        on_its_own = not connection.in_atomic_block
        with transaction.atomic(using=connection.alias):
            if on_its_own and use_copy(connection):
                # As in recompute._recompute_range: the chunk's commit need not wait for the WAL
                # to reach the disk. A crash may lose the last chunks; generated data only.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                    # The foreign key checks (a trigger per row and key, run at commit) took
                    # more than half of a chunk's time. Every id written here was created or
                    # read by this run, so a role that may (a superuser) skips them as a
                    # replica does; only if these tables have no triggers other than them.
                    cursor.execute(SKIP_KEY_CHECKS_ALLOWED, [[m._meta.db_table for m in CHUNK_MODELS]])
                    if cursor.fetchone()[0]:
                        cursor.execute("SET LOCAL session_replication_role = replica")
            if c.policy_version is None:
                ids = write_rows(Customer, CUSTOMER_FIELDS, [g.customer for g in generated], returning_ids=True)
            else:
                fields, rows = (*CUSTOMER_FIELDS, *DUE_ATTNAMES), self._with_due_dates(generated)
                ids = write_rows(Customer, fields, rows, returning_ids=True)
            # Weimarer Land's notes carry the qualified-contact checklist. Rule codes are left
            # empty: computing them costs an evaluation per note (setup_demo stamps its small
            # demo afterwards with duedates.stamp_note_codes).
            checked = (self.weimar,) * len(CHECKLIST)
            pairs = list(zip(ids, generated))
            notes = write_groups(
                ContactNote, NOTE_HEAD, NOTE_FIELDS, [((jc, pk, *checked), g.notes) for pk, g in pairs]
            )
            measures = write_groups(Measure, RELATED_HEAD, MEASURE_FIELDS, [((jc, pk), g.measures) for pk, g in pairs])
            suspensions = write_groups(
                Suspension, RELATED_HEAD, SUSPENSION_FIELDS, [((jc, pk), g.suspensions) for pk, g in pairs]
            )
        return Counter(customers=len(ids), notes=notes, measures=measures, suspensions=suspensions)

    def _with_due_dates(self, generated: list[Generated]) -> list[tuple]:
        """The customers' rows with their stored due dates (`demo_due`)."""
        c = self.chunk
        due = demo_due.DueDates(
            policy_for(c.centre_id, c.policy_version),
            c.policy_version,
            c.today,
            row=CUSTOMER_FIELDS,
            note=NOTE_FIELDS,
            measure=MEASURE_FIELDS,
            suspension=SUSPENSION_FIELDS,
        )
        return [(*g.customer, *due.values(g.customer, g.notes, g.measures, g.suspensions)) for g in generated]

    def _customer(self, a: Archetype, u25: bool, number, team_id, staff_id, user_id, source_ids) -> Generated:
        random, between, pick, today, jc = self.random, self.between, self.pick, self.today, self.jc
        age = between(17 * 365, 25 * 365 - 3) if u25 else between(25 * 366, 63 * 365)  # in days
        birth = today - age
        employment = pick(a.employment)
        flags = set(a.flags) | {f for f in a.extra if random() < 0.2 and FLAG_NEEDS.get(f, employment) == employment}
        if "refugee" in flags and random() < 0.5:
            flags.add("limited_german")
        r = random()
        new = r < 0.03 and random() < 0.7  # registered in the last weeks, no contact yet
        registered = today - between(*((1, 20) if r < 0.03 else (21, 730) if r < 0.45 else (731, 3000)))
        registered = max(registered, birth + 16 * 365)
        notes, measures, suspensions, floor = [], [], [], registered + 1
        if a.measure:  # running today; the last contact falls after its start
            floor = today - between(14, 240)
            end = max(floor + between(120, 400), today + between(14, 120))
            registered = min(registered, floor - between(20, 200))
            measures.append((pick(MEASURES), floor, end, None))
        if not new:
            notes = self._notes(a, floor, registered, user_id)
            if not a.measure and random() < 0.15:  # an earlier measure, over before the last contact
                end = notes[-1][1] - between(3, 120)
                start = end - between(30, 300)
                exited = start + between(0, end - start) if random() < 0.3 else None
                if start >= registered:
                    measures.append((pick(MEASURES), start, end, exited))
        r = random()
        if r < 0.08:  # half of them in force today, half over
            end = today + between(7, 150) if r < 0.04 else today - between(1, 300)
            start = today - between(3, 60) if r < 0.04 else end - between(14, 120)
            suspensions.append((pick(SUSPENSIONS), start, end, user_id))
        status, outcome = (Customer.STATUS_COUNSELLING if notes else Customer.STATUS_NEW), ""
        if notes and random() < 0.05:
            status, outcome = Customer.STATUS_CLOSED, "job_taken" if random() < 0.7 else "job_not_taken"
        profile = pick(a.profiles)
        first_name, last_name = _person(self.rng, "refugee" in flags)
        postcode, city, area = pick(self.places)
        r = random()
        if r < 0.45:
            phone = f"{area} {between(10_000, 999_999)}"
        elif r < 0.85:
            phone = f"0{between(151, 179)} {between(1_000_000, 9_999_999)}"
        else:
            phone = ""
        if random() < 0.4:
            email = f"{_in_ascii(first_name)}.{_in_ascii(last_name)}{between(1, 99)}@example.org"
        else:
            email = ""
        if a.integrated or profile != "integrated_needy":
            integrated = a.integrated
        else:
            integrated = "self_employed" if random() < 0.2 else "insured"
        customer = (
            jc,
            team_id,
            staff_id,
            number,
            first_name,
            last_name,
            birth,
            f"{pick(STREETS)} {between(1, 120)}",
            postcode,
            city,
            phone,
            email,
            registered,
            employment,
            profile,
            registered + between(0, today - registered),  # profile_since
            a.care,
            tuple(sorted(flags)),
            integrated,
            today - between(*a.unemployed_days) if employment == "unemployed" else None,
            today + between(0, 364),  # benefit_renewal_on
            self.pick_weighted(source_ids, SOURCE_CUM_WEIGHTS) if random() < 0.06 else None,
            status,
            outcome,
            pick(NOT_TAKEN) if outcome == "job_not_taken" else "",
        )
        return Generated(customer, notes, measures, suspensions)

    def _notes(self, a: Archetype, floor: int, registered: int, user_id) -> list[tuple]:
        """Contact notes, built backwards from the last one, which decides today's status."""
        random, between, today, cycle = self.random, self.between, self.today, a.cycle
        if random() < OVERDUE_SHARE:
            last = today - cycle - between(1, max(7, min(60, cycle)))
        else:
            last = today - between(0, cycle - 1)
        last = min(max(last, floor), today)
        start = max(registered, today - HISTORY_DAYS)
        days, day = [], last
        while True:
            late = random() < 0.12  # a share of the gaps ran over the cycle
            day -= max(7, round(cycle * (1.0 + 0.4 * random() if late else 0.6 + 0.4 * random())))
            if day <= start:
                break
            days.append(day)
        first = registered + between(2, 14)
        if start == registered and first < (days[-1] if days else last) - 7:
            days.append(first)
        notes, note, weimar = [], self._note, self.weimar
        for day in reversed(days):
            if weimar or random() < 0.5:
                follow_up = day + max(1, round(cycle * (0.7 + 0.3 * random())))
            else:
                follow_up = None
            notes.append(note(user_id, day, CHANNELS[bisect.bisect(CHANNEL_WEIGHTS, random() * 100)], follow_up))
        follow_up = None  # on an individual cycle too, now and then: the worklist asks for a date
        if self.weimar or random() < (0.9 if a.individual else 0.5):
            if last + cycle < today:
                follow_up = last + max(1, round(cycle * (0.8 + 0.2 * random())))
            else:
                low = max(today, last + 1)
                follow_up = low + between(0, max(0, last + cycle - low))
        notes.append(note(user_id, last, "in_person", follow_up))
        if not self.weimar and not a.individual and last < today - 1 and random() < 0.05:
            notes.append(note(user_id, last + between(1, today - last), "phone", None))  # no follow-up set
        return notes

    def _note(self, user_id, day, channel, follow_up) -> tuple:
        """A note's row (NOTE_FIELDS)."""
        random = self.random  # pick() inlined: a note is drawn 11 million times for a million customers
        summary, agreements = SUMMARIES[int(random() * len(SUMMARIES))], AGREEMENTS[int(random() * len(AGREEMENTS))]
        walk_in = channel == "in_person" and self.walk_ins() < WALK_IN_SHARE
        return (user_id, day, channel, summary, agreements, follow_up, walk_in)


def write_chunk(chunk: Chunk) -> Counter:
    return ChunkGenerator(chunk).write()


def generate(
    *,
    customers: int,
    seed: int,
    job_centres: list[JobCentre],
    today: date,
    progress=None,
    market_team_size: int | None = None,
    workers: int = 1,
    due_dates: bool = True,
) -> dict:
    """Write `customers` new customers (with staff and histories) across `job_centres`.

    Per job centre teams and staff first, here; then its customers in chunks of CHUNK, each in
    a transaction of its own, spread over `workers` processes where recompute.run_in_processes allows (from
    PARALLEL_MIN_CUSTOMERS on PostgreSQL). `progress(n)` is called after every chunk.
    `market_team_size` overrides the customers per market team (2,000), e.g. for benchmarks
    that need the largest teams of big job centres. `due_dates`: store each customer's due
    date as it is written (`demo_due`); without, they are left to `recompute_due`.
    """
    shares = split(customers, [c.slug for c in job_centres])
    totals = Counter()

    def planned():
        """The chunks, job centre by job centre: the workers write one job centre's customers
        while the next one is planned (a million customers took 10 s to plan)."""
        for centre in job_centres:
            planner = CentreGenerator(
                centre, shares[centre.slug], seed, today, market_team_size=market_team_size, due_dates=due_dates
            )
            yield from planner.chunks()
            totals.update(planner.stats)

    connection = connections[router.db_for_write(Customer)]
    chunks = sum(math.ceil(share / CHUNK) for share in shares.values())
    if recompute.run_in_processes(connection, workers, chunks, customers):
        results = recompute.in_processes(recompute_worker.write_chunk, ((chunk,) for chunk in planned()), workers)
    else:
        results = (write_chunk(chunk) for chunk in planned())
    for stats in results:
        totals.update(stats)
        if progress:
            progress(stats["customers"])
    return totals
