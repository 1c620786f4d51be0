"""Dates that cannot be true are refused with a German message before they choose a rule: in the
services, in the forms that call the same checks, and in the admin."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload import services
from caseload.forms import FactsForm
from caseload.models import ContactNote, Customer, Suspension

from ..policies.test_admin import form_data
from .factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 10)


@pytest.fixture
def customer(world):
    return make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10))


def stored(customer):
    return Customer.objects.get(pk=customer.pk)


@pytest.mark.parametrize("field", ["birth_date", "registered_on", "unemployed_since", "profile_since"])
def test_a_fact_date_in_the_future_is_refused_and_nothing_changes(customer, field):
    before = stored(customer)
    with pytest.raises(services.ServiceError) as raised:
        services.update_customer(customer=customer, changes={field: date(2026, 3, 11)}, today=TODAY)
    assert raised.value.message_dict[field] == [
        f"„{Customer._meta.get_field(field).verbose_name}“ kann nicht in der Zukunft liegen."
    ]
    after = stored(customer)
    assert (getattr(after, field), after.due_by) == (getattr(before, field), before.due_by)


def test_a_registration_before_the_birth_is_refused(customer):
    with pytest.raises(services.ServiceError) as raised:
        services.update_customer(customer=customer, changes={"birth_date": date(2026, 2, 1)}, today=TODAY)
    assert raised.value.message_dict["registered_on"] == ["Die Meldung kann nicht vor der Geburt liegen."]


def test_a_new_customer_registered_in_the_future_is_refused(world):
    with pytest.raises(services.ServiceError) as raised:
        make_customer(world.team_a, today=TODAY, registered_on=date(2027, 1, 10))
    assert "registered_on" in raised.value.message_dict
    assert not Customer.objects.exists()


def test_a_doubtful_date_already_stored_does_not_block_editing_something_else(customer):
    Customer.objects.filter(pk=customer.pk).update(profile_since=date(2027, 1, 1))  # e.g. imported so
    decision = services.update_customer(customer=stored(customer), changes={"profile": "market_far"}, today=TODAY)
    assert decision is not None and stored(customer).profile == "market_far"


def test_the_facts_form_gives_the_same_message_beside_the_field(customer):
    data = {
        "birth_date": "17.05.2030",
        "registered_on": "10.01.2026",
        "employment": "unemployed",
        "profile": "market_close",
        "care": "placement",
    }
    form = FactsForm(data, customer=stored(customer), today=TODAY)
    assert not form.is_valid()
    assert form.errors["birth_date"] == ["„Geburtsdatum“ kann nicht in der Zukunft liegen."]


def test_a_contact_before_the_registration_is_refused(world, customer):
    with pytest.raises(services.ServiceError) as raised:
        services.record_contact(
            customer=customer,
            by=world.alice.user,
            date=date(2025, 12, 1),
            channel="in_person",
            summary="Gespräch",
            today=TODAY,
        )
    assert raised.value.message_dict["date"] == [
        "Der Kontakt liegt vor der Meldung am 10.01.2026: bitte das Datum prüfen."
    ]
    assert not ContactNote.objects.exists()


def test_a_follow_up_date_years_ahead_is_refused(world, customer):
    with pytest.raises(services.ServiceError) as raised:
        services.record_contact(
            customer=customer,
            by=world.alice.user,
            date=TODAY,
            channel="in_person",
            summary="Gespräch",
            follow_up_on=date(2099, 12, 31),
            today=TODAY,
        )
    assert "höchstens 2 Jahre nach dem Kontakt" in raised.value.message_dict["follow_up_on"][0]
    # Two years is still a date.
    services.record_contact(
        customer=customer,
        by=world.alice.user,
        date=TODAY,
        channel="in_person",
        summary="Gespräch",
        follow_up_on=date(2028, 3, 10),
        today=TODAY,
    )


def test_an_exception_that_ended_before_the_registration_is_refused(world, customer):
    with pytest.raises(services.ServiceError) as raised:
        services.record_suspension(
            customer=customer,
            by=world.alice.user,
            reason="Gutachten",
            start=date(2025, 1, 1),
            end=date(2025, 2, 1),
            today=TODAY,
        )
    assert "vor der Meldung am 10.01.2026" in raised.value.message_dict["end"][0]
    assert not Suspension.objects.exists()


def test_the_admin_refuses_a_birth_date_in_the_future(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.admin)
    url = reverse("admin:caseload_customer_change", args=[customer.pk])
    data = form_data(client.get(url))
    data["birth_date"] = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()

    response = client.post(url, data)

    assert response.status_code == 200
    assert "„Geburtsdatum“ kann nicht in der Zukunft liegen." in response.text
    assert stored(customer).birth_date == customer.birth_date


def test_the_admin_does_not_move_a_customer_to_another_job_centre(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.admin)
    url = reverse("admin:caseload_customer_change", args=[customer.pk])
    page = client.get(url)
    assert 'name="job_centre"' not in page.text  # shown, not editable
    data = form_data(page)
    data["job_centre"] = str(world.weimar.pk)
    data["team"] = str(world.weimar_team.pk)

    response = client.post(url, data)

    assert "Das Team gehört zu einem anderen Jobcenter." in response.text
    assert stored(customer).job_centre_id == world.coburg.pk
    assert client.get(reverse("admin:caseload_customer_add")).text.count('name="job_centre"') == 1
