"""Every write to a customer goes through one of these functions: one transaction each, the
stored due date recomputed inside it, a German message in `ServiceError` when the rules of
the job centre forbid the change. Forms call the same `check_*` functions first so that the
person sees the message next to the field."""

from __future__ import annotations

import logging
from datetime import date
from functools import cache

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from audit import events as audit
from kontaktdichte import formats, loads
from kontaktdichte.plausible import (
    EARLIEST_BIRTH,
    PLAN_YEARS_AHEAD,
    SGB_II_START,
    years_ahead,
)
from kontaktdichte.versions import changed_since
from policies import engine
from policies import vocabulary as voc
from policies.models import RuleSet

from . import activities as followups
from .duedates import decide, refresh_due_date
from .intake import TEXT_FIELDS, check_master_data
from .models import ContactNote, Customer, Measure, Suspension
from .open_tasks import store_next_task

log = logging.getLogger(__name__)


class ServiceError(ValidationError):
    """A change the rules do not allow; `message_dict` maps fields to German messages."""


class StaleEdit(ServiceError):
    """The record was saved by someone else after the form was read: nothing is written. The
    message says who changed what; `current_version` lets the form be saved again knowingly."""

    def __init__(self, message: str, current_version: int):
        super().__init__({"__all__": message})
        self.current_version = current_version


def check_version(instance, expected: int | None) -> None:
    """Optimistic locking: refuse a save from a form read at an older version. Call with the
    record re-read under the customer's lock; `expected` None (a caller without a form) skips."""
    if expected is not None and expected != instance.version:
        raise StaleEdit(changed_since(instance, expected), instance.version)


@cache
def _rule_set_sql() -> str:
    """The job centre's rule set in force on a day, as `RuleSet.objects.of_job_centre_on` finds
    it (`kontaktdichte.loads`: the note form and saving a note read it)."""
    r = (RuleSet, "r")
    job_centre, valid_from, valid_until = (
        loads.column("r", RuleSet, name) for name in ("job_centre", "valid_from", "valid_until")
    )
    return (
        f"SELECT {loads.select(r)} FROM {loads.table(*r)} WHERE {job_centre} = %s AND {valid_from} <= %s"
        f" AND ({valid_until} IS NULL OR {valid_until} >= %s) ORDER BY {valid_from} DESC LIMIT 1"
    )


def rule_set_for(customer: Customer, day: date) -> RuleSet | None:
    using = router.db_for_read(RuleSet)
    on = connections[using].ops.adapt_datefield_value(day)
    found = loads.one(using, _rule_set_sql(), [customer.job_centre_id, on, on], RuleSet)
    return found[0] if found else None


# --- Contact notes ------------------------------------------------------------------------

# A follow-up date further ahead than this is a typing error: the longest cycle is six months.
FOLLOW_UP_YEARS_AT_MOST = 2


WALK_IN_CHANNEL = "in_person"


def check_contact(
    rule_set: RuleSet | None,
    *,
    date,
    channel,
    follow_up_on,
    checklist: dict,
    today: date,
    registered_on: date | None = None,
    walk_in: bool = False,
    open_activities: int = 0,
) -> dict[str, str]:
    """The rule set's demands on a contact note, as {field: message}. `open_activities`: how
    many activities of earlier notes are open; the checklist asks for them to be followed up
    only when there are some."""
    errors = {}
    if walk_in and channel != WALK_IN_CHANNEL:
        errors["walk_in"] = (
            f"Eine unterminierte Vorsprache ist ein persönlicher Kontakt: bitte als Kontaktart "
            f"„{voc.label(WALK_IN_CHANNEL)}“ wählen oder das Häkchen entfernen."
        )
    if date > today:
        errors["date"] = "Ein Beratungsvermerk kann nicht für einen künftigen Tag geschrieben werden."
    elif registered_on is not None and date < registered_on:
        errors["date"] = f"Der Kontakt liegt vor der Meldung am {formats.day(registered_on)}: bitte das Datum prüfen."
    if follow_up_on is not None and follow_up_on <= date:
        errors["follow_up_on"] = "Die Wiedervorlage muss nach dem Kontakt liegen."
    elif follow_up_on is not None and follow_up_on > date + relativedelta(years=FOLLOW_UP_YEARS_AT_MOST):
        errors["follow_up_on"] = (
            f"Die Wiedervorlage darf höchstens {FOLLOW_UP_YEARS_AT_MOST} Jahre nach dem "
            f"Kontakt liegen: bitte das Datum prüfen."
        )
    if rule_set is None:
        return errors
    if rule_set.follow_up_required and follow_up_on is None:
        errors["follow_up_on"] = (
            "Nach dem Kontaktdichtekonzept braucht jeder Beratungsvermerk eine Wiedervorlage („kein BewA ohne WV“)."
        )
    qualified = channel in rule_set.qualifying_channels
    if rule_set.checklist_required and qualified:
        missing = [
            ContactNote._meta.get_field(f).verbose_name
            for f in ContactNote.CHECKLIST
            if not checklist.get(f) and (f != "activities_followed_up" or open_activities)
        ]
        if missing:
            errors["__all__"] = "Für einen qualifizierten Kontakt fehlt noch: " + ", ".join(missing) + "."
    return errors


@transaction.atomic
def record_contact(
    *,
    customer: Customer,
    by,
    date,
    channel,
    summary,
    agreements="",
    follow_up_on=None,
    checklist=None,
    walk_in=False,
    today=None,
    activities=(),
    follow_ups=None,
    profiling_reviewed=False,
    plan_updated=False,
    keep_follow_up=False,
) -> tuple[ContactNote, engine.Decision]:
    """Write a Beratungsvermerk and move the customer's due date. `walk_in`: the customer came
    without an appointment (unterminierte Vorsprache), in person only. The note keeps the code
    of the rule that matched on its day (a backdated note: the code of that day, which the
    subject line shows: "Beratungsvermerk 2MM").

    `activities`: follow-up activities agreed, as (day, text); `follow_ups`: what becomes of
    open activities of earlier notes (`activities.check_follow_ups`). `profiling_reviewed`: the
    note documents the review of the profiling and prognosis (clears Coburg's flag);
    `plan_updated`: a Kooperationsplan was made or updated on the note's day. `keep_follow_up`:
    the note takes over the follow-up date in force instead of a date of its own."""
    today = today or timezone.localdate()
    checklist = checklist or {}
    follow_ups = follow_ups or {}
    customer = _lock(customer)
    rule_set = rule_set_for(customer, date)
    keep_errors = {}
    if keep_follow_up:
        follow_up_on, keep_errors = followups.kept_follow_up(customer, follow_up_on, date, today)
    open_by_id = {a.pk: a for a in followups.open_activities(customer)}
    errors = check_contact(
        rule_set,
        date=date,
        channel=channel,
        follow_up_on=follow_up_on,
        checklist=checklist,
        today=today,
        registered_on=customer.registered_on,
        walk_in=walk_in,
        open_activities=len(open_by_id),
    )
    errors.update(keep_errors)
    errors.update(
        followups.check_follow_ups(
            new=list(activities),
            follow_ups=follow_ups,
            open_by_id=open_by_id,
            note_date=date,
            followed_up_ticked=bool(checklist.get("activities_followed_up")),
        )
    )
    if channel not in voc.CHANNEL_CODES:
        errors["channel"] = "Unbekannte Kontaktart."
    if not (summary or "").strip():
        errors["summary"] = "Bitte das Gespräch kurz zusammenfassen."
    if errors:
        raise ServiceError(errors)
    # Which rule matches depends on the facts on that day, not on the contacts: asked before
    # the note exists, the engine names the same rule as after it.
    rule_code = decide(customer, date, include_suspensions=False).code or ""
    note = ContactNote.objects.create(
        job_centre_id=customer.job_centre_id,
        customer=customer,
        date=date,
        channel=channel,
        walk_in=bool(walk_in),
        rule_code=rule_code,
        caseworker=by,
        summary=summary.strip(),
        agreements=(agreements or "").strip(),
        follow_up_on=follow_up_on,
        profiling_reviewed=bool(profiling_reviewed),
        plan_updated=bool(plan_updated),
        **{f: bool(checklist.get(f)) for f in ContactNote.CHECKLIST},
    )
    followups.write_follow_ups(
        note=note, customer=customer, by=by, new=list(activities), follow_ups=follow_ups, open_by_id=open_by_id
    )
    followups.note_facts(customer, by, date, profiling_reviewed=profiling_reviewed, plan_updated=plan_updated)
    decision = refresh_due_date(customer, today, changed_from=date)
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=note, what="contact_note")
    log.info("contact note %s recorded for customer id %s", note.pk, customer.pk)
    return note, decision


# --- Suspensions --------------------------------------------------------------------------


def extension_limit(customer: Customer, today: date) -> date | None:
    """The latest end a documented exception may have under the rule set's extension cap."""
    rule_set = rule_set_for(customer, today)
    if rule_set is None or rule_set.max_extension_amount is None:
        return None
    decision = decide(customer, today, include_suspensions=False)
    if decision.due_by is None:
        return None
    cap = engine.Amount(rule_set.max_extension_amount, rule_set.max_extension_unit)
    return cap.after(decision.due_by)


def check_suspension(customer: Customer, *, start, end, today: date) -> dict[str, str]:
    errors = _plausible_span(start, end, today)
    if errors:
        return errors
    if end < start:
        errors["end"] = "Das Ende darf nicht vor dem Beginn liegen."
        return errors
    if end < customer.registered_on:
        errors["end"] = (
            f"Die Ausnahme endet vor der Meldung am {formats.day(customer.registered_on)}: bitte die Daten prüfen."
        )
        return errors
    limit = extension_limit(customer, today)
    if limit is not None and end > limit:
        rule_set = rule_set_for(customer, today)
        amount = engine.Amount(rule_set.max_extension_amount, rule_set.max_extension_unit)
        errors["end"] = (
            f"Die Kontaktdichte darf höchstens um {amount} erweitert werden: "
            f"die Ausnahme kann bis spätestens {formats.day(limit)} gelten."
        )
    return errors


@transaction.atomic
def record_suspension(*, customer: Customer, by, reason, start, end, today=None) -> tuple[Suspension, engine.Decision]:
    today = today or timezone.localdate()
    customer = _lock(customer)
    errors = check_suspension(customer, start=start, end=end, today=today)
    if not (reason or "").strip():
        errors["reason"] = "Bitte den Grund der Ausnahme dokumentieren."
    if errors:
        raise ServiceError(errors)
    suspension = Suspension.objects.create(
        job_centre_id=customer.job_centre_id,
        customer=customer,
        reason=reason.strip(),
        start=start,
        end=end,
        documented_by=by,
    )
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=suspension, what="suspension")
    return suspension, refresh_due_date(customer, today, changed_from=start)


def check_suspension_end(suspension: Suspension, *, on: date) -> dict[str, str]:
    errors = {}
    if on < suspension.start:
        errors["end"] = f"Die Ausnahme kann nicht vor ihrem Beginn am {formats.day(suspension.start)} enden."
    elif on > suspension.end:
        errors["end"] = (
            f"Hier endet eine Ausnahme nur vorzeitig, also spätestens am {formats.day(suspension.end)}; "
            f"für eine längere bitte eine neue Ausnahme dokumentieren (dort gilt die Obergrenze)."
        )
    return errors


@transaction.atomic
def end_suspension(
    *, suspension: Suspension, on: date, today=None, expected_version: int | None = None, by=None
) -> engine.Decision:
    """End a documented exception early (or correct its end downwards): contacts are due again
    from the day after `on`."""
    today = today or timezone.localdate()
    customer = _lock(suspension.customer)
    suspension = Suspension.objects.get(pk=suspension.pk, customer_id=customer.pk, job_centre_id=customer.job_centre_id)
    check_version(suspension, expected_version)
    errors = check_suspension_end(suspension, on=on)
    if errors:
        raise ServiceError(errors)
    changed_from = min(on, suspension.end)
    suspension.end = on
    suspension.version += 1
    if by is not None:
        suspension._history_user = by
    suspension.save(update_fields=["end", "version"])
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=suspension, what="suspension_end")
    log.info("suspension %s of customer id %s ended early", suspension.pk, customer.pk)
    return refresh_due_date(customer, today, changed_from=changed_from)


# --- Measures -----------------------------------------------------------------------------


def _plausible_span(start: date, end: date, today: date | None) -> dict[str, str]:
    """A measure's or exception's days: not before SGB II began, not decades ahead."""
    errors = {}
    if start < SGB_II_START:
        errors["start"] = (
            f"Der Beginn liegt vor dem {formats.day(SGB_II_START)} (Beginn des SGB II): bitte das Datum prüfen."
        )
    latest = years_ahead(today or timezone.localdate(), PLAN_YEARS_AHEAD)
    if end > latest:
        errors["end"] = (
            f"Das Ende liegt mehr als {PLAN_YEARS_AHEAD} Jahre in der Zukunft (nach dem {formats.day(latest)}): "
            f"bitte das Datum prüfen."
        )
    return errors


def check_measure(*, title, start, end, exited_on, today: date | None = None) -> dict[str, str]:
    errors = _plausible_span(start, max(end, exited_on or end), today)
    if not (title or "").strip():
        errors["title"] = "Bitte die Maßnahme benennen."
    if end < start:
        errors["end"] = "Das geplante Ende darf nicht vor dem Beginn liegen."
    if exited_on is not None and exited_on < start:
        errors["exited_on"] = "Der Austritt darf nicht vor dem Beginn liegen."
    elif exited_on is not None and exited_on > end:
        # The engine reads an exit as the measure's real end: a later one would lengthen it.
        errors["exited_on"] = (
            "Ein Austritt nach dem geplanten Ende ist keiner: bitte das geplante "
            "Ende ändern, wenn die Maßnahme verlängert wurde."
        )
    return errors


@transaction.atomic
def add_measure(
    *, customer: Customer, title, start, end, exited_on=None, today=None, by=None
) -> tuple[Measure, engine.Decision]:
    today = today or timezone.localdate()
    customer = _lock(customer)
    errors = check_measure(title=title, start=start, end=end, exited_on=exited_on, today=today)
    if errors:
        raise ServiceError(errors)
    measure = Measure(
        job_centre_id=customer.job_centre_id,
        customer=customer,
        title=title.strip(),
        start=start,
        end=end,
        exited_on=exited_on,
    )
    if by is not None:
        measure._history_user = by
    measure.save()
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=measure, what="measure")
    return measure, refresh_due_date(customer, today, changed_from=start)


@transaction.atomic
def update_measure(
    *, measure: Measure, title, start, end, exited_on=None, today=None, expected_version: int | None = None, by=None
) -> engine.Decision:
    today = today or timezone.localdate()
    customer = _lock(measure.customer)
    measure = Measure.objects.get(pk=measure.pk, customer_id=customer.pk, job_centre_id=customer.job_centre_id)
    check_version(measure, expected_version)
    errors = check_measure(title=title, start=start, end=end, exited_on=exited_on, today=today)
    if errors:
        raise ServiceError(errors)
    changed_from = min(measure.start, start)
    measure.title, measure.start, measure.end, measure.exited_on = title.strip(), start, end, exited_on
    measure.version += 1
    if by is not None:
        measure._history_user = by
    measure.save()
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, obj=measure, what="measure")
    return refresh_due_date(customer, today, changed_from=changed_from)


# --- Customer facts -----------------------------------------------------------------------

# Days that have happened: one in the future is a typing error that would choose another rule.
PAST_DATES = (
    "birth_date",
    "registered_on",
    "unemployed_since",
    "profile_since",
    "profiling_reviewed_on",
    "cooperation_plan_on",
)


def check_facts(values: dict, today: date) -> dict[str, str]:
    """Plausibility of a customer's dates, as {field: message}: `values` maps fact fields to
    their new values (missing ones are not checked)."""
    errors = {}
    for field in PAST_DATES:
        day = values.get(field)
        if day is not None and day > today:
            label = Customer._meta.get_field(field).verbose_name
            errors[field] = f"„{label}“ kann nicht in der Zukunft liegen."
    earliest = {
        "birth_date": EARLIEST_BIRTH,
        "registered_on": SGB_II_START,
        "unemployed_since": EARLIEST_BIRTH,
        "profile_since": SGB_II_START,
        "benefit_renewal_on": SGB_II_START,
        "profiling_reviewed_on": SGB_II_START,
        "cooperation_plan_on": SGB_II_START,
    }
    for field, first in earliest.items():
        day = values.get(field)
        if day is not None and day < first and field not in errors:
            label = Customer._meta.get_field(field).verbose_name
            errors[field] = f"„{label}“ vor dem {formats.day(first)}? Bitte das Datum prüfen."
    renewal = values.get("benefit_renewal_on")
    if renewal is not None and renewal > years_ahead(today, PLAN_YEARS_AHEAD) and "benefit_renewal_on" not in errors:
        errors["benefit_renewal_on"] = "Die Weiterbewilligung liegt mehr als zehn Jahre in der Zukunft: bitte prüfen."
    birth, registered = values.get("birth_date"), values.get("registered_on")
    if birth is not None and registered is not None and registered < birth and "registered_on" not in errors:
        errors["registered_on"] = "Die Meldung kann nicht vor der Geburt liegen."
    return errors


def changed_facts_errors(values: dict, changed, today: date) -> dict[str, str]:
    """`check_facts` for the fields that change: a doubtful date already stored does not stop
    an edit of something else."""
    changed = set(changed)
    return {
        field: message
        for field, message in check_facts(values, today).items()
        if field in changed or (field == "registered_on" and "birth_date" in changed)
    }


def _validate(customer: Customer, errors: dict[str, str], exclude=None) -> None:
    """Raise ServiceError with the model's own checks and `errors` (which win for a field)."""
    try:
        customer.full_clean(exclude=exclude)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ServiceError(errors)


@transaction.atomic
def update_customer(
    *, customer: Customer, changes: dict, today=None, expected_version: int | None = None, by=None
) -> engine.Decision | None:
    """Change master data or facts; the due date is recomputed when a fact the rules read changed.
    `expected_version`: the version the form was read at (a later save refuses it)."""
    today = today or timezone.localdate()
    customer = _lock(customer)
    check_version(customer, expected_version)
    changed = [f for f, v in changes.items() if getattr(customer, f) != v]
    for field, value in changes.items():
        setattr(customer, field, value)
    _validate(
        customer,
        changed_facts_errors({f: getattr(customer, f) for f in Customer.FACT_FORM_FIELDS}, changed, today),
        exclude=["job_centre", "team", "caseworker", "acquisition_source"],
    )
    if changed:
        customer.version += 1
        if by is not None:
            customer._history_user = by
        customer.save(update_fields=[*changed, "version"])
        audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, what="facts")
    if any(f in Customer.FACT_FIELDS for f in changed):
        return refresh_due_date(customer, today)
    if "cooperation_plan_on" in changed:  # no fact the rules read, but a task's day
        store_next_task(customer)
    return None


def check_number(job_centre_id: int, number: str, *, exclude_pk: int | None = None) -> dict[str, str]:
    """A customer number is unique in its job centre (the constraint `customer_unique_number`)."""
    taken = Customer.objects.filter(job_centre_id=job_centre_id, number=number).exclude(pk=exclude_pk).exists()
    return {"number": f"Die Kundennummer {number} ist in diesem Jobcenter bereits vergeben."} if taken else {}


@transaction.atomic
def create_customer(*, today=None, by=None, **fields) -> tuple[Customer, engine.Decision]:
    """Register a customer; the first-contact deadline (or the first cycle) is stored at once."""
    today = today or timezone.localdate()
    customer = Customer(**fields)
    errors = check_facts({f: getattr(customer, f) for f in Customer.FACT_FIELDS}, today)
    errors |= check_master_data({f: getattr(customer, f) for f in TEXT_FIELDS})
    errors |= check_number(customer.job_centre_id, customer.number)
    # A taken number has its own message: the constraint's generic one is not checked again.
    _validate(customer, errors, exclude=["number"] if "number" in errors else None)
    if by is not None:
        customer._history_user = by
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        taken = check_number(customer.job_centre_id, customer.number)
        if taken:  # a colleague saved the number after the check above
            raise ServiceError(taken) from None
        raise
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, what="created")
    return customer, refresh_due_date(customer, today, changed_from=customer.registered_on)


# --- Closing ---------------------------------------------------------------------------


def check_close(customer: Customer, *, on: date, outcome: str, reason: str, today: date) -> dict[str, str]:
    errors = {}
    if on > today:
        errors["closed_on"] = "Ein Fall kann nicht für einen künftigen Tag abgeschlossen werden."
    elif on < customer.registered_on:
        errors["closed_on"] = f"Der Abschluss liegt vor der Meldung am {formats.day(customer.registered_on)}."
    if customer.acquisition_source_id is not None:
        # GCfaK (seed 004): "Arbeitsstelle angenommen" or "nicht angenommen, Erklärung warum".
        if outcome not in dict(Customer.OUTCOMES):
            errors["closing_outcome"] = "Bitte das Ergebnis angeben: Arbeitsstelle angenommen oder nicht."
        elif outcome == "job_not_taken" and not (reason or "").strip():
            errors["closing_reason"] = "Bitte begründen, warum die Arbeitsstelle nicht angenommen wurde."
    return errors


@transaction.atomic
def close_case(
    *,
    customer: Customer,
    by,
    on: date,
    outcome: str = "",
    reason: str = "",
    today=None,
    expected_version: int | None = None,
) -> Customer:
    """Close the case: it leaves the worklists, and `apply_retention` deletes it once the
    retention period after `on` has passed."""
    today = today or timezone.localdate()
    customer = _lock(customer)
    check_version(customer, expected_version)
    if customer.closed_on is not None:
        raise ServiceError({"__all__": f"Der Fall ist bereits seit {formats.day(customer.closed_on)} abgeschlossen."})
    errors = check_close(customer, on=on, outcome=outcome, reason=reason, today=today)
    if errors:
        raise ServiceError(errors)
    customer.closed_on, customer.case_status = on, Customer.STATUS_CLOSED
    customer.closing_outcome = outcome if customer.acquisition_source_id else ""
    customer.closing_reason = (reason or "").strip() if outcome == "job_not_taken" else ""
    customer.version += 1
    customer._history_user = by
    customer.save(update_fields=["closed_on", "case_status", "closing_outcome", "closing_reason", "version"])
    audit.record(audit.Event.CUSTOMER_CHANGED, user=by, customer=customer, what="closed")
    log.info("case of customer id %s closed", customer.pk)
    return customer


def _lock(customer: Customer) -> Customer:
    """Serialise concurrent writes to one customer and reload them as they are now: a colleague
    may have changed the facts since this request read them, and the due date must be computed
    from what is stored. On PostgreSQL the row stays locked until the transaction ends; SQLite
    serialises writers itself (`transaction_mode` IMMEDIATE in the settings)."""
    customer.refresh_from_db(
        from_queryset=Customer.objects.select_for_update().filter(job_centre_id=customer.job_centre_id)
    )
    return customer
