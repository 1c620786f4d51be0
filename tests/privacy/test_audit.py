"""The audit trail: logins, customer pages opened and exports are recorded with ids only; the
data-protection role reads, filters and exports it; nobody else sees it."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import Event

from ..caseload.factories import make_customer, make_user, world  # noqa: F401

EVENTS = reverse("privacy:events")
PASSWORD = "ein langes Passwort 2026"


@pytest.fixture
def officer(world):
    user = make_user("dsb", first_name="Daten", last_name="Schutz")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="audit", codename="view_event"))
    return user


def test_logins_failed_logins_and_lockouts_are_recorded_by_user_id(client, world):
    alice = world.alice.user
    alice.set_password(PASSWORD)
    alice.save()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "niemand", "password": "x"})
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "falsch"})
    actions = list(Event.objects.order_by("id").values_list("action", "user_id"))
    assert actions[:3] == [(Event.LOGIN, alice.pk), (Event.LOGOUT, alice.pk), (Event.LOGIN_FAILED, None)]
    assert actions[3:].count((Event.LOGIN_FAILED, alice.pk)) >= 4
    assert (Event.LOCKED_OUT, alice.pk) in actions


def test_opening_a_customer_page_records_who_opened_which_customer(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.alice.user)
    client.get(reverse("customer", args=[customer.pk]))
    event = Event.objects.get(action=Event.CUSTOMER_VIEWED)
    assert (event.user_id, event.customer_id, event.job_centre_id) == (
        world.alice.user.pk,
        customer.pk,
        customer.job_centre_id,
    )


def test_an_export_records_its_number_of_rows_and_no_content(client, world):
    from ..caseload.factories import overdue_customer

    for _ in range(3):
        overdue_customer(world.team_a, world.alice)
    client.force_login(world.bob.user)
    client.get(reverse("team_overdue") + "?export=csv")
    event = Event.objects.get(action=Event.EXPORTED)
    assert (event.user_id, event.what, event.rows) == (world.bob.user.pk, "team_overdue.csv", 3)


def test_events_hold_no_names_numbers_or_text(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.alice.user)
    client.get(reverse("customer", args=[customer.pk]))
    for row in Event.objects.values():
        text = " ".join(str(v) for v in row.values())
        for personal in (customer.number, customer.last_name, customer.first_name, "alice"):
            assert personal not in text


def test_a_caseworker_and_a_mere_is_staff_admin_cannot_see_the_trail(client, world):
    client.force_login(world.alice.user)
    assert client.get(EVENTS).status_code == 403
    staff_user = make_user("verwaltung", is_staff=True)
    client.force_login(staff_user)
    assert client.get(EVENTS).status_code == 403


def test_the_officer_filters_by_customer_and_user_and_sees_numbers_and_names(client, world, officer):
    seen = make_customer(world.team_a, caseworker=world.alice)
    other = make_customer(world.team_a, caseworker=world.alice)
    for customer, user in ((seen, world.alice.user), (other, world.bob.user)):
        client.force_login(user)
        client.get(reverse("customer", args=[customer.pk]))
    client.force_login(officer)
    page = client.get(EVENTS, {"jobcenter": world.coburg.pk, "kunde": seen.number}).content.decode()
    assert seen.number in page and other.number not in page
    assert "Protokoll" in client.get(reverse("home")).content.decode()  # the nav link
    by_user = client.get(EVENTS, {"benutzer": "bob", "vorgang": Event.CUSTOMER_VIEWED}).content.decode()
    assert other.number in by_user and seen.number not in by_user


def test_a_customer_number_without_job_centre_is_refused_in_german(client, officer):
    client.force_login(officer)
    response = client.get(EVENTS, {"kunde": "100001"})
    assert response.status_code == 400
    assert "bitte das Jobcenter wählen" in response.content.decode()


def test_exporting_the_trail_is_recorded_too(client, world, officer):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.alice.user)
    client.get(reverse("customer", args=[customer.pk]))
    client.force_login(officer)
    response = client.get(EVENTS, {"export": "csv", "vorgang": Event.CUSTOMER_VIEWED})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Zeitpunkt", "Vorgang", "Benutzer-ID", "Benutzer"]
    assert [r[6] for r in rows[1:]] == [customer.number]
    assert Event.objects.filter(action=Event.EXPORTED, what="audit.csv", rows=1, user_id=officer.pk).exists()


def test_nobody_changes_events_in_the_admin(client, world):
    client.force_login(world.admin)
    assert client.get("/admin/audit/event/").status_code == 404


def test_changes_through_the_services_are_recorded_with_what_changed(client, world):
    from datetime import timedelta

    from django.utils import timezone

    from caseload import services

    customer = make_customer(world.team_a, caseworker=world.alice)
    today = timezone.localdate()
    note, _ = services.record_contact(
        customer=customer, by=world.alice.user, date=today, channel="in_person", summary="Gespräch"
    )
    measure, _ = services.add_measure(
        customer=customer, title="Kurs", start=today, end=today + timedelta(days=9), by=world.bob.user
    )
    services.update_customer(customer=customer, changes={"profile": "market_far"}, by=world.alice.user)
    changes = list(
        Event.objects.filter(action=Event.CUSTOMER_CHANGED, customer_id=customer.pk)
        .order_by("id")
        .values_list("user_id", "what", "object_type", "object_id")
    )
    assert changes[1:] == [
        (world.alice.user.pk, "contact_note", "contactnote", note.pk),
        (world.bob.user.pk, "measure", "measure", measure.pk),
        (world.alice.user.pk, "facts", "", None),
    ]
    assert changes[0][1] == "created"
