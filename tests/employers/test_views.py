"""The employer service's pages over HTTP: who sees what, forms that save through the services,
the start page of the employer service, proposals in the customer's history, the calendar."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from audit.models import Event
from caseload.models import AcquisitionSource, Customer
from employers import services
from employers.models import (
    ContactPerson,
    Employer,
    EmployerNote,
    JobOffer,
    PlacementProposal,
    ReachabilityStandard,
    ServiceDesk,
    ServiceHours,
)

from .factories import DAY, at, erin, make_customer, make_employer, make_offer, make_office, world  # noqa: F401

TODAY = timezone.localdate()


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_home_page_of_the_employer_service_is_its_start_page(client, world, erin):
    client.force_login(erin.user)
    assert client.get("/").url == reverse("employers:start")
    client.force_login(world.alice.user)
    assert client.get("/").url == reverse("worklist")


def test_others_start_at_the_directory(client, world):
    client.force_login(world.alice.user)
    assert client.get(reverse("employers:start")).url == reverse("employers:directory")


def test_an_employer_is_created_and_edited_through_the_form(client, world):
    client.force_login(world.alice.user)
    response = client.post(
        reverse("employers:employer_add"),
        {
            "name": "Metallbau Muster KG",
            "sector": "Metall",
            "postcode": "96450",
            "city": "Coburg",
            "size": "small",
            "account_manager": world.bob.pk,
        },
    )
    employer = Employer.objects.get(name="Metallbau Muster KG")
    assert response.url == reverse("employers:employer", args=[employer.pk])
    assert (employer.job_centre_id, employer.account_manager_id) == (world.coburg.pk, world.bob.pk)
    assert employer.history.first().history_user == world.alice.user
    response = client.post(
        reverse("employers:employer_edit", args=[employer.pk]),
        {"name": "Metallbau Muster KG", "city": "Rödental", "postcode": "96472", "version": 1},
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert (employer.city, employer.version) == ("Rödental", 2)


def test_the_form_says_what_is_wrong_beside_the_field(client, world):
    make_employer(world.coburg, "Metallbau Muster KG")
    client.force_login(world.alice.user)
    response = client.post(reverse("employers:employer_add"), {"name": "metallbau muster kg", "postcode": "12"})
    assert response.status_code == 400
    assert "steht schon im Verzeichnis" in text(response)
    assert "Fünf Ziffern." in text(response)


def test_another_job_centres_employer_is_a_404(client, world):
    employer = make_employer(world.weimar)
    client.force_login(world.alice.user)
    for name in (
        "employers:employer",
        "employers:employer_edit",
        "employers:note",
        "employers:book",
        "employers:offer_add",
    ):
        kwargs = {"employer_pk": employer.pk} if name == "employers:offer_add" else {"pk": employer.pk}
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name


def test_the_directory_lists_and_searches_the_own_job_centre(client, world, django_assert_num_queries):
    for i in range(3):
        make_offer(make_employer(world.coburg, f"Betrieb {i}", city="Coburg" if i else "Neustadt"))
    make_employer(world.weimar, "Betrieb in Apolda")
    client.force_login(world.alice.user)
    # session, user, staff; the page of employers (with open offers and fixed contact), the
    # count for the pages, the sectors
    with django_assert_num_queries(6):
        response = client.get(reverse("employers:directory"))
    page = text(response)
    assert "Betrieb 0" in page and "Betrieb 2" in page and "Apolda" not in page
    page = text(client.get(reverse("employers:directory"), {"suche": "Neustadt"}))
    assert "Betrieb 0" in page and "Betrieb 1" not in page


def test_the_employer_page_shows_contacts_offers_notes_and_appointments(client, world, django_assert_num_queries):
    employer = make_employer(world.coburg)
    services.save_contact_person(employer=employer, by=None, name="Frau Personal", role="Personalleitung")
    make_offer(employer, title="Lagerist/in")
    services.record_employer_note(employer=employer, by=world.alice.user, date=TODAY, channel="phone", summary="Bedarf")
    client.force_login(world.alice.user)
    # session, user, staff, employer (+fixed contact); contacts, offers (with counts), notes,
    # appointments
    with django_assert_num_queries(8):
        response = client.get(reverse("employers:employer", args=[employer.pk]))
    page = text(response)
    assert "Frau Personal , Personalleitung" in page and "Lagerist/in" in page and "Bedarf" in page


def test_a_contact_person_and_a_note_are_added_through_the_forms(client, world):
    employer = make_employer(world.coburg)
    client.force_login(world.alice.user)
    client.post(
        reverse("employers:contact_add", args=[employer.pk]),
        {"name": "Herr Meister", "phone": "09561 1", "preferred_channel": "phone", "active": "on"},
    )
    contact = ContactPerson.objects.get()
    response = client.post(
        reverse("employers:note", args=[employer.pk]),
        {"date": TODAY.isoformat(), "channel": "phone", "contact_person": contact.pk, "summary": "Zwei Stellen"},
    )
    assert response.status_code == 302
    assert EmployerNote.objects.get().contact_person == contact


def test_booking_an_employer_appointment_puts_it_in_the_calendar(client, world):
    employer, office = make_employer(world.coburg), make_office(world.coburg)
    client.force_login(world.alice.user)
    response = client.post(
        reverse("employers:book", args=[employer.pk]),
        {
            "day": DAY().isoformat(),
            "time": "09:00",
            "minutes": 60,
            "mode": "office",
            "office": office.pk,
            "topic": "Stellenakquise",
        },
    )
    appointment = Appointment.objects.get()
    assert response.url == reverse("employers:appointment", args=[appointment.pk])
    day = text(client.get(reverse("appointments:day"), {"tag": DAY().isoformat()}))
    assert "Arbeitgeber Arbeitgebertermin: Autohaus Beispiel GmbH" in day
    assert client.get(reverse("appointments:detail", args=[appointment.pk])).status_code == 404
    assert client.get(reverse("employers:appointment", args=[appointment.pk])).status_code == 200


def test_a_double_booking_is_refused_beside_the_field(client, world):
    employer, office = make_employer(world.coburg), make_office(world.coburg)
    client.force_login(world.alice.user)
    data = {
        "day": DAY().isoformat(),
        "time": "09:00",
        "minutes": 60,
        "mode": "office",
        "office": office.pk,
        "topic": "Stellenakquise",
    }
    client.post(reverse("employers:book", args=[employer.pk]), data)
    response = client.post(reverse("employers:book", args=[employer.pk]), {**data, "time": "09:30"})
    assert response.status_code == 400
    assert "schon einen Termin" in text(response)


def test_the_calendar_feed_names_no_employer(client, world):
    from appointments.models import CalendarFeed

    employer, office = make_employer(world.coburg, "Bäckerei Anna Beispiel"), make_office(world.coburg)
    services.book_employer_appointment(
        employer=employer,
        caseworker=world.alice,
        by=world.alice.user,
        start=at(DAY(), 9),
        minutes=30,
        office=office,
        topic="Besuch",
    )
    feed = CalendarFeed.objects.create(staff=world.alice)
    body = client.get(reverse("appointments:feed", args=[feed.address(world.alice.user)])).content.decode()
    assert "Arbeitgebertermin (Einzelheiten in Kontaktdichte)" in body
    assert "Anna" not in body


def test_attended_employer_appointment_leads_to_its_note(client, world):
    employer = make_employer(world.coburg)
    start = timezone.now() - timedelta(hours=2)
    link = services.book_employer_appointment(
        employer=employer,
        caseworker=world.alice,
        by=world.alice.user,
        start=start,
        minutes=30,
        mode=Appointment.FIELD,
        topic="Besuch",
        now=start - timedelta(days=1),
    )
    client.force_login(world.alice.user)
    response = client.post(reverse("employers:appointment_attended", args=[link.pk]), {"version": 1})
    assert response.url == reverse("employers:appointment_note", args=[link.pk])
    page = client.get(response.url).content.decode()
    assert re.search(r'value="in_person"[^>]*checked', page)
    response = client.post(
        response.url, {"date": TODAY.isoformat(), "channel": "in_person", "summary": "Betrieb besichtigt"}
    )
    assert EmployerNote.objects.get().appointment_id == link.pk


# --- Offers and proposals ----------------------------------------------------------------------


def test_a_caseworker_proposes_a_team_customer_from_the_customer_page(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    offer = make_offer(make_employer(world.coburg))
    client.force_login(world.alice.user)
    assert (
        reverse("employers:propose", args=[customer.pk])
        in client.get(reverse("customer", args=[customer.pk])).content.decode()
    )
    response = client.post(
        reverse("employers:propose", args=[customer.pk]), {"offer": offer.pk, "proposed_on": TODAY.isoformat()}
    )
    proposal = PlacementProposal.objects.get()
    assert response.url == reverse("employers:proposal", args=[proposal.pk])
    assert "Vermittlungsvorschlag" in text(client.get(reverse("customer", args=[customer.pk])))


def test_another_teams_customer_cannot_be_proposed_or_read_by_a_caseworker(client, world):
    customer = make_customer(world.team_b, caseworker=world.charlie)
    proposal = services.propose(customer=customer, offer=make_offer(make_employer(world.coburg)), by=world.charlie.user)
    client.force_login(world.alice.user)
    assert client.get(reverse("employers:propose", args=[customer.pk])).status_code == 404
    assert client.get(reverse("employers:proposal", args=[proposal.pk])).status_code == 404
    assert "anderes Team" in text(client.get(reverse("employers:offer", args=[proposal.offer_id])))


def test_the_employer_service_proposes_any_open_case_by_number_and_the_page_is_audited(client, world, erin):
    customer = make_customer(world.team_b, caseworker=world.charlie)
    offer = make_offer(make_employer(world.coburg))
    client.force_login(erin.user)
    response = client.post(
        reverse("employers:offer", args=[offer.pk]), {"number": "nope", "proposed_on": TODAY.isoformat()}
    )
    assert response.status_code == 400 and "Keine offene Kundennummer" in text(response)
    client.post(
        reverse("employers:offer", args=[offer.pk]), {"number": customer.number, "proposed_on": TODAY.isoformat()}
    )
    proposal = PlacementProposal.objects.get()
    page = text(client.get(reverse("employers:proposal", args=[proposal.pk])))
    assert customer.last_name in page
    assert Event.objects.filter(
        action=Event.CUSTOMER_VIEWED, customer_id=customer.pk, what="placement_proposal"
    ).exists()


def test_a_caseworker_cannot_propose_from_the_offer_page(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    offer = make_offer(make_employer(world.coburg))
    client.force_login(world.alice.user)
    client.post(
        reverse("employers:offer", args=[offer.pk]), {"number": customer.number, "proposed_on": TODAY.isoformat()}
    )
    assert not PlacementProposal.objects.exists()


def test_a_hire_offers_to_close_the_gcfak_case_and_appears_in_the_history(client, world):
    source = AcquisitionSource.objects.create(job_centre=world.coburg, name="Runder Tisch")
    customer = make_customer(world.team_a, caseworker=world.alice, acquisition_source=source)
    proposal = services.propose(customer=customer, offer=make_offer(make_employer(world.coburg)), by=world.alice.user)
    client.force_login(world.alice.user)
    form = text(client.get(reverse("employers:proposal", args=[proposal.pk])))
    assert "GCfaK-Fall abschließen: Arbeitsstelle angenommen" in form
    client.post(
        reverse("employers:proposal", args=[proposal.pk]),
        {"outcome": "hired", "outcome_on": TODAY.isoformat(), "version": 1, "close_case": "on"},
    )
    customer.refresh_from_db()
    assert (customer.closed_on, customer.closing_outcome) == (TODAY, "job_taken")
    history = text(client.get(reverse("customer", args=[customer.pk])))
    assert "Vermittlungsvorschlag: eingestellt" in history


def test_without_closing_the_history_offers_it_and_the_close_form_comes_filled_in(client, world):
    source = AcquisitionSource.objects.create(job_centre=world.coburg, name="Runder Tisch")
    customer = make_customer(world.team_a, caseworker=world.alice, acquisition_source=source)
    proposal = services.propose(customer=customer, offer=make_offer(make_employer(world.coburg)), by=world.alice.user)
    services.record_outcome(proposal=proposal, by=world.alice.user, outcome="hired", on=TODAY)
    client.force_login(world.alice.user)
    page = client.get(reverse("customer", args=[customer.pk])).content.decode()
    link = reverse("close_case", args=[customer.pk]) + "?ergebnis=job_taken"
    assert link in page
    form = client.get(link).content.decode()
    assert re.search(r'value="job_taken"[^>]*checked', form)


def test_the_outcome_form_hides_closing_for_the_employer_service(client, world, erin):
    source = AcquisitionSource.objects.create(job_centre=world.coburg, name="Runder Tisch")
    customer = make_customer(world.team_a, caseworker=world.alice, acquisition_source=source)
    proposal = services.propose(customer=customer, offer=make_offer(make_employer(world.coburg)), by=erin.user)
    client.force_login(erin.user)
    assert "GCfaK-Fall abschließen" not in text(client.get(reverse("employers:proposal", args=[proposal.pk])))
    client.post(
        reverse("employers:proposal", args=[proposal.pk]),
        {"outcome": "hired", "outcome_on": TODAY.isoformat(), "version": 1, "close_case": "on"},
    )
    customer.refresh_from_db()
    assert customer.closed_on is None
    assert PlacementProposal.objects.get().outcome == "hired"


# --- The employer service's start page ---------------------------------------------------------


def test_the_start_page_lists_tasks_offers_waiting_proposals_and_reachability(
    client, world, erin, django_assert_num_queries
):
    customer = make_customer(world.team_a, caseworker=world.alice)
    Customer.objects.filter(pk=customer.pk).update(due_flags=["employer_service_task"])
    offer = make_offer(
        make_employer(world.coburg, account_manager=erin),
        title="Lagerhelfer/in",
        received_on=TODAY - timedelta(days=30),
    )
    services.propose(customer=customer, offer=offer, by=erin.user, on=TODAY - timedelta(days=20))
    ReachabilityStandard.objects.create(job_centre=world.coburg)
    desk = ServiceDesk.objects.create(job_centre=world.coburg, phone="09561 99")
    ServiceHours.objects.bulk_create(
        [ServiceHours(desk=desk, weekday=d, start="08:00", end="17:00") for d in range(4)]
        + [ServiceHours(desk=desk, weekday=4, start="08:00", end="13:00")]
    )
    client.force_login(erin.user)
    # session, user, staff; tasks (customers with measures, their titles, the count), open
    # offers, waiting proposals, my employers, the standard, desks, hours
    with django_assert_num_queries(12):
        response = client.get(reverse("employers:start"))
    page = text(response)
    assert customer.number in page
    assert "Lagerhelfer/in" in page
    assert "seit 20 Tagen" in page
    assert "Freitag: nicht erreichbar 13:00–17:00 Uhr." in page
    assert "Montag bis Freitag 08:00–17:00 Uhr" in page
    assert customer.last_name not in page  # numbers only in lists


def test_the_start_page_shows_no_other_job_centres_tasks(client, world, erin):
    other = make_customer(world.weimar_team, caseworker=world.dave, profile="market_close")
    Customer.objects.filter(pk=other.pk).update(due_flags=["employer_service_task"])
    client.force_login(erin.user)
    assert other.number not in text(client.get(reverse("employers:start")))


def test_offers_list_shows_open_offers_of_the_job_centre(client, world):
    make_offer(make_employer(world.coburg), title="Fachkraft Lager")
    make_offer(make_employer(world.coburg, "Zweiter"), title="Besetzt", status=JobOffer.FILLED)
    make_offer(make_employer(world.weimar), title="Anderswo")
    client.force_login(world.alice.user)
    page = text(client.get(reverse("employers:offers")))
    assert "Fachkraft Lager" in page and "Besetzt" not in page and "Anderswo" not in page
