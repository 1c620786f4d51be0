"""What the customer pages say about a due date: the context every customer page shows (status,
days overdue, stale marks, flags) and the German sentences after a change. Shared by the
caseload and appointment pages (appointments.views imports them; this app imports nothing of
that one)."""

from __future__ import annotations

from kontaktdichte import formats
from policies import engine
from policies import vocabulary as voc

from . import selectors
from .tables import status_word

DUE_FLAG_LABELS = {
    engine.PROFILING_REVIEW: "Profilingprüfung fällig",
    engine.EMPLOYER_SERVICE_TASK: "AG-S einbinden",
}


def due_context(customer, today):
    stored = customer.status_until_due
    status = engine.Status.on(stored, customer.due_by, today) if stored else ""
    return {
        "customer": customer,
        "today": today,
        "status": status,
        "status_word": status_word(status),
        "days_overdue": (today - customer.due_by).days if customer.due_by and customer.due_by < today else 0,
        "stale": selectors.stale(customer, today),
        "due_flags": [DUE_FLAG_LABELS.get(f, f) for f in customer.due_flags],
    }


def due_message(decision: engine.Decision, today) -> str:
    if decision.due_by is not None:
        if decision.status_on(today) == engine.OVERDUE:
            return f"Der Kontakt ist weiterhin überfällig (fällig war er am {formats.day(decision.due_by)})."
        return f"Nächster Kontakt fällig bis {formats.day(decision.due_by)}."
    if decision.status == engine.INDIVIDUAL:
        return "Individueller Zyklus ohne Wiedervorlage: es ist kein Datum fällig."
    return "Keine Fälligkeit: " + (decision.reasons[-1] if decision.reasons else "keine Regel.")


def contact_message(note, decision: engine.Decision, previous_due, today) -> str:
    head = "Beratungsvermerk gespeichert."
    channels = decision.rule_set.qualifying_channels if decision.rule_set else frozenset()
    if note.channel in channels:
        return f"{head} {due_message(decision, today)}"
    not_counted = (
        f"{head} Die Kontaktart „{voc.label(note.channel)}“ zählt nach dem Kontaktdichtekonzept "
        f"nicht als qualifizierter Kontakt"
    )
    if decision.due_by == previous_due:
        kept = (
            f"die Fälligkeit bleibt beim {formats.day(previous_due)}"
            if previous_due
            else "die Fälligkeit ändert sich nicht"
        )
        return f"{not_counted}: {kept}."
    if note.follow_up_on is None:
        # Not this note: the stored due date was older than the facts (DOMAIN step 4: a note
        # without a follow-up date leaves the one that counts as it is).
        return f"{not_counted}. {due_message(decision, today)}"
    return f"{not_counted}; wegen der Wiedervorlage gilt: {due_message(decision, today)}"
