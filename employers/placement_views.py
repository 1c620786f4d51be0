"""Job offers and placement proposals (Stellenangebote, Vermittlungsvorschläge).

Offers: every member of staff of the job centre. Proposals name a customer: a caseworker or
team lead proposes their team's customers (from the customer's page, `propose`), the employer
service any open case of the job centre, by customer number (from the offer's page,
`offer_detail`); the outcome is recorded by either. A hire offers to close a GCfaK case as
"Arbeitsstelle angenommen" (the customer's team only: it takes the case off their worklists).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit import events as audit
from caseload.access import staff_required
from caseload.forms import add_service_errors

from . import selectors, services
from .forms import OfferForm, OutcomeForm, ProposeCustomerForm, ProposeOfferForm
from .models import PlacementProposal


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@require_GET
@staff_required
def offers(request):
    return render(request, "employers/offers.html", {"offers": selectors.open_offers(request.staff.job_centre_id)})


@require_http_methods(["GET", "POST"])
@staff_required
def offer_form(request, pk=None, employer_pk=None):
    staff, today = request.staff, timezone.localdate()
    offer = selectors.get_offer(staff, pk) if pk is not None else None
    employer = offer.employer if offer is not None else selectors.get_employer(staff, employer_pk)
    form = OfferForm(
        request.POST if request.method == "POST" else None,
        contacts=list(employer.contacts.filter(job_centre_id=employer.job_centre_id)),
        today=today,
        offer=offer,
    )
    if form.is_bound and form.is_valid():
        try:
            saved = services.save_offer(
                employer=employer,
                by=request.user,
                offer=offer,
                expected_version=form.cleaned_data["version"],
                today=today,
                **form.service_kwargs(),
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Stellenangebot gespeichert.")
            return redirect("employers:offer", pk=saved.pk)
    return render(
        request, "employers/offer_form.html", {"form": form, "employer": employer, "offer": offer}, status=_status(form)
    )


@require_http_methods(["GET", "POST"])
@staff_required
def offer_detail(request, pk):
    """The offer with its proposals; the employer service proposes customers here by number."""
    staff, today = request.staff, timezone.localdate()
    offer = selectors.get_offer(staff, pk)
    form = None
    if staff.is_employer_service and offer.status == offer.OPEN:
        form = ProposeCustomerForm(request.POST if request.method == "POST" else None, today=today)
        if form.is_bound and form.is_valid():
            customer = selectors.customer_by_number(staff, form.cleaned_data["number"])
            if customer is None:
                form.add_error("number", "Keine offene Kundennummer dieses Jobcenters.")
            else:
                try:
                    services.propose(
                        customer=customer,
                        offer=offer,
                        by=request.user,
                        on=form.cleaned_data["proposed_on"],
                        today=today,
                    )
                except services.ServiceError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, f"Kunde {customer.number} vorgeschlagen.")
                    return redirect("employers:offer", pk=offer.pk)
    elif request.method == "POST":
        messages.error(request, "Kunden schlägt hier der Arbeitgeberservice vor, und nur für offene Angebote.")
        return redirect("employers:offer", pk=offer.pk)
    own_team = set() if staff.is_employer_service else {staff.team_id}
    proposals = [
        (p, staff.is_employer_service or p.customer.team_id in own_team) for p in selectors.offer_proposals(offer)
    ]
    return render(
        request,
        "employers/offer.html",
        {"offer": offer, "employer": offer.employer, "proposals": proposals, "form": form},
        status=_status(form) if form is not None else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def propose(request, customer_pk):
    """From the customer's page: propose the customer for one of the job centre's open offers."""
    staff, today = request.staff, timezone.localdate()
    customer = selectors.customer_for_proposal(staff, customer_pk)
    choices = selectors.open_offer_choices(staff.job_centre_id)
    form = ProposeOfferForm(request.POST if request.method == "POST" else None, offers=choices, today=today)
    if form.is_bound and form.is_valid():
        offer = selectors.get_offer(staff, int(form.cleaned_data["offer"]))
        try:
            proposal = services.propose(
                customer=customer, offer=offer, by=request.user, on=form.cleaned_data["proposed_on"], today=today
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Vermittlungsvorschlag für „{offer.title}“ erfasst.")
            return redirect("employers:proposal", pk=proposal.pk)
    context = {
        "form": form,
        "customer": customer,
        "offers_available": bool(choices),
        "in_team": customer.team_id == staff.team_id,
    }
    return render(request, "employers/propose.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@staff_required
def proposal(request, pk):
    staff, today = request.staff, timezone.localdate()
    proposal = selectors.get_proposal(staff, pk)
    customer = proposal.customer
    in_team = customer.team_id == staff.team_id
    offer_close = in_team and services.may_close_case(customer)
    form = None
    if proposal.is_pending:
        form = OutcomeForm(
            request.POST if request.method == "POST" else None, proposal=proposal, today=today, offer_close=offer_close
        )
        if form.is_bound and form.is_valid():
            try:
                services.record_outcome(proposal=proposal, by=request.user, today=today, **form.service_kwargs())
            except services.ServiceError as error:
                add_service_errors(form, error)
            else:
                proposal.refresh_from_db()
                text = f"Ergebnis gespeichert: {proposal.get_outcome_display()}."
                if form.cleaned_data.get("close_case") and proposal.outcome == PlacementProposal.HIRED:
                    text += " Der Fall ist abgeschlossen (Arbeitsstelle angenommen)."
                messages.success(request, text)
                return redirect("employers:proposal", pk=proposal.pk)
    audit.record(audit.Event.CUSTOMER_VIEWED, user=request.user, customer=customer, what="placement_proposal")
    return render(
        request,
        "employers/proposal.html",
        {
            "proposal": proposal,
            "customer": customer,
            "offer": proposal.offer,
            "form": form,
            "in_team": in_team,
            "close_hint": in_team and proposal.outcome == PlacementProposal.HIRED and services.may_close_case(customer),
        },
        status=_status(form) if form is not None else 200,
    )
