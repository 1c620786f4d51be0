"""Contact notes carry the code of the rule that matched on their day and may be walk-ins
(unterminierte Vorsprachen): the service, the form, the customer's history."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from caseload import services
from caseload.models import ContactNote
from caseload.services import ServiceError

from .factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 10)
WALK_IN_PHONE = (
    "Eine unterminierte Vorsprache ist ein persönlicher Kontakt: bitte als Kontaktart „persönlich“ "
    "wählen oder das Häkchen entfernen."
)


def note(customer, by, day=TODAY, channel="in_person", **kwargs):
    written, _decision = services.record_contact(
        customer=customer, by=by.user, date=day, channel=channel, summary="Gespräch", today=TODAY, **kwargs
    )
    return ContactNote.objects.get(pk=written.pk)


def test_a_note_keeps_the_code_of_the_rule_that_matched_that_day(world):
    """Coburg: Ü25, unemployed, market_close is 2MM."""
    customer = make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10))
    written = note(customer, world.alice)
    assert (written.rule_code, written.walk_in, written.subject) == ("2MM", False, "Beratungsvermerk 2MM")


def test_a_backdated_note_gets_the_code_of_its_own_day(world):
    """Born 01.03.2001: U25 until 28.02.2026 (Coburg: U25 and unemployed is 1MM), Ü25 market_close
    from 01.03.2026 on (2MM). A note backdated to 20.02. is 1MM, today's is 2MM; a phone note
    gets the code too: the rule applies whatever the channel."""
    customer = make_customer(
        world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10), birth_date=date(2001, 3, 1)
    )
    assert note(customer, world.alice, day=date(2026, 2, 20)).rule_code == "1MM"
    assert note(customer, world.alice).rule_code == "2MM"
    assert note(customer, world.alice, channel="phone").subject == "Beratungsvermerk 2MM"


def test_a_note_from_before_any_rule_set_has_no_code(world):
    """Coburg's rule set is in force from 01.01.2017."""
    customer = make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2016, 6, 1))
    written = note(customer, world.alice, day=date(2016, 12, 1))
    assert (written.rule_code, written.subject) == ("", "Beratungsvermerk")


def test_a_walk_in_is_recorded_as_such(world):
    customer = make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10))
    written = note(customer, world.alice, walk_in=True)
    assert (written.walk_in, written.subject) == (True, "Unterminierte Vorsprache 2MM")


@pytest.mark.parametrize("channel", ["phone", "email", "video", "group"])
def test_a_walk_in_that_is_not_in_person_is_refused(world, channel):
    customer = make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10))
    with pytest.raises(ServiceError) as raised:
        note(customer, world.alice, channel=channel, walk_in=True)
    assert raised.value.message_dict == {"walk_in": [WALK_IN_PHONE]}
    assert not ContactNote.objects.exists()


# --- Pages ----------------------------------------------------------------------------------------


def test_the_note_form_offers_the_walk_in_box_and_says_when_it_does_not_fit(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.alice.user)
    url = reverse("contact_note", args=[customer.pk])
    assert "unterminierte Vorsprache (ohne Termin)" in client.get(url).content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(url, {"date": today, "channel": "phone", "summary": "Anruf", "walk_in": "on"})
    assert response.status_code == 400 and WALK_IN_PHONE in response.content.decode()
    response = client.post(url, {"date": today, "channel": "in_person", "summary": "Kam ohne Termin", "walk_in": "on"})
    assert response.status_code == 302
    assert ContactNote.objects.get().walk_in


def test_the_history_shows_each_notes_subject(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    today = timezone.localdate()
    services.record_contact(
        customer=customer,
        by=world.alice.user,
        date=today - timedelta(days=2),
        channel="in_person",
        summary="Kam ohne Termin",
        walk_in=True,
    )
    services.record_contact(
        customer=customer, by=world.alice.user, date=today, channel="in_person", summary="Folgegespräch"
    )
    client.force_login(world.alice.user)
    page = client.get(reverse("customer", args=[customer.pk])).content.decode()
    assert page.index("<strong>Beratungsvermerk 2MM</strong>") < page.index(
        "<strong>Unterminierte Vorsprache 2MM</strong>"
    )


def test_the_note_of_an_appointment_is_never_a_walk_in(client, world):
    from appointments import services as appointment_services

    from ..appointments.factories import at, book

    customer = make_customer(world.team_a, caseworker=world.alice)
    today = timezone.localdate()
    # Just after midnight: a field visit, as Coburg books no office time outside opening hours.
    appointment = book(customer, world.alice, at(today, 0, 5), mode="field")
    appointment_services.record_attendance(appointment=appointment, by=world.alice.user, now=at(today, 0, 40))
    client.force_login(world.alice.user)
    url = reverse("appointments:note", args=[appointment.pk])
    assert "unterminierte Vorsprache" not in client.get(url).content.decode()
    response = client.post(
        url, {"date": today.isoformat(), "channel": "in_person", "summary": "Termin", "walk_in": "on"}
    )
    assert response.status_code == 302
    written = Appointment.objects.select_related("contact_note").get(pk=appointment.pk).contact_note
    assert (written.walk_in, written.subject) == (False, "Beratungsvermerk 2MM")
