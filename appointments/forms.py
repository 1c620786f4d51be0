"""Forms for the appointment and absence pages. They never save: views call
`appointments.services`, whose `check_*` functions they run first."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from caseload.forms import add_service_errors, version_field
from kontaktdichte.widgets import DATE_INPUT_FORMATS, DateInput

from . import scheduling, services
from .models import Absence, Appointment, Office
from .slots import BERLIN

MANUAL = "manuell"
WEEKDAY_SHORT = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class BookingForm(forms.Form):
    """Offers what the rule set in force today lets book; a value it leaves out still reaches
    `clean`, so a crafted POST gets the rule's message beside the field, not a bare "invalid
    choice". The checks are `services.check_schedule`'s, for the rule set of the chosen day."""

    slot = forms.ChoiceField(label="Vorgeschlagene Termine", widget=forms.RadioSelect, required=False)
    day = forms.DateField(label="oder Datum", required=False, widget=DateInput(), input_formats=DATE_INPUT_FORMATS)
    time = forms.TimeField(label="Uhrzeit", required=False, widget=TimeInput(), input_formats=["%H:%M"])
    kind = forms.ChoiceField(label="Gesprächsart", choices=Appointment.KINDS, widget=forms.RadioSelect)
    mode = forms.ChoiceField(
        label="Form", choices=Appointment.MODES, widget=forms.RadioSelect, initial=Appointment.OFFICE
    )
    office = forms.ModelChoiceField(
        label="Regionalstelle", queryset=Office.objects.none(), required=False, empty_label="—"
    )
    minutes = forms.IntegerField(
        label="Dauer (Minuten)",
        required=False,
        min_value=1,
        max_value=480,
        help_text="Leer lassen: Dauer nach dem Kontaktdichtekonzept.",
    )

    def __init__(
        self, *args, customer, rule_set, offices, suggestions, lengths: dict, cap: int | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.customer, self.rule_set, self.suggestions, self.lengths = customer, rule_set, suggestions, lengths
        self.fields["office"].queryset = Office.objects.filter(pk__in=[o.pk for o in offices])
        # Keep the already-loaded offices as the choices: no second query when rendering.
        self.fields["office"].choices = [("", "—")] + [(o.pk, str(o)) for o in offices]
        self._offices = {o.pk: o for o in offices}
        self.fields["slot"].choices = [(slot.key, slot_label(slot)) for slot in suggestions.slots] + [
            (MANUAL, "anderer Zeitpunkt (unten eingeben)")
        ]
        self.modes, self.kinds = offered(rule_set)
        # Only the widgets lose the options: the fields still accept them, for the message.
        self.fields["mode"].widget.choices = [
            (m, option_label(label, Appointment.CHANNEL[m], rule_set))
            for m, label in Appointment.MODES
            if m in self.modes
        ]
        self.fields["kind"].widget.choices = [
            (k, option_label(label, "group", rule_set) if k == Appointment.GROUP else label)
            for k, label in Appointment.KINDS
            if k in self.kinds
        ]
        parts = [f"{dict(Appointment.KINDS)[k]} {v} Min." for k, v in lengths.items()]
        self.fields["minutes"].help_text = (
            "Leer lassen: Dauer nach dem Kontaktdichtekonzept (" + ", ".join(parts) + ")."
        )
        if cap:
            self.fields["minutes"].help_text += f" Ohne hinreichende Deutschkenntnisse höchstens {cap} Minuten."
        self.letter_warning = None

    @property
    def hints(self) -> list[str]:
        """What the rule set in force today says about the options, before anything is saved."""
        rule_set, hints = self.rule_set, []
        if rule_set is not None:
            left_out = {Appointment.CHANNEL[m]: label for m, label in Appointment.MODES if m not in self.modes}
            if Appointment.GROUP not in self.kinds:
                left_out["group"] = dict(Appointment.KINDS)[Appointment.GROUP]
            hints.append(scheduling.not_bookable_hint(left_out, rule_set.bookable_channels))
            offered_channels = {Appointment.CHANNEL[m] for m in self.modes}
            if Appointment.GROUP in self.kinds:
                offered_channels.add("group")
            hints.append(
                scheduling.not_counting_hint(c for c in offered_channels if not scheduling.counts(c, rule_set))
            )
        return [hint for hint in hints if hint]

    def clean_office(self):
        office = self.cleaned_data.get("office")
        return self._offices.get(office.pk) if office else None

    def clean(self):
        data = super().clean()
        slot, day, time = data.get("slot"), data.get("day"), data.get("time")
        self.manual = bool(day or time or slot == MANUAL)
        if day and time:
            data["start"] = datetime.combine(day, time, tzinfo=BERLIN)
        elif slot and slot != MANUAL:
            data["start"] = datetime.fromisoformat(slot)
        elif self.manual:
            self.add_error("day" if not day else "time", "Bitte Datum und Uhrzeit angeben.")
        elif "slot" not in self.errors:
            self.add_error("slot", "Bitte einen vorgeschlagenen Termin wählen oder Datum und Uhrzeit eingeben.")
        mode, kind, office = data.get("mode"), data.get("kind"), data.get("office")
        if mode == Appointment.OFFICE and not office:
            self.add_error("office", "Für einen Termin in der Regionalstelle bitte die Regionalstelle wählen.")
        if data.get("start"):
            odd = services.check_start(data["start"], timezone.now())
            if odd:
                self.add_booking_errors(odd)
                del data["start"]
        if data.get("start") and mode and kind:
            start = data["start"]
            rule_set = services.rule_set_on(self.customer, start.astimezone(BERLIN).date(), known=self.rule_set)
            minutes = data.get("minutes") or self.lengths[kind]
            self.add_booking_errors(
                services.check_schedule(
                    rule_set,
                    mode=mode,
                    kind=kind,
                    start=start,
                    end=start + timedelta(minutes=minutes),
                    office=office if mode == Appointment.OFFICE else None,
                    opening=office.opening if office is not None else None,
                )
            )
            in_time = self.suggestions.letter_in_time_from
            if in_time is not None and start.astimezone(BERLIN).date() < in_time:
                self.letter_warning = scheduling.LETTER_TOO_LATE
        return data

    def add_booking_errors(self, errors: dict) -> None:
        """A service's {field: message}; its "start" is the time entered or the slot chosen."""
        where = "time" if getattr(self, "manual", False) else "slot"
        add_service_errors(self, {(where if field == "start" else field): message for field, message in errors.items()})


def offered(rule_set) -> tuple[list[str], list[str]]:
    """The modes and kinds the booking form offers under the rule set: those whose channel it
    books. A rule set that books group sessions only offers them in every mode."""
    modes = [m for m, _ in Appointment.MODES if scheduling.is_bookable(Appointment.CHANNEL[m], rule_set)]
    kinds = [
        k
        for k, _ in Appointment.KINDS
        if (scheduling.is_bookable("group", rule_set) if k == Appointment.GROUP else modes)
    ]
    return modes or [m for m, _ in Appointment.MODES], kinds


def option_label(label: str, channel: str, rule_set) -> str:
    return label if scheduling.counts(channel, rule_set) else f"{label} – zählt nicht als qualifizierter Kontakt"


def slot_label(slot) -> str:
    local = slot.start.astimezone(BERLIN)
    notes = []
    if not slot.in_opening_hours:
        notes.append("außerhalb der Öffnungszeiten")
    if slot.after_due:
        notes.append("nach der Fälligkeit")
    if slot.letter_late:
        notes.append("zu kurzfristig für eine Einladung per Brief")
    label = f"{WEEKDAY_SHORT[local.weekday()]} {local:%d.%m.%Y, %H:%M} Uhr"
    return label + (f" ({', '.join(notes)})" if notes else "")


class OutcomeForm(forms.Form):
    """An outcome of an appointment, posted with the version of the appointment it was read at."""

    version = version_field()

    def errors_text(self) -> str:
        return " ".join(str(m) for messages in self.errors.values() for m in messages)


# Reasons a caseworker often records for a miss (the free text adds to or replaces them).
MISSED_REASONS = [
    ("", "– Grund wählen –"),
    ("keine Rückmeldung", "keine Rückmeldung"),
    ("Termin vergessen", "Termin vergessen"),
    ("Arbeitsunfähigkeit (AU-Bescheinigung folgt)", "Arbeitsunfähigkeit (AU-Bescheinigung folgt)"),
    ("Erkrankung des Kindes", "Erkrankung des Kindes"),
    ("Vorstellungsgespräch", "Vorstellungsgespräch"),
    ("Arbeitsaufnahme", "Arbeitsaufnahme"),
    ("Einladung nicht erhalten", "Einladung nicht erhalten"),
]


class MissedForm(OutcomeForm):
    reason_choice = forms.ChoiceField(label="Grund", choices=MISSED_REASONS, required=False)
    outcome_reason = forms.CharField(label="Grund / Entschuldigung (Freitext)", max_length=300, required=False)
    important_reason = forms.BooleanField(label="wichtiger Grund (entschuldigt)", required=False)

    def clean(self):
        data = super().clean()
        parts = [data.get("reason_choice") or "", (data.get("outcome_reason") or "").strip()]
        data["outcome_reason"] = ": ".join(p for p in parts if p)
        if len(data["outcome_reason"]) > 300 and "outcome_reason" not in self.errors:
            self.add_error("outcome_reason", "Grund und Freitext zusammen höchstens 300 Zeichen.")
        return data


class CorrectionForm(MissedForm):
    """Swap "wahrgenommen" and "nicht erschienen" the same day; `confirm` is the second step."""

    to = forms.ChoiceField(choices=[(Appointment.ATTENDED, "wahrgenommen"), (Appointment.MISSED, "nicht erschienen")])
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CancelForm(OutcomeForm):
    BY = [("kunde", "vom Kunden / von der Kundin"), ("jobcenter", "vom Jobcenter")]
    by = forms.ChoiceField(
        label="Abgesagt",
        choices=BY,
        widget=forms.RadioSelect,
        initial="kunde",
        error_messages={
            "required": "Bitte angeben, wer abgesagt hat.",
            "invalid_choice": "Bitte angeben, wer abgesagt hat.",
        },
    )
    outcome_reason = forms.CharField(label="Grund", max_length=300, required=False)


class ExcuseForm(OutcomeForm):
    outcome_reason = forms.CharField(
        label="Wichtiger Grund", max_length=300, error_messages={"required": "Bitte den wichtigen Grund angeben."}
    )


class AbsenceForm(forms.Form):
    """A team lead records an absence of a member of the team. `members` are the choices
    (loaded once by the view); the service's checks run here first, beside the fields."""

    staff = forms.ChoiceField(label="Mitarbeiter/in")
    kind = forms.ChoiceField(label="Art", choices=Absence.KINDS, widget=forms.RadioSelect)
    start = forms.DateField(label="von", widget=DateInput(), input_formats=DATE_INPUT_FORMATS)
    end = forms.DateField(
        label="bis (einschließlich)",
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        help_text="Für einen einzelnen Tag: dasselbe Datum wie „von“.",
    )

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
            add_service_errors(
                self,
                services.check_absence(
                    data["staff"], kind=data["kind"], start=data["start"], end=data["end"], today=self.today
                ),
            )
        return data


class AbsenceEndForm(forms.Form):
    end = forms.DateField(
        label="letzter Tag der Abwesenheit",
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        help_text="Früher: die Abwesenheit wird verkürzt; später: verlängert.",
    )

    def __init__(self, *args, absence, today, **kwargs):
        kwargs.setdefault("initial", {"end": absence.end})
        super().__init__(*args, **kwargs)
        self.absence, self.today = absence, today

    def clean(self):
        data = super().clean()
        if data.get("end") is not None:
            add_service_errors(self, services.check_absence_end(self.absence, end=data["end"], today=self.today))
        return data
