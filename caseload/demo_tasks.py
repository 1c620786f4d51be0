"""Demo tasks (setup_demo, once): follow-up activities agreed in the demo caseworker's recent
notes, some of them overdue, some followed up by a later note or marked done; Kooperationspläne,
one of them due for review; a documented profiling review; a GCfaK case closed ("Fall abschließen"). Written through the
services, as the pages write them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from . import activities, services
from .models import Customer, FollowUpActivity, Staff

AGREED = [
    "Bewerbungsnachweise (fünf Bewerbungen) vorlegen",
    "Anmeldung zum Sprachkurs nachweisen",
    "Lebenslauf überarbeitet zusenden",
    "Termin bei der Schuldnerberatung wahrnehmen",
    "Kinderbetreuung klären und Bescheid geben",
    "Vermittlungsvorschlag Lager (Vollzeit) beantworten",
]


def ensure_tasks(staff: Staff | None, today: date, seed: int = 16) -> int:
    """Give the demo caseworker's customers tasks, unless some have activities already.
    Returns how many activities were written."""
    if staff is None:
        return 0
    customers = list(
        Customer.objects.filter(job_centre_id=staff.job_centre_id, caseworker=staff, closed_on__isnull=True)
        .filter(registered_on__lte=today - timedelta(days=60))
        .order_by("pk")
    )
    if not customers or FollowUpActivity.objects.filter(customer__in=customers).exists():
        return 0
    rng = random.Random(seed)
    picked = rng.sample(customers, min(12, len(customers)))
    user, written = staff.user, 0
    for index, customer in enumerate(picked[:9]):
        day = today - timedelta(days=rng.randint(8, 20))
        texts = rng.sample(AGREED, 2 if index % 3 == 0 else 1)
        # Some overdue (their day has passed), some still to come.
        dues = [day + timedelta(days=rng.choice((5, 7, 10, 21, 28))) for _ in texts]
        note, _ = services.record_contact(
            customer=customer,
            by=user,
            date=day,
            channel="phone",
            summary="Telefonat: Stand der Bewerbungen besprochen.",
            activities=list(zip(dues, texts)),
            plan_updated=index in (0, 1),
            profiling_reviewed=index == 5,
            today=today,
        )
        written += len(texts)
        if index in (2, 3):  # followed up in a later note
            later = today - timedelta(days=rng.randint(1, 5))
            open_ones = {a.pk: (activities.DONE, None) for a in FollowUpActivity.objects.filter(note=note)}
            services.record_contact(
                customer=customer,
                by=user,
                date=later,
                channel="in_person",
                summary="Nachweise geprüft, Vereinbarung erfüllt.",
                follow_ups=open_ones,
                today=today,
            )
        elif index == 4:  # done from the customer page
            for activity in FollowUpActivity.objects.filter(note=note):
                activity.customer = customer
                activities.complete_activity(activity=activity, by=user)
    for months, customer in zip((7, 5), picked[9:11]):  # one plan overdue for review, one due soon
        services.update_customer(
            customer=customer, changes={"cooperation_plan_on": today - relativedelta(months=months, days=-10)}
        )
    return written


def ensure_closed_gcfak_case(staff: Staff | None, today: date) -> Customer | None:
    """Close one GCfaK case (a customer with an acquisition source) of the demo team through
    `services.close_case`, "Arbeitsstelle angenommen", unless the job centre has one closed so.
    Prefers the demo caseworker's own customers. Returns the customer closed, or None."""
    if staff is None:
        return None
    gcfak = Customer.objects.filter(job_centre_id=staff.job_centre_id, acquisition_source__isnull=False)
    if gcfak.filter(closed_on__isnull=False).exists():
        return None
    open_ones = gcfak.filter(
        team_id=staff.team_id, closed_on__isnull=True, registered_on__lte=today - timedelta(days=30)
    )
    customer = open_ones.filter(caseworker=staff).order_by("pk").first() or open_ones.order_by("pk").first()
    if customer is None:
        return None
    return services.close_case(
        customer=customer, by=staff.user, on=today - timedelta(days=3), outcome="job_taken", today=today
    )
