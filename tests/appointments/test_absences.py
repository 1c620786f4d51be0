"""Absences: the services' checks, the team lead's page, what a caseworker may see, the admin."""

import logging
from datetime import date

import pytest
from django.urls import reverse

from appointments import services
from appointments.models import Absence
from caseload.models import Staff
from caseload.services import ServiceError

from ..caseload.factories import make_staff
from .factories import world  # noqa: F401

TODAY = date(2026, 5, 20)
LIST = reverse("appointments:absences")


def record(world, staff=None, kind=Absence.LEAVE, start=date(2026, 5, 4), end=date(2026, 5, 8)):
    return services.record_absence(
        staff=staff or world.alice, kind=kind, start=start, end=end, by=world.bob.user, today=TODAY
    )


def errors_of(call) -> dict:
    with pytest.raises(ServiceError) as error:
        call()
    return error.value.message_dict


# --- Services ---------------------------------------------------------------------------------


def test_an_absence_is_recorded_in_the_persons_job_centre_with_who_recorded_it(world):
    absence = record(world)
    assert (absence.job_centre_id, absence.staff_id, absence.recorded_by_id) == (
        world.coburg.pk,
        world.alice.pk,
        world.bob.user.pk,
    )
    assert absence.history.count() == 1


def test_an_end_before_the_start_is_refused(world):
    errors = errors_of(lambda: record(world, start=date(2026, 5, 8), end=date(2026, 5, 4)))
    assert errors == {"end": ["Das Ende darf nicht vor dem Beginn liegen."]}
    assert not Absence.objects.exists()


def test_an_overlap_with_another_absence_of_the_same_person_is_refused_and_named(world):
    record(world)
    errors = errors_of(lambda: record(world, kind=Absence.SICKNESS, start=date(2026, 5, 8), end=date(2026, 5, 8)))
    assert errors["start"] == [
        "In dieser Zeit ist schon eine Abwesenheit erfasst: Urlaub vom 04.05.2026 bis "
        "08.05.2026. Bitte diese ändern oder andere Tage wählen."
    ]
    assert Absence.objects.count() == 1


def test_the_next_day_and_another_persons_same_days_are_fine(world):
    record(world)
    record(world, kind=Absence.SICKNESS, start=date(2026, 5, 9), end=date(2026, 5, 9))
    record(world, staff=world.bob)
    assert Absence.objects.count() == 3


@pytest.mark.parametrize(
    "start, end, field",
    [
        (date(2062, 5, 4), date(2062, 5, 8), "start"),  # decades ahead
        (date(1996, 5, 4), date(1996, 5, 8), "start"),  # decades back
        (date(2026, 5, 4), date(2206, 5, 8), "end"),  # a typo in the year
    ],
)
def test_dates_years_away_are_refused(world, start, end, field):
    errors = errors_of(lambda: record(world, start=start, end=end))
    assert errors[field] == ["Das Datum liegt 2 Jahre oder mehr vor oder nach heute: bitte prüfen."]


def test_an_unknown_kind_is_refused(world):
    assert "kind" in errors_of(lambda: record(world, kind="holiday"))


def test_an_absence_is_shortened_or_lengthened_but_not_into_another(world):
    leave = record(world)
    record(world, kind=Absence.TRAINING, start=date(2026, 5, 12), end=date(2026, 5, 12))
    leave = Absence.objects.select_related("staff").get(pk=leave.pk)
    services.change_absence_end(absence=leave, end=date(2026, 5, 6), by=world.bob.user, today=TODAY)
    assert Absence.objects.get(pk=leave.pk).end == date(2026, 5, 6)
    services.change_absence_end(absence=leave, end=date(2026, 5, 11), by=world.bob.user, today=TODAY)
    assert Absence.objects.get(pk=leave.pk).end == date(2026, 5, 11)
    errors = errors_of(
        lambda: services.change_absence_end(absence=leave, end=date(2026, 5, 13), by=world.bob.user, today=TODAY)
    )
    assert errors["end"][0].startswith("In dieser Zeit ist schon eine Abwesenheit erfasst: Fortbildung vom 12.05.")
    errors = errors_of(
        lambda: services.change_absence_end(absence=leave, end=date(2026, 5, 3), by=world.bob.user, today=TODAY)
    )
    assert errors == {"end": ["Die Abwesenheit beginnt am 04.05.2026: das Ende darf nicht davor liegen."]}
    assert Absence.objects.get(pk=leave.pk).end == date(2026, 5, 11)


def test_an_absence_is_deleted_once(world):
    leave = Absence.objects.select_related("staff").get(pk=record(world).pk)
    services.delete_absence(absence=leave, by=world.bob.user)
    assert not Absence.objects.exists()
    assert errors_of(lambda: services.delete_absence(absence=leave, by=world.bob.user)) == {
        "__all__": ["Diese Abwesenheit ist schon gelöscht."]
    }


def test_logs_carry_ids_not_names_or_the_kind(world, caplog):
    caplog.set_level(logging.INFO, logger="appointments")
    absence = record(world, kind=Absence.SICKNESS)
    absence = Absence.objects.select_related("staff").get(pk=absence.pk)
    services.change_absence_end(absence=absence, end=date(2026, 5, 5), by=world.bob.user, today=TODAY)
    services.delete_absence(absence=absence, by=world.bob.user)
    text = caplog.text
    assert f"staff id {world.alice.pk}" in text and f"user id {world.bob.user.pk}" in text
    for word in ("Alice", "alice", "Bob", "sickness", "Krankheit"):
        assert word not in text


# --- The page -----------------------------------------------------------------------------------


@pytest.fixture
def berta(world):
    """Team lead of team B (charlie's team)."""
    return make_staff("berta", world.team_b, Staff.TEAM_LEAD)


def post(client, staff, kind="leave", start="2026-06-01", end="2026-06-05"):
    return client.post(LIST, {"staff": staff.pk, "kind": kind, "start": start, "end": end})


def test_a_team_lead_records_an_absence_for_a_member_of_the_team(client, world):
    client.force_login(world.bob.user)
    response = post(client, world.alice)
    assert response.status_code == 302 and response["Location"] == f"{LIST}?monat=2026-06"
    absence = Absence.objects.get()
    assert (absence.staff_id, absence.kind, absence.start, absence.end, absence.recorded_by_id) == (
        world.alice.pk,
        "leave",
        date(2026, 6, 1),
        date(2026, 6, 5),
        world.bob.user.pk,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Urlaub für Alice Fachkraft vom 01.06.2026 bis 05.06.2026 erfasst." in page
    assert "Alice Fachkraft</td><td>Urlaub</td>" in page


def test_the_form_shows_the_services_message_beside_the_field(client, world):
    client.force_login(world.bob.user)
    post(client, world.alice)
    response = post(client, world.alice, kind="sickness", start="03.06.2026", end="03.06.2026")
    assert response.status_code == 400
    assert "In dieser Zeit ist schon eine Abwesenheit erfasst: Urlaub vom 01.06.2026" in response.content.decode()
    assert Absence.objects.count() == 1


def test_a_member_of_another_team_is_a_404_and_nothing_is_saved(client, world):
    client.force_login(world.bob.user)
    assert post(client, world.charlie).status_code == 404
    assert post(client, world.dave).status_code == 404
    assert client.get(f"{LIST}?fachkraft={world.charlie.pk}").status_code == 404
    assert not Absence.objects.exists()


def test_the_list_shows_the_months_absences_of_the_team_only(client, world, berta):
    record(world)  # May
    record(world, staff=world.bob, kind=Absence.TRAINING, start=date(2026, 5, 28), end=date(2026, 6, 2))
    record(world, staff=world.charlie, kind=Absence.SICKNESS, start=date(2026, 5, 6), end=date(2026, 5, 6))
    client.force_login(world.bob.user)
    may = client.get(f"{LIST}?monat=2026-05").content.decode()
    assert "Alice Fachkraft</td><td>Urlaub</td>" in may and "Bob Fachkraft</td><td>Fortbildung</td>" in may
    assert "Charlie" not in may.split('id="add-title"')[0]
    june = client.get(f"{LIST}?monat=2026-06").content.decode()
    assert "Bob Fachkraft</td><td>Fortbildung</td>" in june and "Alice Fachkraft</td><td>Urlaub" not in june
    only_alice = client.get(f"{LIST}?monat=2026-05&fachkraft={world.alice.pk}").content.decode()
    assert "Alice Fachkraft</td><td>Urlaub" in only_alice and "Bob Fachkraft</td><td>Fortbildung" not in only_alice


def test_a_caseworker_reads_only_their_own_absences_and_records_none(client, world):
    record(world)
    record(world, staff=world.bob, kind=Absence.SICKNESS, start=date(2026, 5, 12), end=date(2026, 5, 12))
    client.force_login(world.alice.user)
    page = client.get(f"{LIST}?monat=2026-05").content.decode()
    assert "Ihre Abwesenheiten" in page and "<td>Urlaub</td>" in page
    assert "Krankheit</td>" not in page and "Bob Fachkraft" not in page
    assert "Abwesenheit erfassen" not in page and "Ändern" not in page
    assert post(client, world.alice).status_code == 403
    own = Absence.objects.get(staff=world.alice)
    assert client.get(reverse("appointments:absence", args=[own.pk])).status_code == 404
    assert client.post(reverse("appointments:absence_delete", args=[own.pk])).status_code == 404
    assert Absence.objects.count() == 2


def test_another_teams_lead_can_neither_open_nor_delete_an_absence(client, world, berta):
    absence = record(world)
    client.force_login(berta.user)
    assert client.get(reverse("appointments:absence", args=[absence.pk])).status_code == 404
    assert client.post(reverse("appointments:absence_delete", args=[absence.pk])).status_code == 404
    assert "Alice" not in client.get(f"{LIST}?monat=2026-05").content.decode()
    assert Absence.objects.filter(pk=absence.pk).exists()


def test_the_team_lead_shortens_and_deletes_an_absence(client, world):
    absence = record(world)
    client.force_login(world.bob.user)
    url = reverse("appointments:absence", args=[absence.pk])
    assert 'value="2026-05-08"' in client.get(url).content.decode()
    response = client.post(url, {"end": "2026-05-06"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?monat=2026-05"
    assert Absence.objects.get().end == date(2026, 5, 6)
    assert client.post(url, {"end": "2026-05-01"}).status_code == 400
    client.post(reverse("appointments:absence_delete", args=[absence.pk]))
    assert not Absence.objects.exists()


def test_users_without_a_staff_profile_get_the_403_page(client, world):
    client.force_login(world.admin)
    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize("size", [1, 4])
def test_the_list_runs_a_fixed_number_of_queries(client, world, size, django_assert_num_queries):
    for n in range(size):
        member = make_staff(f"extra{n}", world.team_a)
        record(world, staff=member)
    client.force_login(world.bob.user)
    # 1 session, 2 user, 3 staff (+team, job centre), 4 team members, 5 rule sets of the month,
    # 6 absences (+staff, user)
    with django_assert_num_queries(6):
        response = client.get(f"{LIST}?monat=2026-05")
    assert response.content.decode().count("<td>Urlaub</td>") == size


def test_team_leads_find_the_page_from_the_calendar_and_the_share_page(client, world):
    client.force_login(world.bob.user)
    assert f'href="{LIST}"' in client.get(reverse("appointments:day")).content.decode()
    assert f'href="{LIST}?monat=' in client.get(reverse("appointments:share")).content.decode()


# --- Admin --------------------------------------------------------------------------------------


def test_the_admin_records_an_absence_in_the_persons_job_centre_and_checks_overlaps(client, world):
    client.force_login(world.admin)
    admin_client = client
    url = reverse("admin:appointments_absence_add")
    data = {"staff": world.dave.pk, "kind": "training", "start": "2026-05-04", "end": "2026-05-05"}
    assert admin_client.post(url, data).status_code == 302
    absence = Absence.objects.get()
    assert absence.job_centre_id == world.weimar.pk
    assert absence.recorded_by.username == "admin"
    response = admin_client.post(url, {**data, "kind": "sickness", "start": "2026-05-05"})
    assert response.status_code == 200 and "In dieser Zeit ist schon eine Abwesenheit erfasst" in response.text
    change = reverse("admin:appointments_absence_change", args=[absence.pk])
    assert admin_client.post(change, {**data, "end": "2026-05-06"}).status_code == 302  # not an overlap with itself
