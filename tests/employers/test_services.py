"""The employer service's writes: employers, contact persons, notes, employer appointments
(no double booking with customers' appointments, Coburg's bookable channels), job offers,
placement proposals and their outcomes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from appointments.models import Appointment
from audit.models import Event
from caseload.models import AcquisitionSource, Customer
from caseload.services import ServiceError, StaleEdit
from employers import services
from employers.models import EmployerNote, JobOffer, PlacementProposal

from ..appointments.factories import book
from .factories import DAY, at, erin, make_customer, make_employer, make_offer, make_office, world  # noqa: F401

TODAY = timezone.localdate()


# --- Employers and contact persons -------------------------------------------------------------


def test_an_employer_name_is_unique_in_its_job_centre_only(world):
    make_employer(world.coburg, "Bäckerei Sonnenschein")
    with pytest.raises(ServiceError) as error:
        make_employer(world.coburg, "bäckerei sonnenschein")
    assert "steht schon im Verzeichnis" in error.value.message_dict["name"][0]
    assert make_employer(world.weimar, "Bäckerei Sonnenschein").job_centre_id == world.weimar.pk


def test_the_fixed_contact_must_work_in_the_same_job_centre(world):
    with pytest.raises(ServiceError) as error:
        make_employer(world.coburg, account_manager=world.dave)
    assert "anderen Jobcenter" in error.value.message_dict["account_manager"][0]


def test_a_stale_edit_of_an_employer_is_refused_and_names_who_changed_what(world):
    employer = make_employer(world.coburg, sector="Handwerk", by=world.alice.user)
    services.update_employer(employer=employer, by=world.bob.user, expected_version=1, sector="Kfz")
    with pytest.raises(StaleEdit) as error:
        services.update_employer(employer=employer, by=world.alice.user, expected_version=1, city="Coburg")
    assert "Branche: Handwerk → Kfz" in error.value.messages[0]
    employer.refresh_from_db()
    assert (employer.version, employer.city) == (2, "")


def test_contact_person_preferring_the_phone_needs_a_number(world):
    employer = make_employer(world.coburg)
    with pytest.raises(ServiceError) as error:
        services.save_contact_person(employer=employer, by=None, name="Frau Beispiel", preferred_channel="phone")
    assert "Telefonnummer" in error.value.message_dict["phone"][0]
    contact = services.save_contact_person(
        employer=employer, by=None, name="Frau Beispiel", role="Personal", phone="09561 0000", preferred_channel="phone"
    )
    assert (contact.job_centre_id, contact.employer_id) == (world.coburg.pk, employer.pk)


# --- Notes -------------------------------------------------------------------------------------


def test_a_note_is_refused_for_a_future_day_and_kept_otherwise(world):
    employer = make_employer(world.coburg)
    with pytest.raises(ServiceError) as error:
        services.record_employer_note(
            employer=employer, by=world.alice.user, date=TODAY + timedelta(days=1), channel="phone", summary="x"
        )
    assert "date" in error.value.message_dict
    note = services.record_employer_note(
        employer=employer, by=world.alice.user, date=TODAY, channel="phone", summary=" Stellenbedarf besprochen "
    )
    assert (note.summary, note.author_id) == ("Stellenbedarf besprochen", world.alice.user.pk)


def test_a_note_names_only_the_employers_own_contact_person(world):
    employer, other = make_employer(world.coburg), make_employer(world.coburg, "Anderer Betrieb")
    stranger = services.save_contact_person(employer=other, by=None, name="Herr Fremd")
    with pytest.raises(ServiceError) as error:
        services.record_employer_note(
            employer=employer, by=world.alice.user, date=TODAY, channel="phone", summary="x", contact_person=stranger
        )
    assert "anderen Arbeitgeber" in error.value.message_dict["contact_person"][0]


# --- Employer appointments ---------------------------------------------------------------------


def _book_employer(employer, staff, start, minutes=60, mode=Appointment.OFFICE, office=None, now=None):
    office = office or (make_office(employer.job_centre) if mode == Appointment.OFFICE else None)
    return services.book_employer_appointment(
        employer=employer,
        caseworker=staff,
        by=staff.user,
        start=start,
        minutes=minutes,
        mode=mode,
        office=office,
        topic="Stellenakquise",
        now=now or start - timedelta(days=1),
    )


def test_an_employer_appointment_occupies_the_caseworkers_time_without_a_customer(world):
    link = _book_employer(make_employer(world.coburg), world.alice, at(DAY(), 9))
    appointment = link.appointment
    assert appointment.customer_id is None
    assert appointment.kind == Appointment.EMPLOYER
    assert appointment.subject == "Arbeitgebertermin: Autohaus Beispiel GmbH"
    assert (appointment.job_centre_id, link.job_centre_id) == (world.coburg.pk, world.coburg.pk)


def test_no_customer_appointment_while_the_caseworker_meets_an_employer_and_vice_versa(world):
    employer, customer = make_employer(world.coburg), make_customer(world.team_a, caseworker=world.alice)
    link = _book_employer(employer, world.alice, at(DAY(), 9), minutes=60)
    with pytest.raises(ServiceError) as error:
        book(customer, world.alice, at(DAY(), 9, 30), office=link.appointment.office)
    assert "schon einen Termin" in error.value.message_dict["start"][0]
    book(customer, world.alice, at(DAY(), 10, 30), minutes=30, office=link.appointment.office)
    with pytest.raises(ServiceError) as error:
        _book_employer(employer, world.alice, at(DAY(), 10), office=link.appointment.office)
    assert "schon einen Termin" in error.value.message_dict["start"][0]


def test_coburg_books_employer_contacts_in_person_only(world):
    """001 §2.1: "In ATV sind ausschließlich persönliche Kunden- oder Arbeitgeberkontakte ...
    zu terminieren"."""
    employer = make_employer(world.coburg)
    with pytest.raises(ServiceError) as error:
        _book_employer(employer, world.alice, at(DAY(), 9), mode=Appointment.PHONE)
    assert "keine Telefongespräche" in error.value.message_dict["mode"][0]
    assert _book_employer(employer, world.alice, at(DAY(), 14), mode=Appointment.FIELD).appointment.mode == "field"


def test_an_employer_appointment_in_the_office_lies_in_its_opening_hours_in_coburg(world):
    employer = make_employer(world.coburg)
    with pytest.raises(ServiceError) as error:
        _book_employer(employer, world.alice, at(DAY(), 15))  # Tuesday afternoon: closed
    assert "start" in error.value.message_dict


def test_an_employer_appointment_is_attended_or_cancelled_once(world):
    employer = make_employer(world.coburg)
    start = at(DAY(), 9)
    link = _book_employer(employer, world.alice, start)
    with pytest.raises(ServiceError):
        services.record_employer_attendance(link=link, by=world.alice.user, now=start - timedelta(hours=1))
    services.record_employer_attendance(link=link, by=world.alice.user, now=start, expected_version=1)
    with pytest.raises(ServiceError) as error:
        services.cancel_employer_appointment(link=link, by=world.alice.user, by_employer=True)
    assert "bereits wahrgenommen" in error.value.messages[0]
    note = services.record_employer_note(
        employer=employer,
        by=world.alice.user,
        date=TODAY,
        channel="in_person",
        summary="Besuch",
        appointment=link.appointment,
    )
    assert note.appointment_id == link.appointment_id
    with pytest.raises(ServiceError):
        services.record_employer_note(
            employer=employer,
            by=world.alice.user,
            date=TODAY,
            channel="in_person",
            summary="2",
            appointment=link.appointment,
        )
    assert EmployerNote.objects.count() == 1


def test_a_cancelled_employer_appointment_frees_the_time_and_reads_as_cancelled_by_the_employer(world):
    employer, customer = make_employer(world.coburg), make_customer(world.team_a, caseworker=world.alice)
    link = _book_employer(employer, world.alice, at(DAY(), 9))
    appointment = services.cancel_employer_appointment(link=link, by=world.alice.user, by_employer=True, reason="krank")
    assert appointment.status_label == "abgesagt (Arbeitgeber)"
    book(customer, world.alice, at(DAY(), 9), office=appointment.office)


def test_employer_appointments_never_touch_a_customers_due_date_or_the_audit_trail(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    before = Customer.objects.values_list("due_by", "last_contact_on").get(pk=customer.pk)
    events = Event.objects.count()
    employer = make_employer(world.coburg)
    start = at(DAY(), 9)
    link = _book_employer(employer, world.alice, start)
    services.record_employer_attendance(link=link, by=world.alice.user, now=start)
    assert Customer.objects.values_list("due_by", "last_contact_on").get(pk=customer.pk) == before
    assert Event.objects.count() == events


# --- Offers and proposals ----------------------------------------------------------------------


def test_an_offer_needs_a_title_and_positions(world):
    employer = make_employer(world.coburg)
    with pytest.raises(ServiceError) as error:
        services.save_offer(employer=employer, by=None, title=" ", positions=0)
    assert set(error.value.message_dict) == {"title", "positions"}
    offer = make_offer(employer)
    assert (offer.status, offer.job_centre_id) == (JobOffer.OPEN, world.coburg.pk)


def test_a_proposal_is_audited_and_made_once_per_customer_and_offer(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    offer = make_offer(make_employer(world.coburg))
    proposal = services.propose(customer=customer, offer=offer, by=world.alice.user)
    assert proposal.outcome == PlacementProposal.PENDING
    event = Event.objects.get(what="placement_proposal")
    assert (event.customer_id, event.object_type, event.object_id) == (customer.pk, "placementproposal", proposal.pk)
    with pytest.raises(ServiceError) as error:
        services.propose(customer=customer, offer=offer, by=world.alice.user)
    assert "schon vorgeschlagen" in error.value.message_dict["offer"][0]


def test_proposals_go_only_to_open_offers_of_the_customers_job_centre(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    filled = make_offer(make_employer(world.coburg), status=JobOffer.FILLED)
    elsewhere = make_offer(make_employer(world.weimar))
    with pytest.raises(ServiceError) as error:
        services.propose(customer=customer, offer=filled, by=world.alice.user)
    assert "besetzt" in error.value.message_dict["offer"][0]
    with pytest.raises(ServiceError) as error:
        services.propose(customer=customer, offer=elsewhere, by=world.alice.user)
    assert "anderen Jobcenter" in error.value.message_dict["customer"][0]


def test_an_outcome_needs_a_day_not_before_the_proposal(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    proposal = services.propose(
        customer=customer,
        offer=make_offer(make_employer(world.coburg)),
        by=world.alice.user,
        on=TODAY - timedelta(days=3),
    )
    with pytest.raises(ServiceError) as error:
        services.record_outcome(
            proposal=proposal, by=world.alice.user, outcome="rejected", on=TODAY - timedelta(days=4)
        )
    assert "outcome_on" in error.value.message_dict
    with pytest.raises(ServiceError):
        services.record_outcome(proposal=proposal, by=world.alice.user, outcome="pending", on=TODAY)
    services.record_outcome(proposal=proposal, by=world.alice.user, outcome="no_answer", on=TODAY, expected_version=1)
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.outcome_on, proposal.version) == ("no_answer", TODAY, 2)


def test_a_hire_fills_the_offer_once_its_positions_are_taken(world):
    offer = make_offer(make_employer(world.coburg), positions=2)
    one, two = (make_customer(world.team_a, caseworker=world.alice) for _ in range(2))
    first = services.propose(customer=one, offer=offer, by=world.alice.user)
    second = services.propose(customer=two, offer=offer, by=world.alice.user)
    services.record_outcome(proposal=first, by=world.alice.user, outcome="hired", on=TODAY)
    offer.refresh_from_db()
    assert offer.status == JobOffer.OPEN
    services.record_outcome(proposal=second, by=world.alice.user, outcome="hired", on=TODAY)
    offer.refresh_from_db()
    assert (offer.status, offer.version) == (JobOffer.FILLED, 2)


def test_a_hire_closes_a_gcfak_case_as_job_taken_when_asked(world):
    source = AcquisitionSource.objects.create(job_centre=world.coburg, name="Beratungstag")
    customer = make_customer(world.team_a, caseworker=world.alice, acquisition_source=source)
    proposal = services.propose(customer=customer, offer=make_offer(make_employer(world.coburg)), by=world.alice.user)
    services.record_outcome(proposal=proposal, by=world.alice.user, outcome="hired", on=TODAY, close_case=True)
    customer.refresh_from_db()
    assert (customer.closed_on, customer.closing_outcome, customer.case_status) == (TODAY, "job_taken", "closed")


def test_only_an_open_gcfak_case_is_closed_by_a_hire(world):
    customer = make_customer(world.team_a, caseworker=world.alice)  # no acquisition source: not GCfaK
    proposal = services.propose(customer=customer, offer=make_offer(make_employer(world.coburg)), by=world.alice.user)
    with pytest.raises(ServiceError) as error:
        services.record_outcome(proposal=proposal, by=world.alice.user, outcome="hired", on=TODAY, close_case=True)
    assert "GCfaK" in error.value.message_dict["close_case"][0]
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_proposals_are_deleted_with_the_customer(world):
    from caseload.deletion import delete_customers

    customer = make_customer(world.team_a, caseworker=world.alice)
    proposal = services.propose(customer=customer, offer=make_offer(make_employer(world.coburg)), by=world.alice.user)
    delete_customers(job_centre_id=world.coburg.pk, customer_ids=[customer.pk])
    assert not PlacementProposal.objects.exists()
    assert not PlacementProposal.history.filter(id=proposal.pk).exists()
