"""The invitation letter: the legal notice under one heading, how to cancel, no internal codes,
field visits as home visits, opening hours for integrated-but-needy customers in Coburg Land."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.demo import LEGAL_NOTICE
from appointments.models import Appointment

from .factories import at, book, make_customer, make_office, next_weekday, world  # noqa: F401

DAY = next_weekday(1, timezone.localdate() + timedelta(days=7))
OLD_DEMO_NOTICE = "Rechtsfolgenbelehrung: " + LEGAL_NOTICE  # as demo databases from before store it


def letter(client, appointment, user):
    client.force_login(user)
    response = client.get(reverse("appointments:invitation", args=[appointment.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("notice", [LEGAL_NOTICE, OLD_DEMO_NOTICE])
def test_the_legal_notice_has_its_heading_exactly_once(client, world, notice):
    world.coburg.legal_notice = notice
    world.coburg.save()
    appointment = book(make_customer(world.team_a, caseworker=world.alice), world.alice, at(DAY, 9))
    page = letter(client, appointment, world.alice.user)
    assert page.count("Rechtsfolgenbelehrung") == 1
    assert "<h2>Rechtsfolgenbelehrung</h2><p>Kommen Sie ohne wichtigen Grund nicht zu diesem Termin" in page


def test_saving_a_legal_notice_in_the_admin_drops_a_heading_of_its_own(world):
    world.coburg.legal_notice = OLD_DEMO_NOTICE
    world.coburg.full_clean()
    assert world.coburg.legal_notice == LEGAL_NOTICE


def test_the_demo_legal_notice_starts_without_a_heading():
    assert not LEGAL_NOTICE.lower().startswith("rechtsfolgenbelehrung")


def test_a_letter_names_the_offices_phone_and_email_to_cancel(client, world):
    office = make_office(world.coburg)
    office.phone, office.email = "089 99998-101", "roedental@jobcenter.example"
    office.save()
    appointment = book(make_customer(world.team_a, caseworker=world.alice), world.alice, at(DAY, 9), office=office)
    page = letter(client, appointment, world.alice.user)
    assert (
        "sagen Sie bitte vorher ab und nennen Sie den Grund: telefonisch unter 089 99998-101 oder per E-Mail "
        "an roedental@jobcenter.example."
    ) in page


def test_without_the_offices_contact_a_letter_names_the_caseworkers_email(client, world):
    world.alice.user.email = "alice@jobcenter.example"
    world.alice.user.save()
    appointment = book(make_customer(world.team_a, caseworker=world.alice), world.alice, at(DAY, 9))
    page = letter(client, appointment, world.alice.user)
    assert "nennen Sie den Grund, per E-Mail an alice@jobcenter.example." in page


def test_a_letter_shows_the_kind_never_the_rule_code(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    appointment = book(customer, world.alice, at(DAY, 9), kind=Appointment.FIRST)
    assert (appointment.subject, appointment.rule_code) == ("Erstgespräch 2MM", "2MM")
    page = letter(client, appointment, world.alice.user)
    assert "<dt>Anlass</dt><dd>Erstgespräch</dd>" in page and "2MM" not in page


def test_a_field_visit_letter_reads_as_a_home_visit(client, world):
    customer = make_customer(
        world.team_a, caseworker=world.alice, street="Lindenweg 3", postcode="96472", city="Rödental"
    )
    appointment = book(customer, world.alice, at(DAY, 15), mode=Appointment.FIELD)
    page = letter(client, appointment, world.alice.user)
    assert "wir möchten Sie zu einem Gespräch bei Ihnen zu Hause besuchen" in page
    assert "<dt>Ort</dt><dd>Hausbesuch bei Ihnen: Lindenweg 3, 96472 Rödental</dd>" in page
    assert "bitte kommen Sie" not in page


def integrated_needy(world, team, caseworker):
    return make_customer(team, caseworker=caseworker, employment="jobseeking", profile="integrated_needy")


def test_coburg_letters_to_integrated_needy_customers_name_the_opening_hours(client, world):
    office = make_office(world.coburg)  # Mon-Fri 8-12, Thu 14-18
    appointment = book(integrated_needy(world, world.team_a, world.alice), world.alice, at(DAY, 9), office=office)
    page = letter(client, appointment, world.alice.user)
    assert "Sie können sich auch ohne Termin persönlich bei uns melden, während der Öffnungszeiten:" in page
    assert (
        "<strong>Regionalstelle Rödental</strong>, Bürgerplatz 1, 96472 Rödental<br>Montag bis Mittwoch: "
        "08:00–12:00 Uhr<br>Donnerstag: 08:00–12:00 und 14:00–18:00 Uhr<br>Freitag: 08:00–12:00 Uhr"
    ) in page


def test_a_field_visit_letter_names_every_offices_hours(client, world):
    make_office(world.coburg)
    make_office(world.coburg, "Außenstelle Neustadt", hours=[(0, at(DAY, 8).time(), at(DAY, 12).time())])
    make_office(world.coburg, "Außenstelle ohne Zeiten", hours=[])
    customer = integrated_needy(world, world.team_a, world.alice)
    appointment = book(customer, world.alice, at(DAY, 15), mode=Appointment.FIELD)
    page = letter(client, appointment, world.alice.user)
    assert "Regionalstelle Rödental</strong>" in page and "Außenstelle Neustadt</strong>" in page
    assert "Außenstelle ohne Zeiten" not in page


@pytest.mark.parametrize("who", ["market_close in Coburg", "integrated_needy in Weimar"])
def test_other_letters_do_not_name_the_opening_hours(client, world, who):
    if who.endswith("Coburg"):
        customer, staff, centre = make_customer(world.team_a, caseworker=world.alice), world.alice, world.coburg
    else:
        customer, staff, centre = integrated_needy(world, world.weimar_team, world.dave), world.dave, world.weimar
    appointment = book(customer, staff, at(DAY, 9), office=make_office(centre))
    assert "ohne Termin persönlich" not in letter(client, appointment, staff.user)


def test_a_legal_notice_that_is_only_a_heading_is_no_notice(client, world):
    world.coburg.legal_notice = "Rechtsfolgenbelehrung:"
    world.coburg.save()
    appointment = book(make_customer(world.team_a, caseworker=world.alice), world.alice, at(DAY, 9))
    assert "Rechtsfolgenbelehrung" not in letter(client, appointment, world.alice.user)
