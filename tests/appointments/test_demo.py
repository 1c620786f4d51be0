"""setup_demo adds offices, opening and working hours and a week of appointments, once; the
demo caseworker books under Coburg Land's rules."""

import re
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment, Office, OpeningHours, WorkingHours
from appointments.slots import BERLIN
from appointments.standards import Standard, check_opening_hours
from caseload import duedates
from caseload.models import Customer, Staff


@pytest.fixture
def demo(db, settings):
    # The due-date cache is keyed by (job centre id, policy version); rolled-back tests reuse both.
    duedates._policy_cache.clear()
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("setup_demo", stdout=StringIO())
    yield
    duedates._policy_cache.clear()


def test_setup_demo_adds_offices_that_meet_their_standard(demo):
    for office in Office.objects.select_related("job_centre", "job_centre__opening_hours_standard"):
        standard = getattr(office.job_centre, "opening_hours_standard", None)
        if standard is None:
            continue
        hours = office.opening_hours.values_list("weekday", "start", "end")
        assert check_opening_hours(hours, Standard.of(standard), tandem=office.tandem_main_id is not None) == [], office
    assert Office.objects.filter(job_centre__slug="jobagentur-en", tandem_main__isnull=False).exists()
    assert OpeningHours.objects.exists()
    assert not Staff.objects.filter(working_hours__isnull=True).exists()


def test_setup_demo_gives_every_caseworker_a_week_with_every_outcome(demo):
    now = timezone.now()
    caseworkers = Staff.objects.filter(role=Staff.CASEWORKER, customers__isnull=False).distinct()
    assert caseworkers.count() >= 5
    for staff in caseworkers:
        assert Appointment.objects.filter(caseworker=staff).count() >= 5, staff.user.username
    mine = Appointment.objects.filter(caseworker__user__username="demo-caseworker")
    assert mine.filter(start__gt=now, status=Appointment.PLANNED).exists()
    everyone = Appointment.objects.filter(end__lte=now)
    assert everyone.filter(status=Appointment.ATTENDED, contact_note__isnull=False).exists()
    assert everyone.filter(status=Appointment.MISSED, missed_sequence=1).exists()
    assert everyone.filter(status=Appointment.PLANNED).exists()  # unresolved
    for appointment in Appointment.objects.filter(contact_note__isnull=False).select_related("contact_note"):
        assert appointment.contact_note.customer_id == appointment.customer_id
        assert appointment.contact_note.date == timezone.localtime(appointment.start).date()


def test_setup_demo_adds_appointments_once(demo, settings):
    counts = [m.objects.count() for m in (Office, OpeningHours, WorkingHours, Appointment)]
    call_command("setup_demo", stdout=StringIO())
    assert [m.objects.count() for m in (Office, OpeningHours, WorkingHours, Appointment)] == counts


def test_demo_caseworker_in_coburg_gets_slots_only_within_opening_hours_and_cannot_book_a_phone_call(demo, client):
    """Coburg Land books office appointments within opening hours and no phone calls (001 §2.1)."""
    client.force_login(get_user_model().objects.get(username="demo-caseworker"))
    customers = list(Customer.objects.filter(caseworker__user__username="demo-caseworker").order_by("due_by", "pk")[:4])
    offices = list(Office.objects.filter(job_centre__slug="coburg-land"))
    assert len(customers) == 4 and len(offices) == 2
    seen = 0
    for customer in customers:
        minutes = 60 if customer.last_contact_on is None else 30  # Coburg: first 60, follow-up 30
        url = reverse("appointments:book", args=[customer.pk])
        for office in offices:
            opening = list(office.opening_hours.values_list("weekday", "start", "end"))
            page = client.get(f"{url}?art=office&stelle={office.pk}").content.decode()
            slots = re.findall(
                r'<input type="radio" name="slot" value="([^"]+)"[^>]*?( checked)?>\s*([^<]*)</label>', page
            )
            for value, _checked, label in slots:
                if value == "manuell":
                    continue
                start = datetime.fromisoformat(value).astimezone(BERLIN)
                end = start + timedelta(minutes=minutes)
                # 1. no suggested slot lies outside the office's opening hours ...
                assert any(
                    day == start.weekday() and begins <= start.time() and end.time() <= ends
                    for day, begins, ends in opening
                ), (office.name, start)
                assert "außerhalb der Öffnungszeiten" not in label
                seen += 1
            # 2. ... so none outside is preselected: the one preselected is the first suggestion.
            suggested = [value for value, _, _ in slots if value != "manuell"]
            assert [value for value, checked, _ in slots if checked] == suggested[:1]
    assert seen >= 12  # the demo leaves free time in opening hours

    # 3. A phone appointment (a crafted POST: the form does not offer one) is refused.
    customer = customers[0]
    before = Appointment.objects.count()
    day = timezone.localdate() + timedelta(days=7)
    response = client.post(
        reverse("appointments:book", args=[customer.pk]),
        {"day": day.isoformat(), "time": "09:00", "kind": "follow_up", "mode": "phone"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(
        r'id="id_mode_error"><li>Nach dem Kontaktdichtekonzept werden nur persönliche Kunden- oder '
        r"Arbeitgeberkontakte und Gruppeninformationen als Termin vereinbart, keine Telefongespräche\.",
        page,
    )
    assert Appointment.objects.count() == before


def test_setup_demo_gives_the_demo_team_absences_that_the_share_page_counts(demo):
    from appointments.models import Absence
    from appointments.selectors import consultation_share

    caseworker = Staff.objects.select_related("job_centre").get(user__username="demo-caseworker")
    absences = Absence.objects.filter(staff__team_id=caseworker.team_id)
    kinds = {a.kind: a for a in absences}
    assert set(kinds) == {Absence.LEAVE, Absence.SICKNESS, Absence.IMMEDIATE_PLACEMENT}  # Coburg Land
    leave = kinds[Absence.LEAVE]
    assert leave.start.weekday() == 0 and (leave.end - leave.start).days == 4
    for absence in absences:
        days = Appointment.objects.filter(caseworker=absence.staff).dates("start", "day")
        assert not [d for d in days if absence.start <= d <= absence.end], absence
    month = timezone.localdate().replace(day=1)
    share = consultation_share(caseworker.job_centre, [caseworker], month)[caseworker.pk]
    assert share.absent_days == 2  # the sickness day and the desk day
    call_command("setup_demo", stdout=StringIO())
    assert Absence.objects.count() == 3


def test_setup_demo_walk_ins_are_in_person_notes_without_an_appointment(demo):
    from caseload.models import ContactNote

    walk_ins = ContactNote.objects.filter(walk_in=True)
    assert walk_ins.count() > 10
    assert set(walk_ins.values_list("channel", flat=True)) == {"in_person"}
    assert not walk_ins.filter(appointment__isnull=False).exists()


def test_setup_demo_adds_tasks_group_sessions_and_a_closed_gcfak_case_once(demo):
    from appointments.models import GroupSession
    from caseload.models import FollowUpActivity

    today = timezone.localdate()
    caseworker = Staff.objects.get(user__username="demo-caseworker")
    activities = FollowUpActivity.objects.filter(customer__caseworker=caseworker)
    assert activities.filter(status=FollowUpActivity.OPEN, due_on__lt=today).exists()  # overdue
    assert activities.filter(status=FollowUpActivity.OPEN, due_on__gte=today).exists()
    assert activities.filter(status=FollowUpActivity.DONE).exists()
    sessions = list(GroupSession.objects.filter(caseworker=caseworker).order_by("start"))
    assert len(sessions) == 2
    past, coming = sessions
    assert past.end <= timezone.now() < coming.start
    attended = past.participants.filter(status=Appointment.ATTENDED)
    assert attended.count() >= 3
    assert set(attended.values_list("contact_note__channel", flat=True)) == {"group"}
    assert past.participants.filter(status=Appointment.MISSED).exists()
    assert 0 < coming.participants.count() < coming.capacity
    # Closed through "Fall abschließen" (the employer service's demo closes one more by a hire).
    closed = Customer.objects.filter(acquisition_source__isnull=False, closed_on__isnull=False)
    assert closed.exists()
    assert set(closed.values_list("case_status", "closing_outcome")) == {(Customer.STATUS_CLOSED, "job_taken")}
    closed_before = closed.count()

    counts = [m.objects.count() for m in (FollowUpActivity, GroupSession, Appointment)]
    call_command("setup_demo", stdout=StringIO())
    assert [m.objects.count() for m in (FollowUpActivity, GroupSession, Appointment)] == counts
    assert closed.count() == closed_before
