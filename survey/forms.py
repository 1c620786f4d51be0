"""The questionnaire as a form (on the tablet and for typing in paper forms): one row of five
radio buttons per question, every question optional, a free text where the survey asks one."""

from __future__ import annotations

from django import forms

from caseload.forms import add_service_errors
from reports.gcfak import Quarter

from . import services
from .models import HIGHEST, LOWEST


class QuestionnaireForm(forms.Form):
    def __init__(self, *args, survey, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey, self.questions = survey, questions
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                label=q.text,
                choices=[
                    (n, f"{n} – {q.low_label}" if n == LOWEST else f"{n} – {q.high_label}" if n == HIGHEST else str(n))
                    for n in range(LOWEST, HIGHEST + 1)
                ],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
            )
        if survey.free_text_question:
            self.fields["free_text"] = forms.CharField(
                label=survey.free_text_question,
                required=False,
                max_length=services.FREE_TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="Bitte keine Namen oder anderen persönlichen Angaben.",
            )

    def answers(self) -> dict[int, int | None]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}

    def clean(self):
        data = super().clean()
        if not self.errors:
            add_service_errors(self, services.check_response(self.questions, self.answers(), data.get("free_text", "")))
        return data

    @property
    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]


class PaperForm(QuestionnaireForm):
    """Staff type in a paper form: its office and the quarter it was filled in, then the answers."""

    def __init__(self, *args, offices, quarters: list[Quarter], **kwargs):
        super().__init__(*args, **kwargs)
        self._offices = {str(o.pk): o for o in offices}
        self._quarters = {q.param: q for q in quarters}
        self.fields = {
            "office": forms.ChoiceField(
                label="Regionalstelle",
                choices=[("", "– bitte wählen –")] + [(str(o.pk), o.name) for o in offices],
                error_messages={"required": "Bitte die Regionalstelle wählen."},
            ),
            "quarter": forms.ChoiceField(
                label="ausgefüllt im",
                choices=[(q.param, q.label) for q in quarters],
                help_text="Das Quartal, in dem der Bogen ausgefüllt wurde; ein Datum wird nicht gespeichert.",
            ),
            **self.fields,
        }

    def clean_office(self):
        return self._offices[self.cleaned_data["office"]]

    def clean_quarter(self):
        return self._quarters[self.cleaned_data["quarter"]]
