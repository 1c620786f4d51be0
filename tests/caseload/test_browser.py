"""The caseworker's morning in a real browser: an overdue customer, a contact note, off the list."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from caseload.models import ContactNote, Customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server, settings):
    settings.DEBUG = True  # setup_demo creates the demo logins only in a local demo
    call_command("setup_demo", url=live_server.url, stdout=StringIO())


def test_writing_a_contact_note_moves_the_due_date_and_clears_the_overdue_list(demo, live_server, page, login):
    today = timezone.localdate()
    login("demo-caseworker", "demo")

    page.goto(f"{live_server.url}/faelle/?liste=ueberfaellig")
    first = page.locator("table tbody a[href^='/kunden/']").first
    number = first.inner_text().strip()
    customer = Customer.objects.get(number=number)
    assert customer.due_by < today  # the list shows what the database says
    first.click()

    assert page.get_by_role("heading", name="Nächster Kontakt").is_visible()
    due_box = page.locator(".due-box")
    assert "überfällig" in due_box.inner_text()
    assert f"fällig bis {customer.due_by:%d.%m.%Y}" in due_box.inner_text()

    page.get_by_role("link", name="Beratungsvermerk schreiben").click()
    page.get_by_label("persönlich").check()
    page.get_by_label("Zusammenfassung").fill("Standortbestimmung, Bewerbungsstrategie besprochen.")
    follow_up = page.get_by_label("Wiedervorlage")
    if follow_up.count():
        follow_up.fill(
            date(today.year + 1, today.month, 1).isoformat()
            if follow_up.get_attribute("type") == "date"
            else f"{date(today.year + 1, today.month, 1):%d.%m.%Y}"
        )
    for box in page.locator(".checklist-fields input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Vermerk speichern").click()
    page.wait_for_load_state()

    assert ContactNote.objects.filter(customer=customer, date=today).count() == 1
    moved = Customer.objects.get(pk=customer.pk)
    assert moved.due_by > today and moved.due_by != customer.due_by
    assert f"fällig bis {moved.due_by:%d.%m.%Y}" in page.locator(".due-box").inner_text()
    assert "überfällig" not in page.locator(".due-box").inner_text()

    page.goto(f"{live_server.url}/faelle/?liste=ueberfaellig")
    listed = page.locator("table tbody a[href^='/kunden/']").all_inner_texts()
    assert number not in [text.strip() for text in listed]
