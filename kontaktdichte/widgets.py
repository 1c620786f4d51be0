"""Form widgets rendered in Python, with the markup Django's templates would give
(tests/caseload/test_filters.py and tests/test_widgets.py compare them): a list page's filter
form rendered through Django's per-option template includes cost more than all of the page's
SQL, and the contact note form's radios, checkboxes and text areas a fifth of that page. And the
date input every form uses: a native date picker without JavaScript that also takes 31.12.2026."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def _attrs_html(attrs: dict) -> str:
    """The attributes as Django's widgets/attrs.html writes them: in order, True as a bare
    name, False left out (flatatt would sort them)."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def _input_html(widget: dict) -> str:
    """An <input> as Django's widgets/input.html writes it, from a widget's (or an option's)
    context: type, name, value (left out when None), attributes."""
    shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown, _attrs_html(widget["attrs"])
    )


class Input:
    """An <input> rendered in Python, for the same reason as `Select` below."""

    def render(self, name, value, attrs=None, renderer=None):
        return _input_html(self.get_context(name, value, attrs)["widget"])


class TextInput(Input, forms.TextInput):
    pass


class HiddenInput(Input, forms.HiddenInput):
    pass


class CheckboxInput(Input, forms.CheckboxInput):
    pass


class Textarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # The line break after the tag is Django's (a browser drops it; a value's own is kept).
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', widget["name"], _attrs_html(widget["attrs"]), widget["value"] or ""
        )


class RadioSelect(forms.RadioSelect):
    """Radio buttons, each in its label, in a <div> (without option groups, which ours have not)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group, group_options, _index in widget["optgroups"]:
            if group:
                raise ValueError("RadioSelect renders no option groups.")
            for option in group_options:
                label_for = format_html(' for="{}"', option["attrs"]["id"]) if option["attrs"].get("id") else ""
                # Line breaks where Django's templates end (a browser shows them as the one space).
                options.append(
                    format_html(
                        "<div>\n    <label{}>{}\n {}</label>\n\n</div>", label_for, _input_html(option), option["label"]
                    )
                )
        own = widget["attrs"]
        return format_html(
            "<div{}{}>{}\n</div>",
            format_html(' id="{}"', own["id"]) if own.get("id") else "",
            format_html(' class="{}"', own["class"]) if own.get("class") else "",
            mark_safe("".join(options)),
        )


class DateInput(Input, forms.DateInput):
    """A native date picker without JavaScript; it sends ISO dates, typing dd.mm.yyyy also works."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        # A date typed as 31.12.2026 comes back as the ISO date the browser's picker shows; a
        # browser leaves a date input with any other value empty, hiding what was typed.
        if isinstance(value, str):
            for input_format in DATE_INPUT_FORMATS:
                try:
                    return datetime.strptime(value.strip(), input_format).date().isoformat()
                except ValueError:
                    continue
        return super().format_value(value)


class Select(forms.Select):
    """A <select> rendered in Python. Django renders every option through a template include,
    which for a list page's filter form cost more than all of the page's SQL; the output is
    the same markup (tests/caseload/test_filters.py compares them)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], _attrs_html(widget["attrs"]), options)
