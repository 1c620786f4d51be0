"""Deleting customers for good (retention, the admin): with everything of theirs and every
history row about them. One transaction; the audit trail keeps an id-only event."""

from __future__ import annotations

import logging

from django.db import transaction

from audit import events as audit

from .models import Customer

log = logging.getLogger(__name__)


def _customer_histories():
    """The history tables of the customer and of every record that belongs to one (notes,
    measures, exceptions, appointments ...): found through the app registry, so that a record
    type added in another app is covered without this module knowing it."""
    from django.apps import apps

    for model in apps.get_models():
        meta = model._meta
        if not meta.model_name.startswith("historical"):
            continue
        fields = {f.name for f in meta.get_fields()}
        if meta.model_name == "historicalcustomer" and meta.app_label == "caseload":
            yield model, "id"
        elif "customer" in fields:
            yield model, "customer_id"


@transaction.atomic
def delete_customers(*, job_centre_id: int, customer_ids: list[int], by=None) -> int:
    """Delete customers of one job centre with everything of theirs (notes, measures, exceptions,
    appointments: by cascade) and every history row about them, which Django's delete would
    leave behind (and add one more). The audit trail keeps an id-only "deleted" event. Returns
    how many customers were deleted."""
    ids = list(Customer.objects.filter(job_centre_id=job_centre_id, pk__in=customer_ids).values_list("pk", flat=True))
    if not ids:
        return 0
    Customer.objects.filter(job_centre_id=job_centre_id, pk__in=ids).delete()
    for model, key in _customer_histories():
        model.objects.filter(**{f"{key}__in": ids}).delete()
    audit.Event.objects.bulk_create(
        [
            audit.Event(
                action=audit.Event.CUSTOMER_DELETED,
                customer_id=pk,
                job_centre_id=job_centre_id,
                user_id=by.pk if by is not None else None,
            )
            for pk in ids
        ]
    )
    log.info("%d customers of job centre %s deleted with their history", len(ids), job_centre_id)
    return len(ids)
