"""Kunde anlegen and the import preview in a real browser, on a phone-narrow screen as well."""

from datetime import date

import pytest
from django.utils import timezone

from caseload import duedates
from caseload.models import Customer, PendingImport

from .factories import make_customer, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-test-1"


@pytest.fixture
def people(world, settings):
    duedates._policy_cache.clear()  # keyed by ids that a flushed database hands out again
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for staff in (world.alice, world.bob):
        staff.user.set_password(PASSWORD)
        staff.user.save()
    yield world
    duedates._policy_cache.clear()


def fits(page, width=320) -> bool:
    """Nothing wider than the screen: the page reflows, tables scroll inside their box."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


WIDER = r"""[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 321)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def too_wide(page) -> str:
    """What sticks out, for the failure message."""
    return "\n".join(page.evaluate(WIDER))


def test_kunde_anlegen_names_a_duplicate_and_shows_the_due_date_after_saving(people, live_server, page, login):
    twin = make_customer(people.team_a, first_name="Anna", last_name="Schneider", birth_date=date(1984, 2, 29))
    page.set_viewport_size({"width": 320, "height": 800})
    login("alice", PASSWORD)
    page.get_by_role("link", name="Kunde anlegen").click()
    assert page.get_by_role("heading", name="Kunde anlegen").is_visible() and fits(page), too_wide(page)

    page.get_by_label("Kundennummer").fill("7001234")
    page.get_by_label("Vorname").fill("Anna")
    page.get_by_label("Nachname").fill("Schneider")
    page.get_by_label("Geburtsdatum").fill("1984-02-29")
    page.get_by_label("PLZ").fill("96450")
    page.get_by_label("Meldung (Zugang)").fill("2026-10-31")
    page.get_by_label("Status").select_option("unemployed")
    page.get_by_label("Profillage", exact=True).select_option("market_close")
    page.get_by_role("button", name="Kunde anlegen").click()
    page.wait_for_load_state()

    duplicates = page.locator(".duplicates")
    assert f"Mögliche Dublette: Kunde {twin.number} hat denselben Namen" in duplicates.inner_text()
    assert duplicates.get_by_role("link", name=f"Kunde {twin.number}").get_attribute("href") == f"/kunden/{twin.pk}/"
    assert not Customer.objects.filter(number="7001234").exists()
    page.get_by_label("Trotzdem anlegen").check()
    page.get_by_role("button", name="Kunde anlegen").click()
    page.wait_for_load_state()

    customer = Customer.objects.get(number="7001234")
    assert page.url.endswith(f"/kunden/{customer.pk}/")
    # Coburg 2MM from the registration: 31 Oct + 2 months = 31 Dec 2026, stored at once.
    assert customer.due_by == date(2026, 12, 31)
    assert "Erster Kontakt fällig bis 31.12.2026" in page.locator(".messages").inner_text()
    assert "fällig bis 31.12.2026" in page.locator(".due-box").inner_text()
    assert fits(page), too_wide(page)


def test_the_import_preview_names_the_bad_row_and_imports_the_corrected_file(people, live_server, page, login):
    registered = f"{timezone.localdate():%d.%m.%Y}"
    header = "Kundennummer;Vorname;Nachname;Geburtsdatum;Meldung;Status;Profillage;Fachkraft"
    good = f"9000001;Anna;Berg;01.02.1980;{registered};arbeitslos;marktnah;alice"
    bad = f"9000002;Bernd;Bauer;31.02.1980;{registered};arbeitslos;marktnah;alice"

    def upload(*lines):
        data = ("\ufeff" + "\n".join([header, *lines]) + "\n").encode()
        page.get_by_label("Datei (CSV oder XLSX)").set_input_files(
            files=[{"name": "kunden.csv", "mimeType": "text/csv", "buffer": data}]
        )
        page.get_by_role("button", name="Vorschau zeigen").click()
        page.wait_for_load_state()

    page.set_viewport_size({"width": 320, "height": 800})
    login("bob", PASSWORD)
    page.goto(f"{live_server.url}/kunden/neu/")
    page.get_by_role("link", name="Kunden importieren").click()
    assert page.get_by_role("heading", name="Aufbau der Datei").is_visible()
    upload(good, bad)

    assert page.get_by_role("heading", name="Import prüfen").is_visible() and fits(page), too_wide(page)
    assert (
        "Zeile 3 (Kundennummer 9000002): Geburtsdatum: kein gültiges Datum"
        in page.locator(".import-errors").inner_text()
    )
    rows = page.locator("table.import-plan tbody tr")
    assert rows.count() == 2 and "neu" in rows.nth(0).inner_text() and "Fehler" in rows.nth(1).inner_text()
    assert page.get_by_role("button", name="Importieren").count() == 0
    page.get_by_role("button", name="Verwerfen").click()
    page.wait_for_load_state()
    assert not PendingImport.objects.exists() and not Customer.objects.exists()

    upload(good, bad.replace("31.02.1980", "28.02.1980"))
    assert "2 Zeilen: 2 neu, 0 geändert, 0 unverändert, 0 Fehler" in page.locator(".import-summary").inner_text()
    page.get_by_role("button", name="Importieren").click()
    page.wait_for_load_state()

    assert "Import abgeschlossen: 2 neu angelegt" in page.locator(".messages").inner_text()
    assert set(Customer.objects.values_list("number", "team__name", "caseworker__user__username")) == {
        ("9000001", "Team A", "alice"),
        ("9000002", "Team A", "alice"),
    }
    listed = {t.strip() for t in page.locator("table tbody a[href^='/kunden/']").all_inner_texts()}
    assert {"9000001", "9000002"} <= listed
