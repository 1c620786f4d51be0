"""What a new customer's master data must look like: checked by `services.create_customer`, and
before it by the "Kunde anlegen" form and every row of an import (`caseload.imports`), so the
message appears beside the field or on the row first."""

from __future__ import annotations

import re

from kontaktdichte.spreadsheets import FORMULA_STARTS

from .models import Customer

TEXT_FIELDS = ("number", "first_name", "last_name", "street", "postcode", "city", "phone", "email")
NUMBER = re.compile(r"[0-9A-Za-z]+")
POSTCODE = re.compile(r"[0-9]{5}")
PHONE = re.compile(r"\+?[0-9][0-9 /()\-]*")


def label(field: str) -> str:
    return str(Customer._meta.get_field(field).verbose_name)


def check_master_data(values: dict) -> dict[str, str]:
    """{field: German message} for the master data in `values` (missing fields not checked).

    No text may start like a spreadsheet formula (=, +, -, @, tab, carriage return): exports
    neutralise such text, but a value that arrived from a file that way was most likely never
    meant as a name (formula injection); a phone number may start with "+"."""
    errors = {}
    for field in TEXT_FIELDS:
        value = values.get(field) or ""
        if field == "phone" and PHONE.fullmatch(value):
            continue
        if value.startswith(FORMULA_STARTS):
            errors[field] = (
                f"„{label(field)}“ beginnt mit einem Zeichen, mit dem Tabellenprogramme Formeln einleiten "
                f"(=, +, -, @): das wird nicht übernommen."
            )
    number, postcode, phone = (values.get(f) or "" for f in ("number", "postcode", "phone"))
    if number and "number" not in errors and not NUMBER.fullmatch(number):
        errors["number"] = "Die Kundennummer besteht nur aus Ziffern und Buchstaben (ohne Leerzeichen)."
    if postcode and "postcode" not in errors and not POSTCODE.fullmatch(postcode):
        errors["postcode"] = "Die Postleitzahl hat fünf Ziffern."
    if phone and "phone" not in errors and not PHONE.fullmatch(phone):
        errors["phone"] = "Die Telefonnummer besteht aus Ziffern, Leerzeichen und + / ( ) -."
    return errors
