"""The filter form's Python-rendered <select> gives Django's own markup."""

import re

import pytest
from django import forms
from django.utils.html import escape

from caseload.filters import Select


def _normalised(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


@pytest.mark.parametrize("value", ["", "2MM", "<b>", None])
def test_select_renders_what_djangos_select_renders(value):
    choices = [("", "alle"), ("1MM", "1MM"), ("2MM", "2MM"), ("<b>", "<Ä & Ö>")]
    ours = Select(choices=choices).render("kuerzel", value, attrs={"id": "id_kuerzel", "required": False})
    django = forms.Select(choices=choices).render("kuerzel", value, attrs={"id": "id_kuerzel", "required": False})
    assert _normalised(ours) == _normalised(django)
    assert "&lt;Ä &amp; Ö&gt;" in ours
    assert ours.count(" selected") == 1
    assert f'<option value="{escape(value or "")}" selected>' in ours
