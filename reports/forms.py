"""The pickers of the report pages: GET forms, so a report is a URL that can be bookmarked.
Ids and months only, never a name."""

from __future__ import annotations

import re
from datetime import date

from django import forms

from kontaktdichte.dates import add_months

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month as 2026-10 (the template writes the browser's month picker itself)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH_RE.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError("Bitte einen Monat im Format JJJJ-MM angeben, z. B. 2026-10.")
        return date(int(match.group(1)), int(match.group(2)), 1)


def team_id(params) -> int | None:
    """The team picked in the query string (None: the default). The template renders the
    picker; a team the user may not read is a 404 in `access.team_for`, not a form error."""
    raw = params.get("team") or None
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return -1  # nobody's team: a 404


class MonthForm(forms.Form):
    monat = MonthField(label="Monat", required=False)

    def __init__(self, data, *, today: date):
        super().__init__(data)
        self.today = today

    def clean_monat(self):
        month = self.cleaned_data.get("monat")
        if month is not None and month > self.today.replace(day=1):
            raise forms.ValidationError(
                "Ein Bericht für einen künftigen Monat ist noch leer: bitte einen "
                "vergangenen oder den laufenden Monat wählen."
            )
        return month

    def default_month(self) -> date:
        """The last complete month: what a monthly report is usually read for."""
        return add_months(self.today.replace(day=1), -1)
