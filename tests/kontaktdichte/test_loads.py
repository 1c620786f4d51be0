"""The reads written as plain SQL (`kontaktdichte.loads`) give what the ORM gives: the same
instances with the same values, the same related objects, nothing read twice."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments import selectors as appointment_selectors
from appointments.models import Appointment
from caseload import access, duedates, selectors
from caseload import services as caseload_services
from caseload.activities import open_activities
from caseload.models import ContactNote, Customer, FollowUpActivity, Measure, Staff, Suspension
from employers import selectors as employer_selectors
from employers import services as employer_services
from employers.models import PlacementProposal
from kontaktdichte import loads
from kontaktdichte.backends import ModelBackend
from kontaktdichte.sessions import SessionStore
from policies import engine
from policies.models import JobCentre, RuleSet

from ..appointments.factories import at, book, make_office, next_weekday
from ..caseload.factories import earlier_note, make_customer, no_rule_customer, overdue_customer, world  # noqa: F401
from ..employers.factories import make_employer, make_offer


def values(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def assert_same(loaded, expected):
    assert type(loaded) is type(expected)
    assert values(loaded) == values(expected)
    assert loaded._state.adding is False and loaded._state.db == "default"


def test_staff_with_team_and_job_centre_as_the_orm_reads_them(world):
    for staff in (world.alice, world.bob, world.dave):
        expected = Staff.objects.select_related("team", "job_centre").get(user_id=staff.user_id)
        with CaptureQueriesContext(connection) as queries:
            loaded = access.staff_for(staff.user)
            assert (loaded.team.name, loaded.job_centre.slug) == (expected.team.name, expected.job_centre.slug)
            assert loaded.user is staff.user
        assert len(queries) == 1
        assert_same(loaded, expected)
        assert_same(loaded.team, expected.team)
        assert_same(loaded.job_centre, expected.job_centre)


def test_no_staff_profile_no_staff(world):
    assert access.staff_for(world.admin) is None


def _orm_customer(pk):
    return Customer.objects.select_related("caseworker__user", "due_rule", "due_rule_set").get(pk=pk)


def test_a_customer_with_caseworker_and_rule_as_the_orm_reads_them(world):
    customer = overdue_customer(world.team_a, world.alice, flags=["limited_german"])
    expected = _orm_customer(customer.pk)
    assert expected.due_rule is not None and expected.flags == ["limited_german"]
    with CaptureQueriesContext(connection) as queries:
        loaded = access.get_customer_for_user(world.bob.user, customer.pk)
        name = (str(loaded.caseworker), loaded.due_rule.code, loaded.due_rule_set.title, loaded.team.name)
    assert len(queries) == 2  # the staff profile and the customer; no relation read again
    assert name == (str(expected.caseworker), expected.due_rule.code, expected.due_rule_set.title, "Team A")
    assert_same(loaded, expected)
    for relation in ("caseworker", "due_rule", "due_rule_set"):
        assert_same(getattr(loaded, relation), getattr(expected, relation))
    assert_same(loaded.caseworker.user, expected.caseworker.user)
    assert loaded.flags == ["limited_german"]  # JSON decoded, as the ORM does


def test_a_customer_without_caseworker_and_rule(world):
    customer = no_rule_customer(world.team_a)
    expected = _orm_customer(customer.pk)
    assert expected.caseworker is None and expected.due_rule is None
    loaded = access.get_customer_for_user(world.alice.user, customer.pk)
    assert_same(loaded, expected)
    with CaptureQueriesContext(connection) as queries:
        assert loaded.caseworker is None and loaded.due_rule is None
    assert len(queries) == 0


@pytest.mark.parametrize("pk", [0, -1, 2**63 - 1, 2**63, -(2**63) - 1, 10**30])
def test_an_odd_customer_number_is_a_404(world, pk):
    """Out of the key's range the ORM finds nothing; so does the plain statement, not asked."""
    make_customer(world.team_a)
    assert loads.fits("default", Customer, pk) == (-(2**63) <= pk < 2**63)
    with pytest.raises(Http404):
        access.get_customer_for_user(world.alice.user, pk)


def test_another_teams_customer_is_a_404(world):
    theirs = overdue_customer(world.team_b, world.charlie)
    with pytest.raises(Http404):
        access.get_customer_for_user(world.alice.user, theirs.pk)
    assert access.get_customer_for_user(world.charlie.user, theirs.pk).pk == theirs.pk


def test_the_signed_in_user_as_the_orm_reads_them(world):
    user = world.alice.user
    user.last_login = timezone.now()
    user.save()
    loaded = ModelBackend().get_user(user.pk)
    assert_same(loaded, get_user_model().objects.get(pk=user.pk))
    assert loaded.last_login == user.last_login  # an aware moment, on SQLite too


def test_a_deactivated_or_deleted_user_is_no_user(world):
    user = world.alice.user
    user.is_active = False
    user.save()
    assert ModelBackend().get_user(user.pk) is None
    assert ModelBackend().get_user(world.bob.user.pk).pk == world.bob.user.pk
    world.bob.user.delete()
    assert ModelBackend().get_user(world.bob.user_id) is None


@pytest.mark.django_db
def test_a_session_reads_as_djangos():
    written = DjangoSessionStore()
    written["_auth_user_id"] = "7"
    written["flags"] = {"audit": True}
    written.save()
    read = SessionStore(written.session_key)
    assert dict(read.items()) == {"_auth_user_id": "7", "flags": {"audit": True}}
    assert read.session_key == written.session_key


@pytest.mark.django_db
def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key():
    written = DjangoSessionStore()
    written["x"] = 1
    written.set_expiry(timezone.now() - timedelta(seconds=1))
    written.save()
    for key in (written.session_key, "k" * 32, None):
        read = SessionStore(key)
        assert dict(read.items()) == {}
        read["y"] = 2
        read.save()
        assert read.session_key not in (None, written.session_key)


def test_a_customers_notes_and_activities_as_the_orm_reads_them(world):
    customer = overdue_customer(world.team_a, world.alice)
    earlier_note(customer, world.alice, days_ago=9)
    earlier_note(customer, world.bob, days_ago=3, activities=[(timezone.localdate(), "Kurs"), (None, "")])
    earlier_note(customer, world.alice, days_ago=1, activities=[(timezone.localdate(), "Nachweise")])
    scope = {"job_centre_id": customer.job_centre_id, "customer_id": customer.pk}
    orm = {n.pk: n for n in ContactNote.objects.filter(**scope).select_related("caseworker")}
    assert len(orm) == 3
    newest_two = sorted(orm)[1:]
    for ids in (None, newest_two, []):
        with CaptureQueriesContext(connection) as queries:
            notes = selectors._with_activities(selectors._notes(scope, ids), scope)
            names = [note.caseworker.username for note in notes]
        assert len(queries) == (2 if ids != [] else 0)
        assert sorted(note.pk for note in notes) == (sorted(orm) if ids is None else ids)
        assert sorted(names) == sorted(orm[note.pk].caseworker.username for note in notes)
        for note in notes:
            assert_same(note, orm[note.pk])
            assert_same(note.caseworker, orm[note.pk].caseworker)
            expected = list(FollowUpActivity.objects.filter(note_id=note.pk))  # the model's order
            assert [a.pk for a in note.activity_list] == [a.pk for a in expected]
            for loaded, read in zip(note.activity_list, expected, strict=True):
                assert_same(loaded, read)
    whole = selectors._with_activities(selectors._notes(scope, None), scope)
    assert sum(len(note.activity_list) for note in whole) == FollowUpActivity.objects.count() >= 2


def test_a_customers_proposals_as_the_orm_reads_them(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    employer = make_employer(world.coburg, by=world.alice.user)
    older = employer_services.propose(
        customer=customer, offer=make_offer(employer), by=world.alice.user, on=timezone.localdate() - timedelta(days=5)
    )
    newer = employer_services.propose(customer=customer, offer=make_offer(employer, title="Lager"), by=world.bob.user)
    with CaptureQueriesContext(connection) as queries:
        loaded = employer_selectors.customer_proposals(customer)
        seen = [(p.offer.title, p.offer.employer.name, p.proposed_by.username) for p in loaded]
    assert len(queries) == 1
    assert seen == [("Lager", employer.name, "bob"), ("Kfz-Mechatroniker/in", employer.name, "alice")]
    expected = PlacementProposal.objects.select_related("offer__employer", "proposed_by").order_by(
        "-proposed_on", "-pk"
    )
    assert [p.pk for p in loaded] == [p.pk for p in expected] == [newer.pk, older.pk]
    for proposal, read in zip(loaded, expected, strict=True):
        for mine, theirs in (
            (proposal, read),
            (proposal.offer, read.offer),
            (proposal.offer.employer, read.offer.employer),
        ):
            assert_same(mine, theirs)
        assert_same(proposal.proposed_by, read.proposed_by)


def test_the_next_appointment_as_the_orm_reads_it(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    day = next_weekday(1, timezone.localdate() + timedelta(days=7))
    assert appointment_selectors.next_appointment(customer, at(day, 7)) is None
    later = book(customer, world.alice, at(day, 10))
    first = book(customer, world.alice, at(day, 9), office=make_office(world.coburg, name="Regionalstelle Neustadt"))
    for now, expected in ((at(day, 8), first), (at(day, 9), first), (at(day, 9, 1), later), (at(day, 11), None)):
        with CaptureQueriesContext(connection) as queries:
            found = appointment_selectors.next_appointment(customer, now)
            office = found.office if found else None
        assert len(queries) == 1
        if expected is None:
            assert found is None
            continue
        read = Appointment.objects.select_related("office").get(pk=expected.pk)
        assert_same(found, read)
        assert_same(office, read.office)


def test_decide_reads_what_the_orm_reads(world):
    """The engine's facts as `decide` reads them (plain SQL) against the same facts read
    through the ORM: the same decision, for days before, among and after the notes."""
    today = timezone.localdate()
    customer = overdue_customer(world.team_a, world.alice)
    caseload_services.add_measure(
        customer=customer, title="Kurs", start=today - timedelta(days=40), end=today + timedelta(days=40)
    )
    caseload_services.record_suspension(
        customer=customer, by=world.alice.user, reason="AU", start=today - timedelta(days=20), end=today
    )
    for days_ago in (60, 30, 2):
        earlier_note(customer, world.alice, days_ago=days_ago, follow_up_on=today + timedelta(days=10))
    scope = {"job_centre_id": customer.job_centre_id, "customer_id": customer.pk}
    policy = duedates.policy_for(
        customer.job_centre_id, JobCentre.objects.get(pk=customer.job_centre_id).policy_version
    )
    measures = [engine.Measure(*m) for m in Measure.objects.filter(**scope).values_list(*duedates.MEASURE_ROW)]
    suspensions = [
        engine.Suspension(*s) for s in Suspension.objects.filter(**scope).values_list(*duedates.SUSPENSION_ROW)
    ]
    assert measures and suspensions
    for day in (today - timedelta(days=45), today - timedelta(days=2), today, today + timedelta(days=30)):
        contacts = [
            engine.Contact(*c)
            for c in ContactNote.objects.filter(**scope, date__lte=day)
            .order_by("date", "id")
            .values_list(*duedates.CONTACT_ROW)
        ]
        row = {f: getattr(customer, f) for f in duedates.FACT_ROW}
        expected = engine.evaluate(policy, duedates.customer_facts(row, measures, suspensions), contacts, day)
        with CaptureQueriesContext(connection) as queries:
            assert duedates.decide(customer, day) == expected
        assert len(queries) == 4


def test_the_rule_set_in_force_as_the_orm_finds_it(world):
    customer = make_customer(world.team_a)
    sets = list(RuleSet.objects.filter(job_centre_id=customer.job_centre_id))
    assert sets
    days = {date(1990, 1, 1), timezone.localdate()}
    for rule_set in sets:
        days |= {rule_set.valid_from, rule_set.valid_from - timedelta(days=1)}
        if rule_set.valid_until:
            days |= {rule_set.valid_until, rule_set.valid_until + timedelta(days=1)}
    found = 0
    for day in sorted(days):
        expected = RuleSet.objects.of_job_centre_on(customer.job_centre_id, day)
        loaded = caseload_services.rule_set_for(customer, day)
        assert (loaded is None) == (expected is None), day
        if expected is not None:
            found += 1
            assert_same(loaded, expected)
            assert loaded.qualifying_channels == expected.qualifying_channels  # JSON decoded
    assert 0 < found < len(days)


def test_open_activities_with_their_notes_as_the_orm_reads_them(world):
    customer = overdue_customer(world.team_a, world.alice)
    later, sooner = timezone.localdate() + timedelta(days=9), timezone.localdate() + timedelta(days=3)
    earlier_note(customer, world.alice, days_ago=5, activities=[(later, "Nachweise"), (sooner, "Kurs")])
    earlier_note(customer, world.bob, days_ago=1, activities=[(sooner, "Termin beim Träger")])
    FollowUpActivity.objects.filter(text="Kurs").update(status=FollowUpActivity.DONE)
    expected = list(
        FollowUpActivity.objects.filter(customer_id=customer.pk, status=FollowUpActivity.OPEN)
        .select_related("note")
        .order_by("due_on", "pk")
    )
    with CaptureQueriesContext(connection) as queries:
        loaded = open_activities(customer)
        texts = [(a.text, a.note.summary) for a in loaded]
    assert len(queries) == 1
    assert [a.pk for a in loaded] == [a.pk for a in expected] and texts[0][0] == "Termin beim Träger"
    for mine, theirs in zip(loaded, expected, strict=True):
        assert_same(mine, theirs)
        assert_same(mine.note, theirs.note)
