"""kontaktdichte.widgets: the Python-rendered widgets write what Django's templates write, byte
for byte, for every value a form gives them (escaping included)."""

import pytest
from django import forms

from kontaktdichte.widgets import CheckboxInput, HiddenInput, RadioSelect, Textarea

CHOICES = [("in_person", "persönlich – zählt als qualifizierter Kontakt"), ("phone", "telefonisch"), ("<b>", "<Ä & Ö>")]


@pytest.mark.parametrize("value", [None, "", "phone", "<b>", "unknown"])
@pytest.mark.parametrize(
    "attrs", [{"id": "id_channel", "required": True}, {"id": "id_channel", "class": "inline"}, {}], ids=str
)
def test_radio_buttons_render_what_djangos_render(value, attrs):
    ours = RadioSelect(choices=CHOICES).render("channel", value, attrs=dict(attrs))
    assert ours == forms.RadioSelect(choices=CHOICES).render("channel", value, attrs=dict(attrs))
    assert ours.count(" checked") == (1 if value in dict(CHOICES) else 0)
    assert "&lt;Ä &amp; Ö&gt;" in ours


def test_radio_buttons_refuse_option_groups_instead_of_dropping_them():
    with pytest.raises(ValueError):
        RadioSelect(choices=[("Gruppe", CHOICES)]).render("channel", None)


@pytest.mark.parametrize("value", [None, "", 'Gespräch\nüber <Bewerbungen> & "Ziele"', "\nerste Zeile leer"])
def test_text_areas_render_what_djangos_render(value):
    attrs = {"id": "id_summary", "required": True, "aria-describedby": "id_summary_helptext"}
    ours = Textarea(attrs={"rows": 5}).render("summary", value, attrs=dict(attrs))
    assert ours == forms.Textarea(attrs={"rows": 5}).render("summary", value, attrs=dict(attrs))
    if value:
        assert "&lt;Bewerbungen&gt;" in ours or "<" not in value


@pytest.mark.parametrize("value", [None, False, True, "", "on"])
def test_checkboxes_render_what_djangos_render(value):
    attrs = {"id": "id_walk_in"}
    ours = CheckboxInput().render("walk_in", value, attrs=dict(attrs))
    assert ours == forms.CheckboxInput().render("walk_in", value, attrs=dict(attrs))
    assert (" checked" in ours) == (value in (True, "on"))


@pytest.mark.parametrize("value", [None, 3, "4", '"><script>'])
def test_hidden_inputs_render_what_djangos_render(value):
    ours = HiddenInput().render("activity_rows", value, attrs={"id": "id_activity_rows"})
    assert ours == forms.HiddenInput().render("activity_rows", value, attrs={"id": "id_activity_rows"})
    assert "<script>" not in ours
