"""The reads behind the worklist, the team list and the customer page, on a fixed `today`."""

from datetime import date, timedelta

import pytest

from caseload import selectors, services
from caseload.models import Customer
from policies import engine
from policies.signals import bump_policy_version

from .factories import CASELOAD_DAY, caseload_a, make_customer, overdue_customer, world  # noqa: F401

TODAY = CASELOAD_DAY


def _store(customer, **due):
    """Set the stored decision directly: the selectors only read these columns."""
    Customer.objects.filter(pk=customer.pk).update(**due)


def _section(staff, scope, key):
    rows = selectors.worklist_rows(selectors.caseload(staff, scope), selectors.SECTION_BY_KEY[key], TODAY)
    return {c["number"] for c in rows}


def test_it_sorts_customers_into_sections(world, caseload_a):
    c = {k: v.number for k, v in caseload_a.items()}
    assert _section(world.alice, selectors.MINE, "ueberfaellig") == {c["overdue"]}
    assert _section(world.alice, selectors.MINE, "bald") == {c["soon"]}
    assert _section(world.alice, selectors.MINE, "ohne_termin") == {c["overdue"], c["soon"]}
    assert _section(world.alice, selectors.MINE, "ohne_regel") == {c["no_rule"]}
    assert _section(world.alice, selectors.MINE, "alle") == {c["overdue"], c["soon"], c["later"], c["no_rule"]}
    assert _section(world.alice, selectors.TEAM, "ueberfaellig") == {c["overdue"], c["colleague"]}


def test_it_counts_every_section_in_one_query(world, caseload_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = selectors.section_counts(
            selectors.caseload(world.alice, selectors.MINE), TODAY, world.coburg.policy_version
        )
    assert counts == {
        "ueberfaellig": 1,
        "bald": 1,
        "ohne_termin": 2,
        "aufgaben": 0,
        "individuell": 0,
        "ohne_regel": 1,
        "alle": 4,
        "stale": 0,
    }


def test_it_reads_overdue_from_the_stored_due_date(world, caseload_a):
    """Stored 'ok' turns overdue by the calendar alone, as engine.Status.on says."""
    soon = caseload_a["soon"]
    later_day = soon.due_by + timedelta(days=1)
    rows = selectors.worklist_rows(
        selectors.caseload(world.alice, selectors.MINE), selectors.SECTION_BY_KEY["ueberfaellig"], later_day
    )
    assert soon.number in {c["number"] for c in rows}


def test_it_derives_the_status_word_in_sql(world, caseload_a):
    individual = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    _store(individual, status_until_due=engine.INDIVIDUAL, due_by=None)
    suspended = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    _store(suspended, status_until_due=engine.SUSPENDED, due_by=TODAY + timedelta(days=40))
    late_suspended = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    _store(late_suspended, status_until_due=engine.SUSPENDED, due_by=TODAY - timedelta(days=1))
    rows = selectors.worklist_rows(
        selectors.caseload(world.alice, selectors.MINE), selectors.SECTION_BY_KEY["alle"], TODAY
    )
    status = {c["pk"]: c["current_status"] for c in rows}
    assert status[caseload_a["overdue"].pk] == engine.OVERDUE
    assert status[caseload_a["soon"].pk] == engine.OK
    assert status[caseload_a["no_rule"].pk] == engine.NO_RULE
    assert status[individual.pk] == engine.INDIVIDUAL
    assert status[suspended.pk] == engine.SUSPENDED
    assert status[late_suspended.pk] == engine.OVERDUE
    for row in rows:
        assert row["current_status"] == engine.Status.on(row["status_until_due"], row["due_by"], TODAY)


def test_it_lists_individual_cycles_without_a_date(world, caseload_a):
    individual = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    _store(individual, status_until_due=engine.INDIVIDUAL, due_by=None)
    assert _section(world.alice, selectors.MINE, "individuell") == {individual.number}


def test_it_puts_customers_without_rule_set_under_ohne_regel(world):
    never = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    _store(never, status_until_due=engine.NO_RULE_SET, due_by=None)
    uncomputed = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    _store(uncomputed, status_until_due="", due_by=None)
    assert _section(world.alice, selectors.MINE, "ohne_regel") == {never.number, uncomputed.number}


def test_it_counts_due_dates_computed_under_an_older_rule_set(world, caseload_a):
    bump_policy_version(world.coburg.pk)
    world.coburg.refresh_from_db()
    counts = selectors.section_counts(
        selectors.caseload(world.alice, selectors.TEAM), TODAY, world.coburg.policy_version
    )
    assert counts["stale"] == counts["alle"] == 5


@pytest.mark.parametrize("size", [3, 30])
def test_worklist_rows_take_one_query_whatever_the_caseload(world, size, django_assert_num_queries):
    for _ in range(size):
        overdue_customer(world.team_a, world.alice, today=TODAY)
    queryset = selectors.worklist_rows(
        selectors.caseload(world.alice, selectors.TEAM), selectors.SECTION_BY_KEY["ueberfaellig"], TODAY
    )
    with django_assert_num_queries(1):
        rows = list(queryset)
    # Everything a row shows comes with it: rule, caseworker's name, stored dates.
    assert {(c["last_name"], c["rule_label"], selectors.caseworker_name(c), c["due_by"] is not None) for c in rows} == {
        (c.last_name, c.due_rule.label, "Alice Fachkraft", True)
        for c in Customer.objects.filter(team=world.team_a).select_related("due_rule")
    }
    assert len(rows) == size


def test_team_overdue_lists_only_the_teams_overdue_customers(world, caseload_a):
    numbers = {c.number for c in selectors.team_overdue(world.bob, TODAY)}
    assert numbers == {caseload_a["overdue"].number, caseload_a["colleague"].number}


def test_team_overdue_rows_do_not_even_load_names(world, caseload_a):
    row = selectors.team_overdue_rows(selectors.team_overdue(world.bob, TODAY)).first()
    assert row["number"] == caseload_a["overdue"].number or row["number"] == caseload_a["colleague"].number
    assert not {"first_name", "last_name", "birth_date", "street", "email", "phone"} & set(row)


@pytest.mark.parametrize("size", [3, 30])
def test_team_overdue_takes_one_query_whatever_the_list(world, size, django_assert_num_queries):
    for i in range(size):
        overdue_customer(world.team_a, world.alice if i % 2 else world.bob, today=TODAY)
    with django_assert_num_queries(1):
        rows = list(selectors.team_overdue_rows(selectors.team_overdue(world.bob, TODAY)))
    assert len(rows) == size
    assert {selectors.caseworker_name(r) for r in rows} == (
        {"Alice Fachkraft", "Bob Fachkraft"} if size > 1 else {"Bob Fachkraft"}
    )


def test_team_overdue_summary_counts_in_one_query(world, caseload_a, django_assert_num_queries):
    overdue_customer(world.team_a, None, today=TODAY)
    with django_assert_num_queries(1):
        summary = selectors.team_overdue_summary(
            selectors.team_overdue(world.bob, TODAY), TODAY, world.coburg.policy_version
        )
    assert summary == {"total": 3, "stale": 0, "unassigned": 1}


def test_export_rows_are_pseudonymised(world, caseload_a):
    overdue = caseload_a["overdue"]
    rows = list(
        selectors.team_overdue_export(selectors.team_overdue(world.bob, TODAY), TODAY, world.coburg.policy_version)
    )
    row = next(r for r in rows if r[0] == overdue.number)
    assert row == (overdue.number, "Alice Fachkraft", "2MM", overdue.due_by, (TODAY - overdue.due_by).days, None, "")
    flat = " ".join(str(v) for r in rows for v in r)
    assert overdue.last_name not in flat and "1980" not in flat


def test_export_rows_say_when_a_due_date_is_stale(world, caseload_a):
    bump_policy_version(world.coburg.pk)
    rows = list(
        selectors.team_overdue_export(selectors.team_overdue(world.bob, TODAY), TODAY, world.coburg.policy_version + 1)
    )
    assert all(r[-1] == selectors.STALE_TEXT for r in rows)


def test_timeline_merges_notes_measures_and_suspensions_newest_first(world, django_assert_num_queries):
    customer = make_customer(
        world.team_a, caseworker=world.alice, today=TODAY, registered_on=TODAY - timedelta(days=90)
    )
    user = world.alice.user
    services.record_contact(
        customer=customer,
        by=user,
        date=TODAY - timedelta(days=60),
        channel="in_person",
        summary="Erstgespräch",
        today=TODAY,
    )
    services.add_measure(
        customer=customer,
        title="Coaching",
        start=TODAY - timedelta(days=30),
        end=TODAY + timedelta(days=60),
        today=TODAY,
    )
    services.record_contact(
        customer=customer, by=user, date=TODAY - timedelta(days=5), channel="phone", summary="Rückruf", today=TODAY
    )
    services.record_suspension(
        customer=customer,
        by=user,
        reason="Gutachten ausstehend",
        start=TODAY - timedelta(days=2),
        end=TODAY + timedelta(days=20),
        today=TODAY,
    )
    # rule sets, notes (+author), their activities, measures, suspensions (+author); placement
    # proposals (the employers app's timeline source, with offer, employer and proposer)
    with django_assert_num_queries(6):
        timeline, _ = selectors.customer_timeline(customer)
        [
            (e.item.pk, str(getattr(e.item, "caseworker", "")), str(getattr(e.item, "documented_by", "")))
            for e in timeline
        ]
    assert [(e.kind, e.date) for e in timeline] == [
        ("suspension", TODAY - timedelta(days=2)),
        ("note", TODAY - timedelta(days=5)),
        ("measure", TODAY - timedelta(days=30)),
        ("note", TODAY - timedelta(days=60)),
    ]
    # Coburg counts only in-person contacts.
    assert [e.qualified for e in timeline if e.kind == "note"] == [False, True]


def test_stale_says_why_a_stored_due_date_may_no_longer_hold(world):
    def fresh():
        return Customer.objects.select_related("job_centre").get(pk=customer.pk)

    # U25: the decision changes on the 25th birthday, the recheck day.
    customer = make_customer(world.team_a, caseworker=world.alice, today=TODAY, birth_date=date(TODAY.year - 24, 12, 1))
    assert fresh().recheck_on > TODAY and selectors.stale(fresh(), TODAY) == ""
    assert selectors.stale(fresh(), fresh().recheck_on) == "recheck"  # the day has come
    bump_policy_version(world.coburg.pk)
    assert selectors.stale(fresh(), TODAY) == "rules"
    Customer.objects.filter(pk=customer.pk).update(due_computed_on=None)
    assert selectors.stale(fresh(), TODAY) == "new"


def test_lists_count_and_mark_due_dates_whose_recheck_day_has_come(world, caseload_a):
    overdue = caseload_a["overdue"]
    version = world.coburg.policy_version
    team = selectors.team_overdue(world.bob, TODAY)
    assert selectors.team_overdue_summary(team, TODAY, version)["stale"] == 0
    Customer.objects.filter(pk=overdue.pk).update(recheck_on=TODAY)

    assert selectors.team_overdue_summary(team, TODAY, version)["stale"] == 1
    assert selectors.section_counts(selectors.caseload(world.alice, selectors.TEAM), TODAY, version)["stale"] == 1
    export = {r[0]: r[-1] for r in selectors.team_overdue_export(team, TODAY, version)}
    assert export[overdue.number] == selectors.STALE_TEXT
    assert [text for number, text in export.items() if number != overdue.number] == [""] * (len(export) - 1)


def test_the_customer_queryset_agrees_with_the_engine_on_every_day(world, caseload_a):
    """`Customer.objects.overdue()/due_soon()` and `with_status()` read a stored row as
    `engine.Status.on` does, on the due date itself, the day after and two weeks ahead."""
    suspended = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    _store(suspended, status_until_due=engine.SUSPENDED, due_by=TODAY + timedelta(days=3))
    customers = Customer.objects.filter(job_centre=world.coburg)
    rows = list(customers.values("pk", "status_until_due", "due_by"))
    days = {TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=3), TODAY + timedelta(days=4)}
    days |= {row["due_by"] + timedelta(days=n) for row in rows if row["due_by"] for n in (-14, 0, 1)}
    for day in sorted(days):
        expected = {row["pk"]: engine.Status.on(row["status_until_due"], row["due_by"], day) for row in rows}
        overdue = {pk for pk, status in expected.items() if status == engine.OVERDUE}
        assert set(customers.overdue(day).values_list("pk", flat=True)) == overdue, day
        soon = {
            row["pk"]
            for row in rows
            if row["pk"] not in overdue
            and row["due_by"]
            and row["due_by"] <= day + timedelta(days=14)
            and row["status_until_due"] in (engine.OK, engine.SUSPENDED)
        }
        assert set(customers.due_soon(day).values_list("pk", flat=True)) == soon, day
        assert dict(customers.with_status(day).values_list("pk", "current_status")) == expected, day
    assert overdue  # the days reach past some due dates


def test_overdue_is_never_stored(world):
    """A database constraint: overdue is read from the due date and the day."""
    from django.db import IntegrityError, transaction

    customer = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        _store(customer, status_until_due=engine.OVERDUE)
    assert engine.Status.OVERDUE.until_due == engine.OK and engine.Status.SUSPENDED.until_due == engine.SUSPENDED


def test_a_history_of_notes_reads_no_measures_and_no_suspensions(world, django_assert_num_queries):
    customer = make_customer(
        world.team_a, caseworker=world.alice, today=TODAY, registered_on=TODAY - timedelta(days=90)
    )
    for days in (30, 20, 10):
        services.record_contact(
            customer=customer,
            by=world.alice.user,
            date=TODAY - timedelta(days=days),
            channel="phone",
            summary=f"vor {days}",
            today=TODAY,
            activities=[(TODAY, f"bis heute ({days})")] if days == 20 else (),
        )
    selectors.customer_timeline(customer, 2)  # the rule sets, kept per process from here on
    # the newest ids, the notes among them, their activities, placement proposals
    with django_assert_num_queries(4):
        newest, more = selectors.customer_timeline(customer, 2)
    assert [e.item.summary for e in newest] == ["vor 10", "vor 20"] and more
    assert [[a.text for a in e.item.activity_list] for e in newest] == [[], ["bis heute (20)"]]
    # the whole history: notes, activities, measures, suspensions, proposals
    with django_assert_num_queries(5):
        whole, more = selectors.customer_timeline(customer)
    assert [e.item.summary for e in whole] == ["vor 10", "vor 20", "vor 30"] and not more
