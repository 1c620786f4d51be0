"""The write services the pages call: each writes and moves the stored due date in one go,
or raises ServiceError with German {field: message} and writes nothing."""

from datetime import date, timedelta

import pytest

from caseload import services
from caseload.models import ContactNote, Customer, Measure, Suspension
from policies import engine

from .factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 10)


@pytest.fixture
def coburg_customer(world):
    # Ü25, unemployed, market_close, registered 2026-01-10: 2MM, due 2026-03-10.
    return make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10))


@pytest.fixture
def weimar_customer(world):
    return make_customer(world.weimar_team, caseworker=world.dave, today=TODAY)


def stored(customer):
    return Customer.objects.get(pk=customer.pk)


def test_create_customer_stores_a_due_date(coburg_customer):
    customer = stored(coburg_customer)
    assert (customer.status_until_due, customer.due_by, customer.due_code) == (engine.OK, date(2026, 3, 10), "2MM")
    assert customer.due_rule_set_id is not None and customer.due_reasons


def test_an_in_person_contact_moves_the_due_date(world, coburg_customer):
    _note, decision = services.record_contact(
        customer=coburg_customer, by=world.alice.user, date=TODAY, channel="in_person", summary="Gespräch", today=TODAY
    )
    assert decision.due_by == date(2026, 5, 10)
    customer = stored(coburg_customer)
    assert (customer.due_by, customer.last_contact_on, customer.case_status) == (
        date(2026, 5, 10),
        TODAY,
        Customer.STATUS_COUNSELLING,
    )


def test_a_phone_call_does_not_move_the_due_date_in_coburg(world, coburg_customer):
    _note, decision = services.record_contact(
        customer=coburg_customer, by=world.alice.user, date=TODAY, channel="phone", summary="Rückruf", today=TODAY
    )
    assert decision.due_by == date(2026, 3, 10)
    assert stored(coburg_customer).last_contact_on is None


def test_a_weimar_note_without_follow_up_writes_nothing(world, weimar_customer):
    with pytest.raises(services.ServiceError) as raised:
        services.record_contact(
            customer=weimar_customer,
            by=world.dave.user,
            date=TODAY,
            channel="in_person",
            summary="Gespräch",
            checklist=dict.fromkeys(ContactNote.CHECKLIST, True),
            today=TODAY,
        )
    assert "kein BewA ohne WV" in raised.value.message_dict["follow_up_on"][0]
    assert ContactNote.objects.count() == 0


def test_a_weimar_note_with_follow_up_and_checklist_is_due_at_the_follow_up(world, weimar_customer):
    _note, decision = services.record_contact(
        customer=weimar_customer,
        by=world.dave.user,
        date=TODAY,
        channel="email",
        summary="Gespräch",
        follow_up_on=TODAY + timedelta(days=14),
        checklist=dict.fromkeys(ContactNote.CHECKLIST, True),
        today=TODAY,
    )
    assert decision.due_by == TODAY + timedelta(days=14)


def test_a_suspension_beyond_the_cap_writes_nothing(world, coburg_customer):
    with pytest.raises(services.ServiceError) as raised:
        services.record_suspension(
            customer=coburg_customer,
            by=world.alice.user,
            reason="Gutachten",
            start=TODAY,
            end=date(2026, 10, 1),
            today=TODAY,
        )
    assert "höchstens um 6 Monate" in raised.value.message_dict["end"][0]
    assert Suspension.objects.count() == 0


def test_a_suspension_within_the_cap_suspends(world, coburg_customer):
    _s, decision = services.record_suspension(
        customer=coburg_customer,
        by=world.alice.user,
        reason="Gutachten",
        start=TODAY,
        end=date(2026, 6, 30),
        today=TODAY,
    )
    assert (decision.status, decision.due_by) == (engine.SUSPENDED, date(2026, 6, 30))
    assert stored(coburg_customer).status_until_due == engine.SUSPENDED


def test_a_measure_can_be_added_and_changed(world, coburg_customer):
    measure, _ = services.add_measure(
        customer=coburg_customer, title="Coaching", start=TODAY, end=TODAY + timedelta(days=90), today=TODAY
    )
    services.update_measure(
        measure=measure, title=" Coaching II ", start=TODAY, end=TODAY + timedelta(days=30), exited_on=None, today=TODAY
    )
    measure = Measure.objects.get()
    assert (measure.title, measure.end) == ("Coaching II", TODAY + timedelta(days=30))


def test_changing_a_fact_recomputes_the_due_date(coburg_customer):
    decision = services.update_customer(customer=coburg_customer, changes={"profile": "market_far"}, today=TODAY)
    assert decision.code == "3MM"
    assert stored(coburg_customer).due_by == date(2026, 4, 10)


def test_changing_nothing_the_rules_read_keeps_the_due_date(coburg_customer):
    assert services.update_customer(customer=coburg_customer, changes={"phone": "0911 123"}, today=TODAY) is None


def test_an_invalid_fact_change_writes_nothing(coburg_customer):
    with pytest.raises(services.ServiceError):
        services.update_customer(customer=coburg_customer, changes={"profile": "", "profile_since": TODAY}, today=TODAY)
    assert stored(coburg_customer).profile == "market_close"
