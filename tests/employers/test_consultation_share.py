"""Employer appointments count as consultation time only where the rule set says so
("Arbeitgeberkontakte zählen zum Beratungsanteil"), and never toward a customer's contacts."""

from datetime import timedelta

from django.utils import timezone

from appointments import services as appointment_services
from appointments.models import Appointment
from appointments.selectors import consultation_share
from employers import services
from kontaktdichte.dates import add_months
from policies.models import RuleSet

from ..appointments.factories import book
from .factories import at, make_customer, make_employer, make_office, next_weekday, world  # noqa: F401

MONTH = add_months(timezone.localdate().replace(day=1), -1)
DAY = next_weekday(1, MONTH + timedelta(days=7))  # a Tuesday of last month


def _attended_month(world):
    office = make_office(world.coburg)
    customer = make_customer(world.team_a, caseworker=world.alice)
    customer_appointment = book(customer, world.alice, at(DAY, 9), minutes=30, office=office)
    appointment_services.record_attendance(appointment=customer_appointment, by=world.alice.user, now=at(DAY, 9))
    link = services.book_employer_appointment(
        employer=make_employer(world.coburg),
        caseworker=world.alice,
        by=world.alice.user,
        start=at(DAY, 10),
        minutes=60,
        office=office,
        topic="Betriebsbesuch",
        now=at(DAY, 10) - timedelta(days=1),
    )
    services.record_employer_attendance(link=link, by=world.alice.user, now=at(DAY, 10))
    return link


def test_employer_appointments_do_not_count_by_default(world):
    _attended_month(world)
    share = consultation_share(world.coburg, [world.alice], MONTH)[world.alice.pk]
    assert (share.attended_minutes, share.employer_minutes) == (30, 0)


def test_they_count_where_the_rule_set_says_so(world, django_assert_num_queries):
    _attended_month(world)
    RuleSet.objects.filter(job_centre=world.coburg).update(employer_contacts_count=True)
    with django_assert_num_queries(5):  # rule sets, working hours, closing days, absences, attended minutes
        share = consultation_share(world.coburg, [world.alice], MONTH)[world.alice.pk]
    assert (share.attended_minutes, share.employer_minutes) == (90, 60)
    assert share.share == 90 / share.working_minutes


def test_only_in_a_channel_that_counts_as_qualified(world):
    link = _attended_month(world)
    RuleSet.objects.filter(job_centre=world.coburg).update(employer_contacts_count=True)
    # A phone call with the employer (booked elsewhere, where phone appointments are allowed):
    # Coburg counts in-person contacts only.
    Appointment.objects.filter(pk=link.appointment_id).update(mode=Appointment.PHONE, office=None)
    share = consultation_share(world.coburg, [world.alice], MONTH)[world.alice.pk]
    assert (share.attended_minutes, share.employer_minutes) == (30, 0)
