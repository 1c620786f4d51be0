"""Every write of the employer service: one transaction each, German messages in
`ServiceError` (the caseload app's), `check_version` where two people may edit the same record
(employers, contact persons, job offers, placement proposals). Forms call the same `check_*`
functions first, so the message appears beside the field.

Employers and their contact persons are not customers: their changes are kept in the history
tables, not in the audit trail. Placement proposals name a customer: every change of one is an
audit event (`audit.events.record`) and the customer's row is locked first, as the caseload
services do.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from appointments import services as appointment_services
from appointments.models import Appointment, Office
from audit import events as audit
from caseload import services as caseload_services
from caseload.models import Customer, Staff
from caseload.services import ServiceError, check_version
from kontaktdichte import formats
from kontaktdichte.plausible import SGB_II_START, years_ahead
from policies.models import RuleSet

from .models import (
    CHANNELS,
    ContactPerson,
    Employer,
    EmployerAppointment,
    EmployerNote,
    JobOffer,
    PlacementProposal,
)

log = logging.getLogger(__name__)

EMPLOYER_FIELDS = ("name", "sector", "street", "postcode", "city", "size", "notes", "account_manager")
CONTACT_FIELDS = ("name", "role", "phone", "email", "preferred_channel", "active")
OFFER_FIELDS = (
    "title",
    "location",
    "working_time",
    "positions",
    "starts_on",
    "received_on",
    "description",
    "status",
    "contact_person",
)
FOLLOW_UP_YEARS_AT_MOST = 2


def _attributed(instance, by):
    if by is not None:
        instance._history_user = by
    return instance


def _save_edit(instance, by, fields: dict) -> list[str]:
    """Apply `fields`, raise the version if anything changed and save; the changed names."""
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    if changed:
        instance.version += 1
        _attributed(instance, by).save()
    return changed


# --- Employers ---------------------------------------------------------------------------------


def check_employer(job_centre_id: int, *, name: str, account_manager: Staff | None, exclude_pk=None) -> dict[str, str]:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Bitte den Namen des Arbeitgebers angeben."
    elif Employer.objects.filter(job_centre_id=job_centre_id, name__iexact=name).exclude(pk=exclude_pk).exists():
        errors["name"] = f"„{name}“ steht schon im Verzeichnis: bitte dort ergänzen statt doppelt anlegen."
    if account_manager is not None and account_manager.job_centre_id != job_centre_id:
        errors["account_manager"] = "Die Ansprechperson gehört zu einem anderen Jobcenter."
    return errors


@transaction.atomic
def create_employer(*, job_centre_id: int, by, **fields) -> Employer:
    fields = {name: fields.get(name, "" if name != "account_manager" else None) for name in EMPLOYER_FIELDS}
    fields["name"] = (fields["name"] or "").strip()
    errors = check_employer(job_centre_id, name=fields["name"], account_manager=fields["account_manager"])
    if errors:
        raise ServiceError(errors)
    employer = _attributed(Employer(job_centre_id=job_centre_id, **fields), by)
    employer.save()
    log.info("employer %s created in job centre %s by user id %s", employer.pk, job_centre_id, getattr(by, "pk", None))
    return employer


@transaction.atomic
def update_employer(*, employer: Employer, by, expected_version: int | None = None, **fields) -> list[str]:
    """Change the employer's data; returns the names of the fields that changed."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk, job_centre_id=employer.job_centre_id)
    check_version(employer, expected_version)
    fields = {name: value for name, value in fields.items() if name in EMPLOYER_FIELDS}
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    errors = check_employer(
        employer.job_centre_id,
        name=fields.get("name", employer.name),
        account_manager=fields.get("account_manager", employer.account_manager),
        exclude_pk=employer.pk,
    )
    if errors:
        raise ServiceError(errors)
    return _save_edit(employer, by, fields)


# --- Contact persons ---------------------------------------------------------------------------


def check_contact_person(*, name: str, phone: str, email: str, preferred_channel: str) -> dict[str, str]:
    errors = {}
    if not (name or "").strip():
        errors["name"] = "Bitte den Namen angeben."
    if preferred_channel and preferred_channel not in dict(CHANNELS):
        errors["preferred_channel"] = "Unbekannter Kontaktweg."
    elif preferred_channel == "phone" and not (phone or "").strip():
        errors["phone"] = "Bevorzugt telefonisch: bitte eine Telefonnummer angeben."
    elif preferred_channel == "email" and not (email or "").strip():
        errors["email"] = "Bevorzugt per E-Mail: bitte eine E-Mail-Adresse angeben."
    return errors


@transaction.atomic
def save_contact_person(
    *, employer: Employer, by, contact: ContactPerson | None = None, expected_version: int | None = None, **fields
) -> ContactPerson:
    """A new contact person of the employer (`contact` None) or a change of one."""
    fields = {name: value for name, value in fields.items() if name in CONTACT_FIELDS}
    current = {name: getattr(contact, name) for name in CONTACT_FIELDS} if contact else {}
    merged = {**{"name": "", "role": "", "phone": "", "email": "", "preferred_channel": ""}, **current, **fields}
    if contact is not None:
        contact = ContactPerson.objects.select_for_update().get(
            pk=contact.pk, employer_id=employer.pk, job_centre_id=employer.job_centre_id
        )
        check_version(contact, expected_version)
    errors = check_contact_person(
        name=merged["name"], phone=merged["phone"], email=merged["email"], preferred_channel=merged["preferred_channel"]
    )
    if errors:
        raise ServiceError(errors)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    if contact is None:
        contact = _attributed(ContactPerson(job_centre_id=employer.job_centre_id, employer=employer, **fields), by)
        contact.save()
    else:
        _save_edit(contact, by, fields)
    return contact


def _contact_of(employer: Employer, contact: ContactPerson | None) -> dict[str, str]:
    if contact is not None and (contact.employer_id != employer.pk or contact.job_centre_id != employer.job_centre_id):
        return {"contact_person": "Diese Person gehört zu einem anderen Arbeitgeber."}
    return {}


# --- Notes -------------------------------------------------------------------------------------


def check_note(*, date: date, channel: str, summary: str, follow_up_on: date | None, today: date) -> dict[str, str]:
    errors = {}
    if date > today:
        errors["date"] = "Ein Vermerk kann nicht für einen künftigen Tag geschrieben werden."
    elif date < SGB_II_START:
        errors["date"] = f"Der Kontakt liegt vor dem {formats.day(SGB_II_START)}: bitte das Datum prüfen."
    if channel not in dict(CHANNELS):
        errors["channel"] = "Bitte die Kontaktart wählen."
    if not (summary or "").strip():
        errors["summary"] = "Bitte den Kontakt kurz zusammenfassen."
    if follow_up_on is not None and follow_up_on <= date:
        errors["follow_up_on"] = "Die Wiedervorlage muss nach dem Kontakt liegen."
    elif (
        follow_up_on is not None and "date" not in errors and follow_up_on > years_ahead(date, FOLLOW_UP_YEARS_AT_MOST)
    ):
        errors["follow_up_on"] = (
            f"Die Wiedervorlage darf höchstens {FOLLOW_UP_YEARS_AT_MOST} Jahre nach dem Kontakt liegen."
        )
    return errors


@transaction.atomic
def record_employer_note(
    *,
    employer: Employer,
    by,
    date: date,
    channel: str,
    summary: str,
    contact_person: ContactPerson | None = None,
    follow_up_on: date | None = None,
    appointment: Appointment | None = None,
    today: date | None = None,
) -> EmployerNote:
    """A note on a contact with the employer; with `appointment`, the note of that (attended)
    employer appointment, written once."""
    today = today or timezone.localdate()
    errors = check_note(date=date, channel=channel, summary=summary, follow_up_on=follow_up_on, today=today)
    errors.update(_contact_of(employer, contact_person))
    if appointment is not None:
        appointment = Appointment.objects.select_for_update().get(
            pk=appointment.pk, job_centre_id=employer.job_centre_id
        )
        if appointment.status != Appointment.ATTENDED:
            errors["__all__"] = "Ein Vermerk zum Termin geht erst, wenn er als wahrgenommen erfasst ist."
        elif EmployerNote.objects.filter(appointment_id=appointment.pk).exists():
            errors["__all__"] = "Zu diesem Termin gibt es schon einen Vermerk."
    if errors:
        raise ServiceError(errors)
    note = _attributed(
        EmployerNote(
            job_centre_id=employer.job_centre_id,
            employer=employer,
            contact_person=contact_person,
            date=date,
            channel=channel,
            summary=summary.strip(),
            follow_up_on=follow_up_on,
            author=by,
            appointment=appointment,
        ),
        by,
    )
    note.save()
    log.info("employer note %s recorded for employer %s", note.pk, employer.pk)
    return note


# --- Appointments ------------------------------------------------------------------------------


@transaction.atomic
def book_employer_appointment(
    *,
    employer: Employer,
    caseworker: Staff,
    by,
    start: datetime,
    minutes: int,
    topic: str,
    mode: str = Appointment.OFFICE,
    office: Office | None = None,
    contact_person: ContactPerson | None = None,
    now: datetime | None = None,
) -> EmployerAppointment:
    """An appointment with the employer in the caseworker's calendar: the same checks as a
    customer's booking (a plausible future start, an office of the job centre, the rule set's
    bookable channels, in Coburg Land in person only, and its opening hours) and never at the
    same time as another appointment of the caseworker, preparation included. It occupies the
    caseworker's time; it never counts toward a customer's contact density."""
    now = now or timezone.now()
    appointment_services.lock_staff(caseworker)
    errors = appointment_services.check_time_and_place(
        job_centre_id=employer.job_centre_id,
        caseworker=caseworker,
        start=start,
        minutes=minutes,
        mode=mode,
        office=office,
        now=now,
    )
    errors.update(_contact_of(employer, contact_person))
    topic = (topic or "").strip()
    if not topic:
        errors["topic"] = "Bitte den Anlass angeben, z. B. „Stellenakquise“ oder „Betriebsbesuch“."
    end = start + timedelta(minutes=minutes or 0)
    if not errors.keys() & {"start", "office", "minutes"}:
        rule_set = RuleSet.objects.of_job_centre_on(employer.job_centre_id, timezone.localdate(start))
        for field, message in appointment_services.schedule_errors(
            rule_set, mode=mode, kind=Appointment.EMPLOYER, start=start, end=end, office=office
        ).items():
            errors.setdefault(field, message)
    if errors:
        raise ServiceError(errors)
    appointment = Appointment(
        job_centre_id=employer.job_centre_id,
        customer=None,
        caseworker=caseworker,
        mode=mode,
        office=office if mode == Appointment.OFFICE else None,
        start=start,
        end=end,
        blocked_until=end,
        kind=Appointment.EMPLOYER,
        subject=f"Arbeitgebertermin: {employer.name}"[: Appointment._meta.get_field("subject").max_length],
        booked_by=by,
    )
    appointment_services.save_without_overlap(_attributed(appointment, by))
    link = EmployerAppointment.objects.create(
        appointment=appointment,
        job_centre_id=employer.job_centre_id,
        employer=employer,
        contact_person=contact_person,
        topic=topic,
    )
    log.info("employer appointment %s booked with employer %s, staff id %s", appointment.pk, employer.pk, caseworker.pk)
    return link


def _planned(link: EmployerAppointment, expected_version: int | None, by) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(
        pk=link.appointment_id, job_centre_id=link.job_centre_id, kind=Appointment.EMPLOYER
    )
    check_version(appointment, expected_version)
    if appointment.status != Appointment.PLANNED:
        raise ServiceError({"__all__": f"Der Termin ist bereits {appointment.status_label}."})
    return _attributed(appointment, by)


@transaction.atomic
def record_employer_attendance(
    *, link: EmployerAppointment, by, expected_version: int | None = None, now: datetime | None = None
) -> Appointment:
    """The appointment took place; the note follows (`record_employer_note` with it)."""
    now = now or timezone.now()
    appointment = _planned(link, expected_version, by)
    if appointment.start > now:
        raise ServiceError({"__all__": "Ein Termin kann erst ab seinem Beginn als wahrgenommen erfasst werden."})
    appointment.status, appointment.version = Appointment.ATTENDED, appointment.version + 1
    appointment.save(update_fields=["status", "version"])
    return appointment


@transaction.atomic
def cancel_employer_appointment(
    *, link: EmployerAppointment, by, by_employer: bool, reason: str = "", expected_version: int | None = None
) -> Appointment:
    """Cancelled by the employer (stored as the other party's cancellation) or by the job
    centre; the caseworker's time is free again."""
    appointment = _planned(link, expected_version, by)
    appointment.status = Appointment.CANCELLED_CUSTOMER if by_employer else Appointment.CANCELLED_CENTRE
    appointment.outcome_reason = (reason or "").strip()[:300]
    appointment.version += 1
    appointment.save(update_fields=["status", "outcome_reason", "version"])
    return appointment


# --- Job offers --------------------------------------------------------------------------------


def check_offer(*, title: str, positions: int | None, received_on: date | None, starts_on, status, today) -> dict:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Bitte die Stelle benennen."
    if positions is None or positions < 1:
        errors["positions"] = "Mindestens eine Stelle."
    if received_on is not None and received_on > today:
        errors["received_on"] = "Der Eingang kann nicht in der Zukunft liegen."
    elif received_on is not None and received_on < SGB_II_START:
        errors["received_on"] = "Bitte das Datum prüfen."
    if starts_on is not None and starts_on > years_ahead(today, 2):
        errors["starts_on"] = "Der Beginn liegt mehr als zwei Jahre in der Zukunft: bitte prüfen."
    if status not in dict(JobOffer.STATUSES):
        errors["status"] = "Unbekannter Status."
    return errors


@transaction.atomic
def save_offer(
    *,
    employer: Employer,
    by,
    offer: JobOffer | None = None,
    expected_version: int | None = None,
    today: date | None = None,
    **fields,
) -> JobOffer:
    today = today or timezone.localdate()
    fields = {name: value for name, value in fields.items() if name in OFFER_FIELDS}
    if offer is not None:
        offer = JobOffer.objects.select_for_update().get(
            pk=offer.pk, employer_id=employer.pk, job_centre_id=employer.job_centre_id
        )
        check_version(offer, expected_version)
    base = {name: getattr(offer, name) for name in OFFER_FIELDS} if offer else {"status": JobOffer.OPEN}
    merged = {**{"title": "", "positions": 1, "received_on": today, "starts_on": None}, **base, **fields}
    errors = check_offer(
        title=merged["title"],
        positions=merged["positions"],
        received_on=merged["received_on"],
        starts_on=merged["starts_on"],
        status=merged["status"],
        today=today,
    )
    errors.update(_contact_of(employer, merged.get("contact_person")))
    if errors:
        raise ServiceError(errors)
    if "title" in fields:
        fields["title"] = fields["title"].strip()
    if offer is None:
        fields.setdefault("received_on", today)
        offer = _attributed(JobOffer(job_centre_id=employer.job_centre_id, employer=employer, **fields), by)
        offer.save()
        log.info("job offer %s of employer %s created", offer.pk, employer.pk)
    else:
        _save_edit(offer, by, fields)
    return offer


# --- Placement proposals -----------------------------------------------------------------------


def _lock_customer(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk, job_centre_id=customer.job_centre_id)


def check_proposal(customer: Customer, offer: JobOffer, *, on: date, today: date) -> dict[str, str]:
    errors = {}
    if customer.job_centre_id != offer.job_centre_id:
        errors["customer"] = "Der Kunde gehört zu einem anderen Jobcenter als das Stellenangebot."
    elif customer.closed_on is not None:
        errors["customer"] = f"Der Fall ist seit {formats.day(customer.closed_on)} abgeschlossen."
    if offer.status != JobOffer.OPEN:
        errors["offer"] = f"Das Stellenangebot ist {offer.get_status_display()}: Vorschläge gehen nur zu offenen."
    if on > today:
        errors["proposed_on"] = "Ein Vorschlag kann nicht für einen künftigen Tag erfasst werden."
    elif on < offer.received_on:
        errors["proposed_on"] = f"Das Angebot ist erst am {formats.day(offer.received_on)} eingegangen."
    if (
        not errors
        and PlacementProposal.objects.filter(
            job_centre_id=offer.job_centre_id, customer_id=customer.pk, offer_id=offer.pk
        ).exists()
    ):
        errors["offer"] = "Dieser Kunde wurde für dieses Angebot schon vorgeschlagen."
    return errors


@transaction.atomic
def propose(*, customer: Customer, offer: JobOffer, by, on: date | None = None, today=None) -> PlacementProposal:
    """Propose the customer for the offer (Vermittlungsvorschlag); it waits for an answer."""
    today = today or timezone.localdate()
    on = on or today
    customer = _lock_customer(customer)
    offer = JobOffer.objects.get(pk=offer.pk, job_centre_id=offer.job_centre_id)
    errors = check_proposal(customer, offer, on=on, today=today)
    if errors:
        raise ServiceError(errors)
    proposal = _attributed(
        PlacementProposal(
            job_centre_id=customer.job_centre_id, customer=customer, offer=offer, proposed_on=on, proposed_by=by
        ),
        by,
    )
    proposal.save()
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=proposal, what="placement_proposal")
    log.info("placement proposal %s: customer id %s for job offer %s", proposal.pk, customer.pk, offer.pk)
    return proposal


def check_outcome(proposal: PlacementProposal, *, outcome: str, on: date | None, today: date) -> dict[str, str]:
    errors = {}
    if outcome not in dict(PlacementProposal.OUTCOMES) or outcome == PlacementProposal.PENDING:
        errors["outcome"] = "Bitte das Ergebnis wählen: eingestellt, abgelehnt oder keine Rückmeldung."
    if on is None:
        errors["outcome_on"] = "Bitte das Datum des Ergebnisses angeben."
    elif on > today:
        errors["outcome_on"] = "Das Ergebnis kann nicht in der Zukunft liegen."
    elif on < proposal.proposed_on:
        errors["outcome_on"] = f"Der Vorschlag ist vom {formats.day(proposal.proposed_on)}: das Ergebnis liegt davor."
    return errors


def may_close_case(customer: Customer) -> bool:
    """A hire offers to close the case where it is a GCfaK case (one with an acquisition
    source, seed 004: "Arbeitsstelle angenommen") that is still open."""
    return customer.acquisition_source_id is not None and customer.closed_on is None


@transaction.atomic
def record_outcome(
    *,
    proposal: PlacementProposal,
    by,
    outcome: str,
    on: date,
    note: str = "",
    close_case: bool = False,
    expected_version: int | None = None,
    today: date | None = None,
) -> PlacementProposal:
    """What came of the proposal. A hire fills the offer once its positions are taken, and with
    `close_case` closes the customer's GCfaK case as "Arbeitsstelle angenommen" in the same
    transaction (`caseload.services.close_case`)."""
    today = today or timezone.localdate()
    customer = _lock_customer(proposal.customer)
    proposal = PlacementProposal.objects.select_for_update().get(
        pk=proposal.pk, job_centre_id=customer.job_centre_id, customer_id=customer.pk
    )
    check_version(proposal, expected_version)
    errors = check_outcome(proposal, outcome=outcome, on=on, today=today)
    if close_case and outcome == PlacementProposal.HIRED and not may_close_case(customer):
        errors["close_case"] = "Nur ein offener GCfaK-Fall kann hier abgeschlossen werden."
    if errors:
        raise ServiceError(errors)
    proposal.outcome, proposal.outcome_on, proposal.outcome_note = outcome, on, (note or "").strip()[:500]
    proposal.version += 1
    _attributed(proposal, by).save(update_fields=["outcome", "outcome_on", "outcome_note", "version"])
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=proposal, what="placement_outcome")
    if outcome == PlacementProposal.HIRED:
        _fill_when_taken(proposal.offer_id, customer.job_centre_id, by)
        if close_case:
            caseload_services.close_case(customer=customer, by=by, on=on, outcome="job_taken", today=today)
    return proposal


def _fill_when_taken(offer_id: int, job_centre_id: int, by) -> None:
    offer = JobOffer.objects.select_for_update().get(pk=offer_id, job_centre_id=job_centre_id)
    hired = PlacementProposal.objects.filter(
        job_centre_id=job_centre_id, offer_id=offer_id, outcome=PlacementProposal.HIRED
    ).count()
    if offer.status == JobOffer.OPEN and hired >= offer.positions:
        offer.status, offer.version = JobOffer.FILLED, offer.version + 1
        _attributed(offer, by).save(update_fields=["status", "version"])
