"""Writes that meet: a caseworker's save against a colleague's, and against the bulk recompute.

The stored due date must always be the one the stored facts and history give."""

from datetime import date
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from caseload import duedates, recompute, services
from caseload.models import Customer
from policies import signals

from .factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 10)


def stored(customer):
    return Customer.objects.get(pk=customer.pk)


def fresh_decision(customer):
    return duedates.decide(stored(customer), TODAY)


@pytest.fixture
def customer(world):
    # Coburg, Ü25, unemployed, market_close, registered 2026-01-10: 2MM, due 2026-03-10.
    return make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10))


def test_a_note_saved_after_a_colleague_changed_the_facts_is_computed_from_the_new_facts(world, customer):
    mine = Customer.objects.get(pk=customer.pk)  # loaded when my form opened
    colleague = Customer.objects.get(pk=customer.pk)
    services.update_customer(customer=colleague, changes={"profile": "market_far"}, today=TODAY)

    services.record_contact(
        customer=mine, by=world.alice.user, date=TODAY, channel="in_person", summary="Gespräch", today=TODAY
    )

    row = stored(customer)
    assert row.profile == "market_far"
    expected = fresh_decision(customer)
    assert (row.due_code, row.due_by) == (expected.code, expected.due_by)
    assert row.due_code == "3MM"  # market_far in Coburg: not the 2MM the stale copy would give


def test_the_facts_form_compares_with_the_stored_facts_not_the_copy_it_was_opened_with(world, customer):
    mine = Customer.objects.get(pk=customer.pk)
    colleague = Customer.objects.get(pk=customer.pk)
    services.update_customer(customer=colleague, changes={"profile": "market_far"}, today=TODAY)

    # I set the profile back to what my copy still shows: that is a change against the stored row.
    decision = services.update_customer(customer=mine, changes={"profile": "market_close"}, today=TODAY)

    assert decision is not None and stored(customer).due_code == "2MM"


def test_the_bulk_recompute_reads_and_writes_each_chunk_in_one_transaction(world, customer):
    seen = []
    real = recompute._chunk_decisions

    def watching(policy, rows, today):
        seen.append(connection.in_atomic_block)
        return real(policy, rows, today)

    with mock.patch.object(recompute, "_chunk_decisions", watching):
        recompute.recompute(today=TODAY)
    assert seen and all(seen)


def test_sqlite_transactions_take_the_write_lock_when_they_begin():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.transaction_mode == "IMMEDIATE"


@pytest.mark.postgres
def test_a_note_saved_while_a_chunk_is_evaluated_keeps_its_due_date(world, customer):
    # The chunk reads the customer (2MM, due 10.03.), then, before it writes, the caseworker
    # saves an in-person note: due 10.05. The chunk's decision, from the facts it read, would
    # put 10.03. back; its write is conditional on the row being as read, so the note's stays.
    real = recompute._chunk_decisions

    def note_meanwhile(policy, rows, today):
        decisions = list(real(policy, rows, today))
        services.record_contact(
            customer=Customer.objects.get(pk=customer.pk),
            by=world.alice.user,
            date=TODAY,
            channel="in_person",
            summary="Gespräch",
            today=TODAY,
        )
        return decisions

    Customer.objects.filter(pk=customer.pk).update(due_reasons=[])  # so the chunk would rewrite it
    with mock.patch.object(recompute, "_chunk_decisions", note_meanwhile):
        assert recompute.recompute(today=TODAY) == 1

    row = stored(customer)
    assert (row.due_by, row.last_contact_on) == (date(2026, 5, 10), TODAY)
    assert row.reason_texts == fresh_decision(customer).reasons


@pytest.mark.postgres
def test_a_note_saved_while_a_chunk_is_evaluated_keeps_its_due_date_when_the_chunk_only_touches(world, customer):
    # Same, for a customer whose decision the chunk finds unchanged (it would only move the
    # computed day and the policy version): that touch must not land on the note's row either.
    real = recompute._chunk_decisions
    signals.bump_policy_version(world.coburg.pk)

    def note_meanwhile(policy, rows, today):
        decisions = list(real(policy, rows, today))
        Customer.objects.filter(pk=customer.pk).update(policy_version=0, due_computed_on=None)
        return decisions

    with mock.patch.object(recompute, "_chunk_decisions", note_meanwhile):
        recompute.recompute(today=TODAY)

    row = stored(customer)
    assert (row.policy_version, row.due_computed_on) == (0, None)


def test_adding_and_changing_a_measure_moves_the_stored_due_date(world):
    # Coburg: jobseeking → 6MM; in a measure and jobseeking → 3MM.
    customer = make_customer(
        world.team_a, caseworker=world.alice, today=TODAY, employment="jobseeking", registered_on=date(2026, 1, 10)
    )
    assert stored(customer).due_code == "6MM"
    measure, decision = services.add_measure(
        customer=customer, title="Bewerbungstraining", start=date(2026, 3, 1), end=date(2026, 6, 30), today=TODAY
    )
    row = stored(customer)
    assert (
        (row.due_code, row.due_by)
        == (decision.code, decision.due_by)
        == (fresh_decision(customer).code, fresh_decision(customer).due_by)
    )
    assert row.due_code == "3MM"

    decision = services.update_measure(
        measure=measure,
        title="Bewerbungstraining",
        start=date(2026, 3, 1),
        end=date(2026, 6, 30),
        exited_on=date(2026, 3, 5),
        today=TODAY,
    )
    row = stored(customer)
    assert (row.due_code, row.due_by) == (decision.code, decision.due_by)
    assert row.due_code == "6MM"  # left the measure: back to the rule without one


def test_a_measure_exit_after_the_planned_end_is_refused(world, customer):
    with pytest.raises(services.ServiceError) as raised:
        services.add_measure(
            customer=customer,
            title="AGH",
            start=date(2026, 1, 1),
            end=date(2026, 3, 31),
            exited_on=date(2026, 6, 1),
            today=TODAY,
        )
    assert "nach dem geplanten Ende" in raised.value.message_dict["exited_on"][0]


def test_a_measure_cannot_be_renamed_to_nothing(world, customer):
    measure, _ = services.add_measure(
        customer=customer, title="AGH", start=date(2026, 1, 1), end=date(2026, 3, 31), today=TODAY
    )
    with pytest.raises(services.ServiceError) as raised:
        services.update_measure(
            measure=measure, title="   ", start=date(2026, 1, 1), end=date(2026, 3, 31), today=TODAY
        )
    assert raised.value.message_dict["title"] == ["Bitte die Maßnahme benennen."]
    measure.refresh_from_db()
    assert measure.title == "AGH"
