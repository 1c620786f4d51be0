"""Reads for the employer service's pages, each with a fixed number of queries (tests pin them),
and who may open what.

Access: every member of staff (a `Staff` profile) works with the employers, offers and
employer appointments of their own job centre; another job centre's record is a 404. Placement
proposals name a customer: the customer's team (caseworkers, team lead) and the job centre's
employer service (role `employer_service`) see them; anyone else gets a 404. The employer
service sees customers by number in its lists; a proposal's page adds the name (and is an
audited reading of customer data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.db import router
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from appointments.models import Appointment
from caseload.access import team_customers
from caseload.models import Customer, Measure, Staff
from caseload.selectors import CASEWORKER_VALUES, TimelineEntry, caseworker_name
from kontaktdichte import loads
from policies import engine

from . import reachability
from .models import (
    Employer,
    EmployerAppointment,
    EmployerNote,
    JobOffer,
    PlacementProposal,
    ReachabilityStandard,
    ServiceDesk,
    ServiceHours,
)

PAGE_NOTES = 20
START_LIST = 25
ANSWER_OVERDUE = timedelta(days=14)  # a proposal without an answer this long is chased up

# --- Access ------------------------------------------------------------------------------------


def employers_of(staff: Staff) -> QuerySet[Employer]:
    return Employer.objects.filter(job_centre_id=staff.job_centre_id)


def get_employer(staff: Staff, pk: int) -> Employer:
    return get_object_or_404(employers_of(staff).select_related("account_manager__user"), pk=pk)


def get_offer(staff: Staff, pk: int) -> JobOffer:
    return get_object_or_404(
        JobOffer.objects.filter(job_centre_id=staff.job_centre_id).select_related("employer", "contact_person"), pk=pk
    )


def get_employer_appointment(staff: Staff, appointment_pk: int) -> EmployerAppointment:
    return get_object_or_404(
        EmployerAppointment.objects.filter(job_centre_id=staff.job_centre_id).select_related(
            "appointment__caseworker__user", "appointment__office", "employer", "contact_person"
        ),
        appointment_id=appointment_pk,
    )


def proposal_customers(staff: Staff) -> QuerySet[Customer]:
    """The customers whose proposals the staff member works with: the job centre's for the
    employer service, the team's for everyone else."""
    if staff.is_employer_service:
        return Customer.objects.filter(job_centre_id=staff.job_centre_id)
    return team_customers(staff)


def get_proposal(staff: Staff, pk: int) -> PlacementProposal:
    queryset = PlacementProposal.objects.filter(
        job_centre_id=staff.job_centre_id, customer__in=proposal_customers(staff)
    ).select_related("customer", "offer__employer", "proposed_by")
    return get_object_or_404(queryset, pk=pk)


def customer_for_proposal(staff: Staff, pk: int) -> Customer:
    return get_object_or_404(proposal_customers(staff).select_related("job_centre"), pk=pk)


def customer_by_number(staff: Staff, number: str) -> Customer | None:
    """The open case with that customer number among those the staff member may propose."""
    return (
        proposal_customers(staff)
        .filter(number=(number or "").strip(), closed_on__isnull=True)
        .select_related("job_centre")
        .first()
    )


# --- The directory -----------------------------------------------------------------------------


def directory(staff: Staff, *, search: str = "", sector: str = "") -> QuerySet[dict]:
    """The job centre's employers by name, with their number of open offers (one query; the
    paginator counts in a second)."""
    rows = employers_of(staff)
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(city__icontains=search))
    if sector:
        rows = rows.filter(sector=sector)
    return (
        rows.annotate(open_offers=Count("offers", filter=Q(offers__status=JobOffer.OPEN)))
        .values("pk", "name", "sector", "postcode", "city", "size", "open_offers", *_manager_values())
        .order_by("name", "pk")
    )


def _manager_values():
    return (
        "account_manager_id",
        "account_manager__user__first_name",
        "account_manager__user__last_name",
        "account_manager__user__username",
    )


def manager_name(row: dict) -> str:
    return caseworker_name(
        {
            "caseworker_id": row["account_manager_id"],
            "caseworker__user__first_name": row["account_manager__user__first_name"],
            "caseworker__user__last_name": row["account_manager__user__last_name"],
            "caseworker__user__username": row["account_manager__user__username"],
        }
    )


def sectors(staff: Staff) -> list[str]:
    return list(employers_of(staff).exclude(sector="").order_by("sector").values_list("sector", flat=True).distinct())


# --- One employer ------------------------------------------------------------------------------


@dataclass
class EmployerPage:
    contacts: list
    offers: list
    notes: list
    upcoming: list
    past: list


def employer_page(employer: Employer, now: datetime) -> EmployerPage:
    """What the employer's page shows. 4 queries: contact persons, offers (with their pending
    and hired proposals counted), the latest notes, the appointments."""
    scope = {"job_centre_id": employer.job_centre_id, "employer_id": employer.pk}
    contacts = list(employer.contacts.filter(job_centre_id=employer.job_centre_id))
    offers = list(
        JobOffer.objects.filter(**scope)
        .annotate(
            pending=Count("proposals", filter=Q(proposals__outcome=PlacementProposal.PENDING)),
            hired=Count("proposals", filter=Q(proposals__outcome=PlacementProposal.HIRED)),
        )
        .order_by("status", "-received_on", "-pk")
    )
    notes = list(
        EmployerNote.objects.filter(**scope)
        .select_related("author", "contact_person")
        .defer("author__password")
        .order_by("-date", "-pk")[:PAGE_NOTES]
    )
    links = list(
        EmployerAppointment.objects.filter(**scope)
        .select_related("appointment__caseworker__user", "appointment__office", "contact_person")
        .defer("appointment__caseworker__user__password")
        .order_by("-appointment__start")
    )
    upcoming = [link for link in links if link.appointment.end > now and link.appointment.status == Appointment.PLANNED]
    past = [link for link in links if link not in upcoming]
    upcoming.reverse()
    return EmployerPage(contacts=contacts, offers=offers, notes=notes, upcoming=upcoming, past=past)


# --- Offers and proposals ----------------------------------------------------------------------


def open_offers(job_centre_id: int, *, limit: int | None = None) -> list[JobOffer]:
    """Open offers, newest first, with their employer and the count of proposals waiting for an
    answer (one query)."""
    rows = (
        JobOffer.objects.filter(job_centre_id=job_centre_id, status=JobOffer.OPEN)
        .select_related("employer")
        .annotate(pending=Count("proposals", filter=Q(proposals__outcome=PlacementProposal.PENDING)))
        .order_by("-received_on", "-pk")
    )
    return list(rows[:limit] if limit else rows)


def offer_proposals(offer: JobOffer) -> list[PlacementProposal]:
    """The offer's proposals with the customers' numbers and who proposed them (one query)."""
    return list(
        PlacementProposal.objects.filter(job_centre_id=offer.job_centre_id, offer_id=offer.pk)
        .select_related("customer", "proposed_by")
        .only(
            "pk",
            "proposed_on",
            "outcome",
            "outcome_on",
            "customer_id",
            "customer__number",
            "customer__team_id",
            "proposed_by__first_name",
            "proposed_by__last_name",
            "proposed_by__username",
        )
        .order_by("-proposed_on", "-pk")
    )


@cache
def _proposals_sql() -> str:
    """A customer's placement proposals with offer, employer and proposer, newest first
    (`kontaktdichte.loads`: every customer page reads them, for its history)."""
    p, o, e, u = (PlacementProposal, "p"), (JobOffer, "o"), (Employer, "e"), (get_user_model(), "u")
    day, pk = loads.column("p", PlacementProposal, "proposed_on"), loads.column("p", PlacementProposal, "pk")
    return (
        f"SELECT {loads.select(p, o, e, u)} FROM {loads.table(*p)}"
        + loads.join("INNER", o, p, "offer")
        + loads.join("INNER", e, o, "employer")
        + loads.join("INNER", u, p, "proposed_by")
        + f" WHERE {loads.column('p', PlacementProposal, 'job_centre')} = %s"
        + f" AND {loads.column('p', PlacementProposal, 'customer')} = %s ORDER BY {day} DESC, {pk} DESC"
    )


def customer_proposals(customer: Customer) -> list[PlacementProposal]:
    proposals = []
    models = (PlacementProposal, JobOffer, Employer, get_user_model())
    params = [customer.job_centre_id, customer.pk]
    for proposal, offer, employer, proposer in loads.every(
        router.db_for_read(PlacementProposal), _proposals_sql(), params, *models
    ):
        offer.employer = employer
        proposal.offer, proposal.proposed_by = offer, proposer
        proposals.append(proposal)
    return proposals


def proposal_timeline(customer: Customer) -> list[TimelineEntry]:
    """The customer's proposals in their history: on the day proposed, and on the day of the
    outcome once there is one (one query)."""
    entries = []
    for proposal in customer_proposals(customer):
        proposal.customer = customer
        entries.append(TimelineEntry("proposal", proposal.proposed_on, proposal, template_name=PROPOSAL_ENTRY))
        if not proposal.is_pending:
            entries.append(TimelineEntry("outcome", proposal.outcome_on, proposal, template_name=OUTCOME_ENTRY))
    return entries


PROPOSAL_ENTRY = "employers/_timeline_proposal.html"
OUTCOME_ENTRY = "employers/_timeline_outcome.html"


def open_offer_choices(job_centre_id: int) -> list[tuple[int, str]]:
    return [
        (offer.pk, f"{offer.title} – {offer.employer.name}" + (f" ({offer.location})" if offer.location else ""))
        for offer in JobOffer.objects.filter(job_centre_id=job_centre_id, status=JobOffer.OPEN)
        .select_related("employer")
        .only("pk", "title", "location", "employer__name")
        .order_by("employer__name", "title", "pk")
    ]


# --- The employer service's start page ---------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """A customer whose measure ends soon: the employer service is to be involved (graduate
    management, Weimarer Land: "1 Monat vor Maßnahmenende Einbindung AG-S")."""

    customer_id: int
    number: str
    caseworker: str
    team: str
    measure: str
    ends_on: date | None
    proposals: int


def employer_service_tasks(job_centre_id: int, today: date, limit: int = 100) -> tuple[list[Task], int]:
    """The job centre's open cases whose stored decision carries the employer-service task
    (`engine.EMPLOYER_SERVICE_TASK`), the measure ending first at the top, and how many there
    are. 3 queries: customers (with the end of their next measure and a count of their
    proposals), those measures' titles, the total."""
    customers = Customer.objects.filter(
        job_centre_id=job_centre_id, closed_on__isnull=True, due_flags__icontains=engine.EMPLOYER_SERVICE_TASK
    )
    ends = Coalesce("measures__exited_on", "measures__end")
    rows = list(
        customers.annotate(
            ends_on=Min(
                ends,
                filter=Q(measures__end__gte=today)
                & (Q(measures__exited_on__isnull=True) | Q(measures__exited_on__gte=today)),
            ),
            proposals=Count("placement_proposals", distinct=True),
        )
        .values("pk", "number", "team__name", "ends_on", "proposals", *CASEWORKER_VALUES)
        .order_by("ends_on", "number")[:limit]
    )
    titles = {}
    for customer_id, title, end, exited in (
        Measure.objects.filter(job_centre_id=job_centre_id, customer_id__in=[r["pk"] for r in rows])
        .order_by("start", "pk")
        .values_list("customer_id", "title", "end", "exited_on")
    ):
        titles[(customer_id, exited or end)] = title
    tasks = [
        Task(
            customer_id=row["pk"],
            number=row["number"],
            caseworker=caseworker_name(row),
            team=row["team__name"],
            measure=titles.get((row["pk"], row["ends_on"]), ""),
            ends_on=row["ends_on"],
            proposals=row["proposals"],
        )
        for row in rows
    ]
    return tasks, customers.count()


def waiting_proposals(job_centre_id: int, limit: int = START_LIST) -> list[PlacementProposal]:
    """Proposals waiting for an answer, oldest first (one query)."""
    return list(
        PlacementProposal.objects.filter(job_centre_id=job_centre_id, outcome=PlacementProposal.PENDING)
        .select_related("customer", "offer__employer")
        .only(
            "pk",
            "proposed_on",
            "customer__number",
            "offer__title",
            "offer__employer__name",
            "offer__employer_id",
        )
        .order_by("proposed_on", "pk")[:limit]
    )


@dataclass(frozen=True)
class Desk:
    desk: ServiceDesk
    lines: list[str]
    shortfalls: list[str]


def reachability_of(job_centre_id: int) -> tuple[ReachabilityStandard | None, list[Desk]]:
    """The job centre's employer-service desks with their hours, each checked against the
    reachability standard where there is one. 3 queries: standard, desks, hours."""
    standard = ReachabilityStandard.objects.filter(job_centre_id=job_centre_id).first()
    desks = list(ServiceDesk.objects.filter(job_centre_id=job_centre_id).select_related("office").order_by("name"))
    hours: dict[int, list] = {}
    for desk_id, weekday, start, end in ServiceHours.objects.filter(desk__job_centre_id=job_centre_id).values_list(
        "desk_id", "weekday", "start", "end"
    ):
        hours.setdefault(desk_id, []).append((weekday, start, end))
    result = []
    for desk in desks:
        spans = hours.get(desk.pk, [])
        shortfalls = (
            reachability.check_service_hours(spans, standard.reachable_from, standard.reachable_until)
            if standard is not None
            else []
        )
        result.append(Desk(desk, reachability.hours_lines(spans), shortfalls))
    return standard, result


def my_employers(staff: Staff) -> list[dict]:
    """The employers the staff member is the fixed contact for, with open offers (one query)."""
    return list(
        employers_of(staff)
        .filter(account_manager_id=staff.pk)
        .annotate(open_offers=Count("offers", filter=Q(offers__status=JobOffer.OPEN)))
        .values("pk", "name", "city", "open_offers")
        .order_by("name")
    )
