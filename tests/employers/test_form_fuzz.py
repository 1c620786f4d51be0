"""Every form of the employer service, posted with mutated valid data (tests/test_form_fuzz.py's
mutations): whatever arrives, a page, never a server error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from employers import services

from ..test_form_fuzz import FUZZ, check, mutations
from .factories import DAY, at, erin, make_customer, make_employer, make_office, world  # noqa: F401


@pytest.fixture
def employer_scene(world, erin):
    today = timezone.localdate()
    iso = today.isoformat()
    office = make_office(world.coburg)
    employer = make_employer(world.coburg)
    contact = services.save_contact_person(employer=employer, by=None, name="Frau Beispiel")
    offer = services.save_offer(employer=employer, by=None, title="Lager", received_on=today - timedelta(days=5))
    customer = make_customer(world.team_a, caseworker=world.alice)
    proposal = services.propose(customer=customer, offer=offer, by=world.alice.user)
    start = timezone.now() - timedelta(hours=1)
    link = services.book_employer_appointment(
        employer=employer,
        caseworker=world.alice,
        by=world.alice.user,
        start=start,
        minutes=30,
        mode="field",
        topic="Besuch",
        now=start - timedelta(days=1),
    )
    forms = {
        reverse("employers:employer_add"): {
            "name": "Neu GmbH",
            "postcode": "96450",
            "size": "small",
            "account_manager": str(world.bob.pk),
        },
        reverse("employers:employer_edit", args=[employer.pk]): {"name": "Umbenannt", "version": "1"},
        reverse("employers:contact_add", args=[employer.pk]): {
            "name": "Herr X",
            "preferred_channel": "email",
            "email": "x@example.org",
        },
        reverse("employers:contact_edit", args=[employer.pk, contact.pk]): {"name": "Frau B", "version": "1"},
        reverse("employers:note", args=[employer.pk]): {
            "date": iso,
            "channel": "phone",
            "summary": "x",
            "contact_person": str(contact.pk),
            "follow_up_on": iso,
        },
        reverse("employers:book", args=[employer.pk]): {
            "day": DAY().isoformat(),
            "time": "09:00",
            "minutes": "60",
            "mode": "office",
            "office": str(office.pk),
            "topic": "T",
        },
        reverse("employers:offer_add", args=[employer.pk]): {
            "title": "T",
            "working_time": "full_time",
            "positions": "1",
            "received_on": iso,
            "status": "open",
        },
        reverse("employers:offer_edit", args=[offer.pk]): {
            "title": "T",
            "working_time": "part_time",
            "positions": "2",
            "received_on": iso,
            "status": "open",
            "version": "1",
        },
        reverse("employers:propose", args=[customer.pk]): {"offer": str(offer.pk), "proposed_on": iso},
        reverse("employers:proposal", args=[proposal.pk]): {
            "outcome": "hired",
            "outcome_on": iso,
            "version": "1",
            "close_case": "on",
        },
        reverse("employers:appointment_cancel", args=[link.pk]): {"by": "arbeitgeber", "reason": "", "version": "1"},
        reverse("employers:appointment_attended", args=[link.pk]): {"version": "1"},
    }
    ags_forms = {reverse("employers:offer", args=[offer.pk]): {"number": customer.number, "proposed_on": iso}}
    queries = {reverse("employers:directory"): {"suche": "Auto", "branche": "Kfz", "seite": "2"}}
    return forms, ags_forms, queries, erin


@FUZZ
@given(data=st.data())
def test_no_employer_form_gives_a_server_error(client, world, employer_scene, data):
    forms, ags_forms, queries, ags = employer_scene
    for user, targets in ((world.alice.user, forms), (ags.user, ags_forms)):
        client.force_login(user)
        for url, valid in targets.items():
            mutated = data.draw(mutations(valid), label=url)
            check(client.post(url, mutated), url, mutated)
    for url, valid in queries.items():
        mutated = data.draw(mutations(valid), label=url)
        check(client.get(url, mutated), url, mutated)
