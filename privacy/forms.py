"""The audit trail's filter: by customer (number within a job centre), by user (login name),
by kind of event and by day. A GET form: a filtered trail is a URL the data-protection officer
can keep."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from audit.models import Event
from caseload.models import Customer
from kontaktdichte.widgets import DATE_INPUT_FORMATS, DateInput
from policies.models import JobCentre


class EventFilter(forms.Form):
    jobcenter = forms.ModelChoiceField(
        label="Jobcenter", queryset=JobCentre.objects.order_by("name"), required=False, empty_label="– alle –"
    )
    kunde = forms.CharField(
        label="Kundennummer",
        max_length=20,
        required=False,
        help_text="Mit dem Jobcenter: alle Einträge zu diesem Kunden.",
    )
    benutzer = forms.CharField(label="Benutzername", max_length=150, required=False)
    vorgang = forms.ChoiceField(label="Vorgang", choices=[("", "– alle –"), *Event.ACTIONS], required=False)
    von = forms.DateField(label="von", required=False, widget=DateInput(), input_formats=DATE_INPUT_FORMATS)
    bis = forms.DateField(label="bis", required=False, widget=DateInput(), input_formats=DATE_INPUT_FORMATS)

    def clean(self):
        data = super().clean()
        number = (data.get("kunde") or "").strip()
        if number:
            if data.get("jobcenter") is None:
                self.add_error("jobcenter", "Kundennummern gelten je Jobcenter: bitte das Jobcenter wählen.")
            else:
                data["customer_id"] = (
                    Customer.objects.filter(job_centre=data["jobcenter"], number=number)
                    .values_list("pk", flat=True)
                    .first()
                )
                if data["customer_id"] is None:
                    # A deleted customer's events keep its id only: say so instead of "nothing".
                    self.add_error(
                        "kunde",
                        "Keinen Kunden mit dieser Nummer gefunden (gelöschte Kunden "
                        "finden Sie über ihre Kunden-ID in der Liste).",
                    )
        username = (data.get("benutzer") or "").strip()
        if username:
            data["user_id"] = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
            if data["user_id"] is None:
                self.add_error("benutzer", "Keinen Benutzer mit diesem Namen gefunden.")
        if data.get("von") and data.get("bis") and data["von"] > data["bis"]:
            self.add_error("bis", "„bis“ liegt vor „von“.")
        return data

    def filter(self, events):
        data = self.cleaned_data
        if data.get("jobcenter") is not None:
            events = events.filter(job_centre_id=data["jobcenter"].pk)
        if data.get("customer_id") is not None:
            events = events.filter(customer_id=data["customer_id"])
        if data.get("user_id") is not None:
            events = events.filter(user_id=data["user_id"])
        if data.get("vorgang"):
            events = events.filter(action=data["vorgang"])
        if data.get("von"):
            events = events.filter(at__date__gte=data["von"])
        if data.get("bis"):
            events = events.filter(at__date__lte=data["bis"])
        return events


class CustomerLookup(forms.Form):
    """Which customer a disclosure is for: the job centre and the customer number."""

    jobcenter = forms.ModelChoiceField(label="Jobcenter", queryset=JobCentre.objects.order_by("name"), empty_label=None)
    kunde = forms.CharField(label="Kundennummer", max_length=20)

    def clean(self):
        data = super().clean()
        if data.get("jobcenter") is not None and data.get("kunde"):
            data["customer"] = (
                Customer.objects.filter(job_centre=data["jobcenter"], number=data["kunde"].strip())
                .select_related(
                    "job_centre", "team", "caseworker__user", "acquisition_source", "due_rule", "due_rule_set"
                )
                .first()
            )
            if data["customer"] is None:
                self.add_error("kunde", "In diesem Jobcenter gibt es keinen Kunden mit dieser Nummer.")
        return data
