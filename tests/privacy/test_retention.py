"""Closing a case and deleting it after the retention period, history included."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from audit.models import Event
from caseload import services
from caseload.models import (
    AcquisitionSource,
    ContactNote,
    Customer,
    Measure,
    Suspension,
)

from ..appointments.factories import at, book
from ..caseload.factories import make_customer, overdue_customer, world  # noqa: F401

TODAY = date(2026, 11, 30)


def full_history(world, customer):
    """A note, a measure, an exception, an appointment and an edit: rows in every history table."""
    services.record_contact(
        customer=customer,
        by=world.alice.user,
        date=TODAY - timedelta(days=3),
        channel="in_person",
        summary="Gespräch",
        today=TODAY,
    )
    services.add_measure(customer=customer, title="Kurs", start=TODAY, end=TODAY + timedelta(days=9), today=TODAY)
    services.record_suspension(
        customer=customer,
        by=world.alice.user,
        reason="Gutachten",
        start=TODAY,
        end=TODAY + timedelta(days=5),
        today=TODAY,
    )
    book(customer, world.alice, at(TODAY + timedelta(days=2), 9), mode=Appointment.FIELD, now=at(TODAY, 8))
    services.update_customer(customer=customer, changes={"phone": "09561 1"}, today=TODAY)


def history_rows(customer_id) -> int:
    return sum(
        model.history.filter(**{key: customer_id}).count()
        for model, key in (
            (Customer, "id"),
            (ContactNote, "customer_id"),
            (Measure, "customer_id"),
            (Suspension, "customer_id"),
            (Appointment, "customer_id"),
        )
    )


def test_a_closed_case_leaves_the_worklists_but_its_page_stays(client, world):
    customer = overdue_customer(world.team_a, world.alice)
    client.force_login(world.alice.user)
    assert customer.number in client.get(reverse("worklist")).content.decode()
    response = client.post(
        reverse("close_case", args=[customer.pk]), {"closed_on": timezone.localdate().isoformat(), "version": "1"}
    )
    assert response.status_code == 302
    assert customer.number not in client.get(reverse("worklist")).content.decode()
    client.force_login(world.bob.user)
    assert customer.number not in client.get(reverse("team_overdue")).content.decode()
    page = client.get(reverse("customer", args=[customer.pk])).content.decode()
    assert "abgeschlossen am" in page and "Fall abschließen" not in page


def test_a_gcfak_case_needs_its_outcome_and_a_reason_when_the_job_was_not_taken(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    source = AcquisitionSource.objects.create(job_centre=world.coburg, name="Beratungstag")
    Customer.objects.filter(pk=customer.pk).update(acquisition_source=source)
    client.force_login(world.alice.user)
    url = reverse("close_case", args=[customer.pk])
    today = timezone.localdate().isoformat()
    missing = client.post(url, {"closed_on": today, "version": "1"})
    assert missing.status_code == 400 and "Bitte das Ergebnis angeben" in missing.content.decode()
    no_reason = client.post(url, {"closed_on": today, "closing_outcome": "job_not_taken", "version": "1"})
    assert "warum die Arbeitsstelle nicht angenommen wurde" in no_reason.content.decode()
    done = client.post(
        url,
        {
            "closed_on": today,
            "closing_outcome": "job_not_taken",
            "closing_reason": "Arbeitszeiten passen nicht zur Kinderbetreuung",
            "version": "1",
        },
    )
    assert done.status_code == 302
    closed = Customer.objects.get(pk=customer.pk)
    assert (closed.case_status, closed.closing_outcome) == (Customer.STATUS_CLOSED, "job_not_taken")


def test_a_future_closing_day_is_refused(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.alice.user)
    response = client.post(
        reverse("close_case", args=[customer.pk]),
        {"closed_on": (timezone.localdate() + timedelta(days=1)).isoformat(), "version": "1"},
    )
    assert response.status_code == 400 and "künftigen Tag" in response.content.decode()


def test_retention_deletes_expired_cases_with_their_history_and_keeps_the_rest(world, settings):
    settings.RETENTION_MONTHS = 24
    expired = make_customer(
        world.team_a, caseworker=world.alice, today=TODAY, registered_on=TODAY - timedelta(days=1200)
    )
    recent = make_customer(
        world.team_a, caseworker=world.alice, today=TODAY, registered_on=TODAY - timedelta(days=1200)
    )
    open_case = make_customer(world.team_a, caseworker=world.alice, today=TODAY)
    full_history(world, expired)
    services.close_case(customer=expired, by=world.alice.user, on=date(2024, 11, 29), today=TODAY)
    services.close_case(customer=recent, by=world.alice.user, on=date(2024, 11, 30), today=TODAY)
    assert history_rows(expired.pk) > 6

    dry = io.StringIO()
    call_command("apply_retention", dry_run=True, today=TODAY, stdout=dry)
    assert "1 Fälle würden gelöscht (abgeschlossen vor dem 30.11.2024)" in dry.getvalue()
    assert Customer.objects.filter(pk=expired.pk).exists()

    out = io.StringIO()
    call_command("apply_retention", today=TODAY, stdout=out)
    assert "1 Fälle gelöscht" in out.getvalue()
    assert set(Customer.objects.values_list("pk", flat=True)) == {recent.pk, open_case.pk}
    assert history_rows(expired.pk) == 0
    for model in (ContactNote, Measure, Suspension, Appointment):
        assert not model.objects.filter(customer_id=expired.pk).exists()
    assert history_rows(recent.pk) > 0
    assert Event.objects.filter(action=Event.CUSTOMER_DELETED, customer_id=expired.pk).count() == 1
    assert expired.last_name not in out.getvalue() and expired.number not in out.getvalue()


def test_deleting_a_customer_in_the_admin_deletes_their_history(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    full_history(world, customer)
    client.force_login(world.admin)
    response = client.post(reverse("admin:caseload_customer_delete", args=[customer.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert history_rows(customer.pk) == 0


@pytest.mark.parametrize("months", [0, -3])
def test_a_retention_period_below_a_month_is_refused(world, months):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("apply_retention", months=months, stdout=io.StringIO())
