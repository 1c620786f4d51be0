"""Follow-up activities (Vereinbarungen, Folgeaktivitäten) agreed in contact notes, and the other
tasks a caseworker marks done: writes, each under the customer's lock (`services.record_contact`
calls `check_follow_ups` and `write_follow_ups` inside its own transaction).

Weimarer Land: "Vereinbarungen aus vorangegangenen Kontakten sind nachzuhalten": a later note
lists the open activities of earlier notes; each is followed up (done) or carried on with a new
day (a new activity on the new note, `carried_from` the old one), or stays open.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import cache

from dateutil.relativedelta import relativedelta
from django.db import router, transaction
from django.utils import timezone

from audit import events as audit
from kontaktdichte import formats, loads
from policies import engine
from policies.models import RuleSet

from .models import ContactNote, Customer, FollowUpActivity, Measure
from .open_tasks import store_next_task

log = logging.getLogger(__name__)

DONE, CARRY, KEEP = "done", "carry", ""
YEARS_AT_MOST = 2
TEXT_MAX = FollowUpActivity._meta.get_field("text").max_length


@cache
def _open_activities_sql() -> str:
    """A customer's open activities with their notes (`kontaktdichte.loads`: the note form and
    saving a note read them)."""
    a, n = (FollowUpActivity, "a"), (ContactNote, "n")
    job_centre, customer, status, due_on, pk = (
        loads.column("a", FollowUpActivity, name) for name in ("job_centre", "customer", "status", "due_on", "pk")
    )
    return (
        f"SELECT {loads.select(a, n)} FROM {loads.table(*a)}"
        + loads.join("INNER", n, a, "note")
        + f" WHERE {job_centre} = %s AND {customer} = %s AND {status} = %s ORDER BY {due_on}, {pk}"
    )


def open_activities(customer: Customer) -> list[FollowUpActivity]:
    """The customer's open activities, earliest first, with the note that agreed them."""
    params = [customer.job_centre_id, customer.pk, FollowUpActivity.OPEN]
    found = []
    for activity, note in loads.every(
        router.db_for_read(FollowUpActivity), _open_activities_sql(), params, FollowUpActivity, ContactNote
    ):
        activity.note = note
        found.append(activity)
    return found


def _check_day(day: date | None, note_date: date) -> str | None:
    if day is None:
        return "Bitte das Datum angeben, bis wann nachgehalten wird."
    if day <= note_date:
        return "Das Datum muss nach dem Kontakt liegen."
    if day > note_date + relativedelta(years=YEARS_AT_MOST):
        return f"Das Datum darf höchstens {YEARS_AT_MOST} Jahre nach dem Kontakt liegen: bitte prüfen."
    return None


def check_follow_ups(
    *,
    new: list[tuple[date | None, str]],
    follow_ups: dict[int, tuple[str, date | None]],
    open_by_id: dict[int, FollowUpActivity],
    note_date: date,
    followed_up_ticked: bool,
) -> dict[str, str]:
    """New activities (`new`: (day, text) per form row) and what becomes of earlier open ones
    (`follow_ups`: id -> (DONE | CARRY | KEEP, new day for CARRY)), as {field: message}. With the
    checklist's "nachgehalten" ticked, every earlier activity due by the note's day must be done
    or carried on."""
    errors = {}
    for index, (day, text) in enumerate(new):
        text = (text or "").strip()
        if not text and day is None:
            continue
        if not text:
            errors[f"activity_{index}_text"] = "Bitte beschreiben, was vereinbart wurde."
        elif len(text) > TEXT_MAX:
            errors[f"activity_{index}_text"] = f"Höchstens {TEXT_MAX} Zeichen."
        message = _check_day(day, note_date)
        if message:
            errors[f"activity_{index}_due"] = message
    for pk, (action, day) in follow_ups.items():
        if pk not in open_by_id:
            errors["__all__"] = "Eine der Vereinbarungen ist nicht mehr offen: bitte die Liste prüfen."
        elif action == CARRY:
            message = _check_day(day, note_date)
            if message:
                errors[f"followup_{pk}_until"] = message
        elif action not in (DONE, KEEP):
            errors[f"followup_{pk}"] = "Bitte „nachgehalten“, „fortführen“ oder „offen lassen“ wählen."
    if followed_up_ticked:
        pending = [
            a
            for pk, a in open_by_id.items()
            if a.due_on <= note_date and follow_ups.get(pk, (KEEP, None))[0] not in (DONE, CARRY)
        ]
        for activity in pending:
            errors[f"followup_{activity.pk}"] = (
                f"Fällig seit {formats.day(activity.due_on)}: bitte als nachgehalten markieren oder fortführen."
            )
    return errors


def write_follow_ups(*, note, customer: Customer, by, new, follow_ups, open_by_id, now=None) -> int:
    """Store the note's new activities and close or carry on earlier ones. Inside the caller's
    transaction, the customer locked. Returns how many activities were written."""
    now = now or timezone.now()
    created = [
        FollowUpActivity(job_centre_id=customer.job_centre_id, customer=customer, note=note, due_on=day, text=text)
        for day, text in ((d, (t or "").strip()) for d, t in new)
        if text
    ]
    changed = 0
    for pk, (action, day) in follow_ups.items():
        if action not in (DONE, CARRY):
            continue
        activity = open_by_id[pk]
        activity.status = FollowUpActivity.DONE if action == DONE else FollowUpActivity.CARRIED
        activity.closed_at, activity.closed_by, activity.closed_in = now, by, note
        activity.version += 1
        activity._history_user = by
        activity.save(update_fields=["status", "closed_at", "closed_by", "closed_in", "version"])
        changed += 1
        if action == CARRY:
            created.append(
                FollowUpActivity(
                    job_centre_id=customer.job_centre_id,
                    customer=customer,
                    note=note,
                    due_on=day,
                    text=activity.text,
                    carried_from=activity,
                )
            )
    for activity in created:
        activity._history_user = by
        activity.save()
    return len(created) + changed


def kept_follow_up(customer: Customer, given, on: date, today: date) -> tuple[date | None, dict[str, str]]:
    """The follow-up date in force (domain step 4), for a note that takes it over."""
    if given is not None:
        return given, {
            "keep_follow_up": "Bitte entweder eine neue Wiedervorlage eintragen oder die bisherige übernehmen."
        }
    kept = current_follow_up(customer, today)
    if kept is None or kept <= on:
        return None, {"keep_follow_up": "Es gibt keine laufende Wiedervorlage, die übernommen werden könnte."}
    return kept, {}


_READ = object()


def current_follow_up(customer: Customer, today: date, *, rule_set=_READ) -> date | None:
    """The follow-up date that counts today (`engine.follow_up_in_force`). Two queries; one
    when the caller has read the rule set in force today (`rule_set`, None for none)."""
    if rule_set is _READ:
        rule_set = RuleSet.objects.of_job_centre_on(customer.job_centre_id, today)
    channels = frozenset(rule_set.qualifying_channels) if rule_set is not None else frozenset()
    contacts = [
        engine.Contact(*c)
        for c in ContactNote.objects.filter(job_centre_id=customer.job_centre_id, customer_id=customer.pk)
        .order_by("date", "id")
        .values_list("date", "channel", "follow_up_on")
    ]
    return engine.follow_up_in_force(contacts, channels, today)


def note_facts(customer: Customer, by, on: date, *, profiling_reviewed: bool, plan_updated: bool) -> None:
    """What a note changes on the customer: the case is in counselling; a documented profiling
    review or a new Kooperationsplan moves its day (never back, for a backdated note)."""
    fields = []
    if customer.case_status == Customer.STATUS_NEW:
        customer.case_status = Customer.STATUS_COUNSELLING
        fields.append("case_status")
    for wanted, field in ((profiling_reviewed, "profiling_reviewed_on"), (plan_updated, "cooperation_plan_on")):
        current = getattr(customer, field)
        if wanted and (current is None or current < on):
            setattr(customer, field, on)
            fields.append(field)
    if len(fields) > ("case_status" in fields):
        # A fact changed: a facts form read before must not write the old value back.
        customer.version += 1
        customer._history_user = by
        fields.append("version")
    if fields:
        customer.save(update_fields=fields)


@transaction.atomic
def complete_activity(*, activity: FollowUpActivity, by, expected_version: int | None = None, now=None):
    """Mark one follow-up activity done from the customer page (without a note)."""
    from .services import ServiceError, _lock, check_version

    customer = _lock(activity.customer)
    activity = FollowUpActivity.objects.get(
        pk=activity.pk, customer_id=customer.pk, job_centre_id=customer.job_centre_id
    )
    check_version(activity, expected_version)
    if activity.status != FollowUpActivity.OPEN:
        raise ServiceError({"__all__": f"Die Vereinbarung ist bereits {activity.get_status_display()}."})
    activity.status, activity.closed_at, activity.closed_by = FollowUpActivity.DONE, now or timezone.now(), by
    activity.version += 1
    activity._history_user = by
    activity.save(update_fields=["status", "closed_at", "closed_by", "version"])
    store_next_task(customer)
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=activity, what="activity_done")
    log.info("follow-up activity %s of customer id %s done", activity.pk, customer.pk)
    return activity


@transaction.atomic
def complete_employer_service(
    *, measure: Measure, by, on: date | None = None, today=None, expected_version: int | None = None
):
    """Weimarer Land: the employer service (AG-S) is involved for this measure. The engine's
    `employer_service_task` flag goes once no other running measure has its task due."""
    from .duedates import refresh_due_date
    from .services import ServiceError, _lock, check_version

    today = today or timezone.localdate()
    on = on or today
    customer = _lock(measure.customer)
    measure = Measure.objects.get(pk=measure.pk, customer_id=customer.pk, job_centre_id=customer.job_centre_id)
    check_version(measure, expected_version)
    if measure.employer_service_on is not None:
        raise ServiceError(
            {"__all__": f"Der AG-S ist für diese Maßnahme seit {formats.day(measure.employer_service_on)} eingebunden."}
        )
    if on > today:
        raise ServiceError({"__all__": "Die Einbindung kann nicht für einen künftigen Tag erfasst werden."})
    measure.employer_service_on, measure.employer_service_by = on, by
    measure.version += 1
    measure._history_user = by
    measure.save(update_fields=["employer_service_on", "employer_service_by", "version"])
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=measure, what="employer_service")
    return refresh_due_date(customer, today)


@transaction.atomic
def delete_contact_note(*, customer: Customer, note_id: int, by, today=None):
    """Remove a contact note written in error (an appointment's outcome corrected the same day:
    the customer was not there), with the activities it agreed; activities it followed up are
    open again. The history keeps the note; the due date is recomputed."""
    from .duedates import refresh_due_date
    from .services import _lock

    customer = _lock(customer)
    note = ContactNote.objects.get(pk=note_id, customer_id=customer.pk, job_centre_id=customer.job_centre_id)
    for activity in FollowUpActivity.objects.filter(job_centre_id=customer.job_centre_id, closed_in=note):
        activity.status, activity.closed_at, activity.closed_by, activity.closed_in = (
            FollowUpActivity.OPEN,
            None,
            None,
            None,
        )
        activity.version += 1
        activity._history_user = by
        activity.save(update_fields=["status", "closed_at", "closed_by", "closed_in", "version"])
    note._history_user = by
    note.delete()
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, what="contact_note_deleted")
    log.info("contact note %s of customer id %s deleted after a correction", note_id, customer.pk)
    return refresh_due_date(customer, today or timezone.localdate())
