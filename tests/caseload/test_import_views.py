"""Kunden importieren over HTTP (team lead, admin) and as a command: upload, preview, confirm."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from caseload import import_files, imports
from caseload.models import Customer, PendingImport

from .factories import make_customer, world  # noqa: F401

UPLOAD = reverse("customer_import")
HEADER = "Kundennummer;Vorname;Nachname;Geburtsdatum;Meldung;Status;Profillage;Team;Fachkraft"


def rows_csv(*lines, header=HEADER) -> bytes:
    return ("\ufeff" + "\n".join([header, *lines]) + "\n").encode()


def line(number="9000001", first="Anna", team="", login="alice", registered=None):
    registered = registered or (timezone.localdate() - timedelta(days=3)).strftime("%d.%m.%Y")
    return f"{number};{first};Schneider;29.02.1984;{registered};arbeitslos;marktnah;{team};{login}"


def text(response):
    return response.content.decode()


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def upload(client, data: bytes, name="kunden.csv", url=UPLOAD, **extra):
    return client.post(url, {"datei": SimpleUploadedFile(name, data), **extra})


@pytest.fixture
def bob(client, world):
    client.force_login(world.bob.user)
    return world.bob


def test_the_upload_page_documents_the_columns(client, world, bob):
    page = words(client.get(UPLOAD))
    assert "Kunden importieren" in page and "Aufbau der Datei" in page
    for header in ("Kundennummer", "Geburtsdatum", "Profillage seit", "Beschäftigung IH", "WBA", "Fachkraft"):
        assert header in page
    assert '<label for="id_datei">Datei (CSV oder XLSX)' in text(client.get(UPLOAD))


def test_upload_preview_confirm_creates_the_customers_of_the_own_team(client, world, bob):
    response = upload(client, rows_csv(line(), line("9000002", login="")))
    pending = PendingImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("customer_import_preview", args=[pending.pk])
    assert (pending.team, pending.created_by, pending.header[0]) == (world.team_a, world.bob.user, "Kundennummer")
    assert not Customer.objects.exists()

    preview = client.get(response["Location"])
    page = words(preview)
    assert "2 Zeilen: 2 neu, 0 geändert, 0 unverändert, 0 Fehler" in page
    assert "2 9000001 Schneider, Anna neu" in page and "3 9000002 Schneider, Anna neu mögliche Dublette" in page
    assert "Mögliche Dubletten" in page  # two new rows, same name and birth date
    refused = client.post(response["Location"], {"aktion": "importieren"})
    assert refused.status_code == 400 and "Mögliche Dubletten geprüft" in text(refused)
    assert not Customer.objects.exists()

    done = client.post(response["Location"], {"aktion": "importieren", "dubletten_geprueft": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("worklist") + "?bestand=team&liste=alle"
    assert "Import abgeschlossen: 2 neu angelegt, 0 geändert, 0 unverändert." in words(client.get(done["Location"]))
    assert set(Customer.objects.values_list("number", "team__name")) == {("9000001", "Team A"), ("9000002", "Team A")}
    assert Customer.objects.get(number="9000001").caseworker == world.alice
    assert not PendingImport.objects.exists()
    assert client.get(response["Location"]).status_code == 404  # used up


def test_a_file_with_a_bad_row_offers_no_import_and_names_the_row(client, world, bob):
    response = upload(client, rows_csv(line(), line("9000002", team="Team B")))
    page = client.get(response["Location"])
    assert "Zeile 3 (Kundennummer 9000002): Team: Hier werden nur Kunden des eigenen Teams (Team A) importiert." in (
        words(page)
    )
    assert 'value="importieren"' not in text(page)
    forced = client.post(response["Location"], {"aktion": "importieren", "dubletten_geprueft": "1"})
    assert forced.status_code == 400 and "fehlerhafte Zeilen: nichts importiert" in text(forced)
    assert not Customer.objects.exists()


def test_discarding_deletes_the_waiting_rows(client, world, bob):
    response = upload(client, rows_csv(line()))
    discarded = client.post(response["Location"], {"aktion": "verwerfen"})
    assert discarded["Location"] == UPLOAD
    assert not PendingImport.objects.exists() and not Customer.objects.exists()


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"Kundennummer;Vorname\n1;A\n", "k.csv", "Es fehlen die Spalten: „Nachname“, „Geburtsdatum“, „Meldung“"),
        ("Kundennummer;Vorname\n1;Jörg\n".encode("latin-1"), "k.csv", "nicht UTF-8-kodiert"),
    ],
)
def test_an_unreadable_file_is_refused_on_the_upload_page(client, world, bob, data, name, message):
    response = upload(client, data, name)
    assert response.status_code == 400 and message in text(response)
    assert not PendingImport.objects.exists()


def test_a_file_over_the_limit_is_refused_in_german_and_never_lands_on_disk(client, world, bob, settings, tmp_path):
    # Django would write an upload above FILE_UPLOAD_MAX_MEMORY_SIZE to FILE_UPLOAD_TEMP_DIR.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    big = rows_csv(*[line(f"9{n:06d}") for n in range(40_000)])
    assert len(big) > import_files.MAX_BYTES
    response = upload(client, big)
    assert response.status_code == 400
    assert "Die Datei ist größer als 2 MB und wurde nicht gelesen." in text(response)
    assert list(tmp_path.iterdir()) == []
    small = rows_csv(*[line(f"9{n:06d}") for n in range(40)])  # above 1 KB: still in memory
    assert upload(client, small).status_code == 302 and list(tmp_path.iterdir()) == []


def test_the_upload_checks_the_csrf_token_itself(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.bob.user)
    assert upload(strict, rows_csv(line())).status_code == 403
    assert not PendingImport.objects.exists()


def test_caseworkers_do_not_import(client, world):
    client.force_login(world.alice.user)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, rows_csv(line())).status_code == 403


def test_only_the_uploader_opens_a_preview_and_only_within_the_hour(client, world, bob):
    url = upload(client, rows_csv(line()))["Location"]
    from .factories import make_staff

    other_lead = make_staff("berta", world.team_a, "team_lead")
    client.force_login(other_lead.user)
    assert client.get(url).status_code == 404
    client.force_login(world.bob.user)
    PendingImport.objects.update(created_at=timezone.now() - timedelta(minutes=imports.KEEP_MINUTES + 1))
    assert client.get(url).status_code == 404
    imports.purge_expired()
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize("size", [3, 30])
def test_the_preview_runs_a_fixed_number_of_queries(client, world, bob, size, django_assert_num_queries):
    make_customer(world.team_a, number="9000000")
    url = upload(client, rows_csv(*[line(f"90{n:05d}", first=f"N{n}") for n in range(size)]))["Location"]
    # 1 session, 2 user, 3 staff, 4 the waiting rows (+job centre, team), 5 teams, 6 staff,
    # 7 customers with the file's numbers, 8 customers born on its birth dates
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200 and f"{size} Zeilen" in words(response)


def test_importing_the_same_file_again_changes_nothing(client, world, bob):
    data = rows_csv(line())
    client.post(upload(client, data)["Location"], {"aktion": "importieren"})
    customer = Customer.objects.get(number="9000001")
    again = client.get(upload(client, data)["Location"])
    assert "1 Zeile: 0 neu, 0 geändert, 1 unverändert, 0 Fehler" in words(again)
    changed = data.replace(b"marktnah", b"nicht marktnah")
    url = upload(client, changed)["Location"]
    assert "9000001 Schneider, Anna geändert Profillage" in words(client.get(url))
    client.post(url, {"aktion": "importieren"})
    customer.refresh_from_db()
    assert (customer.profile, customer.version) == ("market_far", 2)


# --- Admin ---------------------------------------------------------------------------------------


def test_an_admin_imports_into_any_team_of_a_chosen_job_centre(client, world):
    client.force_login(world.admin)
    admin_upload = reverse("admin:caseload_customer_import")
    assert "Kunden importieren" in text(client.get(reverse("admin:caseload_customer_changelist")))
    missing_team = upload(client, rows_csv(line()), url=admin_upload, job_centre=world.coburg.pk)
    assert missing_team.status_code == 302  # the Team column is there; the empty cell is the row's error
    page = words(client.get(missing_team["Location"]))
    assert "Zeile 2 (Kundennummer 9000001): Team: fehlt." in page

    response = upload(
        client, rows_csv(line(team="Team B", login="charlie")), url=admin_upload, job_centre=world.coburg.pk
    )
    assert "1 neu" in words(client.get(response["Location"]))
    done = client.post(response["Location"], {"aktion": "importieren"})
    assert done["Location"] == reverse("admin:caseload_customer_changelist")
    customer = Customer.objects.get(number="9000001")
    assert (customer.job_centre, customer.team, customer.caseworker) == (world.coburg, world.team_b, world.charlie)


def test_the_admin_import_needs_the_team_column_and_the_permissions(client, world):
    from django.contrib.auth.models import Permission

    from .factories import make_user

    client.force_login(world.admin)
    url = reverse("admin:caseload_customer_import")
    header = HEADER.replace(";Team", "")
    no_team = upload(
        client,
        rows_csv("1;A;B;01.01.1980;01.01.2026;arbeitslos;;alice", header=header),
        url=url,
        job_centre=world.coburg.pk,
    )
    assert no_team.status_code == 400 and "Es fehlen die Spalten: „Team“." in text(no_team)

    clerk = make_user("clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(clerk)
    assert client.get(url).status_code == 403


# --- Command -------------------------------------------------------------------------------------


def test_the_command_checks_with_dry_run_and_imports_without(world, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes(rows_csv(line(team="Team A"), line("9000002", team="Team A", login="")))
    out = StringIO()
    call_command(
        "import_customers", str(path), job_centre="coburg-land", dry_run=True, accept_duplicates=True, stdout=out
    )
    assert "Jobcenter Coburg Land: 2 Zeilen – 2 neu, 0 geändert, 0 unverändert, 0 Fehler." in out.getvalue()
    assert "Probelauf: nichts gespeichert." in out.getvalue() and not Customer.objects.exists()

    with pytest.raises(CommandError, match="Mögliche Dubletten: nichts importiert"):
        call_command("import_customers", str(path), job_centre="coburg-land", stdout=StringIO())
    assert not Customer.objects.exists()

    out = StringIO()
    call_command("import_customers", str(path), job_centre="coburg-land", accept_duplicates=True, stdout=out)
    assert "Importiert: 2 neu angelegt, 0 geändert, 0 unverändert (2 geschrieben)." in out.getvalue()
    assert Customer.objects.filter(job_centre=world.coburg, team=world.team_a).count() == 2


def test_the_command_names_bad_rows_and_imports_nothing(world, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes(rows_csv(line(team="Team A"), line("9000002", team="Team X")))
    out = StringIO()
    with pytest.raises(CommandError, match="1 fehlerhafte Zeilen: nichts importiert"):
        call_command("import_customers", str(path), job_centre="coburg-land", stdout=out)
    assert "Zeile 3: Team: Das Team „Team X“ gibt es in diesem Jobcenter nicht." in out.getvalue()
    assert not Customer.objects.exists()
    with pytest.raises(CommandError, match="Unbekanntes Jobcenter: nirgendwo"):
        call_command("import_customers", str(path), job_centre="nirgendwo")
