"""Art. 15 GDPR: one customer's complete data as a page and as JSON, for the data-protection
role only, each disclosure recorded."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from caseload import services

from ..caseload.factories import make_customer, make_user, world  # noqa: F401

URL = reverse("privacy:data_access")


@pytest.fixture
def officer(world):
    user = make_user("dsb")
    user.user_permissions.add(Permission.objects.get(codename="export_customer_data"))
    return user


@pytest.fixture
def history(world):
    today = timezone.localdate()
    customer = make_customer(world.team_a, caseworker=world.alice, street="Am Markt 1")
    services.record_contact(
        customer=customer,
        by=world.alice.user,
        date=today - timedelta(days=3),
        channel="in_person",
        summary="Bewerbungsunterlagen besprochen",
        agreements="Drei Bewerbungen bis Monatsende",
    )
    services.add_measure(customer=customer, title="Bewerbungstraining", start=today, end=today + timedelta(days=30))
    services.record_suspension(
        customer=customer,
        by=world.alice.user,
        reason="Gutachten ausstehend",
        start=today,
        end=today + timedelta(days=20),
    )
    services.update_customer(customer=customer, changes={"phone": "09561 1234"})
    return customer


def test_the_page_holds_every_kind_of_data_and_who_changed_it(client, world, officer, history):
    client.force_login(world.alice.user)
    client.get(reverse("customer", args=[history.pk]))  # an access that must appear
    client.force_login(officer)
    page = client.get(URL, {"jobcenter": world.coburg.pk, "kunde": history.number}).content.decode()
    for expected in (
        history.last_name,
        "Am Markt 1",
        "09561 1234",
        "Bewerbungsunterlagen besprochen",
        "Drei Bewerbungen bis Monatsende",
        "Bewerbungstraining",
        "Gutachten ausstehend",
        "Alice Fachkraft",
        "Kundendaten geöffnet",
        "Telefon",
    ):
        assert expected in page, expected
    assert Event.objects.filter(action=Event.DATA_ACCESS, customer_id=history.pk, user_id=officer.pk).exists()


def test_the_json_download_has_the_same_data(client, world, officer, history):
    client.force_login(officer)
    response = client.get(URL, {"jobcenter": world.coburg.pk, "kunde": history.number, "format": "json"})
    assert response["Content-Disposition"].startswith(f'attachment; filename="auskunft-kunde-{history.pk}-')
    assert history.number not in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["kunde"]["Nachname"] == history.last_name
    assert data["kunde"]["Team"] == "Team A"
    assert [n["Zusammenfassung"] for n in data["beratungsvermerke"]] == ["Bewerbungsunterlagen besprochen"]
    assert [m["Maßnahme"] for m in data["massnahmen"]] == ["Bewerbungstraining"]
    assert [s["Grund"] for s in data["ausnahmen"]] == ["Gutachten ausstehend"]
    changes = [
        h["geaenderte_felder"]
        for h in data["aenderungsverlauf"]
        if h["art"] == "Stammdaten" and h["vorgang"] == "geändert"
    ]
    assert changes == [["Fallstatus"], ["Telefon"]]  # the first note set "in Beratung"
    assert Event.objects.filter(action=Event.DATA_ACCESS, what="art15.json").count() == 1


def test_only_the_data_protection_role_gets_a_disclosure(client, world, history):
    for user in (world.alice.user, world.bob.user, make_user("verwaltung", is_staff=True)):
        client.force_login(user)
        assert client.get(URL, {"jobcenter": world.coburg.pk, "kunde": history.number}).status_code == 403


def test_an_unknown_number_says_so_in_german(client, world, officer):
    client.force_login(officer)
    response = client.get(URL, {"jobcenter": world.coburg.pk, "kunde": "999999"})
    assert response.status_code == 400
    assert "keinen Kunden mit dieser Nummer" in response.content.decode()


@pytest.mark.parametrize("notes", [1, 5])
def test_the_disclosure_runs_a_fixed_number_of_queries(client, world, officer, notes, django_assert_num_queries):
    customer = make_customer(world.team_a, caseworker=world.alice)
    for n in range(notes):
        services.record_contact(
            customer=customer,
            by=world.alice.user,
            date=timezone.localdate() - timedelta(days=n),
            channel="in_person",
            summary="Gespräch",
        )
    client.force_login(officer)
    # 1 session, 2 user, 3-4 the permission (user's, groups'), 5 the job centre chosen, 6 the
    # customer, 7 notes, 8 measures, 9 exceptions, 10 appointments, 11 placement proposals,
    # 12 audit events, 13-18 six history tables, 19 the staff named, 20 the audit event written
    with django_assert_num_queries(20):
        client.get(URL, {"jobcenter": world.coburg.pk, "kunde": customer.number, "format": "json"})
