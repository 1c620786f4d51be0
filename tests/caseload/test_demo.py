"""Generated demo data and the commands around it: generate_caseload, setup_demo, recompute_due."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from audit.models import Event
from caseload import duedates, recompute
from caseload.demo import DEMO_SLUGS
from caseload.models import (
    AcquisitionEvent,
    AcquisitionSource,
    ContactNote,
    Customer,
    Measure,
    Staff,
    Suspension,
    Team,
)
from policies import signals
from policies.models import ContactRule, JobCentre, RuleSet

DAY = date(2026, 3, 2)
DEMO_LOGINS = {"demo-caseworker", "demo-teamlead", "demo-admin", "demo-datenschutz", "demo-arbeitgeber"}


@pytest.fixture(autouse=True)
def fresh_policy_cache():
    # The cache is keyed by (job centre id, policy version); rolled-back tests reuse both.
    duedates._policy_cache.clear()
    yield
    duedates._policy_cache.clear()


@pytest.fixture
def demo_settings(settings):
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def _overdue(queryset, today):
    return queryset.overdue(today)


def _snapshot():
    customers = list(
        Customer.objects.order_by("job_centre__slug", "number").values_list(
            "job_centre__slug",
            "number",
            "first_name",
            "last_name",
            "birth_date",
            "registered_on",
            "employment",
            "profile",
            "care",
            "flags",
            "unemployed_since",
            "team__name",
            "caseworker__user__username",
            "due_by",
            "due_rule_id",
        )
    )
    notes = list(
        ContactNote.objects.order_by("customer__number", "date", "channel").values_list(
            "customer__number", "date", "channel", "follow_up_on"
        )
    )
    measures = list(
        Measure.objects.order_by("customer__number", "start").values_list(
            "customer__number", "start", "end", "exited_on"
        )
    )
    return customers, notes, measures


def _wipe_generated():
    Customer.objects.all().delete()
    Staff.objects.all().delete()
    Team.objects.all().delete()
    get_user_model().objects.all().delete()


def test_the_same_seed_generates_the_same_data(rulesets):
    call_command("generate_caseload", customers=60, seed=5, today=DAY.isoformat())
    first = _snapshot()
    assert len(first[0]) == 60 and first[1] and first[2]
    _wipe_generated()

    call_command("generate_caseload", customers=60, seed=5, today=DAY.isoformat())

    assert _snapshot() == first


def test_another_seed_generates_other_people(rulesets):
    call_command("generate_caseload", customers=60, seed=5, today=DAY.isoformat())
    first = [row[2:6] for row in _snapshot()[0]]
    _wipe_generated()
    call_command("generate_caseload", customers=60, seed=6, today=DAY.isoformat())
    assert [row[2:6] for row in _snapshot()[0]] != first


def test_running_it_again_adds_customers_with_new_numbers(rulesets):
    call_command("generate_caseload", customers=30, seed=5, today=DAY.isoformat())
    call_command("generate_caseload", "--job-centre", "coburg-land", customers=30, seed=5, today=DAY.isoformat())

    coburg = Customer.objects.filter(job_centre__slug="coburg-land")
    assert Customer.objects.count() == 60
    assert coburg.values("number").distinct().count() == coburg.count() == 37  # 7 of the first 30, then 30
    usernames = list(get_user_model().objects.values_list("username", flat=True))
    assert len(usernames) == len(set(usernames))
    assert Team.objects.filter(job_centre__slug="coburg-land", name="Team Markt 2").exists()


def test_generate_caseload_without_due_dates_leaves_them_to_recompute_due(rulesets):
    out = StringIO()
    call_command("generate_caseload", "--no-due-dates", customers=30, seed=5, today=DAY.isoformat(), stdout=out)

    assert "30 Kunden angelegt" in out.getvalue() and "Fälligkeiten nicht berechnet" in out.getvalue()
    assert Customer.objects.count() == 30 and not Customer.objects.filter(due_computed_on__isnull=False).exists()
    call_command("recompute_due", "--due-only", today=DAY.isoformat(), stdout=StringIO())
    assert not Customer.objects.filter(due_computed_on__isnull=True).exists()


def test_generate_caseload_rejects_an_unknown_job_centre(rulesets):
    with pytest.raises(CommandError, match="Unbekanntes Jobcenter: jobcenter-atlantis"):
        call_command("generate_caseload", "--job-centre", "jobcenter-atlantis", customers=10)


# --- setup_demo ------------------------------------------------------------------------------


def test_setup_demo_covers_every_rule_and_leaves_some_customers_overdue(db, demo_settings):
    call_command("setup_demo")
    today = timezone.localdate()

    for slug in DEMO_SLUGS:
        customers = Customer.objects.filter(job_centre__slug=slug)
        in_force = RuleSet.objects.filter(job_centre__slug=slug).in_force_on(today).get()
        rules = set(ContactRule.objects.filter(rule_set=in_force).values_list("pk", flat=True))
        used = set(customers.values_list("due_rule_id", flat=True))
        # Every archetype in caseload.demo is written for one rule, so every rule is reached.
        assert rules - used == set(), f"{slug}: no customer under rules {rules - used}"
        assert used <= rules
        assert not customers.filter(status_until_due__in=("no_rule_set", "no_rule")).exists()
        overdue = _overdue(customers, today).count()
        assert 0.05 * customers.count() < overdue < 0.25 * customers.count(), (slug, overdue)
    assert Measure.objects.filter(exited_on__isnull=False).exists()
    assert Suspension.objects.filter(start__lte=today, end__gte=today).exists()
    assert ContactNote.objects.filter(job_centre__slug="weimarer-land", follow_up_on__isnull=True).count() == 0


def test_setup_demo_continues_moenchengladbach_as_a_continuation(db, demo_settings):
    call_command("setup_demo")

    sets = list(RuleSet.objects.filter(job_centre__slug="moenchengladbach").order_by("valid_from"))
    assert [(rs.valid_from, rs.valid_until) for rs in sets] == [
        (date(2012, 3, 1), date(2016, 12, 31)),
        (date(2017, 1, 1), None),
    ]
    assert "Fortschreibung" in sets[1].title
    assert sets[1].rules.count() == sets[0].rules.count()


def test_setup_demo_creates_the_demo_logins_once(db, demo_settings):
    call_command("setup_demo")
    User = get_user_model()
    counts = [m.objects.count() for m in (User, Staff, Team, Customer, ContactNote, RuleSet, ContactRule)]

    call_command("setup_demo")

    assert [m.objects.count() for m in (User, Staff, Team, Customer, ContactNote, RuleSet, ContactRule)] == counts
    assert set(User.objects.filter(username__startswith="demo-").values_list("username", flat=True)) == DEMO_LOGINS
    for username in DEMO_LOGINS:
        assert User.objects.get(username=username).check_password("demo")
    admin = User.objects.get(username="demo-admin")
    assert admin.is_superuser and admin.is_staff
    officer = User.objects.get(username="demo-datenschutz")
    assert not officer.is_staff and officer.has_perm("audit.view_event")
    assert officer.has_perm("audit.export_customer_data") and not officer.has_perm("caseload.view_all_reports")
    caseworker = Staff.objects.get(user__username="demo-caseworker")
    lead = Staff.objects.get(user__username="demo-teamlead")
    assert (caseworker.role, lead.role) == (Staff.CASEWORKER, Staff.TEAM_LEAD)
    assert caseworker.team_id == lead.team_id and caseworker.job_centre.slug == "coburg-land"
    caseload = Customer.objects.filter(caseworker=caseworker)
    # 50 to 60 generated customers given to demo-caseworker, and six imported (caseload.demo_intake)
    assert 56 <= caseload.count() <= 66
    assert caseload.filter(number__in=[r[1][0] for r in _imported_rows(caseworker)]).count() == 6
    assert _overdue(caseload, timezone.localdate()).count() >= 3
    # Generated staff can not log in: only the demo logins have a password.
    assert not any(u.has_usable_password() for u in User.objects.exclude(username__startswith="demo-"))


def _imported_rows(staff):
    from caseload import demo_intake, import_files

    data = demo_intake.import_file(staff.job_centre, staff.team, staff.user.username, timezone.localdate())
    return import_files.read("demo.csv", data).rows


def test_setup_demo_shows_gcfak_owners_events_and_imported_customers(db, demo_settings):
    call_command("setup_demo")
    today = timezone.localdate()
    sources = {s.name: s for s in AcquisitionSource.objects.filter(job_centre__slug="coburg-land")}
    assert {name: s.owner for name, s in sources.items()} == {
        "Runder Tisch Kinderarmut": "Regina",
        "VAMV Beratung": "Karin",
        "Beratungstag": "Karin",
        "Kontaktstelle Familie & Beruf": "Evelyn",
        "Wer hilft weiter?": "Karin",
    }
    day = sources["Beratungstag"]
    assert day.expected_per_event == 4.5 and day.events.count() == 6
    for event in day.events.all():
        won = Customer.objects.filter(acquisition_event=event)
        assert 1 <= won.count() <= 6 and all(c.acquisition_source_id == day.pk for c in won)
        # counselled since the event: none of them is overdue
        assert not _overdue(won, today).exists()
    events = Event.objects.filter(what="customer_import")
    assert events.count() == 1 and events.get().rows == 6
    counts = (Customer.objects.count(), AcquisitionEvent.objects.count())
    call_command("setup_demo")
    assert (Customer.objects.count(), AcquisitionEvent.objects.count()) == counts


def test_setup_demo_refuses_demo_passwords_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("setup_demo")
    assert not get_user_model().objects.exists()


# --- recompute_due ---------------------------------------------------------------------------


def test_recompute_due_only_touches_customers_whose_recheck_has_come(rulesets):
    call_command("generate_caseload", "--job-centre", "coburg-land", customers=40, seed=3, today=DAY.isoformat())
    earlier = DAY - timedelta(days=30)
    Customer.objects.update(due_computed_on=earlier, recheck_on=DAY + timedelta(days=10))
    due = set(Customer.objects.order_by("pk").values_list("pk", flat=True)[:7])
    Customer.objects.filter(pk__in=list(due)[:4]).update(recheck_on=DAY)
    Customer.objects.filter(pk__in=list(due)[4:]).update(recheck_on=DAY - timedelta(days=3))

    call_command("recompute_due", "--due-only", "--today", DAY.isoformat())

    recomputed = set(Customer.objects.filter(due_computed_on=DAY).values_list("pk", flat=True))
    assert recomputed == due
    assert Customer.objects.filter(due_computed_on=earlier).count() == 40 - 7


def test_recompute_due_without_due_only_recomputes_the_job_centre(rulesets):
    call_command("generate_caseload", customers=40, seed=3, today=DAY.isoformat())
    later = DAY + timedelta(days=1)

    call_command("recompute_due", "--job-centre", "weimarer-land", "--today", later.isoformat(), "--chunk-size", "3")

    assert set(Customer.objects.filter(due_computed_on=later).values_list("job_centre__slug", flat=True)) == {
        "weimarer-land"
    }
    assert Customer.objects.filter(due_computed_on=later).count() == 10


def test_recompute_says_how_many_it_found_before_it_starts(rulesets):
    # The command's progress bar takes its total from here, not from a count of its own.
    call_command("generate_caseload", customers=30, seed=13, today=DAY.isoformat())
    found, ticks = [], []

    written = recompute.recompute(today=DAY, chunk_size=4, found=found.append, progress=ticks.append)

    assert found == [30] == [written] and sum(ticks) == 30
    assert recompute.recompute(today=DAY, due_only=True, found=found.append) == 0 and found[-1] == 0


def test_recompute_due_rejects_an_unknown_job_centre(rulesets):
    with pytest.raises(CommandError, match="Unbekanntes Jobcenter: nirgendwo"):
        call_command("recompute_due", "--job-centre", "nirgendwo")


def _stored_due_dates():
    return {row[0]: row[1:] for row in Customer.objects.values_list("pk", *Customer.DUE_FIELDS)}


def test_bulk_recompute_stores_exactly_what_the_per_customer_refresh_stores(rulesets):
    # Every job centre, every rule the generator reaches; bulk goes through store_due_dates
    # (UPDATE ... FROM arrays on PostgreSQL, executemany elsewhere), single through the ORM.
    call_command("generate_caseload", customers=120, seed=11, today=DAY.isoformat())
    later = DAY + timedelta(days=45)
    for customer in Customer.objects.all():
        duedates.refresh_due_date(customer, later)
    single = _stored_due_dates()
    Customer.objects.update(
        status_until_due="",
        due_by=None,
        due_rule=None,
        due_code="",
        due_flags=[],
        due_reasons=[],
        recheck_on=None,
        due_computed_on=None,
        policy_version=0,
    )

    written = recompute.recompute(today=later, chunk_size=7)

    assert written == 120
    assert _stored_due_dates() == single
    assert {row[1] for row in single.values()} != {None}  # due dates were really computed
    assert any(row[7] for row in single.values()) and any(row[8] for row in single.values())  # JSON lists


def _row_for_store(pk, **changes):
    """A customer's stored due-date columns as `store_due_dates` takes them, with changes."""
    customer = Customer.objects.get(pk=pk)
    for attname, value in changes.items():
        setattr(customer, attname, value)
    return (pk, None, *(getattr(customer, a) for a in duedates.DUE_ATTNAMES))


def test_store_due_dates_touches_only_the_given_job_centre(rulesets):
    call_command("generate_caseload", customers=20, seed=2, today=DAY.isoformat())
    customer = Customer.objects.exclude(job_centre__slug="coburg-land").first()
    other_centre = Customer.objects.filter(job_centre__slug="coburg-land").first().job_centre_id
    before = _stored_due_dates()[customer.pk]

    written = recompute.store_due_dates(other_centre, [_row_for_store(customer.pk, due_code="XX", due_reasons=["x"])])

    assert written == 0 and _stored_due_dates()[customer.pk] == before


def test_store_due_dates_writes_only_the_rows_that_differ(rulesets):
    # The database compares: a row as stored is not written, a row with any column different
    # is written in full (dates, the rule's key, the JSON lists with dates and non-ASCII text).
    call_command("generate_caseload", customers=30, seed=6, today=DAY.isoformat())
    recompute.recompute(today=DAY)
    before = _stored_due_dates()
    first, second, third, *rest = Customer.objects.order_by("pk")
    assert first.job_centre_id == second.job_centre_id == third.job_centre_id
    rows = [
        _row_for_store(first.pk),
        _row_for_store(second.pk, due_reasons=[["ausgesetzt", "Krankheit – länger", DAY]], due_by=DAY),
        _row_for_store(third.pk, due_flags=[*third.due_flags, "neu"], due_computed_on=DAY + timedelta(days=1)),
    ]

    assert recompute.store_due_dates(first.job_centre_id, rows) == 2

    after = _stored_due_dates()
    reasons, flags, computed_on = (
        Customer.DUE_FIELDS.index(f) for f in ("due_reasons", "due_flags", "due_computed_on")
    )
    assert after[first.pk] == before[first.pk]
    assert after[second.pk][reasons] == [["ausgesetzt", "Krankheit – länger", DAY.isoformat()]]
    assert after[third.pk][flags][-1] == "neu" and after[third.pk][computed_on] == DAY + timedelta(days=1)
    assert all(after[c.pk] == before[c.pk] for c in rest)
    assert recompute.store_due_dates(first.job_centre_id, rows) == 0  # now all three are as stored


@pytest.mark.postgres
def test_store_due_dates_leaves_a_row_written_since_it_was_read(rulesets):
    call_command("generate_caseload", customers=10, seed=7, today=DAY.isoformat())
    customer = Customer.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM caseload_customer WHERE id = %s", [customer.pk])
        (read_as,) = cursor.fetchone()
    row = _row_for_store(customer.pk, due_code="XX")
    Customer.objects.filter(pk=customer.pk).update(due_code="YY")  # a writer in between

    assert recompute.store_due_dates(customer.job_centre_id, [(row[0], read_as, *row[2:])]) == 0
    assert Customer.objects.get(pk=customer.pk).due_code == "YY"


def test_due_only_reads_sparse_chunks_by_id_and_stores_what_a_refresh_stores(rulesets):
    # A few stale customers spread over the table: each chunk is read by its ids, not its range.
    call_command("generate_caseload", customers=120, seed=12, today=DAY.isoformat())
    recompute.recompute(today=DAY)
    later = DAY + timedelta(days=3)
    stale = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[::17])
    Customer.objects.filter(pk__in=stale).update(recheck_on=later, due_by=None, due_reasons=[])
    before = _stored_due_dates()
    chunks = []
    real = recompute._recompute_range

    def recording(*task):
        chunks.append(task)
        return real(*task)

    with mock.patch.object(recompute, "_recompute_range", recording):
        assert recompute.recompute(today=later, due_only=True, chunk_size=3) == len(stale)

    assert any(task[-1] for task in chunks)  # read by id list
    after = _stored_due_dates()
    assert {pk for pk in after if after[pk] != before[pk]} == set(stale)
    for customer in Customer.objects.filter(pk__in=stale):
        duedates.refresh_due_date(customer, later)
    assert _stored_due_dates() == after


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recompute_in_worker_processes_stores_what_one_process_stores(rulesets, monkeypatch):
    # The workers run in forked processes with their own connections, so the data must be
    # committed: hence a transactional test, on PostgreSQL only (SQLite runs chunks in-process).
    call_command("generate_caseload", customers=90, seed=4, today=DAY.isoformat(), workers=1)
    later = DAY + timedelta(days=60)
    assert recompute.recompute(today=later, chunk_size=8, workers=1) == 90
    one_process = _stored_due_dates()
    Customer.objects.update(due_by=None, due_code="", due_computed_on=None)

    monkeypatch.setattr(recompute, "PARALLEL_MIN_CUSTOMERS", 1)
    ticks = []
    assert recompute.recompute(today=later, chunk_size=8, workers=3, progress=ticks.append) == 90

    assert _stored_due_dates() == one_process
    assert sum(ticks) == 90 and len(ticks) == sum(
        -(-n // 8)
        for n in Customer.objects.values_list("job_centre").annotate(n=Count("pk")).values_list("n", flat=True)
    )


def test_in_processes_with_one_worker_and_work_here_spawns_none():
    # `here`: this process is one of the workers; with one, it is the only one.
    with mock.patch("concurrent.futures.ProcessPoolExecutor") as pool:
        assert list(recompute.in_processes(None, [(1, 2), (3, 4)], 1, here=lambda a, b: a + b)) == [3, 7]
    pool.assert_not_called()


def test_recompute_due_rejects_zero_workers(rulesets):
    with pytest.raises(CommandError, match="--workers muss mindestens 1 sein"):
        call_command("recompute_due", "--workers", "0")


def test_market_team_size_sets_how_many_customers_a_market_team_holds(rulesets):
    call_command(
        "generate_caseload",
        "--job-centre",
        "coburg-land",
        "--market-team-size",
        "7",
        customers=60,
        seed=3,
        today=DAY.isoformat(),
    )
    sizes = dict(Customer.objects.values_list("team__name").annotate(n=Count("pk")))
    market = {name: n for name, n in sizes.items() if name.startswith("Team Markt")}
    assert len(market) >= 3 and max(market.values()) <= 7
    assert sum(sizes.values()) == 60


def test_recompute_of_unchanged_decisions_moves_only_the_computed_day(rulesets):
    call_command("generate_caseload", customers=80, seed=8, today=DAY.isoformat())
    recompute.recompute(today=DAY, chunk_size=9)
    before = _stored_due_dates()
    next_day = DAY + timedelta(days=1)
    written = []
    store = recompute.store_due_dates

    def recording_store(job_centre_id, rows):
        written.append(store(job_centre_id, rows))
        return written[-1]

    with mock.patch.object(recompute, "store_due_dates", recording_store):
        assert recompute.recompute(today=next_day, chunk_size=9) == 80
        assert sum(written) == 80  # the computed day moved on every row ...
        written.clear()
        assert recompute.recompute(today=next_day, chunk_size=9) == 80
        assert sum(written) == 0  # ... and a second run that day finds every row as stored

    after = _stored_due_dates()
    computed_on = Customer.DUE_FIELDS.index("due_computed_on")
    assert {row[computed_on] for row in after.values()} == {next_day}
    unchanged = [pk for pk in after if _without(after[pk], computed_on) == _without(before[pk], computed_on)]
    assert unchanged  # most decisions hold from one day to the next
    for customer in Customer.objects.all():  # ... and either way, bulk stores what one refresh stores
        duedates.refresh_due_date(customer, next_day)
    assert _stored_due_dates() == after


def test_recompute_after_a_rule_change_that_changes_no_decision_only_moves_the_version(rulesets):
    call_command("generate_caseload", customers=60, seed=9, today=DAY.isoformat())
    recompute.recompute(today=DAY, chunk_size=7)
    before = _stored_due_dates()
    for centre in JobCentre.objects.all():
        signals.bump_policy_version(centre.pk)
    versions = dict(JobCentre.objects.values_list("pk", "policy_version"))

    assert recompute.recompute(today=DAY, chunk_size=7) == 60

    after = _stored_due_dates()
    version = Customer.DUE_FIELDS.index("policy_version")
    assert {pk: _without(row, version) for pk, row in after.items()} == {
        pk: _without(row, version) for pk, row in before.items()
    }
    assert all(
        row[version] == versions[centre]
        for (pk, row), centre in zip(
            sorted(after.items()), Customer.objects.order_by("pk").values_list("job_centre_id", flat=True)
        )
    )
    assert Customer.objects.count() == 60


def _without(row, index):
    return row[:index] + row[index + 1 :]


def test_walk_ins_come_from_a_generator_of_their_own(rulesets, monkeypatch):
    """Marking walk-ins leaves every other generated value as it was without them."""
    from caseload import demo

    call_command("generate_caseload", customers=60, seed=5, today=DAY.isoformat())
    with_walk_ins = _snapshot()
    walk_ins = ContactNote.objects.filter(walk_in=True)
    assert walk_ins.exists() and set(walk_ins.values_list("channel", flat=True)) == {"in_person"}
    _wipe_generated()

    monkeypatch.setattr(demo, "WALK_IN_SHARE", 0)
    call_command("generate_caseload", customers=60, seed=5, today=DAY.isoformat())

    assert not ContactNote.objects.filter(walk_in=True).exists()
    assert _snapshot() == with_walk_ins


def test_setup_demo_notes_carry_the_code_of_their_days_rule(db, demo_settings):
    call_command("setup_demo")
    notes = ContactNote.objects.select_related("customer")
    # Only Coburg Land's rules have codes (1MM ... 6MM); the other job centres' notes have none.
    assert not notes.filter(customer__job_centre__slug="coburg-land", rule_code="").exists()
    assert not notes.exclude(customer__job_centre__slug="coburg-land").exclude(rule_code="").exists()
    # The code the engine gives for the note's day, as record_contact stores it.
    for note in list(notes.order_by("pk"))[::150]:
        assert note.rule_code == (duedates.decide(note.customer, note.date, include_suspensions=False).code or ""), (
            note.pk
        )
    # Codes move with the facts: U25 customers who turned 25 have older notes under the U25 rule.
    assert notes.filter(customer__job_centre__slug="coburg-land").values("rule_code").distinct().count() >= 3


# --- COPY against the ORM --------------------------------------------------------------------

# How a generated row names the rows it refers to: their ids differ from one run to the next.
NATURAL_KEYS = {"Customer": "number", "User": "username", "Team": "name", "Staff": "user__username"}
TIMESTAMPS = {"created_at", "documented_at", "date_joined"}  # the time of writing
GENERATED_MODELS = (Team, Staff, Customer, ContactNote, Measure, Suspension)


def _rows(model):
    """Every column of every row, references by natural key; timestamps only as set or not."""
    columns = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name == "password":
            continue
        related = field.related_model.__name__ if field.is_relation else None
        columns.append(f"{field.name}__{NATURAL_KEYS[related]}" if related in NATURAL_KEYS else field.attname)
    rows = []
    for row in model.objects.values(*columns):
        for name in TIMESTAMPS & set(row):
            row[name] = row[name] is not None
        rows.append(repr(sorted(row.items())))
    return sorted(rows)


def _everything():
    users = get_user_model().objects.exclude(username__startswith="demo-")
    passwords = {u.has_usable_password() for u in users}
    return {model.__name__: _rows(model) for model in (*GENERATED_MODELS, get_user_model())}, passwords


def test_write_rows_keeps_tabs_line_breaks_and_backslashes(rulesets):
    """COPY's text format escapes them (bulk_write.escape); elsewhere the ORM writes them as given."""
    from caseload.bulk_write import write_rows

    centre = JobCentre.objects.get(slug="coburg-land")
    names = ["Tab\tund Zeile\nneu", "Rück\\strich", "\\N", "Wagen\rrücklauf", "Ümlaut ß"]
    rows = [(centre.pk, name, Decimal("1.5")) for name in names]

    ids = write_rows(AcquisitionSource, ("job_centre_id", "name", "expected_per_month"), rows, returning_ids=True)

    stored = AcquisitionSource.objects.filter(pk__in=ids).order_by("pk")
    assert [(s.name, s.expected_per_month) for s in stored] == [(name, Decimal("1.5")) for name in names]


def test_write_groups_writes_each_groups_head_with_its_rows(rulesets):
    from caseload.bulk_write import write_groups

    call_command("generate_caseload", "--no-due-dates", customers=2, seed=5, today=DAY.isoformat(), stdout=StringIO())
    first, second = Customer.objects.order_by("pk")
    groups = [
        ((first.job_centre_id, first.pk), [("Kurs A", DAY.toordinal(), DAY.toordinal() + 30, None)]),
        ((second.job_centre_id, second.pk), []),
        ((second.job_centre_id, second.pk), [("Kurs B", DAY.toordinal(), DAY.toordinal() + 9, DAY.toordinal() + 1)]),
    ]
    Measure.objects.all().delete()

    assert write_groups(Measure, ("job_centre_id", "customer_id"), ("title", "start", "end", "exited_on"), groups) == 2

    assert set(Measure.objects.values_list("customer_id", "title", "start", "end", "exited_on", "version")) == {
        (first.pk, "Kurs A", DAY, DAY + timedelta(days=30), None, 1),
        (second.pk, "Kurs B", DAY, DAY + timedelta(days=9), DAY + timedelta(days=1), 1),
    }


@pytest.mark.postgres
def test_copy_writes_what_bulk_create_writes(rulesets, monkeypatch):
    """On PostgreSQL every table is written by COPY, with ids from the sequence and the columns
    the records leave out filled by hand: the rows equal what bulk_create writes. Without the
    due dates' recompute, which would overwrite the defaults of the due fields."""
    from caseload import bulk_write, demo

    def generate():
        centres = [JobCentre.objects.get(slug=slug) for slug in DEMO_SLUGS]
        return demo.generate(customers=300, seed=12, job_centres=centres, today=DAY)

    stats = generate()
    by_copy, passwords = _everything()
    assert len(by_copy["Customer"]) == 300 and stats["notes"] > 1000 and stats["suspensions"]
    assert passwords == {False}
    assert not Customer.objects.filter(created_at__isnull=True).exists()
    due_defaults = Customer.objects.values_list(
        "version", "policy_version", "status_until_due", "due_flags", "due_reasons"
    )
    assert {repr(row) for row in due_defaults} == {"(1, 0, '', [], [])"}
    _wipe_generated()

    monkeypatch.setattr(demo, "use_copy", lambda connection: False)
    monkeypatch.setattr(bulk_write, "use_copy", lambda connection: False)
    assert generate() == stats

    assert _everything() == (by_copy, passwords)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_generation_writes_what_one_process_writes(rulesets, monkeypatch):
    """Chunks draw from generators of their own: the same data in worker processes (committed,
    hence a transactional test), with every reference intact although the workers skip the
    foreign key checks where the role may."""
    from caseload import demo

    monkeypatch.setattr(demo, "CHUNK", 15)
    call_command("generate_caseload", customers=90, seed=4, today=DAY.isoformat(), workers=1)
    one_process = _snapshot(), _everything()
    _wipe_generated()

    monkeypatch.setattr(recompute, "PARALLEL_MIN_CUSTOMERS", 1)
    call_command("generate_caseload", customers=90, seed=4, today=DAY.isoformat(), workers=3)

    assert (_snapshot(), _everything()) == one_process
    same_centre = {"customer__job_centre_id": F("job_centre_id")}
    for model in (ContactNote, Measure, Suspension):
        assert model.objects.filter(**same_centre).count() == model.objects.count()
    assert ContactNote.objects.filter(caseworker__staff__job_centre_id=F("job_centre_id")).count() == (
        ContactNote.objects.count()
    )
    assert (
        Customer.objects.filter(team__job_centre_id=F("job_centre_id"), caseworker__team_id=F("team_id")).count() == 90
    )
