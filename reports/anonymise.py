"""Anonymising the GCfaK quarterly export (seed 004: "ID: Eindeutige Nummer, kann zufällig sein
um den Datenschutz zu unterstützen"; "Aus Datenschutzgründen werden hier keine weiteren Daten
genannt").

- `ExportIds`: a random ID per customer instead of the customer number, the same for a customer
  throughout one export (customer list and log), new with every export, so that two deliveries
  cannot be joined by it and nobody can turn it back into a customer number.
- `redact`: a note's text with the customer's own identifiers (names, birth date, address,
  phone, e-mail, customer number) replaced by a placeholder. Caseworkers are asked not to write
  them (the note form says so); this catches what was written anyway. Pure, no database.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date


class ExportIds:
    def __init__(self):
        self._ids: dict[int, str] = {}
        self._used: set[str] = set()

    def __getitem__(self, customer_id: int) -> str:
        export_id = self._ids.get(customer_id)
        if export_id is None:
            export_id = f"K-{secrets.token_hex(3).upper()}"
            while export_id in self._used:
                export_id = f"K-{secrets.token_hex(3).upper()}"
            self._used.add(export_id)
            self._ids[customer_id] = export_id
        return export_id


@dataclass(frozen=True)
class Identifiers:
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    number: str = ""


def _word(text: str) -> str:
    """`text` as a whole word, case-insensitive, inner spaces as any run of white space."""
    return r"(?<!\w)" + r"\s+".join(re.escape(part) for part in text.split()) + r"(?!\w)"


def _digits(number: str) -> str | None:
    """A phone number's digits, with any separators (space, slash, dash, dot, brackets) between
    them; a leading +49 may stand for the leading 0."""
    digits = re.sub(r"\D", "", number)
    if len(digits) < 5:
        return None
    if digits.startswith("49") and number.strip().startswith("+"):
        digits = "0" + digits[2:]
    separators = r"[\s/().-]*"
    body = separators.join(digits[1:]) if digits.startswith("0") else separators.join(digits)
    prefix = r"(?:\+\s*49\s*(?:\(0\))?|0)" + separators if digits.startswith("0") else ""
    return r"(?<!\d)" + prefix + body + r"(?!\d)"


def _dates(day: date) -> list[str]:
    return [
        rf"(?<!\d)0?{day.day}\.\s*0?{day.month}\.\s*{day.year}(?!\d)",
        rf"{day:%Y-%m-%d}",
        rf"(?<!\d)0?{day.day}/0?{day.month}/{day.year}(?!\d)",
    ]


def redact(text: str, who: Identifiers) -> str:
    if not text:
        return text
    patterns: list[tuple[str, str]] = []
    if who.email:
        patterns.append((re.escape(who.email), "[E-Mail]"))
    if who.phone and (pattern := _digits(who.phone)):
        patterns.append((pattern, "[Telefon]"))
    if who.birth_date:
        patterns += [(p, "[Geburtsdatum]") for p in _dates(who.birth_date)]
    if who.number:
        patterns.append((rf"(?<!\w){re.escape(who.number)}(?!\w)", "[Kundennummer]"))
    if who.street:
        patterns.append((_word(who.street), "[Anschrift]"))
        # The street without its house number, and written with "str." for "straße".
        name = re.sub(r"\s*\d+\s*\w?$", "", who.street).strip()
        if name and name != who.street:
            patterns.append((_word(name), "[Anschrift]"))
        if name.lower().endswith("straße"):
            patterns.append((_word(name[:-6] + "str."), "[Anschrift]"))
    if who.postcode:
        patterns.append((rf"(?<!\d){re.escape(who.postcode)}(?!\d)", "[Anschrift]"))
    if who.city and len(who.city) >= 3:
        patterns.append((_word(who.city), "[Ort]"))
    full = f"{who.first_name} {who.last_name}".strip()
    for name in (full, who.last_name, who.first_name):
        if name and len(name) >= 2:
            patterns.append((_word(name), "[Name]"))
    for pattern, placeholder in patterns:
        text = re.sub(pattern, placeholder, text, flags=re.IGNORECASE)
    return text
