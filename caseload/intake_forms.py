"""Kunde anlegen: a customer of one's own team with master data and the facts the rules read.

Before anything is saved, possible duplicates are named: a customer of the job centre with the
same number (which stops the save: numbers are unique per job centre) or with the same first
and last name and birth date (which asks the person to confirm, "trotzdem anlegen"). Like every
form here it checks what `services.create_customer` checks, and never saves.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms

from kontaktdichte import formats
from policies import vocabulary as voc

from . import intake, selectors, services
from .filters import team_staff_choices
from .forms import add_service_errors, customer_field, flag_codes
from .models import AcquisitionEvent, AcquisitionSource, Customer, Staff

PERSON = ("number", "first_name", "last_name", "birth_date", "street", "postcode", "city", "phone", "email")
FACTS = tuple(f for f in Customer.FACT_FIELDS if f != "birth_date")
EVENTS_SHOWN_DAYS = 400  # events of the last year or so; older customers are entered in the admin


def acquisition_choices(job_centre_id: int, today) -> list:
    """ "Akquise" for the select: sources (value s<id>), and for a source with events its recent
    events (value e<id>), grouped under the source. Two queries."""
    sources = list(AcquisitionSource.objects.filter(job_centre_id=job_centre_id).order_by("name"))
    if not sources:
        return []
    events = {}
    for event in AcquisitionEvent.objects.filter(
        job_centre_id=job_centre_id, date__gte=today - timedelta(days=EVENTS_SHOWN_DAYS)
    ).order_by("-date", "pk"):
        events.setdefault(event.source_id, []).append(event)
    choices = [("", "– keine –")]
    for source in sources:
        if source.per_event:
            options = [
                (f"e{e.pk}", f"{source.name} am {formats.day(e.date)}" + (f": {e.title}" if e.title else ""))
                for e in events.get(source.pk, [])
            ]
            choices.append((str(source), [*options, (f"s{source.pk}", f"{source.name}, ohne Veranstaltung")]))
        else:
            choices.append((f"s{source.pk}", str(source)))
    return choices


class NewCustomerForm(forms.Form):
    confirm_duplicate = forms.BooleanField(
        label="Trotzdem anlegen: es ist eine andere Person als die oben genannte", required=False
    )

    def __init__(self, *args, staff: Staff, today, **kwargs):
        initial = {"registered_on": today, "care": "placement", "caseworker": "" if staff.is_team_lead else staff.pk}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.staff, self.today = staff, today
        self.duplicates: list[dict] = []
        confirm = self.fields["confirm_duplicate"]
        fields = {name: customer_field(name) for name in (*PERSON, *FACTS) if name != "flags"}
        fields["flags"] = forms.MultipleChoiceField(
            label="Merkmale", required=False, choices=voc.FLAGS, widget=forms.CheckboxSelectMultiple
        )
        fields["registered_on"].help_text = "Der Tag der Meldung (Zugang); ab ihm läuft die Erstkontakt-Frist."
        fields["number"].help_text = "Die Kundennummer aus dem Fachverfahren."
        fields["caseworker"] = forms.TypedChoiceField(
            label="Fachkraft",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "– noch niemand –"), *team_staff_choices(staff)],
            help_text=f"Aus dem eigenen Team ({staff.team}).",
        )
        acquisition = acquisition_choices(staff.job_centre_id, today)
        if acquisition:
            fields["acquisition"] = forms.ChoiceField(
                label="Akquise (GCfaK)", required=False, choices=acquisition, help_text="Woher kam der Kunde?"
            )
        fields["confirm_duplicate"] = confirm
        order = (*PERSON, *FACTS, "caseworker", "acquisition", "confirm_duplicate")
        self.fields = {name: fields[name] for name in order if name in fields}

    @property
    def person_fields(self):
        return [self[name] for name in PERSON]

    @property
    def fact_fields(self):
        return [self[name] for name in FACTS]

    @property
    def assignment_fields(self):
        return [self[name] for name in ("caseworker", "acquisition") if name in self.fields]

    @property
    def name_duplicates(self) -> list[dict]:
        return [row for row in self.duplicates if not row["same_number"]]

    def clean(self):
        data = super().clean()
        for name in intake.TEXT_FIELDS:
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        add_service_errors(self, services.check_facts({f: data.get(f) for f in Customer.FACT_FIELDS}, self.today))
        add_service_errors(self, intake.check_master_data(data))
        if all(data.get(f) for f in ("number", "first_name", "last_name", "birth_date")):
            self.duplicates = selectors.possible_duplicates(
                self.staff.job_centre_id,
                number=data["number"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
            )
            if any(row["same_number"] for row in self.duplicates):
                self.add_error("number", f"Die Kundennummer {data['number']} ist in diesem Jobcenter bereits vergeben.")
            elif self.name_duplicates and not data.get("confirm_duplicate"):
                self.add_error(
                    "confirm_duplicate",
                    "Mögliche Dublette: bitte prüfen. Ist es eine andere Person, „Trotzdem anlegen“ ankreuzen.",
                )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in (*PERSON, *FACTS)}
        fields = {name: "" if value is None and name in intake.TEXT_FIELDS else value for name, value in fields.items()}
        fields["flags"] = flag_codes(data.get("flags"))
        for name in ("profile", "integrated_employment"):
            fields[name] = data.get(name) or ""
        source_id = event_id = None
        picked = data.get("acquisition") or ""
        if picked.startswith("s"):
            source_id = int(picked[1:])
        elif picked.startswith("e"):
            event_id = int(picked[1:])
            source_id = AcquisitionEvent.objects.values_list("source_id", flat=True).get(
                pk=event_id, job_centre_id=self.staff.job_centre_id
            )
        return {
            **fields,
            "job_centre_id": self.staff.job_centre_id,
            "team_id": self.staff.team_id,
            "caseworker_id": data.get("caseworker"),
            "acquisition_source_id": source_id,
            "acquisition_event_id": event_id,
        }
