"""Small builders for the caseload tests, and the personas.

Customers are created through `caseload.services`, as the pages and imports do, so every
customer starts with a stored due date. Personas (after healthchecks' hc/test.py), all in
Jobcenter Coburg Land unless said otherwise:
- alice: caseworker in team A
- bob: team lead of team A
- charlie: caseworker in team B (same job centre): must see nothing of team A
- dave: caseworker in Jobcenter Weimarer Land (another job centre)
- admin: superuser without a Staff profile (works in the Django admin)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from caseload import services
from caseload.models import Customer, Staff, Team
from policies.models import JobCentre

_numbers = count(100001)


def job_centre(slug: str) -> JobCentre:
    return JobCentre.objects.get(slug=slug)


def make_team(centre: JobCentre, name: str) -> Team:
    return Team.objects.create(job_centre=centre, name=name)


def make_user(username: str, **fields):
    """No password (tests log in with force_login): hashing one costs a quarter second."""
    return get_user_model().objects.create_user(username=username, password=None, **fields)


def make_staff(username: str, team: Team, role: str = Staff.CASEWORKER) -> Staff:
    user = make_user(username, first_name=username.capitalize(), last_name="Fachkraft")
    return Staff.objects.create(user=user, job_centre_id=team.job_centre_id, team=team, role=role)


def make_customer(
    team: Team, *, caseworker: Staff | None = None, number: str | None = None, today: date | None = None, **facts
) -> Customer:
    """An Ü25 unemployed customer, market_close, registered 30 days ago (Coburg: 2MM), unless
    `facts` say otherwise. Names carry the number, so a test can look for them in an export."""
    today = today or timezone.localdate()
    number = number or str(next(_numbers))
    fields = {
        "first_name": "Erika",
        "last_name": f"Musterfrau{number}",
        "birth_date": date(1980, 5, 17),
        "registered_on": today - timedelta(days=30),
        "employment": "unemployed",
        "profile": "market_close",
    }
    fields.update(facts)
    customer, _decision = services.create_customer(
        job_centre_id=team.job_centre_id, team=team, caseworker=caseworker, number=number, today=today, **fields
    )
    return customer


def overdue_customer(team, caseworker=None, *, today=None, **facts) -> Customer:
    """Coburg 2MM from registration 100 days ago: overdue for about five weeks."""
    today = today or timezone.localdate()
    return make_customer(team, caseworker=caseworker, today=today, registered_on=today - timedelta(days=100), **facts)


def due_soon_customer(team, caseworker=None, *, today=None, **facts) -> Customer:
    """Coburg 2MM from registration: due in five days."""
    today = today or timezone.localdate()
    return make_customer(
        team,
        caseworker=caseworker,
        today=today,
        registered_on=today - relativedelta(months=2) + timedelta(days=5),
        **facts,
    )


def no_rule_customer(team, caseworker=None, *, today=None) -> Customer:
    """Ü25 unemployed with a 4PM profile: no rule of Coburg's rule set matches."""
    return make_customer(team, caseworker=caseworker, today=today, profile="market")


def earlier_note(customer, staff, *, days_ago: int, channel="in_person", summary="Gespräch", **fields):
    """A contact note written `days_ago` days before today, through the service."""
    note, _decision = services.record_contact(
        customer=customer,
        by=staff.user,
        date=timezone.localdate() - timedelta(days=days_ago),
        channel=channel,
        summary=summary,
        **fields,
    )
    return note


CASELOAD_DAY = date(2026, 3, 10)


@pytest.fixture
def caseload_a(world):
    """Alice's caseload on CASELOAD_DAY: one of each kind, plus one colleague's and one of team B."""
    day = CASELOAD_DAY
    return {
        "overdue": overdue_customer(world.team_a, world.alice, today=day),
        "soon": due_soon_customer(world.team_a, world.alice, today=day),
        "later": make_customer(world.team_a, caseworker=world.alice, today=day, registered_on=day),
        "no_rule": no_rule_customer(world.team_a, world.alice, today=day),
        "colleague": overdue_customer(world.team_a, world.bob, today=day),
        "team_b": overdue_customer(world.team_b, world.charlie, today=day),
    }


@dataclass
class World:
    coburg: JobCentre
    weimar: JobCentre
    team_a: Team
    team_b: Team
    weimar_team: Team
    alice: Staff
    bob: Staff
    charlie: Staff
    dave: Staff
    admin: object


@pytest.fixture
def world(rulesets) -> World:
    coburg, weimar = job_centre("coburg-land"), job_centre("weimarer-land")
    team_a, team_b = make_team(coburg, "Team A"), make_team(coburg, "Team B")
    weimar_team = make_team(weimar, "Team Apolda")
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", None)
    return World(
        coburg=coburg,
        weimar=weimar,
        team_a=team_a,
        team_b=team_b,
        weimar_team=weimar_team,
        alice=make_staff("alice", team_a),
        bob=make_staff("bob", team_a, Staff.TEAM_LEAD),
        charlie=make_staff("charlie", team_b),
        dave=make_staff("dave", weimar_team),
        admin=admin,
    )
