"""Kunde anlegen: a caseworker registers a customer of the own team and sees the stored first
deadline at once; possible duplicates are named before anything is saved."""

import re
from datetime import date, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from caseload import services
from caseload.models import AcquisitionEvent, AcquisitionSource, Customer

from .factories import make_customer, world  # noqa: F401

ADD = reverse("customer_add")


def text(response):
    return response.content.decode()


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def form_data(**changes):
    """Ü25, unemployed, market_close, registered Mon 2 Nov 2026 (a day that has passed)."""
    data = {
        "number": "7001234",
        "first_name": "Anna",
        "last_name": "Schneider",
        "birth_date": "1984-02-29",
        "street": "Lindenweg 3",
        "postcode": "99510",
        "city": "Apolda",
        "phone": "+49 3644 123456",
        "email": "",
        "registered_on": "02.11.2026",
        "employment": "unemployed",
        "profile": "market_close",
        "profile_since": "",
        "care": "placement",
        "integrated_employment": "",
        "unemployed_since": "2026-10-30",
        "benefit_renewal_on": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_navigation_offers_kunde_anlegen_to_caseworkers(client, world):
    client.force_login(world.alice.user)
    page = text(client.get(reverse("worklist")))
    assert f'<a href="{ADD}">Kunde anlegen</a>' in page


def test_the_form_has_labels_and_defaults_the_caseworker_to_oneself(client, world):
    client.force_login(world.alice.user)
    page = text(client.get(ADD))
    for label in ("Kundennummer", "Vorname", "Nachname", "Geburtsdatum", "Meldung (Zugang)", "Status", "Fachkraft"):
        assert re.search(rf'<label for="id_\w+">{re.escape(label)}', page), label
    assert f'<option value="{world.alice.pk}" selected>' in page
    assert "Trotzdem anlegen" not in page  # asked only when there is a possible duplicate


def test_a_weimar_caseworker_creates_a_customer_and_sees_the_first_contact_deadline(client, world):
    # Weimarer Land: first contact within 15 working days of the registration. Registered Mon
    # 2 Nov 2026: 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18 (Buß- und Bettag: Saxony only), 19,
    # 20, 23 Nov: due Mon 23 Nov 2026.
    client.force_login(world.dave.user)
    response = client.post(ADD, form_data(caseworker=str(world.dave.pk)))
    customer = Customer.objects.get(job_centre=world.weimar, number="7001234")
    assert response.status_code == 302 and response["Location"] == reverse("customer", args=[customer.pk])
    assert (customer.team, customer.caseworker, customer.due_by) == (world.weimar_team, world.dave, date(2026, 11, 23))
    assert (customer.phone, customer.postcode, customer.flags) == ("+49 3644 123456", "99510", [])
    page = client.get(response["Location"])
    assert "Kunde 7001234 angelegt. Erster Kontakt fällig bis 23.11.2026." in words(page)
    assert "fällig bis 23.11.2026" in words(page)  # the due box: the stored decision
    event = Event.objects.get(action=Event.CUSTOMER_CHANGED, customer_id=customer.pk)
    assert (event.what, event.user_id) == ("created", world.dave.user.pk)
    assert customer.history.get().history_user == world.dave.user


def test_coburg_runs_the_first_cycle_from_the_registration(client, world):
    # Coburg: no first-contact deadline; Ü25 unemployed market_close is 2MM: 31 Oct + 2 months
    # = 31 Dec 2026.
    client.force_login(world.alice.user)
    client.post(ADD, form_data(registered_on="2026-10-31", postcode="96450"))
    customer = Customer.objects.get(job_centre=world.coburg, number="7001234")
    assert (customer.due_by, customer.due_code, customer.team) == (date(2026, 12, 31), "2MM", world.team_a)


def test_a_same_name_and_birth_date_is_named_and_must_be_confirmed(client, world):
    twin = make_customer(world.team_a, first_name="Anna", last_name="Schneider", birth_date=date(1984, 2, 29))
    client.force_login(world.alice.user)
    response = client.post(ADD, form_data(first_name=" anna ", last_name="SCHNEIDER", postcode="96450"))
    assert response.status_code == 400
    assert f'Mögliche Dublette: <a href="/kunden/{twin.pk}/">Kunde {twin.number}</a> hat denselben Namen' in text(
        response
    )
    assert "Trotzdem anlegen" in text(response)
    assert not Customer.objects.filter(number="7001234").exists()

    confirmed = client.post(ADD, form_data(first_name="Anna", postcode="96450", confirm_duplicate="on"))
    assert confirmed.status_code == 302
    assert Customer.objects.filter(job_centre=world.coburg, number="7001234").exists()


def test_a_duplicate_in_another_team_is_named_without_a_link(client, world):
    other = make_customer(world.team_b, first_name="Anna", last_name="Schneider", birth_date=date(1984, 2, 29))
    client.force_login(world.alice.user)
    page = words(client.post(ADD, form_data(postcode="96450")))
    assert f"Mögliche Dublette: Kunde {other.number} (Team B, nicht Ihr Team: bitte dort nachfragen)" in page
    assert f'href="/kunden/{other.pk}/"' not in text(client.post(ADD, form_data(postcode="96450")))


def test_a_taken_customer_number_is_refused_beside_the_field_even_when_confirmed(client, world):
    taken = make_customer(world.team_b, number="7001234")
    client.force_login(world.alice.user)
    response = client.post(ADD, form_data(postcode="96450", confirm_duplicate="on"))
    assert response.status_code == 400
    assert "Die Kundennummer 7001234 ist in diesem Jobcenter bereits vergeben." in text(response)
    assert f"Mögliche Dublette: Kunde {taken.number} (Team B" in words(response)
    assert Customer.objects.filter(number="7001234").count() == 1


def test_the_same_number_in_another_job_centre_is_no_duplicate(client, world):
    make_customer(world.weimar_team, number="7001234")
    client.force_login(world.alice.user)
    assert client.post(ADD, form_data(postcode="96450")).status_code == 302
    assert Customer.objects.filter(number="7001234").count() == 2


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("birth_date", "1899-12-31", "„Geburtsdatum“ vor dem 01.01.1900? Bitte das Datum prüfen."),
        ("registered_on", "2004-12-31", "„Meldung (Zugang)“ vor dem 01.01.2005? Bitte das Datum prüfen."),
        ("first_name", "=HYPERLINK(1)", "„Vorname“ beginnt mit einem Zeichen, mit dem Tabellenprogramme"),
        ("postcode", "9645", "Die Postleitzahl hat fünf Ziffern."),
        ("number", "70 01", "Die Kundennummer besteht nur aus Ziffern und Buchstaben"),
    ],
)
def test_implausible_input_is_refused_beside_the_field(client, world, field, value, message):
    client.force_login(world.alice.user)
    response = client.post(ADD, form_data(**{field: value}))
    assert response.status_code == 400 and message in text(response)
    assert not Customer.objects.filter(first_name="Anna").exists()


def test_a_registration_in_the_future_is_refused(client, world):
    client.force_login(world.alice.user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(ADD, form_data(registered_on=tomorrow.isoformat(), postcode="96450"))
    assert response.status_code == 400 and "„Meldung (Zugang)“ kann nicht in der Zukunft liegen." in text(response)


def test_a_caseworker_cannot_assign_a_customer_to_another_teams_caseworker(client, world):
    client.force_login(world.alice.user)
    response = client.post(ADD, form_data(postcode="96450", caseworker=str(world.charlie.pk)))
    assert response.status_code == 400
    assert not Customer.objects.filter(number="7001234").exists()


def test_a_team_lead_assigns_a_caseworker_of_the_team(client, world):
    client.force_login(world.bob.user)
    assert client.post(ADD, form_data(postcode="96450", caseworker=str(world.alice.pk))).status_code == 302
    assert Customer.objects.get(number="7001234").caseworker == world.alice


def test_a_customer_won_at_an_event_gets_the_event_and_its_source(client, world):
    source = AcquisitionSource.objects.create(
        job_centre=world.coburg, name="Beratungstag", owner="Karin", expected_per_event=4.5
    )
    event = AcquisitionEvent.objects.create(job_centre=world.coburg, source=source, date=date(2026, 10, 30))
    client.force_login(world.alice.user)
    page = text(client.get(ADD))
    assert f'<option value="e{event.pk}">Beratungstag am 30.10.2026</option>' in page
    client.post(ADD, form_data(postcode="96450", acquisition=f"e{event.pk}"))
    customer = Customer.objects.get(number="7001234")
    assert (customer.acquisition_source, customer.acquisition_event) == (source, event)


def test_people_without_a_staff_profile_get_the_403_page(client, world):
    client.force_login(world.admin)
    assert client.get(ADD).status_code == 403


# --- The service -------------------------------------------------------------------------------


def test_create_customer_refuses_a_taken_number_in_german(world):
    make_customer(world.team_a, number="555")
    with pytest.raises(services.ServiceError) as refused:
        make_customer(world.team_b, number="555")
    assert refused.value.message_dict == {"number": ["Die Kundennummer 555 ist in diesem Jobcenter bereits vergeben."]}


def test_create_customer_turns_a_lost_race_for_the_number_into_the_same_message(world):
    make_customer(world.team_a, number="556")
    # Both checks ran before a colleague saved the number; the database's constraint decides.
    with (
        mock.patch.object(services, "check_number", side_effect=[{}, {"number": "vergeben"}]),
        mock.patch.object(Customer, "validate_constraints"),
        pytest.raises(services.ServiceError) as refused,
    ):
        make_customer(world.team_b, number="556")
    assert refused.value.message_dict == {"number": ["vergeben"]}
    assert Customer.objects.filter(number="556").count() == 1


def test_an_event_of_another_source_is_refused(world):
    day = AcquisitionSource.objects.create(job_centre=world.coburg, name="Beratungstag", expected_per_event=4)
    vamv = AcquisitionSource.objects.create(job_centre=world.coburg, name="VAMV Beratung")
    event = AcquisitionEvent.objects.create(job_centre=world.coburg, source=day, date=date(2026, 10, 30))
    with pytest.raises(services.ServiceError) as refused:
        make_customer(world.team_a, acquisition_source=vamv, acquisition_event=event)
    assert refused.value.message_dict["acquisition_event"] == [
        "Die Veranstaltung gehört zur Akquisequelle „Beratungstag“."
    ]
