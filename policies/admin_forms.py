"""Forms for the policies admin: the JSON code lists as checkboxes, and the clone form."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils.text import capfirst

from . import vocabulary as voc
from .models import ContactRule, RuleSet

ANY_OF_HELP = "Keine Auswahl = egal; sonst muss eines der gewählten zutreffen."
ALL_OF_HELP = "Keine Auswahl = egal; sonst müssen alle gewählten Merkmale zutreffen."


def code_list_field(model, name, choices, help_text):
    """A JSON list of codes, edited as a row of checkboxes with the German labels."""
    return forms.MultipleChoiceField(
        label=capfirst(model._meta.get_field(name).verbose_name),
        choices=choices,
        # The model's clean() decides whether an empty list is allowed and says so in German.
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "radiolist inline"}),
        help_text=help_text,
    )


class AnyYesNoSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "egal"), ("true", "ja"), ("false", "nein")]


class RuleSetForm(forms.ModelForm):
    qualifying_channels = code_list_field(
        RuleSet,
        "qualifying_channels",
        voc.CHANNELS,
        "Kontaktarten, die als qualifizierter Kontakt zählen (mindestens eine).",
    )
    bookable_channels = code_list_field(
        RuleSet,
        "bookable_channels",
        voc.BOOKABLE_CHANNELS,
        "Kontaktarten, für die Termine vereinbart werden dürfen (mindestens eine). Coburg Land: "
        "nur persönlich und Gruppe.",
    )

    class Meta:
        model = RuleSet
        fields = "__all__"


class ContactRuleForm(forms.ModelForm):
    # Not required: an empty position puts the rule at the end (RuleSetAdmin.save_formset).
    position = forms.IntegerField(
        label="Reihenfolge",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
        help_text="Die erste zutreffende Regel entscheidet: kleinere Zahl wird zuerst geprüft. Leer = ans Ende.",
    )
    employment = code_list_field(ContactRule, "employment", voc.EMPLOYMENT, ANY_OF_HELP)
    profiles = code_list_field(ContactRule, "profiles", voc.PROFILES, ANY_OF_HELP)
    care = code_list_field(ContactRule, "care", voc.CARE, ANY_OF_HELP)
    flags = code_list_field(ContactRule, "flags", voc.FLAGS, ALL_OF_HELP)
    integrated_employment = code_list_field(
        ContactRule, "integrated_employment", voc.INTEGRATED_EMPLOYMENT, ANY_OF_HELP
    )
    in_measure = forms.NullBooleanField(label="In einer Maßnahme", required=False, widget=AnyYesNoSelect)

    class Meta:
        model = ContactRule
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "age_band" in self.fields:
            self.fields["age_band"].choices = [("", "egal"), *voc.AGE_BANDS]


class CloneForm(forms.Form):
    valid_from = forms.DateField(
        label="Neue Version gilt ab",
        widget=AdminDateWidget,
        help_text="Das bisherige Konzept endet am Vortag, falls es bis dahin noch gilt.",
    )
    title = forms.CharField(label="Titel", max_length=200)
    reference = forms.CharField(label="Geschäftszeichen", max_length=100, required=False)
