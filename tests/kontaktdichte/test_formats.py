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
