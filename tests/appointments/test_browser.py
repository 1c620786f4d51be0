"""The caseworker books a suggested slot for an overdue customer, marks it attended and writes
the note, in a real browser."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from appointments.models import Appointment
from appointments.slots import BERLIN
from caseload import duedates
from caseload.models import ContactNote, Customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server, settings):
    # The due-date cache is keyed by (job centre id, policy version): after this test's flush the
    # fixture's job centres come back with the same ids but new rule ids, so start and end clean.
    duedates._policy_cache.clear()
    settings.DEBUG = True
    call_command("setup_demo", url=live_server.url, stdout=StringIO())
    yield
    duedates._policy_cache.clear()


def test_book_a_suggested_slot_mark_it_attended_and_write_the_note(demo, live_server, page, login):
    today = timezone.localdate()
    login("demo-caseworker", "demo")

    page.goto(f"{live_server.url}/faelle/?liste=ueberfaellig")
    first = page.locator("table tbody a[href^='/kunden/']").first
    customer = Customer.objects.get(number=first.inner_text().strip())
    assert customer.due_by < today
    first.click()

    page.get_by_role("link", name="Termin vereinbaren").click()
    suggested = page.locator("input[name=slot]").first
    assert suggested.is_checked()  # the earliest free slot is preselected
    slot = datetime.fromisoformat(suggested.get_attribute("value"))
    page.get_by_role("button", name="Termin vereinbaren").click()
    page.wait_for_load_state()

    appointment = Appointment.objects.get(customer=customer, start=slot)
    assert appointment.status == Appointment.PLANNED and appointment.caseworker.user.username == "demo-caseworker"
    assert "Termin am" in page.locator(".messages").inner_text()
    assert page.get_by_role("button", name="Wahrgenommen").count() == 0  # not before it begins

    # Time passes: the appointment took place early this morning (a time the demo leaves free).
    start = datetime.combine(today, time(0, 0), tzinfo=BERLIN)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=start,
        end=start + timedelta(minutes=appointment.minutes),
        blocked_until=start + timedelta(minutes=appointment.minutes + appointment.preparation_minutes),
    )
    page.reload()
    page.get_by_role("button", name="Wahrgenommen").click()
    page.wait_for_load_state()

    assert page.get_by_label("Datum des Kontakts").input_value() == today.isoformat()
    assert page.get_by_label("persönlich").is_checked()
    page.get_by_label("Zusammenfassung").fill("Termin wahrgenommen, Bewerbungsstrategie besprochen.")
    follow_up = page.get_by_label("Wiedervorlage")
    if follow_up.count():
        follow_up.fill(date(today.year + 1, today.month, 1).isoformat())
    for box in page.locator(".checklist-fields input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Vermerk speichern").click()
    page.wait_for_load_state()

    note = ContactNote.objects.get(customer=customer, date=today, summary__startswith="Termin wahrgenommen")
    assert Appointment.objects.get(pk=appointment.pk).contact_note_id == note.pk
    moved = Customer.objects.get(pk=customer.pk)
    assert moved.due_by > today
    assert f"fällig bis {moved.due_by:%d.%m.%Y}" in page.locator(".due-box").inner_text()


@pytest.fixture
def team_lead(live_server):
    from caseload.models import Staff, Team
    from policies.models import JobCentre

    from ..caseload.factories import make_staff

    call_command("loaddata", "rulesets", verbosity=0)
    team = Team.objects.create(job_centre=JobCentre.objects.get(slug="coburg-land"), name="Team Markt 1")
    lead = make_staff("tl-markt", team, Staff.TEAM_LEAD)
    lead.user.set_password("Abwesend-2026!")
    lead.user.save()
    make_staff("erika", team)
    return lead


def test_a_team_lead_records_a_leave_week_on_a_narrow_screen(team_lead, live_server, page, login):
    from appointments.models import Absence

    page.set_viewport_size({"width": 320, "height": 640})
    login("tl-markt", "Abwesend-2026!")
    page.goto(f"{live_server.url}/termine/")
    page.get_by_role("link", name="Abwesenheiten").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Abwesenheit erfassen").is_visible()
    page.get_by_label("Mitarbeiter/in").select_option(label="Erika Fachkraft")
    page.get_by_label("Urlaub").check()
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    for name, day in (("start", monday), ("end", monday + timedelta(days=4))):
        field = page.locator(f"#id_{name}")
        field.fill(day.isoformat() if field.get_attribute("type") == "date" else f"{day:%d.%m.%Y}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # reflows, no sideways scrolling
    page.get_by_role("button", name="Abwesenheit speichern").click()
    page.wait_for_load_state()

    absence = Absence.objects.get()
    assert (absence.staff.user.username, absence.kind, absence.start, absence.end) == (
        "erika",
        Absence.LEAVE,
        monday,
        monday + timedelta(days=4),
    )
    assert "Urlaub für Erika Fachkraft" in page.locator(".messages").inner_text()
    assert page.get_by_role("cell", name="Erika Fachkraft", exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.fixture
def group_caseworker(live_server):
    from caseload.models import Team
    from policies.models import JobCentre

    from ..caseload.factories import make_customer, make_staff
    from .factories import give_working_hours, make_office

    call_command("loaddata", "rulesets", verbosity=0)
    team = Team.objects.create(job_centre=JobCentre.objects.get(slug="coburg-land"), name="Team Markt 1")
    staff = make_staff("gruppe", team)
    staff.user.set_password("Gruppe-2026!")
    staff.user.save()
    give_working_hours(staff)
    office = make_office(team.job_centre)
    customers = [make_customer(team, caseworker=staff) for _ in range(3)]
    return staff, office, customers


def overflowing(page, width=320) -> list[str]:
    """The elements that reach past `width` (empty when the page needs no sideways scrolling)."""
    if page.evaluate("document.documentElement.scrollWidth") <= width:
        return []
    return page.evaluate(
        """width => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                 + ' ' + Math.round(e.getBoundingClientRect().right))""",
        width,
    ) or ["(scrollWidth)"]


def test_a_group_session_books_participants_and_records_attendance_on_a_narrow_screen(
    group_caseworker, live_server, page, login
):
    """Anlegen, two places booked by customer number (a third refused: full), attendance with a
    group-channel note for the one present and a reason for the one absent, all at 320 px."""
    from appointments.models import GroupSession

    from .factories import next_weekday

    staff, office, (first, second, third) = group_caseworker
    page.set_viewport_size({"width": 320, "height": 640})
    login("gruppe", "Gruppe-2026!")
    page.goto(f"{live_server.url}/termine/gruppen/")
    assert overflowing(page) == []
    page.get_by_role("link", name="Gruppeninformation anlegen").click()
    page.wait_for_load_state()
    day = next_weekday(1)  # a Tuesday, within the office's opening hours at 9:00
    page.get_by_label("Thema").fill("Bewerbung heute")
    page.get_by_label("Regionalstelle").select_option(label=office.name)
    page.get_by_label("Raum").fill("Schulungsraum 1")
    page.get_by_label("Plätze").fill("2")
    field = page.locator("#id_day")
    field.fill(day.isoformat() if field.get_attribute("type") == "date" else f"{day:%d.%m.%Y}")
    page.get_by_label("Uhrzeit").fill("09:00")
    assert overflowing(page) == []
    page.get_by_role("button", name="Anlegen").click()
    page.wait_for_load_state()

    session = GroupSession.objects.get()
    assert (session.caseworker_id, session.capacity, session.start.astimezone(BERLIN).date()) == (staff.pk, 2, day)
    assert "angelegt" in page.locator(".messages").inner_text()
    for customer in (first, second):
        page.get_by_label("Kundennummer").fill(customer.number)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_load_state()
        assert f"Kunde {customer.number} zur Gruppeninformation angemeldet." in page.locator(".messages").inner_text()
    assert "2 von 2 belegt – ausgebucht" in page.locator(".facts-list").inner_text()
    page.get_by_label("Kundennummer").fill(third.number)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    assert "ausgebucht" in page.locator(".errorlist").first.inner_text()
    assert overflowing(page) == []
    places = Appointment.objects.filter(group_session=session)
    assert set(places.values_list("customer_id", flat=True)) == {first.pk, second.pk}

    # Time passes: the session took place early this morning (moved there, places with it).
    today = timezone.localdate()
    start = datetime.combine(today, time(0, 0), tzinfo=BERLIN)
    moved = {"start": start, "end": start + timedelta(minutes=90), "blocked_until": start + timedelta(minutes=90)}
    GroupSession.objects.filter(pk=session.pk).update(**moved)
    places.update(**moved)
    page.goto(f"{live_server.url}/termine/gruppen/{session.pk}/")
    assert page.get_by_role("heading", name="Anmelden").count() == 0  # no bookings once it began
    page.get_by_role("group", name=f"Anwesenheit Kunde {first.number}").get_by_label("anwesend").check()
    page.get_by_role("group", name=f"Anwesenheit Kunde {second.number}").get_by_label("nicht erschienen").check()
    page.get_by_label(f"Grund Kunde {second.number}").fill("keine Rückmeldung")
    follow_up = page.locator("#id_follow_up_on")
    later = today + timedelta(days=60)
    follow_up.fill(later.isoformat() if follow_up.get_attribute("type") == "date" else f"{later:%d.%m.%Y}")
    assert overflowing(page) == []
    page.get_by_role("button", name="Anwesenheit speichern").click()
    page.wait_for_load_state()

    assert "1 anwesend (mit Beratungsvermerk), 1 nicht erschienen" in page.locator(".messages").inner_text()
    present = Appointment.objects.select_related("contact_note").get(group_session=session, customer=first)
    assert present.status == Appointment.ATTENDED
    assert (present.contact_note.channel, present.contact_note.date) == ("group", today)
    absent = Appointment.objects.get(group_session=session, customer=second)
    assert absent.status == Appointment.MISSED and absent.contact_note_id is None
    assert not ContactNote.objects.filter(customer=second).exists()
    assert "Beratungsvermerk gespeichert" in page.locator(".participants").inner_text()
    assert overflowing(page) == []
