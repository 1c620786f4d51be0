from datetime import date, datetime

from django.utils import formats as django_formats
from hypothesis import given
from hypothesis import strategies as st

from kontaktdichte import formats


@given(st.dates(min_value=date(1, 1, 1)))
def test_day_is_the_german_short_date_django_writes(value):
    assert formats.day(value) == django_formats.date_format(value, "SHORT_DATE_FORMAT")


def test_day_examples():
    assert formats.day(date(2026, 3, 1)) == "01.03.2026"
    assert formats.day(date(999, 12, 31)) == "31.12.0999"
    assert formats.day(datetime(2026, 11, 30, 23, 59)) == "30.11.2026"


def _render(source: str, **context) -> str:
    from django.template import engines

    return engines["django"].from_string(source).render(context)


@given(st.dates(min_value=date(1, 1, 1)))
def test_the_day_filter_writes_what_the_date_filter_writes(value):
    assert _render("{{ v|day }}", v=value) == _render('{{ v|date:"d.m.Y" }}', v=value)
    assert _render("{{ v|iso }}", v=value) == _render('{{ v|date:"Y-m-d" }}', v=value)


def test_the_day_filter_on_moments_and_on_nothing():
    from zoneinfo import ZoneInfo

    # 23:30 UTC on 30 November is already 1 December in Berlin: the local day, as `date` gives.
    late = datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert _render("{{ v|day }}", v=late) == _render('{{ v|date:"d.m.Y" }}', v=late) == "01.12.2026"
    assert _render("{{ v|iso }}", v=late) == _render('{{ v|date:"Y-m-d" }}', v=late) == "2026-12-01"
    for nothing in (None, "", "2026-12-01"):
        assert _render("{{ v|day }}", v=nothing) == _render('{{ v|date:"d.m.Y" }}', v=nothing) == ""
        assert _render("{{ v|iso }}", v=nothing) == _render('{{ v|date:"Y-m-d" }}', v=nothing) == ""
