from django import template
from django.utils import timezone

from kontaktdichte import formats

from .. import selectors

register = template.Library()


@register.filter
def hours(minutes) -> str:
    return formats.decimal((minutes or 0) / 60, 1)


@register.filter
def percent(share) -> int:
    return round((share or 0) * 100)


@register.simple_tag
def next_appointment(customer):
    """The customer's next planned appointment (one query), for the customer page."""
    return selectors.next_appointment(customer, timezone.now())
