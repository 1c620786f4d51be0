"""The GCfaK export's anonymisation, without the database."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from reports.anonymise import ExportIds, Identifiers, redact

ERIKA = Identifiers(
    first_name="Erika",
    last_name="Mustermann",
    birth_date=date(1984, 3, 7),
    street="Bahnhofstraße 12",
    postcode="96450",
    city="Coburg",
    phone="09561 / 12 34 56",
    email="erika.m@example.org",
    number="100234",
)


def test_it_replaces_every_identifier_the_customer_list_holds():
    text = (
        "Frau Mustermann (Erika, geb. 07.03.1984) wohnt Bahnhofstr. 12 in 96450 Coburg, "
        "Tel. 09561-123456 oder +49 9561 123456, Mail Erika.M@example.org, Kd-Nr. 100234. "
        "Geburtsdatum laut Akte 1984-03-07."
    )
    assert redact(text, ERIKA) == (
        "Frau [Name] ([Name], geb. [Geburtsdatum]) wohnt [Anschrift] 12 in [Anschrift] [Ort], "
        "Tel. [Telefon] oder [Telefon], Mail [E-Mail], Kd-Nr. [Kundennummer]. "
        "Geburtsdatum laut Akte [Geburtsdatum]."
    )


def test_the_full_name_and_a_single_digit_date_are_caught():
    assert redact("Erika Mustermann kam am 7.3.1984 zur Welt.", ERIKA) == "[Name] kam am [Geburtsdatum] zur Welt."


def test_it_leaves_other_words_and_numbers_alone():
    text = "Bewerbung bei Musterbau GmbH in Coburger Land, 3 Bewerbungen bis 31.03.2026, Termin 1002345."
    assert redact(text, ERIKA) == text


def test_it_leaves_text_without_identifiers_as_it_is():
    assert redact("Drei Bewerbungen vereinbart.", Identifiers()) == "Drei Bewerbungen vereinbart."


def test_export_ids_are_stable_within_an_export_and_new_with_the_next():
    first, second = ExportIds(), ExportIds()
    assert first[7] == first[7]
    assert first[7] != first[8]
    assert {first[n] for n in range(2000)} == {first[n] for n in range(2000)}
    assert len({first[n] for n in range(2000)}) == 2000
    assert [first[n] for n in range(20)] != [second[n] for n in range(20)]


@given(st.text(max_size=200))
def test_redacting_never_leaves_the_email_or_the_number(noise):
    text = f"{noise} erika.m@example.org {noise} 100234 {noise}"
    result = redact(text, ERIKA)
    assert "erika.m@example.org" not in result.lower()
    assert " 100234 " not in result
