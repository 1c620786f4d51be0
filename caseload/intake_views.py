"""Kunde anlegen and the import of customers from the specialist system: thin views over
`intake_forms`, `imports` and `services`. URLs carry ids only; the import's preview is addressed
by a random id and opens only for the person who uploaded the file."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kontaktdichte import formats

from . import services
from .access import staff_required
from .forms import add_service_errors
from .intake_forms import NewCustomerForm

log = logging.getLogger(__name__)


def created_message(customer, decision) -> str:
    """After saving: the stored decision's first due date (the first-contact deadline, or the
    first cycle where the rule set has none)."""
    head = f"Kunde {customer.number} angelegt."
    if decision.due_by is not None:
        return f"{head} Erster Kontakt fällig bis {formats.day(decision.due_by)}."
    return f"{head} {decision.reasons[-1] if decision.reasons else 'Keine Fälligkeit.'}"


@require_http_methods(["GET", "POST"])
@staff_required
def customer_add(request):
    staff, today = request.staff, timezone.localdate()
    form = NewCustomerForm(request.POST if request.method == "POST" else None, staff=staff, today=today)
    if form.is_bound and form.is_valid():
        try:
            customer, decision = services.create_customer(today=today, by=request.user, **form.service_kwargs())
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            log.info("customer id %s created by staff id %s", customer.pk, staff.pk)
            messages.success(request, created_message(customer, decision))
            return redirect("customer", pk=customer.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "caseload/customer_add.html", {"form": form, "staff": staff, "today": today}, status=status)
