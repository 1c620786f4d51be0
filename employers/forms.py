"""Forms of the employer service's pages. They never save: views call `employers.services`,
whose `check_*` functions they run first, so the German message stands beside the field."""

from __future__ import annotations

from datetime import datetime

from django import forms

from appointments.forms import TimeInput
from appointments.models import Appointment
from appointments.slots import BERLIN
from caseload.forms import add_service_errors, date_field, version_field
from caseload.models import Staff
from kontaktdichte.plausible import BOOKING_YEARS_AHEAD, years_ahead

from . import services
from .models import CHANNELS, ContactPerson, Employer, JobOffer, PlacementProposal


def _text(label, *, max_length, required=False, rows=None, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget, help_text=help_text)


class EmployerForm(forms.Form):
    name = _text("Name", max_length=200, required=True)
    sector = _text("Branche", max_length=120)
    street = _text("Straße, Hausnummer", max_length=200)
    postcode = forms.RegexField(
        label="PLZ", regex=r"^\d{5}$", required=False, error_messages={"invalid": "Fünf Ziffern."}
    )
    city = _text("Ort", max_length=100)
    size = forms.ChoiceField(label="Betriebsgröße", choices=[("", "—"), *Employer.SIZES], required=False)
    account_manager = forms.ChoiceField(
        label="feste Ansprechperson im Jobcenter",
        required=False,
        help_text="Das Unternehmen hat eine feste und einheitliche Ansprechperson.",
    )
    notes = _text("Notizen", max_length=5000, rows=4, help_text="Keine Angaben über Kunden hier eintragen.")
    version = version_field()

    def __init__(self, *args, job_centre_id: int, staff_choices: list[tuple[int, str]], employer=None, **kwargs):
        if employer is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{
                        f: getattr(employer, f)
                        for f in ("name", "sector", "street", "postcode", "city", "size", "notes")
                    },
                    "account_manager": employer.account_manager_id or "",
                    "version": employer.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.job_centre_id, self.employer = job_centre_id, employer
        self.fields["account_manager"].choices = [("", "—"), *staff_choices]

    def clean_account_manager(self):
        raw = self.cleaned_data["account_manager"]
        if not raw:
            return None
        return Staff.objects.filter(pk=int(raw), job_centre_id=self.job_centre_id).select_related("user").first()

    def clean(self):
        data = super().clean()
        if data.get("name"):
            add_service_errors(
                self,
                services.check_employer(
                    self.job_centre_id,
                    name=data["name"],
                    account_manager=data.get("account_manager"),
                    exclude_pk=self.employer.pk if self.employer else None,
                ),
            )
        return data

    def service_kwargs(self) -> dict:
        return {f: self.cleaned_data[f] for f in services.EMPLOYER_FIELDS}


class ContactPersonForm(forms.Form):
    name = _text("Name", max_length=200, required=True)
    role = _text("Funktion", max_length=120, help_text="z. B. „Personalleitung“.")
    phone = _text("Telefon", max_length=40)
    email = forms.EmailField(label="E-Mail", required=False)
    preferred_channel = forms.ChoiceField(
        label="bevorzugter Kontaktweg", choices=[("", "—"), *CHANNELS], required=False
    )
    active = forms.BooleanField(label="aktuell Ansprechpartner/in", required=False, initial=True)
    version = version_field()

    def __init__(self, *args, contact: ContactPerson | None = None, **kwargs):
        if contact is not None:
            kwargs.setdefault(
                "initial", {**{f: getattr(contact, f) for f in services.CONTACT_FIELDS}, "version": contact.version}
            )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("name"):
            add_service_errors(
                self,
                services.check_contact_person(
                    name=data["name"],
                    phone=data.get("phone", ""),
                    email=data.get("email", ""),
                    preferred_channel=data.get("preferred_channel", ""),
                ),
            )
        return data

    def service_kwargs(self) -> dict:
        return {f: self.cleaned_data[f] for f in services.CONTACT_FIELDS}


class _ContactChoice(forms.ChoiceField):
    """One of the employer's contact persons (loaded once by the view), or none."""

    def __init__(self, label="Gesprächspartner/in", **kwargs):
        super().__init__(label=label, required=False, **kwargs)


def _contact_choices(form, contacts):
    form._contacts = {str(c.pk): c for c in contacts}
    form.fields["contact_person"].choices = [("", "—")] + [(str(c.pk), str(c)) for c in contacts]


class EmployerNoteForm(forms.Form):
    date = date_field("Datum des Kontakts")
    channel = forms.ChoiceField(label="Kontaktart", choices=CHANNELS, widget=forms.RadioSelect)
    contact_person = _ContactChoice()
    summary = _text(
        "Zusammenfassung",
        max_length=10_000,
        required=True,
        rows=5,
        help_text="Anlass, Inhalt, Ergebnis. Kunden nur mit Kundennummer nennen.",
    )
    follow_up_on = date_field("Wiedervorlage", required=False)

    def __init__(self, *args, contacts, today, **kwargs):
        kwargs.setdefault("initial", {"date": today})
        super().__init__(*args, **kwargs)
        self.today = today
        _contact_choices(self, contacts)

    def clean_contact_person(self):
        return self._contacts.get(self.cleaned_data["contact_person"])

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("channel"):
            add_service_errors(
                self,
                services.check_note(
                    date=data["date"],
                    channel=data["channel"],
                    summary=data.get("summary", ""),
                    follow_up_on=data.get("follow_up_on"),
                    today=self.today,
                ),
            )
        return data

    def service_kwargs(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("date", "channel", "contact_person", "summary", "follow_up_on")}


MODES = [(Appointment.OFFICE, "in der Regionalstelle"), (Appointment.FIELD, "beim Arbeitgeber (Außendienst)")] + [
    (code, label) for code, label in Appointment.MODES if code in (Appointment.PHONE, Appointment.VIDEO)
]


class EmployerBookingForm(forms.Form):
    day = date_field("Datum")
    time = forms.TimeField(label="Uhrzeit", widget=TimeInput(), input_formats=["%H:%M"])
    minutes = forms.IntegerField(label="Dauer (Minuten)", min_value=5, max_value=480, initial=60)
    mode = forms.ChoiceField(label="Form", choices=MODES, widget=forms.RadioSelect, initial=Appointment.OFFICE)
    office = forms.ChoiceField(label="Regionalstelle", required=False)
    contact_person = _ContactChoice()
    topic = _text("Anlass", max_length=200, required=True, help_text="z. B. „Stellenakquise“, „Betriebsbesuch“.")

    def clean_contact_person(self):
        return self._contacts.get(self.cleaned_data["contact_person"])

    def clean_office(self):
        return self._offices.get(self.cleaned_data["office"])

    def __init__(self, *args, contacts, offices, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        _contact_choices(self, contacts)
        self._offices = {str(o.pk): o for o in offices}
        self.fields["office"].choices = [("", "—")] + [(str(o.pk), o.name) for o in offices]

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not years_ahead(self.today, -1) <= day <= years_ahead(self.today, BOOKING_YEARS_AHEAD):
            raise forms.ValidationError(
                f"Termine gehen höchstens {BOOKING_YEARS_AHEAD} Jahre im Voraus: bitte das Datum prüfen."
            )
        return day

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            data["start"] = datetime.combine(data["day"], data["time"], tzinfo=BERLIN)
        if data.get("mode") == Appointment.OFFICE and not data.get("office") and "office" not in self.errors:
            self.add_error("office", "Für einen Termin in der Regionalstelle bitte die Regionalstelle wählen.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "start": data["start"],
            "minutes": data["minutes"],
            "mode": data["mode"],
            "office": data.get("office") if data["mode"] == Appointment.OFFICE else None,
            "contact_person": data.get("contact_person"),
            "topic": data["topic"],
        }


class VersionForm(forms.Form):
    version = version_field()

    def errors_text(self) -> str:
        return " ".join(str(m) for messages in self.errors.values() for m in messages)


class EmployerCancelForm(VersionForm):
    by = forms.ChoiceField(
        label="Abgesagt",
        choices=[("arbeitgeber", "vom Arbeitgeber"), ("jobcenter", "vom Jobcenter")],
        widget=forms.RadioSelect,
        initial="arbeitgeber",
        error_messages={
            "required": "Bitte angeben, wer abgesagt hat.",
            "invalid_choice": "Bitte angeben, wer abgesagt hat.",
        },
    )
    reason = _text("Grund", max_length=300)


class OfferForm(forms.Form):
    title = _text("Stellenbezeichnung", max_length=200, required=True)
    location = _text("Arbeitsort", max_length=120)
    working_time = forms.ChoiceField(label="Arbeitszeit", choices=JobOffer.WORKING_TIMES, widget=forms.RadioSelect)
    positions = forms.IntegerField(label="Anzahl Stellen", min_value=1, max_value=999, initial=1)
    starts_on = date_field("Beginn", required=False)
    received_on = date_field("eingegangen am")
    contact_person = _ContactChoice(label="Ansprechpartner/in")
    description = _text("Beschreibung", max_length=10_000, rows=5)
    status = forms.ChoiceField(label="Status", choices=JobOffer.STATUSES, widget=forms.RadioSelect)
    version = version_field()

    def __init__(self, *args, contacts, today, offer: JobOffer | None = None, **kwargs):
        if offer is not None:
            initial = {f: getattr(offer, f) for f in services.OFFER_FIELDS if f != "contact_person"}
            kwargs.setdefault(
                "initial", {**initial, "contact_person": offer.contact_person_id or "", "version": offer.version}
            )
        else:
            kwargs.setdefault(
                "initial", {"received_on": today, "status": JobOffer.OPEN, "working_time": JobOffer.FULL_TIME}
            )
        super().__init__(*args, **kwargs)
        self.today = today
        _contact_choices(self, contacts)

    def clean_contact_person(self):
        return self._contacts.get(self.cleaned_data["contact_person"])

    def clean(self):
        data = super().clean()
        if data.get("title") and data.get("received_on") and data.get("status"):
            add_service_errors(
                self,
                services.check_offer(
                    title=data["title"],
                    positions=data.get("positions"),
                    received_on=data["received_on"],
                    starts_on=data.get("starts_on"),
                    status=data["status"],
                    today=self.today,
                ),
            )
        return data

    def service_kwargs(self) -> dict:
        return {f: self.cleaned_data[f] for f in services.OFFER_FIELDS}


class ProposeOfferForm(forms.Form):
    """From a customer: which open offer of the job centre."""

    offer = forms.ChoiceField(label="Stellenangebot", error_messages={"required": "Bitte ein Stellenangebot wählen."})
    proposed_on = date_field("vorgeschlagen am")

    def __init__(self, *args, offers: list[tuple[int, str]], today, **kwargs):
        kwargs.setdefault("initial", {"proposed_on": today})
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = [("", "– bitte wählen –")] + [(str(pk), label) for pk, label in offers]


class ProposeCustomerForm(forms.Form):
    """From an offer: which customer, by customer number (never by name)."""

    number = forms.CharField(
        label="Kundennummer", max_length=20, error_messages={"required": "Bitte die Kundennummer angeben."}
    )
    proposed_on = date_field("vorgeschlagen am")

    def __init__(self, *args, today, **kwargs):
        kwargs.setdefault("initial", {"proposed_on": today})
        super().__init__(*args, **kwargs)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Ergebnis",
        choices=[(c, label) for c, label in PlacementProposal.OUTCOMES if c != PlacementProposal.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": "Bitte das Ergebnis wählen."},
    )
    outcome_on = date_field("Ergebnis am")
    outcome_note = _text(
        "Anmerkung", max_length=500, help_text="Sachlich und kurz; keine Gesundheitsdaten oder Bewertungen der Person."
    )
    close_case = forms.BooleanField(
        label="GCfaK-Fall abschließen: Arbeitsstelle angenommen",
        required=False,
        help_text="Nur bei „eingestellt“: der Fall verlässt dann die Arbeitslisten.",
    )
    version = version_field()

    def __init__(self, *args, proposal: PlacementProposal, today, offer_close: bool, **kwargs):
        kwargs.setdefault("initial", {"outcome_on": today, "version": proposal.version})
        super().__init__(*args, **kwargs)
        self.proposal, self.today = proposal, today
        if not offer_close:
            del self.fields["close_case"]

    def clean(self):
        data = super().clean()
        if data.get("outcome") and data.get("outcome_on"):
            add_service_errors(
                self,
                services.check_outcome(self.proposal, outcome=data["outcome"], on=data["outcome_on"], today=self.today),
            )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "on": data["outcome_on"],
            "note": data.get("outcome_note", ""),
            "close_case": bool(data.get("close_case")) and data["outcome"] == PlacementProposal.HIRED,
            "expected_version": data.get("version"),
        }
