"""Forms for the appointment and absence pages. They never save: views call
`appointments.services`, whose `check_*` functions they run first."""

from __future__ import annotations

from datetime import datetime

from django import forms

from caseload.filters import DATE_INPUT_FORMATS, DateInput
from caseload.forms import add_service_errors

from . import services
from .models import Absence, Appointment, Office
from .slots import BERLIN

MANUAL = "manuell"
WEEKDAY_SHORT = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class BookingForm(forms.Form):
    slot = forms.ChoiceField(label="Vorgeschlagene Termine", widget=forms.RadioSelect, required=False)
    day = forms.DateField(label="oder Datum", required=False, widget=DateInput(), input_formats=DATE_INPUT_FORMATS)
    time = forms.TimeField(label="Uhrzeit", required=False, widget=TimeInput(), input_formats=["%H:%M"])
    kind = forms.ChoiceField(label="Gesprächsart", choices=Appointment.KINDS, widget=forms.RadioSelect)
    mode = forms.ChoiceField(label="Form", choices=Appointment.MODES, widget=forms.RadioSelect,
                             initial=Appointment.OFFICE)
    office = forms.ModelChoiceField(label="Regionalstelle", queryset=Office.objects.none(), required=False,
                                    empty_label="—")
    minutes = forms.IntegerField(label="Dauer (Minuten)", required=False, min_value=1, max_value=480,
                                 help_text="Leer lassen: Dauer nach dem Kontaktdichtekonzept.")

    def __init__(self, *args, offices, suggestions, lengths: dict, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(pk__in=[o.pk for o in offices])
        # Keep the already-loaded offices as the choices: no second query when rendering.
        self.fields["office"].choices = [("", "—")] + [(o.pk, str(o)) for o in offices]
        self._offices = {o.pk: o for o in offices}
        choices = []
        for slot in suggestions.slots:
            local = slot.start.astimezone(BERLIN)
            label = f"{WEEKDAY_SHORT[local.weekday()]} {local:%d.%m.%Y, %H:%M} Uhr"
            notes = []
            if not slot.in_opening_hours:
                notes.append("außerhalb der Öffnungszeiten")
            if slot.after_due:
                notes.append("nach der Fälligkeit")
            choices.append((slot.key, label + (f" ({', '.join(notes)})" if notes else "")))
        self.fields["slot"].choices = choices + [(MANUAL, "anderer Zeitpunkt (unten eingeben)")]
        parts = [f"{dict(Appointment.KINDS)[k]} {v} Min." for k, v in lengths.items()]
        self.fields["minutes"].help_text = ("Leer lassen: Dauer nach dem Kontaktdichtekonzept ("
                                            + ", ".join(parts) + ").")
        if cap:
            self.fields["minutes"].help_text += f" Ohne hinreichende Deutschkenntnisse höchstens {cap} Minuten."

    def clean_office(self):
        office = self.cleaned_data.get("office")
        return self._offices.get(office.pk) if office else None

    def clean(self):
        data = super().clean()
        slot, day, time = data.get("slot"), data.get("day"), data.get("time")
        if day and time:
            data["start"] = datetime.combine(day, time, tzinfo=BERLIN)
        elif slot and slot != MANUAL:
            data["start"] = datetime.fromisoformat(slot)
        elif day or time or slot == MANUAL:
            self.add_error("day" if not day else "time", "Bitte Datum und Uhrzeit angeben.")
        elif "slot" not in self.errors:
            self.add_error("slot", "Bitte einen vorgeschlagenen Termin wählen oder Datum und Uhrzeit eingeben.")
        if data.get("mode") == Appointment.OFFICE and not data.get("office"):
            self.add_error("office", "Für einen Termin in der Regionalstelle bitte die Regionalstelle wählen.")
        return data


class MissedForm(forms.Form):
    outcome_reason = forms.CharField(label="Grund / Entschuldigung", max_length=300, required=False)
    important_reason = forms.BooleanField(label="wichtiger Grund (entschuldigt)", required=False)


class CancelForm(forms.Form):
    BY = [("kunde", "vom Kunden / von der Kundin"), ("jobcenter", "vom Jobcenter")]
    by = forms.ChoiceField(label="Abgesagt", choices=BY, widget=forms.RadioSelect, initial="kunde")
    outcome_reason = forms.CharField(label="Grund", max_length=300, required=False)


class ExcuseForm(forms.Form):
    outcome_reason = forms.CharField(label="Wichtiger Grund", max_length=300)


class AbsenceForm(forms.Form):
    """A team lead records an absence of a member of the team. `members` are the choices
    (loaded once by the view); the service's checks run here first, beside the fields."""

    staff = forms.ChoiceField(label="Mitarbeiter/in")
    kind = forms.ChoiceField(label="Art", choices=Absence.KINDS, widget=forms.RadioSelect)
    start = forms.DateField(label="von", widget=DateInput(), input_formats=DATE_INPUT_FORMATS)
    end = forms.DateField(label="bis (einschließlich)", widget=DateInput(), input_formats=DATE_INPUT_FORMATS,
                          help_text="Für einen einzelnen Tag: dasselbe Datum wie „von“.")

    def __init__(self, *args, members, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self._members = {str(m.pk): m for m in members}
        self.fields["staff"].choices = [("", "– bitte wählen –")] + [(str(m.pk), str(m)) for m in members]

    def clean_staff(self):
        return self._members[self.cleaned_data["staff"]]

    def clean(self):
        data = super().clean()
        if data.get("staff") and data.get("kind") and data.get("start") and data.get("end"):
            add_service_errors(self, services.check_absence(data["staff"], kind=data["kind"], start=data["start"],
                                                            end=data["end"], today=self.today))
        return data


class AbsenceEndForm(forms.Form):
    end = forms.DateField(label="letzter Tag der Abwesenheit", widget=DateInput(), input_formats=DATE_INPUT_FORMATS,
                          help_text="Früher: die Abwesenheit wird verkürzt; später: verlängert.")

    def __init__(self, *args, absence, today, **kwargs):
        kwargs.setdefault("initial", {"end": absence.end})
        super().__init__(*args, **kwargs)
        self.absence, self.today = absence, today

    def clean(self):
        data = super().clean()
        if data.get("end") is not None:
            add_service_errors(self, services.check_absence_end(self.absence, end=data["end"], today=self.today))
        return data
