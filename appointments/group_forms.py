"""Forms for group information sessions: a new session, a participant, attendance. They never
save: `appointments.groups` does, and runs the same checks."""

from __future__ import annotations

from datetime import datetime

from django import forms

from caseload.forms import version_field
from caseload.models import ContactNote
from kontaktdichte.widgets import DATE_INPUT_FORMATS, DateInput

from .forms import TimeInput
from .models import Appointment, Office
from .slots import BERLIN

PRESENT, ABSENT, OPEN = "da", "nicht_da", ""


class SessionForm(forms.Form):
    topic = forms.CharField(label="Thema", max_length=200)
    office = forms.ModelChoiceField(label="Regionalstelle", queryset=Office.objects.none(), empty_label="—")
    room = forms.CharField(label="Raum", max_length=100)
    capacity = forms.IntegerField(label="Plätze", min_value=1, max_value=200, initial=12)
    day = forms.DateField(label="Datum", widget=DateInput(), input_formats=DATE_INPUT_FORMATS)
    time = forms.TimeField(label="Uhrzeit", widget=TimeInput(), input_formats=["%H:%M"])
    minutes = forms.IntegerField(label="Dauer (Minuten)", min_value=15, max_value=480, initial=90)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(pk__in=[o.pk for o in offices])
        self.fields["office"].choices = [("", "—")] + [(o.pk, o.name) for o in offices]
        self._offices = {o.pk: o for o in offices}

    def clean_office(self):
        office = self.cleaned_data.get("office")
        return self._offices.get(office.pk) if office else None

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            data["start"] = datetime.combine(data["day"], data["time"], tzinfo=BERLIN)
        return data


class ParticipantForm(forms.Form):
    """A customer of the team, by number (in the body of the post, never in the URL)."""

    number = forms.CharField(label="Kundennummer", max_length=20)


class AttendanceForm(forms.Form):
    """Per planned participant: da / nicht da (with a reason) / offen; one summary and
    follow-up date for the contact notes of those present, and the checklist where the rule set
    asks for it for a qualified contact (Weimarer Land counts group sessions)."""

    summary = forms.CharField(
        label="Zusammenfassung für die Beratungsvermerke",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Gilt für jede anwesende Person; bitte keine persönlichen Daten.",
    )
    follow_up_on = forms.DateField(
        label="Wiedervorlage", required=False, widget=DateInput(), input_formats=DATE_INPUT_FORMATS
    )
    keep_follow_up = forms.BooleanField(
        label="bei Personen mit laufender Wiedervorlage diese übernehmen (sonst das Datum oben)",
        required=False,
        initial=True,
    )
    version = version_field()

    def __init__(self, *args, participants, rule_set, session, **kwargs):
        kwargs.setdefault(
            "initial",
            {"summary": f"Teilnahme an der Gruppeninformation „{session.topic}“.", "version": session.version},
        )
        super().__init__(*args, **kwargs)
        self.participants = [p for p in participants if p.status == Appointment.PLANNED]
        for p in self.participants:
            self.fields[f"p{p.pk}"] = forms.ChoiceField(
                label=f"Kunde {p.customer.number}",
                choices=[(PRESENT, "anwesend"), (ABSENT, "nicht erschienen"), (OPEN, "noch offen")],
                widget=forms.RadioSelect,
                required=False,
                initial=OPEN,
            )
            self.fields[f"p{p.pk}_reason"] = forms.CharField(label="Grund", max_length=250, required=False)
        self.checklist_names = []
        if rule_set is not None and rule_set.checklist_required and "group" in rule_set.qualifying_channels:
            self.checklist_names = [n for n in ContactNote.CHECKLIST if n != "activities_followed_up"]
            for name in self.checklist_names:
                self.fields[name] = forms.BooleanField(
                    label=ContactNote._meta.get_field(name).verbose_name, required=False
                )
        if rule_set is not None and rule_set.follow_up_required:
            self.fields["follow_up_on"].demanded = True

    @property
    def rows(self):
        return [(p, self[f"p{p.pk}"], self[f"p{p.pk}_reason"]) for p in self.participants]

    @property
    def checklist_fields(self):
        return [self[n] for n in self.checklist_names]

    def outcome(self) -> tuple[set[int], dict[int, str]]:
        data = self.cleaned_data
        attended = {p.pk for p in self.participants if data.get(f"p{p.pk}") == PRESENT}
        missed = {p.pk: data.get(f"p{p.pk}_reason", "") for p in self.participants if data.get(f"p{p.pk}") == ABSENT}
        return attended, missed

    def checklist(self) -> dict[str, bool]:
        return {n: bool(self.cleaned_data.get(n)) for n in self.checklist_names}
