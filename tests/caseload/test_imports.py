"""The import of customers from the specialist system: reading files, the plan, the write."""

import io
from datetime import date
from unittest import mock

import pytest
from openpyxl import Workbook

from audit.models import Event
from caseload import import_files, imports, services
from caseload.import_files import ImportFileError
from caseload.models import Customer

from .factories import make_customer, world  # noqa: F401

TODAY = date(2026, 11, 20)
HEADER = "Kundennummer;Vorname;Nachname;Geburtsdatum;PLZ;Meldung;Status;Profillage;Merkmale;Team;Fachkraft"


def csv_bytes(*lines, header=HEADER, bom=True) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join([header, *lines]) + "\n").encode("utf-8")


def plan_for(data: bytes, centre, team=None, name="kunden.csv"):
    return imports.plan(centre, import_files.read(name, data), team=team, today=TODAY)


ROW = "9000001;Anna;Schneider;29.02.1984;96450;02.11.2026;arbeitslos;marktnah;;Team A;alice"


# --- Reading files -------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False])
def test_it_reads_semicolon_csv_in_utf8_with_or_without_a_bom(bom):
    rows = import_files.read("k.csv", csv_bytes("1;Jürgen;Weiß", header="Kundennummer;Vorname;Nachname", bom=bom))
    assert rows.header == ["Kundennummer", "Vorname", "Nachname"]
    assert rows.rows == [(2, ["1", "Jürgen", "Weiß"])]


def test_it_skips_empty_lines_and_keeps_the_files_line_numbers():
    rows = import_files.read("k.csv", csv_bytes("", "1;A;B", ";;", "2;C;D", header="Kundennummer;Vorname;Nachname"))
    assert [line for line, _ in rows.rows] == [3, 5]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("k.csv", "Kundennummer;Vorname\n1;Jörg\n".encode("latin-1"), "nicht UTF-8-kodiert"),
        ("k.csv", b"Kundennummer,Vorname,Nachname\n1,A,B\n", "mit Kommas getrennt: bitte mit Semikolon"),
        ("k.csv", b"  \n", "Die Datei ist leer."),
        ("k.xlsx", b"not a workbook", "keine gültige XLSX-Datei"),
        ("k.xls", b"\xd0\xcf\x11\xe0 old excel", "Das alte Excel-Format .xls"),
        ("k.csv", b'Kundennummer;Vorname\n1;"open\n', "keine gültige CSV-Zeile"),
    ],
)
def test_unreadable_files_are_refused_in_german(name, data, message):
    with pytest.raises(ImportFileError) as refused:
        import_files.read(name, data)
    assert message in str(refused.value)


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(ImportFileError) as refused:
        import_files.read("k.csv", b"x" * (import_files.MAX_BYTES + 1))
    assert str(refused.value).startswith("Die Datei ist größer als 2 MB.")


def test_a_file_with_too_many_rows_is_refused():
    with pytest.raises(ImportFileError) as refused:
        import_files.read("k.csv", csv_bytes("1", "2", "3", header="Kundennummer"), max_rows=2)
    assert "mehr als 2 Zeilen" in str(refused.value)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_the_first_sheet_of_an_xlsx_with_dates_numbers_and_formulas_as_text():
    data = xlsx_bytes(
        [["Kundennummer", "Geburtsdatum", "PLZ", "Vorname"], [9000001, date(1984, 2, 29), 7743, "=HYPERLINK(1)"]]
    )
    rows = import_files.read("kunden.xlsx", data)
    assert rows.header == ["Kundennummer", "Geburtsdatum", "PLZ", "Vorname"]
    assert rows.rows == [(2, ["9000001", "1984-02-29", "7743", "=HYPERLINK(1)"])]


def test_an_xlsx_that_unpacks_too_large_is_refused():
    data = xlsx_bytes([["Kundennummer"], ["1"]])
    with mock.patch.object(import_files, "XLSX_MAX_UNPACKED", 100), pytest.raises(ImportFileError) as refused:
        import_files.read("k.xlsx", data)
    assert "entpackt größer als" in str(refused.value)


# --- The header ----------------------------------------------------------------------------------


def test_the_header_names_unknown_and_missing_columns():
    with pytest.raises(ImportFileError) as refused:
        imports.match_header(["Kundennummer", "Vorname", "Geburtstag", "Meldung"], team_given=False)
    message = str(refused.value)
    assert "Unbekannte Spalten: „Geburtstag“." in message
    assert "Es fehlen die Spalten: „Nachname“, „Geburtsdatum“, „Status“, „Team“." in message


def test_the_team_column_may_be_left_out_on_the_team_leads_page_and_aliases_are_read():
    columns = imports.match_header(
        ["kundennummer", "Vorname", "Nachname", "Geburtsdatum", "Meldung", "Status", "Strasse", "Email"],
        team_given=True,
    )
    assert [c.field for c in columns][-2:] == ["street", "email"]


def test_a_column_given_twice_is_refused():
    with pytest.raises(ImportFileError, match="„Vorname“ steht zweimal"):
        imports.match_header(["Vorname", "vorname"], team_given=True)


# --- Cells ---------------------------------------------------------------------------------------


def test_flags_are_read_by_label_code_or_short_name_even_with_a_comma_inside_a_label():
    assert imports.parse_flags("geförderte Beschäftigung (EGZ, FAV), Flucht/Asyl, AU") == [
        "refugee",
        "incapacitated",
        "subsidised_employment",
    ]
    assert imports.parse_flags("section_10") == ["section_10"]
    with pytest.raises(imports.CellError, match="„Urlaub“ ist kein bekanntes Merkmal"):
        imports.parse_flags("Flucht/Asyl, Urlaub")


@pytest.mark.parametrize(
    "text, pairs, code",
    [
        ("arbeitslos", "EMPLOYMENT", "unemployed"),
        ("IH", "PROFILES", "integrated_needy"),
        ("bFM", "CARE", "case_management"),
    ],
)
def test_choices_are_read_by_label_code_or_short_name(text, pairs, code):
    from policies import vocabulary as voc

    assert imports.parse_choice(text, tuple(getattr(voc, pairs))) == code


# --- The plan ------------------------------------------------------------------------------------


def test_a_new_row_is_planned_as_new_with_its_team_and_caseworker(world):
    plan = plan_for(csv_bytes(ROW), world.coburg)
    (row,) = plan.rows
    assert (row.line, row.number, row.name, row.action) == (2, "9000001", "Schneider, Anna", imports.CREATE)
    assert row.values["team_id"] == world.team_a.pk and row.values["caseworker_id"] == world.alice.pk
    assert row.values["birth_date"] == date(1984, 2, 29) and row.values["flags"] == []
    assert plan.summary() == "1 neu, 0 geändert, 0 unverändert, 0 Fehler"


def test_every_bad_row_gets_one_german_message(world):
    lines = [
        "9000002;Bernd;Bauer;31.02.1980;96450;02.11.2026;arbeitslos;;;Team A;",
        "9000003;Carla;Christ;01.01.1980;964;01.12.2026;arbeitslos;;;Team A;",
        "9000004;=cmd;Dorn;01.01.1980;96450;02.11.2026;arbeitslos;;;Team Z;",
        "9000005;Emil;Ernst;01.01.1980;96450;02.11.2026;verreist;;Urlaub;Team A;charlie",
        "9000002;Frida;Fink;01.01.1980;96450;02.11.2026;arbeitslos;;;Team A;",
        ";Gerd;Gans;01.01.1980;96450;02.11.2026;arbeitslos;;;Team A;;überzählig",
    ]
    plan = plan_for(csv_bytes(*lines), world.coburg)
    assert [row.action for row in plan.rows] == [imports.ERROR] * 6
    messages = [row.message for row in plan.rows]
    assert messages[0] == "Geburtsdatum: kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT)."
    assert messages[1] == (
        "Meldung: „Meldung (Zugang)“ kann nicht in der Zukunft liegen. PLZ: Die Postleitzahl hat fünf Ziffern."
    )
    assert "Team: Das Team „Team Z“ gibt es in diesem Jobcenter nicht." in messages[2]
    assert "Vorname: „Vorname“ beginnt mit einem Zeichen, mit dem Tabellenprogramme Formeln einleiten" in messages[2]
    assert "Status: „verreist“ ist kein bekannter Wert (arbeitslos, arbeitsuchend, ohne Status)." in messages[3]
    assert "Merkmale: „Urlaub“ ist kein bekanntes Merkmal" in messages[3]
    assert "Fachkraft: „charlie“ gehört nicht zum Team des Kunden." in messages[3]
    assert messages[4] == "Kundennummer: steht schon in Zeile 2."
    assert (
        "Die Zeile hat mehr Werte als die Kopfzeile Spalten." in messages[5] and "Kundennummer: fehlt." in messages[5]
    )
    assert not plan.ok


def test_an_existing_customer_is_changed_only_where_the_file_differs(world):
    customer = make_customer(
        world.team_a,
        caseworker=world.alice,
        number="9000001",
        first_name="Anna",
        last_name="Schneider",
        birth_date=date(1984, 2, 29),
        registered_on=date(2026, 11, 2),
        postcode="96450",
        today=TODAY,
    )
    same = plan_for(csv_bytes(ROW), world.coburg)
    assert [(r.action, r.customer_id, r.changed) for r in same.rows] == [(imports.UNCHANGED, customer.pk, [])]
    moved = ROW.replace("marktnah;;", "nicht marktnah;Flucht/Asyl;").replace("96450", "96472")
    changed = plan_for(csv_bytes(moved), world.coburg)
    assert [(r.action, r.changed) for r in changed.rows] == [(imports.CHANGE, ["PLZ", "Profillage", "Merkmale"])]


def test_the_team_leads_page_imports_into_the_own_team_only(world):
    make_customer(world.team_b, number="9000009")
    lines = [
        ROW.replace("Team A", ""),
        ROW.replace("9000001", "9000008").replace("Team A", "Team B"),
        "9000009" + ROW[7:],
    ]
    plan = plan_for(csv_bytes(*lines), world.coburg, team=world.team_a)
    assert plan.rows[0].action == imports.CREATE and plan.rows[0].values["team_id"] == world.team_a.pk
    assert plan.rows[1].message.startswith("Team: Hier werden nur Kunden des eigenen Teams (Team A) importiert.")
    assert "Diese Kundennummer gehört im Jobcenter einem anderen Team" in plan.rows[2].message


def test_possible_duplicates_are_flagged_by_name_and_birth_date(world):
    twin = make_customer(world.team_b, first_name="anna", last_name="Schneider ", birth_date=date(1984, 2, 29))
    second = ROW.replace("9000001", "9000002")
    plan = plan_for(csv_bytes(ROW, second), world.coburg)
    assert [r.duplicates for r in plan.rows] == [[twin.number], [twin.number, "9000001"]]
    assert plan.ok and len(plan.with_duplicates) == 2


def test_a_four_digit_postcode_gets_its_leading_zero(world):
    plan = plan_for(csv_bytes(ROW.replace("96450", "7743")), world.coburg)
    assert plan.rows[0].values["postcode"] == "07743"


def test_planning_reads_a_fixed_number_of_queries_per_chunk(world, django_assert_num_queries):
    lines = [ROW.replace("9000001", f"90{n:05d}") for n in range(40)]
    data = import_files.read("k.csv", csv_bytes(*lines))
    # 1 teams, 2 staff, 3 customers with these numbers, 4 customers born on these days
    with django_assert_num_queries(4):
        imports.plan(world.coburg, data, today=TODAY)


# --- Writing -------------------------------------------------------------------------------------


def test_apply_creates_and_changes_through_the_services_and_is_idempotent(world):
    existing = make_customer(world.team_a, number="9000002", registered_on=date(2026, 11, 2), today=TODAY)
    lines = [ROW, f"9000002;Erika;{existing.last_name};17.05.1980;96450;02.11.2026;arbeitslos;nicht marktnah;;Team A;"]
    data = csv_bytes(*lines)
    last_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    done = imports.apply(world.coburg, plan_for(data, world.coburg), by=world.bob.user, today=TODAY)
    assert (done[imports.CREATE], done[imports.CHANGE]) == (1, 1)
    new = Customer.objects.get(number="9000001")
    # Coburg 2MM from the registration: 2 Nov + 2 months = 2 Jan 2027
    assert (new.due_by, new.caseworker, new.team) == (date(2027, 1, 2), world.alice, world.team_a)
    existing.refresh_from_db()
    # market_far: 3MM from 2 Nov = 2 Feb 2027; no caseworker (the column is empty)
    assert (existing.profile, existing.due_by, existing.caseworker) == ("market_far", date(2027, 2, 2), None)
    events = Event.objects.filter(action=Event.CUSTOMER_CHANGED, pk__gt=last_event)
    assert sorted(events.exclude(customer_id=None).values_list("what", flat=True)) == ["created", "facts"]
    assert events.get(customer_id=None).what == "customer_import" and events.get(customer_id=None).rows == 2

    again = plan_for(data, world.coburg)
    assert again.summary() == "0 neu, 0 geändert, 2 unverändert, 0 Fehler"
    assert imports.apply(world.coburg, again, today=TODAY)[imports.UNCHANGED] == 2


def test_a_change_of_master_data_only_leaves_the_stored_due_date_alone(world):
    customer = make_customer(world.team_a, number="9000001", registered_on=date(2026, 11, 2), today=TODAY)
    Customer.objects.filter(pk=customer.pk).update(due_computed_on=date(2026, 11, 1))  # a marker
    header = "Kundennummer;Vorname;Nachname;Geburtsdatum;Meldung;Status;Telefon;Team"
    line = f"9000001;Erika;{customer.last_name};17.05.1980;02.11.2026;arbeitslos;09561 1234;Team A"
    imports.apply(world.coburg, plan_for(csv_bytes(line, header=header), world.coburg), today=TODAY)
    customer.refresh_from_db()
    assert (customer.phone, customer.due_computed_on) == ("09561 1234", date(2026, 11, 1))

    facts = line.replace("arbeitslos", "arbeitsuchend")
    imports.apply(world.coburg, plan_for(csv_bytes(facts, header=header), world.coburg), today=TODAY)
    customer.refresh_from_db()
    assert (customer.employment, customer.due_computed_on) == ("jobseeking", TODAY)


def test_a_file_is_imported_whole_or_not_at_all(world):
    data = csv_bytes(ROW, ROW.replace("9000001", "9000002").replace("Anna", "Berta"))
    plan = plan_for(data, world.coburg)
    real = services.create_customer
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs["number"])
        if len(calls) == 2:
            raise services.ServiceError(
                {"number": "Die Kundennummer 9000002 ist in diesem Jobcenter bereits vergeben."}
            )
        return real(**kwargs)

    with (
        mock.patch.object(services, "create_customer", side_effect=second_fails),
        pytest.raises(imports.ImportRefused) as refused,
    ):
        imports.apply(world.coburg, plan, today=TODAY)
    assert str(refused.value) == (
        "Zeile 3: Kundennummer: Die Kundennummer 9000002 ist in diesem Jobcenter bereits vergeben. Nichts importiert."
    )
    assert not Customer.objects.filter(number__in=["9000001", "9000002"]).exists()


def test_a_plan_with_errors_is_not_applied(world):
    plan = plan_for(csv_bytes(ROW, ROW.replace("9000001", "")), world.coburg)
    with pytest.raises(imports.ImportRefused, match="1 fehlerhafte Zeilen: nichts importiert"):
        imports.apply(world.coburg, plan, today=TODAY)
    assert not Customer.objects.exists()
