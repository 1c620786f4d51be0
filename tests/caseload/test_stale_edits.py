"""Two people on one customer: the second save of a form read before the first save is refused
with a German message that names who changed what, and keeps the second person's input in the
form; saving again then knowingly replaces the first change. Over HTTP with two sessions (CI
runs this on PostgreSQL too)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from caseload import services
from caseload.models import Customer, Measure, Suspension

from ..appointments.factories import at, book
from .factories import make_customer, make_staff, world  # noqa: F401


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def version_in(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)


@pytest.fixture
def two(world):
    """alice and her colleague carol, each in a browser session of their own."""
    carol = make_staff("carol", world.team_a)
    first, second = Client(), Client()
    first.force_login(world.alice.user)
    second.force_login(carol.user)
    return first, second


def facts_post(customer, **changes):
    data = {
        "birth_date": customer.birth_date.isoformat(),
        "registered_on": customer.registered_on.isoformat(),
        "employment": customer.employment,
        "profile": customer.profile,
        "care": customer.care,
        "profile_since": "",
        "integrated_employment": "",
        "unemployed_since": "",
        "benefit_renewal_on": "",
    }
    data.update(changes)
    return data


def test_a_stale_facts_form_is_refused_and_keeps_the_input(world, two):
    first, second = two
    customer = make_customer(world.team_a, caseworker=world.alice)
    url = reverse("facts", args=[customer.pk])
    read_first, read_second = first.get(url), second.get(url)
    version = version_in(read_first)
    assert version == version_in(read_second) == "1"

    saved = first.post(url, facts_post(customer, employment="jobseeking", version=version))
    assert saved.status_code == 302
    stale = second.post(url, facts_post(customer, profile="market_far", version=version))

    assert stale.status_code == 400
    page = words(stale)
    assert "Alice Fachkraft hat diese Angaben am" in page
    assert "Status: arbeitslos → arbeitsuchend" in page
    assert "Ihre Eingaben stehen unten noch im Formular" in page
    assert re.search(r'<option value="market_far" selected>', stale.content.decode())  # carol's input kept
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.employment, fresh.profile, fresh.version) == ("jobseeking", "market_close", 2)

    # Saving again (the form now carries the current version) replaces alice's change knowingly.
    again = second.post(
        url, facts_post(customer, profile="market_far", employment="unemployed", version=version_in(stale))
    )
    assert again.status_code == 302
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.employment, fresh.profile, fresh.version) == ("unemployed", "market_far", 3)


def test_a_stale_measure_form_is_refused(world, two):
    first, second = two
    customer = make_customer(world.team_a, caseworker=world.alice)
    today = timezone.localdate()
    measure, _ = services.add_measure(
        customer=customer, title="Bewerbungstraining", start=today, end=today + timedelta(days=60)
    )
    url = reverse("measure_edit", args=[customer.pk, measure.pk])
    version = version_in(first.get(url))
    second.get(url)
    data = {
        "title": "Bewerbungstraining",
        "start": today.isoformat(),
        "end": (today + timedelta(days=60)).isoformat(),
        "exited_on": "",
        "version": version,
    }
    assert first.post(url, {**data, "exited_on": (today + timedelta(days=10)).isoformat()}).status_code == 302
    stale = second.post(url, {**data, "title": "Bewerbungstraining (Teil 2)"})
    assert stale.status_code == 400
    assert "Austritt: – → " in words(stale)
    assert 'value="Bewerbungstraining (Teil 2)"' in stale.content.decode()
    assert Measure.objects.get(pk=measure.pk).title == "Bewerbungstraining"


def test_a_stale_exception_end_is_refused(world, two):
    first, second = two
    customer = make_customer(world.team_a, caseworker=world.alice)
    today = timezone.localdate()
    suspension, _ = services.record_suspension(
        customer=customer, by=world.alice.user, reason="Gutachten", start=today, end=today + timedelta(days=30)
    )
    url = reverse("suspension_end", args=[customer.pk, suspension.pk])
    version = version_in(first.get(url))
    second.get(url)
    assert first.post(url, {"end": (today + timedelta(days=10)).isoformat(), "version": version}).status_code == 302
    stale = second.post(url, {"end": (today + timedelta(days=20)).isoformat(), "version": version})
    assert stale.status_code == 400
    end_before, end_now = today + timedelta(days=30), today + timedelta(days=10)
    assert f"bis: {end_before:%d.%m.%Y} → {end_now:%d.%m.%Y}" in words(stale)
    assert Suspension.objects.get(pk=suspension.pk).end == today + timedelta(days=10)


def test_a_stale_excuse_does_not_replace_the_first_reason(world, two):
    first, second = two
    customer = make_customer(world.team_a, caseworker=world.alice)
    yesterday = timezone.localdate() - timedelta(days=1)
    appointment = book(customer, world.alice, at(yesterday, 0, 5), mode=Appointment.FIELD, now=at(yesterday, 0, 0))
    from appointments import services as appointment_services

    appointment_services.mark_missed(appointment=appointment, by=world.alice.user)
    url = reverse("appointments:detail", args=[appointment.pk])
    version = version_in(first.get(url))
    second.get(url)
    excuse = reverse("appointments:excuse", args=[appointment.pk])
    first.post(excuse, {"outcome_reason": "Attest liegt vor", "version": version})
    answer = second.post(excuse, {"outcome_reason": "Kind erkrankt", "version": version}, follow=True)
    assert "Alice Fachkraft hat diese Angaben am" in words(answer)
    assert Appointment.objects.get(pk=appointment.pk).outcome_reason == "Attest liegt vor"


def test_an_outcome_form_with_bad_input_saves_nothing_and_says_why(world, two):
    first, _ = two
    customer = make_customer(world.team_a, caseworker=world.alice)
    yesterday = timezone.localdate() - timedelta(days=1)
    appointment = book(customer, world.alice, at(yesterday, 0, 5), mode=Appointment.FIELD, now=at(yesterday, 0, 0))
    answer = first.post(
        reverse("appointments:missed", args=[appointment.pk]),
        {"outcome_reason": "x" * 301, "version": "1"},
        follow=True,
    )
    assert "Nichts gespeichert" in words(answer) and "höchstens 300 Zeichen" in words(answer)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.PLANNED
    answer = first.post(reverse("appointments:cancel", args=[appointment.pk]), {"by": "niemand"}, follow=True)
    assert "Bitte angeben, wer abgesagt hat." in words(answer)
    answer = first.post(reverse("appointments:excuse", args=[appointment.pk]), {"outcome_reason": ""}, follow=True)
    assert "Bitte den wichtigen Grund angeben." in words(answer)
