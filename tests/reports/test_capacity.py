"""The capacity forecast, counted by hand.

Coburg Land (BY): first appointment 60 min, follow-up 30 min, no preparation, target share 50 %.
Today Wed 04.03.2026: the weeks run from Mon 02.03. to Sun 24.05. Alice works 2 hours a week:
60 consultation minutes in a full week, 48 in the weeks of Good Friday (03.04.), Easter Monday
(06.04.) and Labour Day (01.05.).

- c1 registered 10.01., never seen: due 10.03. (week 1, first appointment 60), then 10.05. (week 9, 30)
- c2 registered 01.12.2025, never seen: overdue since 01.02. → this week (60), held on Monday
  02.03. at the earliest, so the next one 02.05. (week 8, 30)
- c3 registered 05.12.2025, never seen: overdue since 05.02. → the same: this week, then 02.05.
"""

import re
from datetime import date
from decimal import Decimal

import pytest

from caseload.models import Team
from reports.capacity import forecast

from ..caseload.factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 4)


@pytest.fixture
def result(world):
    world.alice.weekly_hours = Decimal("2")
    world.alice.save()
    for registered in (date(2026, 1, 10), date(2025, 12, 1), date(2025, 12, 5)):
        make_customer(world.team_a, caseworker=world.alice, registered_on=registered, today=TODAY)
    make_customer(world.team_b, caseworker=world.charlie, registered_on=date(2025, 12, 1), today=TODAY)
    return forecast(Team.objects.select_related("job_centre").get(pk=world.team_a.pk), TODAY)


def test_the_weeks_start_on_this_monday(result):
    assert result.weeks[0] == date(2026, 3, 2) and len(result.weeks) == 12
    assert (result.first_minutes, result.follow_up_minutes, result.share) == (60, 30, 50)
    assert result.defaults_used == []


def test_demand_per_week_from_due_dates_and_projected_follow_ups(result):
    alice = result.rows[1]
    assert alice.name == "Alice Fachkraft"
    assert [c.contacts for c in alice.cells] == [2, 1, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0]
    assert [c.minutes for c in alice.cells] == [120, 60, 0, 0, 0, 0, 0, 0, 60, 30, 0, 0]


def test_available_time_follows_hours_share_and_public_holidays(result):
    alice = result.rows[1]
    assert [c.available for c in alice.cells[:10]] == [60, 60, 60, 60, 48, 48, 60, 60, 48, 60]


def test_recorded_working_hours_replace_weekly_hours(world, result):
    """Alice records Mon 8-12 and Thu 8-10 (360 minutes a week): 180 consultation minutes, and
    in Easter week (Good Friday off, her days untouched) still 180; in the week of Easter Monday
    only Thursday's 120 minutes, so 60; in the week of Labour Day (a Friday) 180."""
    from datetime import time

    from ..appointments.factories import give_working_hours

    give_working_hours(world.alice, days=[0], start=time(8), end=time(12))
    give_working_hours(world.alice, days=[3], start=time(8), end=time(10))
    again = forecast(Team.objects.select_related("job_centre").get(pk=world.team_a.pk), TODAY)
    alice = again.rows[1]
    assert alice.recorded_hours
    assert [c.available for c in alice.cells[:9]] == [180, 180, 180, 180, 180, 60, 180, 180, 180]
    assert [k for k, c in enumerate(alice.cells) if c.short] == []


def test_the_shortfall_is_marked(result):
    alice = result.rows[1]
    assert [k for k, c in enumerate(alice.cells) if c.short] == [0, 8]
    assert alice.cells[0].shortfall == 60 and alice.cells[8].shortfall == 12
    assert alice.short_weeks == 2


def test_the_team_row_adds_up_its_caseworkers_only(result):
    team = result.rows[0]
    assert team.staff_id is None
    assert [r.name for r in result.rows[1:]] == ["Alice Fachkraft"]  # bob leads, charlie is team B
    assert team.cells[0].minutes == 120 and team.cells[0].available == 60


def test_the_page_marks_the_weeks_short_of_time(client, world, result):
    # Real today: c2 and c3 are overdue, so both fall into this week: 120 minutes against 60
    # (or 48 in a week with a public holiday).
    client.force_login(world.bob.user)
    page = client.get("/berichte/kapazitaet/").content.decode()
    assert 'Alice Fachkraft<br><span class="muted">2 Std./Woche</span>' in page
    first_week = re.search(r"Alice Fachkraft.*?<td class=\"num( short)?\"", page, re.S)
    assert first_week.group(1) == " short"


def test_a_rule_set_without_lengths_or_target_uses_the_stated_defaults(world):
    """Weimarer Land states no appointment lengths and no target share."""
    make_customer(
        world.weimar_team, caseworker=world.dave, registered_on=date(2026, 1, 2), today=TODAY, profile="market_far"
    )
    result = forecast(Team.objects.select_related("job_centre").get(pk=world.weimar_team.pk), TODAY)
    assert (result.first_minutes, result.follow_up_minutes, result.share) == (60, 30, 50)
    assert result.defaults_used == ["Erstgespräch 60 Minuten", "Folgegespräch 30 Minuten", "Beratungsanteil 50 %"]
    # Registered 02.01., 15 working days in Thuringia: due 23.01., overdue → this week, 60 minutes.
    assert result.rows[1].cells[0].minutes == 60
