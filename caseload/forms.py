"""Forms for the customer pages.

They check what the rule set demands by calling the same `services.check_*` functions the
services run, so the German message appears beside the field before anything is written.
The views then call the services; a `ServiceError` raised there (the rules changed in
between, or a rule only the service knows) goes back into the form with `add_service_errors`.
Forms never save.
"""

from __future__ import annotations

from django import forms

from kontaktdichte import formats
from kontaktdichte.widgets import (
    DATE_INPUT_FORMATS,
    CheckboxInput,
    DateInput,
    HiddenInput,
    RadioSelect,
    Textarea,
    TextInput,
)
from policies import engine
from policies import vocabulary as voc
from policies.models import RuleSet

from . import activities, services
from .models import ContactNote, Customer


def date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=DateInput(), input_formats=DATE_INPUT_FORMATS
    )


def check_field(label=None):
    """An optional yes/no field (a checkbox)."""
    return forms.BooleanField(label=label, required=False, widget=CheckboxInput)


def version_field():
    """The version of the record the form was read at (optimistic locking)."""
    return forms.IntegerField(widget=HiddenInput, required=False, min_value=1)


def add_service_errors(form: forms.Form, errors) -> None:
    """Put {field: message(s)} from a service beside the fields; unknown fields go on top.
    A field that already has an error (e.g. a date that could not be read) keeps only that.
    A stale save (`services.StaleEdit`) also moves the form's version on: saving again then
    knowingly replaces the other person's change."""
    if isinstance(errors, services.StaleEdit):
        form.data = form.data.copy()
        form.data["version"] = str(errors.current_version)
    if isinstance(errors, services.ServiceError):
        errors = errors.message_dict
    for field, messages in errors.items():
        target = field if field in form.fields else None
        if target is not None and target in form.errors:
            continue
        for message in [messages] if isinstance(messages, str) else messages:
            form.add_error(target, message)


# New activities: this many empty rows; "weitere Zeile" posts the form back with one more.
EMPTY_ROWS, MAX_ROWS = 3, 20
MORE_ROWS = "weitere_zeile"
FOLLOW_UP_CHOICES = [
    (activities.KEEP, "offen lassen"),
    (activities.DONE, "nachgehalten"),
    (activities.CARRY, "fortführen bis …"),
]


def note_form(form_class, request, **kwargs):
    """The contact note form for a request. "Weitere Zeile" (a submit button, no JavaScript)
    comes back as an unbound form showing what was typed, with one row more, and saves nothing."""
    if request.method != "POST":
        return form_class(None, **kwargs)
    if MORE_ROWS in request.POST:
        data = request.POST.dict()
        data["activity_rows"] = str(_int(data.get("activity_rows"), EMPTY_ROWS) + 1)
        return form_class(None, **{**kwargs, "initial": data})
    return form_class(request.POST, **kwargs)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class ContactNoteForm(forms.Form):
    date = date_field("Datum des Kontakts")
    channel = forms.ChoiceField(label="Kontaktart", widget=RadioSelect, choices=voc.CHANNELS)
    walk_in = check_field("unterminierte Vorsprache (ohne Termin)")
    summary = forms.CharField(
        label="Zusammenfassung",
        max_length=10_000,
        widget=Textarea(attrs={"rows": 5}),
        help_text="Kurz und sachlich: Anlass, Inhalt, Ergebnis des Gesprächs. Bitte keine "
        "persönlichen Daten (Namen, Anschrift, Telefon, Geburtsdatum, "
        "Kundennummer) hineinschreiben: Zusammenfassungen werden "
        "ausgewertet und exportiert.",
    )
    agreements = forms.CharField(
        label="Vereinbarungen", required=False, max_length=5_000, widget=Textarea(attrs={"rows": 3})
    )
    # Optional here on purpose: when the rule set demands it, the service's message says why.
    follow_up_on = date_field(
        "Wiedervorlage", required=False, help_text="Spätestens dann ist der nächste Kontakt fällig."
    )
    keep_follow_up = check_field()
    prognosis_reviewed = check_field()
    strategy_reviewed = check_field()
    agreement_reviewed = check_field()
    job_search_done = check_field()
    activities_followed_up = check_field()
    profiling_reviewed = check_field()
    plan_updated = check_field()
    activity_rows = forms.IntegerField(widget=HiddenInput, required=False, min_value=1, max_value=MAX_ROWS)

    def __init__(self, *args, customer: Customer, rule_set: RuleSet | None, today, walk_in_allowed=True, **kwargs):
        kwargs.setdefault("initial", {"date": today})
        super().__init__(*args, **kwargs)
        self.customer, self.rule_set, self.today = customer, rule_set, today
        if not walk_in_allowed:  # the note of an appointment: the customer came with one
            del self.fields["walk_in"]
        for name in (*ContactNote.CHECKLIST, "profiling_reviewed", "plan_updated"):
            self.fields[name].label = ContactNote._meta.get_field(name).verbose_name
        self._follow_up_fields(rule_set)
        if rule_set is not None:
            qualifying = set(rule_set.qualifying_channels)
            if qualifying >= set(voc.CHANNEL_CODES):
                self.fields["channel"].help_text = "Jede Kontaktart zählt als qualifizierter Kontakt."
            else:
                self.fields["channel"].choices = [
                    (code, f"{label} – zählt als qualifizierter Kontakt" if code in qualifying else label)
                    for code, label in voc.CHANNELS
                ]
            if rule_set.follow_up_required:
                # Marked as demanded, not `required`: the service's message explains the rule.
                self.fields["follow_up_on"].demanded = True
                self.fields["follow_up_on"].widget.attrs["aria-required"] = "true"
                self.fields["follow_up_on"].help_text = "Pflicht nach dem Kontaktdichtekonzept („kein BewA ohne WV“)."
        # Shown when today's rule set asks for it, or (see clean) the one in force on the date of
        # a backdated note does: the person must be able to tick what the check asks for.
        self.checklist_shown = rule_set is not None and rule_set.checklist_required

    def _follow_up_fields(self, rule_set) -> None:
        """Rows for new activities, the open activities of earlier notes, taking over the
        follow-up date in force, the profiling review and the Kooperationsplan."""
        source = self.data if self.is_bound else self.initial
        try:
            rows = int(source.get("activity_rows") or EMPTY_ROWS)
        except (TypeError, ValueError):
            rows = EMPTY_ROWS
        self.rows = max(1, min(rows, MAX_ROWS))
        self.initial["activity_rows"] = self.rows
        for index in range(self.rows):
            self.fields[f"activity_{index}_due"] = date_field("bis", required=False)
            self.fields[f"activity_{index}_text"] = forms.CharField(
                label="Vereinbarung", required=False, max_length=activities.TEXT_MAX
            )
        self.open_activities = activities.open_activities(self.customer)
        for activity in self.open_activities:
            self.fields[f"followup_{activity.pk}"] = forms.ChoiceField(
                label=f"{activity.text} (vereinbart am {formats.day(activity.note.date)}, "
                f"bis {formats.day(activity.due_on)})",
                choices=FOLLOW_UP_CHOICES,
                widget=RadioSelect,
                required=False,
                initial=activities.KEEP,
            )
            self.fields[f"followup_{activity.pk}_until"] = date_field("fortführen bis", required=False)
        current = activities.current_follow_up(self.customer, self.today, rule_set=rule_set)
        self.current_follow_up = current if current is not None and current > self.today else None
        if self.current_follow_up is None:
            del self.fields["keep_follow_up"]
        else:
            self.fields[
                "keep_follow_up"
            ].label = (
                f"bisherige Wiedervorlage {formats.day(self.current_follow_up)} übernehmen (statt eines neuen Datums)"
            )
        reviews_profiling = rule_set is not None and rule_set.profiling_review_months
        if not reviews_profiling and engine.PROFILING_REVIEW not in (self.customer.due_flags or ()):
            del self.fields["profiling_reviewed"]
        plan = self.customer.cooperation_plan_on
        before = f"Bisher: Kooperationsplan vom {formats.day(plan)}." if plan else "Bisher ist keiner erfasst."
        self.fields[
            "plan_updated"
        ].help_text = f"{before} Gilt ab dem Datum des Kontakts; spätestens nach sechs Monaten zu überprüfen."

    @property
    def activity_row_fields(self):
        return [(self[f"activity_{i}_due"], self[f"activity_{i}_text"]) for i in range(self.rows)]

    @property
    def follow_up_rows(self):
        return [
            (a, self[f"followup_{a.pk}"], self[f"followup_{a.pk}_until"], a.due_on <= self.today)
            for a in self.open_activities
        ]

    @property
    def extra_fields(self):
        return [self[name] for name in ("keep_follow_up", "profiling_reviewed", "plan_updated") if name in self.fields]

    @property
    def checklist_fields(self):
        if not self.checklist_shown:
            return []
        names = [n for n in ContactNote.CHECKLIST if n != "activities_followed_up" or self.open_activities]
        return [self[name] for name in names]

    def new_activities(self) -> list:
        data = self.cleaned_data
        return [(data.get(f"activity_{i}_due"), data.get(f"activity_{i}_text", "")) for i in range(self.rows)]

    def follow_ups(self) -> dict:
        data = self.cleaned_data
        return {
            a.pk: (data.get(f"followup_{a.pk}") or activities.KEEP, data.get(f"followup_{a.pk}_until"))
            for a in self.open_activities
        }

    @property
    def main_fields(self):
        return [
            self[name]
            for name in ("date", "channel", "walk_in", "summary", "agreements", "follow_up_on")
            if name in self.fields
        ]

    def checklist(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in ContactNote.CHECKLIST}

    def clean(self):
        data = super().clean()
        if data.get("date") is not None and data.get("channel"):
            same_day = data["date"] == self.today  # the rule set read for the form is that day's
            rule_set = self.rule_set if same_day else services.rule_set_for(self.customer, data["date"])
            self.checklist_shown = self.checklist_shown or (rule_set is not None and rule_set.checklist_required)
            follow_up_on = data.get("follow_up_on")
            if data.get("keep_follow_up"):
                if follow_up_on is not None:
                    self.add_error("keep_follow_up", "Bitte entweder ein neues Datum oder das bisherige übernehmen.")
                follow_up_on = follow_up_on or self.current_follow_up
            errors = services.check_contact(
                rule_set,
                date=data["date"],
                channel=data["channel"],
                follow_up_on=follow_up_on,
                checklist=self.checklist(),
                today=self.today,
                registered_on=self.customer.registered_on,
                walk_in=bool(data.get("walk_in")),
                open_activities=len(self.open_activities),
            )
            errors.update(
                activities.check_follow_ups(
                    new=self.new_activities(),
                    follow_ups=self.follow_ups(),
                    open_by_id={a.pk: a for a in self.open_activities},
                    note_date=data["date"],
                    followed_up_ticked=bool(data.get("activities_followed_up")),
                )
            )
            add_service_errors(self, errors)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "date": data["date"],
            "channel": data["channel"],
            "summary": data["summary"],
            "agreements": data["agreements"],
            "follow_up_on": data.get("follow_up_on"),
            "checklist": self.checklist(),
            "activities": self.new_activities(),
            "follow_ups": self.follow_ups(),
            "profiling_reviewed": bool(data.get("profiling_reviewed")),
            "plan_updated": bool(data.get("plan_updated")),
            "keep_follow_up": bool(data.get("keep_follow_up")),
        }
        if "walk_in" in self.fields:
            kwargs["walk_in"] = bool(data.get("walk_in"))
        return kwargs


class VersionForm(forms.Form):
    """A button that changes one record: the version the page was read at."""

    version = version_field()


class SuspensionForm(forms.Form):
    reason = forms.CharField(
        label="Grund", max_length=300, help_text="z. B. Maßnahme vereinbart, Einstellungszusage, Gutachten ausstehend."
    )
    start = date_field("von")
    end = date_field("bis")

    def __init__(self, *args, customer: Customer, today, limit=None, **kwargs):
        kwargs.setdefault("initial", {"start": today})
        super().__init__(*args, **kwargs)
        self.customer, self.today = customer, today
        if limit is not None:
            self.fields["end"].help_text = f"Nach dem Kontaktdichtekonzept höchstens bis {formats.day(limit)}."

    def clean(self):
        data = super().clean()
        if data.get("start") is not None and data.get("end") is not None:
            add_service_errors(
                self, services.check_suspension(self.customer, start=data["start"], end=data["end"], today=self.today)
            )
        return data

    def service_kwargs(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("reason", "start", "end")}


class SuspensionEndForm(forms.Form):
    end = date_field(
        "endet am", help_text="Der letzte Tag der Ausnahme; ab dem Tag danach gilt die Kontaktdichte wieder."
    )
    version = version_field()

    def __init__(self, *args, suspension, today, **kwargs):
        kwargs.setdefault(
            "initial", {"end": min(max(today, suspension.start), suspension.end), "version": suspension.version}
        )
        super().__init__(*args, **kwargs)
        self.suspension = suspension

    def clean(self):
        data = super().clean()
        try:
            services.check_version(self.suspension, data.get("version"))
        except services.StaleEdit as stale:  # said first: the check below reads the newer end
            add_service_errors(self, stale)
            return data
        if data.get("end") is not None:
            add_service_errors(self, services.check_suspension_end(self.suspension, on=data["end"]))
        return data


class MeasureForm(forms.Form):
    title = forms.CharField(label="Maßnahme", max_length=200)
    start = date_field("Beginn")
    end = date_field("geplantes Ende")
    exited_on = date_field(
        "Austritt", required=False, help_text="Nur bei vorzeitigem Austritt; sonst endet die Maßnahme planmäßig."
    )
    version = version_field()

    def clean(self):
        data = super().clean()
        if data.get("start") is not None and data.get("end") is not None:
            add_service_errors(
                self,
                services.check_measure(
                    title=data.get("title", "-"), start=data["start"], end=data["end"], exited_on=data.get("exited_on")
                ),
            )
        return data

    def service_kwargs(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("title", "start", "end", "exited_on")}

    @classmethod
    def initial_for(cls, measure) -> dict:
        return {f: getattr(measure, f) for f in ("title", "start", "end", "exited_on", "version")}


def customer_field(name: str) -> forms.Field:
    """The form field for a Customer field, from the model (label, length, choices); dates
    through our DateInput, choices with "– keine Angabe –" for the empty one."""
    model_field = Customer._meta.get_field(name)
    if model_field.get_internal_type() == "DateField":
        return date_field(model_field.verbose_name, required=not model_field.blank)
    field = model_field.formfield()
    if isinstance(field, forms.ChoiceField):
        field.choices = [("", "– keine Angabe –") if value == "" else (value, label) for value, label in field.choices]
    return field


def flag_codes(selected) -> list[str]:
    """Flags in the vocabulary's order, as the engine and the history compare them."""
    return [code for code in voc.FLAG_CODES if code in (selected or [])]


class FactsForm(forms.Form):
    """The facts the rules read. A plain Form, not a ModelForm: a ModelForm would write the
    values onto the customer while validating, and `services.update_customer` must see what
    changed."""

    flags = forms.MultipleChoiceField(
        label="Merkmale", required=False, choices=voc.FLAGS, widget=forms.CheckboxSelectMultiple
    )

    FIELDS = Customer.FACT_FORM_FIELDS

    def __init__(self, *args, customer: Customer, today, **kwargs):
        kwargs.setdefault("initial", {**{f: getattr(customer, f) for f in self.FIELDS}, "version": customer.version})
        super().__init__(*args, **kwargs)
        self.today = today
        fields = {"version": version_field()}
        for name in self.FIELDS:
            fields[name] = self.fields["flags"] if name == "flags" else customer_field(name)
        self.fields = fields

    def clean(self):
        data = super().clean()
        values = {f: data.get(f) for f in self.FIELDS}
        changed = [f for f in self.FIELDS if f in data and data[f] != self.initial.get(f)]
        add_service_errors(self, services.changed_facts_errors(values, changed, self.today))
        return data

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["flags"] = flag_codes(data.get("flags"))
        for name in ("profile", "integrated_employment"):
            data[name] = data.get(name) or ""
        return {f: data[f] for f in self.FIELDS}


class CloseCaseForm(forms.Form):
    """Fall abschließen: the day, and for a GCfaK case (one with an acquisition source) the
    outcome, with the reason when the job was not taken (seed 004)."""

    closed_on = date_field("abgeschlossen am")
    closing_outcome = forms.ChoiceField(label="Ergebnis", choices=Customer.OUTCOMES, widget=RadioSelect, required=False)
    closing_reason = forms.CharField(
        label="Begründung, wenn die Arbeitsstelle nicht angenommen wurde",
        required=False,
        max_length=2000,
        widget=Textarea(attrs={"rows": 3}),
    )
    version = version_field()

    def __init__(self, *args, customer: Customer, today, **kwargs):
        kwargs.setdefault("initial", {"closed_on": today, "version": customer.version})
        super().__init__(*args, **kwargs)
        self.customer, self.today = customer, today
        if customer.acquisition_source_id is None:
            del self.fields["closing_outcome"], self.fields["closing_reason"]
        else:
            self.fields["closing_outcome"].demanded = True

    def clean(self):
        data = super().clean()
        if data.get("closed_on") is not None:
            add_service_errors(
                self,
                services.check_close(
                    self.customer,
                    on=data["closed_on"],
                    outcome=data.get("closing_outcome", ""),
                    reason=data.get("closing_reason", ""),
                    today=self.today,
                ),
            )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "on": data["closed_on"],
            "outcome": data.get("closing_outcome", ""),
            "reason": data.get("closing_reason", ""),
            "expected_version": data["version"],
        }


class SearchInput(TextInput):
    input_type = "search"


class SearchForm(forms.Form):
    """The worklist's search: posted, never in the URL as a name (caseload.views.worklist)."""

    suche = forms.CharField(
        label="Name oder Kundennummer",
        required=False,
        max_length=100,
        widget=SearchInput(attrs={"size": 24, "autocomplete": "off"}),
    )
