"""Generated demo data and the commands that make it: generate_caseload, setup_demo (the bulk
recompute and recompute_due: test_recompute_bulk.py)."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
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


@pytest.mark.parametrize("copy", [True, False], ids=["copy where possible", "bulk_create"])
def test_generated_due_dates_are_what_a_recompute_stores(rulesets, monkeypatch, copy):
    """The generator stores each customer's due date as it writes them (`caseload.demo_due`): a
    full recompute afterwards finds every stored column as it would write it, whether the rows
    went by COPY (PostgreSQL) or by bulk_create."""
    from caseload import bulk_write, demo

    if not copy:
        monkeypatch.setattr(demo, "use_copy", lambda connection: False)
        monkeypatch.setattr(bulk_write, "use_copy", lambda connection: False)
    out = StringIO()
    call_command("generate_caseload", customers=400, seed=8, today=DAY.isoformat(), stdout=out)
    assert "mit Fälligkeiten; 0 weitere" in out.getvalue()
    columns = ("pk", "version", *duedates.DUE_ATTNAMES)
    generated = list(Customer.objects.order_by("pk").values_list(*columns))
    assert {row[columns.index("due_computed_on")] for row in generated} == {DAY}
    assert len({row[columns.index("due_rule_id")] for row in generated}) > 10  # many rules
    assert Customer.objects.filter(status_until_due="").count() == 0

    assert recompute.recompute(today=DAY) == 400
    assert list(Customer.objects.order_by("pk").values_list(*columns)) == generated  # nothing written


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
    the records leave out filled by hand: the rows equal what bulk_create writes, the stored due
    dates (days, JSON with dates and German text) among them."""
    from caseload import bulk_write, demo

    def generate():
        centres = [JobCentre.objects.get(slug=slug) for slug in DEMO_SLUGS]
        return demo.generate(customers=300, seed=12, job_centres=centres, today=DAY)

    stats = generate()
    by_copy, passwords = _everything()
    assert len(by_copy["Customer"]) == 300 and stats["notes"] > 1000 and stats["suspensions"]
    assert passwords == {False}
    assert not Customer.objects.filter(created_at__isnull=True).exists()
    assert set(Customer.objects.values_list("version", flat=True)) == {1}
    assert not Customer.objects.filter(due_computed_on__isnull=True).exists()
    assert Customer.objects.exclude(due_reasons=[]).exists() and Customer.objects.exclude(due_flags=[]).exists()
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
