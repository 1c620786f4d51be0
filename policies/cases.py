"""The JSON form of `evaluate_cases` (docs/engine-contract.md): strict reading of one
case into the engine's dataclasses, and a decision back to JSON."""

from __future__ import annotations

import re
from datetime import date

from . import engine
from . import vocabulary as voc

CASE_KEYS = {"id", "jobcentre", "on", "customer", "contacts"}
CUSTOMER_KEYS = {
    "birth_date",
    "registered_on",
    "employment",
    "profile",
    "profile_since",
    "care",
    "flags",
    "integrated_employment",
    "unemployed_since",
    "benefit_renewal_on",
    "measures",
    "suspensions",
}
MEASURE_KEYS = {"start", "end", "exited_on"}
SUSPENSION_KEYS = {"start", "end", "reason"}
CONTACT_KEYS = {"date", "channel", "follow_up_on"}


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CaseError(ValueError):
    """A case that cannot be read; the message says where and what."""


def _object(value, where, allowed):
    if not isinstance(value, dict):
        raise CaseError(f"{where}: ein Objekt erwartet")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise CaseError(f"{where}: unbekannter Schlüssel {', '.join(repr(k) for k in unknown)}")
    return value


def _date(value, where, required=False):
    if value is None:
        if required:
            raise CaseError(f"{where}: Pflichtangabe fehlt")
        return None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise CaseError(f"{where}: kein Datum im Format JJJJ-MM-TT: {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CaseError(f"{where}: kein gültiges Datum: {value!r}") from None


def _code(value, where, allowed, default=None):
    if value is None:
        return default
    if value not in allowed:
        raise CaseError(f"{where}: unbekannter Wert {value!r} (erlaubt: {', '.join(allowed)})")
    return value


def _list(value, where):
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseError(f"{where}: eine Liste erwartet")
    return value


def _span(raw, where, keys):
    item = _object(raw, where, keys)
    start = _date(item.get("start"), f"{where}.start", required=True)
    end = _date(item.get("end"), f"{where}.end", required=True)
    if end < start:
        raise CaseError(f"{where}: Ende {end.isoformat()} liegt vor dem Beginn {start.isoformat()}")
    return item, start, end


def parse_customer(raw) -> engine.Customer:
    c = _object(raw, "customer", CUSTOMER_KEYS)
    flags = _list(c.get("flags"), "customer.flags")
    for i, flag in enumerate(flags):
        _code(flag, f"customer.flags[{i}]", voc.FLAG_CODES)
    measures = []
    for i, raw_measure in enumerate(_list(c.get("measures"), "customer.measures")):
        where = f"customer.measures[{i}]"
        item, start, end = _span(raw_measure, where, MEASURE_KEYS)
        exited_on = _date(item.get("exited_on"), f"{where}.exited_on")
        if exited_on is not None and exited_on < start:
            raise CaseError(f"{where}.exited_on: Austritt liegt vor dem Beginn")
        measures.append(engine.Measure(start, end, exited_on))
    suspensions = []
    for i, raw_suspension in enumerate(_list(c.get("suspensions"), "customer.suspensions")):
        where = f"customer.suspensions[{i}]"
        item, start, end = _span(raw_suspension, where, SUSPENSION_KEYS)
        reason = item.get("reason") or ""
        if not isinstance(reason, str):
            raise CaseError(f"{where}.reason: ein Text erwartet")
        suspensions.append(engine.Suspension(start, end, reason))
    return engine.Customer(
        birth_date=_date(c.get("birth_date"), "customer.birth_date", required=True),
        registered_on=_date(c.get("registered_on"), "customer.registered_on", required=True),
        employment=_code(c.get("employment"), "customer.employment", voc.EMPLOYMENT_CODES),
        profile=_code(c.get("profile"), "customer.profile", voc.PROFILE_CODES),
        profile_since=_date(c.get("profile_since"), "customer.profile_since"),
        care=_code(c.get("care"), "customer.care", voc.CARE_CODES, default="placement"),
        flags=frozenset(flags),
        integrated_employment=_code(
            c.get("integrated_employment"), "customer.integrated_employment", voc.INTEGRATED_EMPLOYMENT_CODES
        ),
        unemployed_since=_date(c.get("unemployed_since"), "customer.unemployed_since"),
        benefit_renewal_on=_date(c.get("benefit_renewal_on"), "customer.benefit_renewal_on"),
        measures=tuple(measures),
        suspensions=tuple(suspensions),
    )


def parse_contacts(raw) -> list[engine.Contact]:
    contacts = []
    for i, raw_contact in enumerate(_list(raw, "contacts")):
        where = f"contacts[{i}]"
        item = _object(raw_contact, where, CONTACT_KEYS)
        contacts.append(
            engine.Contact(
                date=_date(item.get("date"), f"{where}.date", required=True),
                channel=_code(item.get("channel"), f"{where}.channel", voc.CHANNEL_CODES)
                or _missing(f"{where}.channel"),
                follow_up_on=_date(item.get("follow_up_on"), f"{where}.follow_up_on"),
            )
        )
    return contacts


def _missing(where):
    raise CaseError(f"{where}: Pflichtangabe fehlt")


def parse_case(raw, centres: dict[str, engine.JobCentre]):
    """One case: (job centre policy, customer, contacts, evaluation date)."""
    case = _object(raw, "case", CASE_KEYS)
    slug = case.get("jobcentre")
    if slug is None:
        _missing("jobcentre")
    if not isinstance(slug, str) or slug not in centres:
        raise CaseError(f"jobcentre: unbekanntes Jobcenter {slug!r} (bekannt: {', '.join(sorted(centres))})")
    on = _date(case.get("on"), "on", required=True)
    if case.get("customer") is None:
        _missing("customer")
    return centres[slug], parse_customer(case["customer"]), parse_contacts(case.get("contacts")), on


def _iso(day):
    return day.isoformat() if day is not None else None


def decision_to_json(case_id, decision: engine.Decision) -> dict:
    return {
        "id": case_id,
        "rule_set": decision.rule_set.title if decision.rule_set else None,
        "rule": decision.rule.label if decision.rule else None,
        "code": decision.code,
        "status": decision.status,
        "window_opens": _iso(decision.window_opens),
        "due_by": _iso(decision.due_by),
        "last_working_day": _iso(decision.last_working_day),
        "recheck_on": _iso(decision.recheck_on),
        "flags": list(decision.flags),
        "reasons": list(decision.reasons),
    }


def evaluate_document(document, centres: dict[str, engine.JobCentre]) -> tuple[list[dict], bool]:
    """Evaluate every case of a parsed input document. Returns (answers, all_ok)."""
    if not isinstance(document, dict) or set(document) != {"cases"} or not isinstance(document["cases"], list):
        raise CaseError('Die Eingabe muss ein Objekt der Form {"cases": [...]} sein.')
    answers, all_ok = [], True
    for raw in document["cases"]:
        case_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            centre, customer, contacts, on = parse_case(raw, centres)
        except CaseError as error:
            answers.append({"id": case_id, "error": str(error)})
            all_ok = False
            continue
        try:
            decision = engine.evaluate(centre, customer, contacts, on)
        except (ValueError, OverflowError):
            answers.append({"id": case_id, "error": "Datum außerhalb des berechenbaren Bereichs (bis 9999)"})
            all_ok = False
            continue
        answers.append(decision_to_json(case_id, decision))
    return answers, all_ok
