"""Everything Kontaktdichte holds about one customer, for a disclosure under Art. 15 GDPR:
master data and facts, contact notes, measures, exceptions, appointments, every recorded
change (the history tables), and who opened or exported the data (the audit trail).

One function, `disclosure`, gives it as plain values, the same for the printable page and the
JSON download; a fixed number of queries whatever the customer's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models

from appointments.models import Appointment
from audit.models import Event
from caseload.models import ContactNote, Customer, Measure, Suspension
from employers.models import PlacementProposal

HISTORY_TYPES = {"+": "angelegt", "~": "geändert", "-": "gelöscht"}
# Kept by the history tables to tie a change to a request, not data about the customer.
HISTORY_META = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
    "version",
}


def _values(instance: models.Model) -> dict:
    """A record's fields as {verbose name: value}, choices as their labels."""
    result = {}
    for f in instance._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(instance, f.attname)
        if f.is_relation and value is not None and f.is_cached(instance):
            value = str(getattr(instance, f.name))  # a loaded relation by its name, not its id
        elif f.choices and value not in (None, ""):
            value = dict(f.flatchoices).get(value, value)
        elif isinstance(instance, Customer) and f.name == "due_reasons":
            value = list(instance.reason_texts)  # stored as codes; the person reads the German
        result[str(f.verbose_name)] = value
    return result


@dataclass
class Section:
    title: str
    rows: list[dict] = field(default_factory=list)


@dataclass
class Disclosure:
    customer: Customer
    master_data: dict
    sections: list[Section]
    history: list[dict]
    accesses: list[dict]

    def as_json(self) -> dict:
        return {
            "kunde": self.master_data,
            **{s.title: s.rows for s in self.sections},
            "aenderungsverlauf": self.history,
            "zugriffe": self.accesses,
        }


def _history_rows(customer: Customer) -> list[tuple[str, list]]:
    """Every recorded version of the customer and of their notes, measures, exceptions,
    appointments and placement proposals (six queries)."""
    scope = {"job_centre_id": customer.job_centre_id}
    return [
        (label, list(rows.order_by("history_date", "history_id")))
        for label, rows in (
            ("Stammdaten", Customer.history.filter(id=customer.pk, **scope)),
            ("Beratungsvermerk", ContactNote.history.filter(customer_id=customer.pk, **scope)),
            ("Maßnahme", Measure.history.filter(customer_id=customer.pk, **scope)),
            ("Ausnahme", Suspension.history.filter(customer_id=customer.pk, **scope)),
            ("Termin", Appointment.history.filter(customer_id=customer.pk, **scope)),
            ("Vermittlungsvorschlag", PlacementProposal.history.filter(customer_id=customer.pk, **scope)),
        )
    ]


def _history(sources: list[tuple[str, list]], users: dict) -> list[dict]:
    """The versions oldest first, each with the fields that changed against the one before."""
    entries = []
    for label, rows in sources:
        previous: dict[int, dict] = {}
        for row in rows:
            values = {
                str(f.verbose_name): getattr(row, f.attname)
                for f in row._meta.concrete_fields
                if f.name not in HISTORY_META
            }
            before = previous.get(row.id)
            previous[row.id] = values
            entries.append(
                {
                    "zeitpunkt": row.history_date,
                    "art": label,
                    "datensatz": row.id,
                    "vorgang": HISTORY_TYPES.get(row.history_type, row.history_type),
                    "von": users.get(row.history_user_id, ""),
                    "geaenderte_felder": [
                        name for name, value in values.items() if before is not None and before.get(name) != value
                    ],
                }
            )
    entries.sort(key=lambda e: e["zeitpunkt"])
    return entries


def _proposal_rows(proposals, users) -> list[dict]:
    """A proposal names the offer and the employer it went to (the employer's name, not its id)."""
    rows = []
    for proposal in proposals:
        row = _values(proposal)
        row["Stellenangebot"] = proposal.offer.title
        row["Arbeitgeber"] = proposal.offer.employer.name
        row["vorgeschlagen von"] = users.get(proposal.proposed_by_id, "")
        rows.append(row)
    return rows


def disclosure(customer: Customer) -> Disclosure:
    """13 queries: notes, measures, exceptions, appointments, placement proposals (with offer
    and employer), the audit trail, six history tables, and the names of the staff they
    mention."""
    scope = {"job_centre_id": customer.job_centre_id, "customer_id": customer.pk}
    notes = list(ContactNote.objects.filter(**scope).order_by("date", "pk"))
    measures = list(Measure.objects.filter(**scope).order_by("start", "pk"))
    suspensions = list(Suspension.objects.filter(**scope).order_by("start", "pk"))
    appointments = list(Appointment.objects.filter(**scope).order_by("start", "pk"))
    proposals = list(
        PlacementProposal.objects.filter(**scope).select_related("offer__employer").order_by("proposed_on", "pk")
    )
    events = list(Event.objects.filter(**scope).order_by("at", "pk"))
    sources = _history_rows(customer)

    user_ids = (
        {n.caseworker_id for n in notes}
        | {s.documented_by_id for s in suspensions}
        | {a.booked_by_id for a in appointments}
        | {p.proposed_by_id for p in proposals}
        | {e.user_id for e in events}
        | {row.history_user_id for _, rows in sources for row in rows}
    ) - {None}
    users = {
        pk: (f"{first} {last}".strip() or username)
        for pk, first, last, username in get_user_model()
        .objects.filter(pk__in=user_ids)
        .values_list("pk", "first_name", "last_name", "username")
    }

    def with_names(instances, *attrs):
        rows = []
        for instance in instances:
            row = _values(instance)
            for attr, label in attrs:
                row[label] = users.get(getattr(instance, attr), "")
            rows.append(row)
        return rows

    sections = [
        Section("beratungsvermerke", with_names(notes, ("caseworker_id", "Fachkraft"))),
        Section("massnahmen", with_names(measures)),
        Section("ausnahmen", with_names(suspensions, ("documented_by_id", "dokumentiert von"))),
        Section("termine", with_names(appointments, ("booked_by_id", "vereinbart von"))),
        Section("vermittlungsvorschlaege", _proposal_rows(proposals, users)),
    ]
    accesses = [
        {"zeitpunkt": e.at, "vorgang": e.get_action_display(), "von": users.get(e.user_id, ""), "was": e.what}
        for e in events
    ]
    return Disclosure(
        customer=customer,
        master_data=_values(customer),
        sections=sections,
        history=_history(sources, users),
        accesses=accesses,
    )
