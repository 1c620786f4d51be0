"""The monthly report's figures against a small caseload counted by hand.

March 2026, Jobcenter Coburg Land, team A (Ü25 unemployed market_close: 2MM from registration or
the last in-person contact; only in-person contacts count; no first-contact deadline):

| customer | caseworker | registered | notes | March |
|---|---|---|---|---|
| c1 | alice | 10.01. | in person 05.03. | due 10.03., on time |
| c2 | alice | 31.01. | in person 01.04. | due 31.03., overdue at month end |
| c3 | alice | 15.12.2025 | in person 20.03. | (due 15.02.) held late |
| c4 | alice | 04.03. | in person 18.03. | new; first contact after 10 working days |
| c5 | nobody | 05.01. | phone 03.03. | due 05.03., overdue at month end (phone does not count) |
| c6 | charlie, team B | 10.01. | none | not in team A's report |
"""

from datetime import date

import pytest

from caseload.models import ContactNote, Team
from policies.models import ClosingDay
from reports.figures import COLUMN_KEYS, COLUMNS, display, monthly_report

from ..caseload.factories import make_customer, make_staff, world  # noqa: F401

MARCH = date(2026, 3, 1)
TODAY = date(2026, 4, 15)


def note(customer, day, channel="in_person", follow_up=None):
    ContactNote.objects.create(
        job_centre_id=customer.job_centre_id,
        customer=customer,
        date=day,
        channel=channel,
        caseworker=customer.caseworker.user if customer.caseworker else _any_user(),
        summary="Gespräch",
        follow_up_on=follow_up,
    )


def _any_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.first()


def fresh(team):
    """The team with its job centre as the database has it now (the policy version moves)."""
    return Team.objects.select_related("job_centre").get(pk=team.pk)


@pytest.fixture
def march(world):
    a = world.team_a
    c1 = make_customer(a, caseworker=world.alice, registered_on=date(2026, 1, 10), today=TODAY)
    c2 = make_customer(a, caseworker=world.alice, registered_on=date(2026, 1, 31), today=TODAY)
    c3 = make_customer(a, caseworker=world.alice, registered_on=date(2025, 12, 15), today=TODAY)
    c4 = make_customer(a, caseworker=world.alice, registered_on=date(2026, 3, 4), today=TODAY)
    c5 = make_customer(a, caseworker=None, registered_on=date(2026, 1, 5), today=TODAY)
    c6 = make_customer(world.team_b, caseworker=world.charlie, registered_on=date(2026, 1, 10), today=TODAY)
    note(c1, date(2026, 3, 5))
    note(c2, date(2026, 4, 1))
    note(c3, date(2026, 3, 20))
    note(c4, date(2026, 3, 18))
    note(c5, date(2026, 3, 3), channel="phone")
    return monthly_report(fresh(a), MARCH, TODAY), (c1, c2, c3, c4, c5, c6)


def row_of(report, name):
    return next(r for r in report.rows if r.name == name)


def test_columns_are_one_definition_for_page_and_files():
    assert COLUMN_KEYS[0] == "name"
    assert len(set(COLUMN_KEYS)) == len(COLUMNS)


def test_the_team_row_counts_every_customer_of_the_team(march):
    report, _ = march
    team = report.team_row
    assert team.is_team and report.rows[0] is team
    assert (team.caseload, team.counts.due, team.counts.on_time, team.counts.late, team.counts.overdue_end) == (
        5,
        3,
        1,
        1,
        2,
    )
    assert team.value("on_time_rate") == pytest.approx(1 / 3)
    assert team.new == 1


def test_the_caseworker_row_counts_their_own_customers(march):
    report, _ = march
    alice = row_of(report, "Alice Fachkraft")
    assert (alice.caseload, alice.counts.due, alice.counts.on_time, alice.counts.late, alice.counts.overdue_end) == (
        4,
        2,
        1,
        1,
        1,
    )
    assert alice.value("on_time_rate") == 0.5
    assert [display(c, alice.value(c.key)) for c in COLUMNS[:7]] == ["Alice Fachkraft", "4", "2", "1", "1", "1", "50 %"]


def test_team_leads_without_customers_get_no_row_and_other_teams_stay_out(march):
    report, _ = march
    assert [r.name for r in report.rows] == ["Team A", "Alice Fachkraft"]


def test_first_contact_lead_time_in_working_days(march):
    report, _ = march
    alice = row_of(report, "Alice Fachkraft")
    # Wed 04.03. → Wed 18.03.: 5, 6, 9-13, 16-18 March = 10 working days.
    assert alice.value("lead_avg") == 10.0
    assert alice.lead_missing == 0
    # Coburg states no first-contact deadline: no target figures, shown as "—".
    assert alice.value("lead_target") is None and alice.value("lead_max") is None
    assert report.first_contact_target is None


def test_the_trend_covers_twelve_months_ending_with_the_report_month(march):
    report, _ = march
    assert [p.month for p in report.trend][:2] == [date(2025, 4, 1), date(2025, 5, 1)]
    assert report.trend[-1].month == MARCH
    feb = report.trend[-2].counts
    # February: c3 due 15.02. and missed; c5? due 05.03.; c1 10.03.: not yet.
    assert (feb.due, feb.on_time, feb.late, feb.overdue_end) == (1, 0, 0, 1)
    jan = report.trend[-3].counts
    assert (jan.due, jan.overdue_end) == (0, 0)
    assert report.trend[-1].counts.due == 3


def test_the_caseload_by_rule_at_month_end(march):
    report, _ = march
    assert report.by_rule == [("Ü25, arbeitslos, marktnah", "2MM", 5)]


def test_a_running_month_is_read_up_to_yesterday(march, world):
    # On 11.03.: c1's contact (05.03.) met 10.03.; c5 (05.03.) overdue; c2 (31.03.) still ahead.
    report = monthly_report(fresh(world.team_a), MARCH, date(2026, 3, 11))
    assert report.running and report.as_of == date(2026, 3, 10)
    team = report.team_row
    assert (team.counts.due, team.counts.on_time, team.counts.late, team.counts.overdue_end) == (2, 1, 0, 2)
    # c3 (due 15.02.) is still overdue on 11.03.; c4 is new and not seen by then.
    assert team.new == 1 and team.lead_missing == 1


@pytest.fixture
def weimar_new(world):
    """Weimarer Land (TH): first contact within 15 working days, every channel counts.
    Registered Tue 28.04.2026, first contact (phone) Wed 06.05.: 29., 30.04., [01.05. holiday],
    04., 05., 06.05. = 5 working days."""
    dave = world.dave
    customer = make_customer(
        world.weimar_team,
        caseworker=dave,
        registered_on=date(2026, 4, 28),
        today=date(2026, 6, 1),
        profile="market_far",
    )
    note(customer, date(2026, 5, 6), channel="phone", follow_up=date(2026, 6, 6))
    return customer


def test_lead_time_skips_public_holidays_and_judges_against_the_deadline(world, weimar_new):
    report = monthly_report(fresh(world.weimar_team), date(2026, 4, 1), date(2026, 6, 1))
    dave = row_of(report, "Dave Fachkraft")
    assert dave.new == 1 and dave.value("lead_avg") == 5.0
    assert report.first_contact_max == 15 and report.first_contact_target is None
    assert dave.value("lead_max") == 1 and dave.value("lead_target") is None


def test_lead_time_skips_the_job_centres_closing_days(world, weimar_new):
    ClosingDay.objects.create(job_centre=world.weimar, date=date(2026, 5, 5), label="Betriebsausflug")
    report = monthly_report(fresh(world.weimar_team), date(2026, 4, 1), date(2026, 6, 1))
    assert row_of(report, "Dave Fachkraft").value("lead_avg") == 4.0


def test_a_new_customer_without_a_first_contact_is_counted_as_such(world):
    make_customer(
        world.weimar_team,
        caseworker=world.dave,
        registered_on=date(2026, 4, 20),
        today=date(2026, 6, 1),
        profile="market_far",
    )
    report = monthly_report(fresh(world.weimar_team), date(2026, 4, 1), date(2026, 6, 1))
    dave = row_of(report, "Dave Fachkraft")
    assert (dave.new, dave.lead_missing, dave.value("lead_avg"), dave.value("lead_max")) == (1, 1, None, 0)
    # 15 working days from Mon 20.04. skip 01.05.: due 12.05., missed, overdue at the end of May.
    may = monthly_report(fresh(world.weimar_team), date(2026, 5, 1), date(2026, 6, 1)).team_row.counts
    assert (may.due, may.on_time, may.overdue_end) == (1, 0, 1)


@pytest.fixture
def appointments_in_march(world, march):
    """March 2026 in Bavaria: 22 working days (no public holiday). Alice has no working hours
    recorded: 39 h / 5 = 468 minutes a day, 10,296 minutes. She held a 60-minute and a 45-minute
    (+15 preparation, not counted) appointment, one customer did not come, one appointment in
    April does not count. A 30-minute appointment in March of charlie's (team B) stays out."""
    from appointments import services

    from ..appointments.factories import at, book

    _report, (c1, c2, c3, _c4, _c5, c6) = march
    after = at(date(2026, 4, 10), 12)
    for customer, start, minutes, preparation, outcome in (
        (c1, at(date(2026, 3, 5), 9), 60, 0, "attended"),
        (c2, at(date(2026, 3, 12), 10), 45, 15, "attended"),
        (c3, at(date(2026, 3, 19), 9), 30, 0, "missed"),
        (c1, at(date(2026, 4, 1), 9), 30, 0, "attended"),
    ):
        appointment = book(customer, world.alice, start, minutes, preparation)
        if outcome == "attended":
            services.record_attendance(appointment=appointment, by=world.alice.user, now=after)
        else:
            services.mark_missed(appointment=appointment, by=world.alice.user, now=after)
    services.record_attendance(
        appointment=book(c6, world.charlie, at(date(2026, 3, 5), 9), 30), by=world.charlie.user, now=after
    )
    return monthly_report(fresh(world.team_a), MARCH, TODAY)


def test_consultation_share_and_missed_appointments_per_caseworker_and_team(appointments_in_march):
    report = appointments_in_march
    alice = row_of(report, "Alice Fachkraft")
    assert (alice.attended_minutes, alice.working_minutes) == (105, 10_296)
    assert alice.value("share") == pytest.approx(105 / 10_296)
    assert alice.value("share_target") == 0.5 and alice.share_below_target
    assert alice.value("missed") == 1
    team = report.team_row
    assert (team.attended_minutes, team.working_minutes, team.missed) == (105, 10_296, 1)
    assert team.share_target == 50
    shown = {c.key: display(c, alice.value(c.key)) for c in COLUMNS}
    assert (shown["share"], shown["share_target"], shown["missed"]) == ("1 %", "50 %", "1")


def test_no_appointments_mean_a_share_of_zero_and_nothing_missed(march):
    report, _ = march
    alice = row_of(report, "Alice Fachkraft")
    assert (alice.value("share"), alice.value("missed")) == (0.0, 0)


def test_the_replay_up_to_today_agrees_with_the_stored_due_dates(world):
    """The morning state of today, replayed from the history, is the due date the worklist
    stores (written by the services): the report and the lists read the same rules."""
    from datetime import timedelta

    from django.utils import timezone

    from caseload import services
    from caseload.duedates import FACT_ROW, customer_facts, policy_for
    from caseload.models import Customer
    from reports.figures import _history
    from reports.replay import replay

    today = timezone.localdate()
    a = world.team_a
    made = [
        make_customer(a, caseworker=world.alice, registered_on=today - timedelta(days=200)),  # overdue
        make_customer(a, caseworker=world.alice, registered_on=today - timedelta(days=40)),
        make_customer(a, caseworker=world.alice, registered_on=today - timedelta(days=300), profile="market_far"),
    ]
    services.record_contact(
        customer=made[1],
        by=world.alice.user,
        date=today - timedelta(days=20),
        channel="in_person",
        summary="Gespräch",
        follow_up_on=today + timedelta(days=10),
    )
    services.record_contact(
        customer=made[2], by=world.alice.user, date=today - timedelta(days=100), channel="in_person", summary="Gespräch"
    )
    services.record_contact(
        customer=made[2], by=world.alice.user, date=today - timedelta(days=5), channel="phone", summary="Telefonat"
    )
    services.record_suspension(
        customer=made[0],
        by=world.alice.user,
        reason="Gutachten",
        start=today - timedelta(days=3),
        end=today + timedelta(days=30),
    )
    team = fresh(a)
    policy = policy_for(team.job_centre_id, team.job_centre.policy_version)
    measures, suspensions, notes = _history(team, today)
    rows = Customer.objects.filter(team=a).values(*FACT_ROW, "due_by")
    for row in rows:
        facts = customer_facts(row, measures.get(row["id"], ()), suspensions.get(row["id"], ()))
        result = replay(policy, facts, notes.get(row["id"], ()), today - timedelta(days=400), today)
        assert result.final.due_by == row["due_by"], row["id"]
    assert len(rows) == 3


def test_walk_ins_are_counted_per_caseworker_and_for_the_team(world, march):
    """In March: alice recorded two walk-ins, bob (team lead, no customers, so no row) one;
    the team counts all three. Alice's walk-in in April, her ordinary note and charlie's walk-in
    (team B) stay out."""
    _report, (c1, c2, c3, _c4, _c5, c6) = march
    for customer, by, day, walk_in in (
        (c1, world.alice, date(2026, 3, 2), True),
        (c2, world.alice, date(2026, 3, 31), True),
        (c3, world.bob, date(2026, 3, 12), True),
        (c1, world.alice, date(2026, 4, 1), True),
        (c2, world.alice, date(2026, 3, 9), False),
        (c6, world.charlie, date(2026, 3, 9), True),
    ):
        ContactNote.objects.create(
            job_centre_id=customer.job_centre_id,
            customer=customer,
            date=day,
            channel="in_person",
            walk_in=walk_in,
            caseworker=by.user,
            summary="ohne Termin",
        )
    report = monthly_report(fresh(world.team_a), MARCH, TODAY)
    assert [r.name for r in report.rows] == ["Team A", "Alice Fachkraft"]
    assert (report.team_row.value("walk_ins"), row_of(report, "Alice Fachkraft").value("walk_ins")) == (3, 2)
    column = next(c for c in COLUMNS if c.key == "walk_ins")
    assert (column.label, display(column, 3)) == ("unterminierte Vorsprachen", "3")


def test_a_running_month_counts_walk_ins_up_to_yesterday(world, march):
    _report, (c1, *_rest) = march
    for day in (date(2026, 3, 9), date(2026, 3, 11)):
        ContactNote.objects.create(
            job_centre_id=c1.job_centre_id,
            customer=c1,
            date=day,
            channel="in_person",
            walk_in=True,
            caseworker=world.alice.user,
            summary="ohne Termin",
        )
    assert monthly_report(fresh(world.team_a), MARCH, date(2026, 3, 11)).team_row.walk_ins == 1


def test_the_page_marks_a_share_below_target_and_overdue_customers_at_the_months_end(appointments_in_march):
    report = appointments_in_march
    alice = row_of(report, "Alice Fachkraft")
    cells = dict(zip((c.key for c in COLUMNS[1:]), alice.cells(), strict=True))
    assert cells["share"] == ("1 %", True)
    assert cells["missed"] == ("1", False)
    assert all(not late for key, (_text, late) in cells.items() if key not in ("share", "overdue_end"))
    # A row whose share meets its target is not marked; overdue customers at the month's end are.
    alice.share = 0.6
    for overdue, shown in ((0, ("0", False)), (1234, ("1.234", True))):
        alice.counts.overdue_end = overdue
        cells = dict(zip((c.key for c in COLUMNS[1:]), alice.cells(), strict=True))
        assert (cells["share"], cells["overdue_end"]) == (("60 %", False), shown)
