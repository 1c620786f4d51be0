"""Micro-benchmark (not a test): engine decisions per second on one core.

    make bench            # or: .venv/bin/python benchmarks/engine_bench.py --cases 100000

Builds the seeds' rule sets from fixtures/rulesets.json without a database, generates
deterministic random cases for the three rule-set job centres, and times `engine.evaluate`
alone (case generation is outside the timed part), then once more with the German reasons made
for every decision (as only a page or `evaluate_cases` needs them). Goal: >= 100,000 decisions
per second on one core when the reason text is not needed.
"""

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontaktdichte.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django

django.setup()

from django.core import serializers

from policies import engine
from policies import vocabulary as voc
from policies.calendar import WorkingCalendar
from policies.loading import rule_set_from_row

GOAL = 100_000


def policies_from_fixture():
    objects = [
        o.object
        for o in serializers.deserialize("json", (ROOT / "fixtures" / "rulesets.json").read_text(encoding="utf-8"))
    ]
    centres = [o for o in objects if o._meta.model_name == "jobcentre"]
    rules = defaultdict(list)
    for o in sorted((o for o in objects if o._meta.model_name == "contactrule"), key=lambda r: r.position):
        rules[o.rule_set_id].append(o)
    sets = defaultdict(list)
    for o in objects:
        if o._meta.model_name == "ruleset":
            sets[o.job_centre_id].append(rule_set_from_row(o, rules[o.pk]))
    return {
        c.slug: engine.JobCentre(
            c.slug, c.name, WorkingCalendar(c.federal_state), tuple(sorted(sets[c.pk], key=lambda rs: rs.valid_from))
        )
        for c in centres
    }


FOUR_PHASE = [
    "market",
    "activation",
    "promotion",
    "development",
    "stabilisation",
    "support",
    "integrated_needy",
    "not_required",
]
VERBIS_1603 = ["market_close", "market_far", "integrated_needy", "not_required"]


def random_case(rng: random.Random, today: date, profiles):
    def day_between(a: date, b: date) -> date:
        return a + timedelta(days=rng.randint(0, max((b - a).days, 0)))

    registered = day_between(today - timedelta(days=6 * 365), today - timedelta(days=1))
    measures = ()
    if rng.random() < 0.25:
        start = day_between(today - timedelta(days=300), today + timedelta(days=60))
        end = start + timedelta(days=rng.randint(20, 400))
        exited = start + timedelta(days=rng.randint(1, 200)) if rng.random() < 0.1 else None
        measures = (engine.Measure(start, end, exited),)
    suspensions = ()
    if rng.random() < 0.08:
        start = day_between(today - timedelta(days=90), today)
        suspensions = (engine.Suspension(start, start + timedelta(days=rng.randint(10, 200)), "Gutachten"),)
    customer = engine.Customer(
        birth_date=day_between(date(1960, 1, 1), date(2008, 1, 1)),
        registered_on=registered,
        employment=rng.choice(voc.EMPLOYMENT_CODES),
        profile=rng.choice(profiles),
        profile_since=day_between(registered, today),
        care=rng.choices(voc.CARE_CODES, weights=(85, 10, 5))[0],
        flags=frozenset(f for f in voc.FLAG_CODES if rng.random() < 0.08),
        integrated_employment=rng.choice(voc.INTEGRATED_EMPLOYMENT_CODES),
        unemployed_since=day_between(registered - timedelta(days=700), today),
        benefit_renewal_on=day_between(today, today + timedelta(days=365)),
        measures=measures,
        suspensions=suspensions,
    )
    contacts = []
    day = registered
    for _ in range(rng.randint(0, 12)):
        day = day + timedelta(days=rng.randint(10, 120))
        if day > today:
            break
        follow_up = day + timedelta(days=rng.randint(14, 120)) if rng.random() < 0.5 else None
        contacts.append(engine.Contact(day, rng.choices(voc.CHANNEL_CODES, weights=(70, 15, 5, 5, 5))[0], follow_up))
    return customer, contacts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 22))
    args = parser.parse_args()

    centres = policies_from_fixture()
    slugs = ["moenchengladbach", "coburg-land", "weimarer-land"]
    rng = random.Random(args.seed)
    # Mönchengladbach's rule set ended in 2016: evaluate its cases on a date it was in force.
    cases = []
    for i in range(args.cases):
        slug = slugs[i % 3]
        today = date(2016, 6, 15) if slug == "moenchengladbach" else args.today
        customer, contacts = random_case(rng, today, FOUR_PHASE if slug == "moenchengladbach" else VERBIS_1603)
        cases.append((centres[slug], customer, contacts, today))

    evaluate = engine.evaluate
    for centre, customer, contacts, today in cases[:2000]:  # warm the holiday caches
        evaluate(centre, customer, contacts, today)
    statuses = defaultdict(int)
    started = time.perf_counter()
    for centre, customer, contacts, today in cases:
        statuses[evaluate(centre, customer, contacts, today).status] += 1
    elapsed = time.perf_counter() - started

    rate = len(cases) / elapsed
    print(
        f"engine: {len(cases):,} decisions in {elapsed:.2f} s = {rate:,.0f} decisions/s on one core, "
        f"reasons as codes (goal >= {GOAL:,}/s: {'met' if rate >= GOAL else 'NOT met'})"
    )
    started = time.perf_counter()
    for centre, customer, contacts, today in cases:
        texts = evaluate(centre, customer, contacts, today).reasons  # noqa: F841 (made, then dropped)
    with_text = len(cases) / (time.perf_counter() - started)
    print(f"        with the German reasons made for every decision: {with_text:,.0f} decisions/s")
    print("statuses: " + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())))


if __name__ == "__main__":
    main()
