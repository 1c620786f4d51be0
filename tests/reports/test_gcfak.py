"""GCfaK: inflow per acquisition source, the delivery dates and the anonymised quarterly export."""

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from openpyxl import load_workbook

from caseload import services
from caseload.models import AcquisitionEvent, AcquisitionSource, Customer
from reports import gcfak

from ..caseload.factories import make_customer, world  # noqa: F401

URL = "/berichte/gcfak/"


@pytest.mark.parametrize(
    "today, delivery",
    [
        (date(2026, 1, 10), date(2026, 3, 28)),
        (date(2026, 3, 28), date(2026, 3, 28)),
        (date(2026, 3, 29), date(2026, 6, 28)),
        (date(2026, 11, 23), date(2026, 12, 28)),
        (date(2026, 12, 29), date(2027, 3, 28)),
    ],
)
def test_the_next_delivery_is_the_28th_of_the_quarters_last_month(today, delivery):
    assert gcfak.next_delivery(today) == delivery


def test_quarters():
    q = gcfak.Quarter(2026, 1)
    assert (q.start, q.end, q.delivery, q.label) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 3, 28),
        "1. Quartal 2026",
    )
    assert gcfak.Quarter(2024, 4).end == date(2024, 12, 31)
    assert gcfak.parse_quarter("2026-2", date(2026, 11, 23)) == gcfak.Quarter(2026, 2)
    assert gcfak.parse_quarter(None, date(2026, 12, 29)) == gcfak.Quarter(2027, 1)


@pytest.fixture
def gcfak_data(world):
    """Coburg: VAMV (1 a month expected) brought 3 customers, two of them last month; Beratungstag
    (4.5 expected) one. Quarter Q1/2026: one note in it, one after it."""
    vamv = AcquisitionSource.objects.create(
        job_centre=world.coburg, name="VAMV Beratung", expected_per_month=Decimal("1")
    )
    day = AcquisitionSource.objects.create(
        job_centre=world.coburg, name="Beratungstag", expected_per_month=Decimal("4.5")
    )
    last_month = timezone.localdate().replace(day=1) - relativedelta(months=1)
    made = []
    for source, registered in (
        (vamv, last_month),
        (vamv, last_month + relativedelta(days=3)),
        (vamv, last_month - relativedelta(months=1)),
        (day, last_month),
    ):
        customer = make_customer(world.team_a, caseworker=world.alice, registered_on=registered)
        Customer.objects.filter(pk=customer.pk).update(acquisition_source=source)
        made.append(customer)
    early = make_customer(world.team_a, caseworker=world.alice, registered_on=date(2026, 1, 5))
    Customer.objects.filter(pk=early.pk).update(acquisition_source=vamv, case_status=Customer.STATUS_COUNSELLING)
    make_customer(world.team_a, caseworker=world.alice, registered_on=date(2026, 1, 5))  # no source: not GCfaK
    for d, summary, walk_in in (
        (date(2026, 2, 10), "Bewerbungsunterlagen besprochen.", False),
        (date(2026, 4, 2), "Später.", True),
    ):
        services.record_contact(
            customer=early,
            by=world.alice.user,
            date=d,
            channel="in_person",
            summary=summary,
            agreements="Drei Bewerbungen.",
            walk_in=walk_in,
            follow_up_on=date(2026, 3, 3) if d.month == 2 else None,
        )
    return early, made


def test_inflow_per_source_and_month_against_the_expectation(world, gcfak_data):
    result = gcfak.inflow(world.coburg, timezone.localdate())
    by_name = {s.name: s for s in result.sources}
    vamv, day = by_name["VAMV Beratung"], by_name["Beratungstag"]
    assert len(result.months) == 12 and vamv.per_month[-1] == 2 and vamv.per_month[-2] == 1
    assert day.per_month[-1] == 1 and day.below
    assert day.average == pytest.approx(1 / 12) and day.difference == pytest.approx(1 / 12 - 4.5)


@pytest.fixture
def events(world):
    """Coburg's Beratungstag (Karin), 4.5 expected per event: the event of 10 days ago brought
    three customers, the one of 40 days ago one; one more came from the source without an
    event; an event 13 months ago lies outside the year."""
    today = timezone.localdate()
    source = AcquisitionSource.objects.create(
        job_centre=world.coburg, name="Beratungstag", owner="Karin", expected_per_event=Decimal("4.5")
    )
    recent, earlier, old = (
        AcquisitionEvent.objects.create(
            job_centre=world.coburg, source=source, date=today - relativedelta(days=d), title=t
        )
        for d, t in ((10, "Rödental"), (40, ""), (400, "alt"))
    )
    for event in (recent, recent, recent, earlier, None):
        make_customer(
            world.team_a,
            registered_on=(event.date if event else today - relativedelta(months=1)),
            acquisition_source=source,
            acquisition_event=event,
        )
    AcquisitionSource.objects.create(job_centre=world.coburg, name="VAMV Beratung", owner="Karin", expected_per_month=1)
    return source, recent, earlier, old


def test_a_source_expected_per_event_is_compared_per_event(world, events):
    source, recent, earlier, _old = events
    result = gcfak.inflow(world.coburg, timezone.localdate())
    assert [s.name for s in result.sources] == ["VAMV Beratung"]  # per month: the other sources only
    (day,) = result.event_sources
    assert (day.name, day.owner, day.expected) == ("Beratungstag", "Karin", 4.5)
    assert [(e.date, e.title, e.customers) for e in day.events] == [(earlier.date, "", 1), (recent.date, "Rödental", 3)]
    # (1 + 3) / 2 events = 2.0 a event, 2.5 below the expectation
    assert (day.total, day.average, day.difference, day.below) == (4, 2.0, -2.5, True)
    assert [e.difference for e in day.events] == [-3.5, -1.5]
    # registered a month ago, i.e. in the last complete month or the one before it: counted either way
    assert day.unattributed == 1


def test_the_page_shows_the_events_and_the_owner(client, world, events):
    source, recent, earlier, _old = events
    client.force_login(world.admin)
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get(URL).content.decode()).split())
    assert "Akquise je Veranstaltung: Beratungstag (betreut von Karin)" in page
    assert f"{recent.date:%d.%m.%Y} Rödental 4,5 3 -1,5" in page
    assert "Ø je Veranstaltung (2 Veranstaltungen) 4,5 2,0 -2,5" in page
    assert "VAMV Beratung Karin 1" in page


def test_the_export_is_anonymised_and_holds_the_quarter(client, world, gcfak_data):
    early, _made = gcfak_data
    client.force_login(world.admin)
    response = client.get(f"{URL}?jobcenter={world.coburg.pk}&quartal=2026-1&export=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    customers = list(book["Kundenliste"].iter_rows(values_only=True))
    assert customers[0] == ("ID", "Erstkontakt", "Akquise", "Status", "Berater")
    # Only `early` was entered by the end of Q1/2026; the others came later.
    assert [(r[1].date(), *r[2:]) for r in customers[1:]] == [
        (date(2026, 2, 10), "VAMV Beratung", "in Beratung", "Alice Fachkraft")
    ]
    export_id = customers[1][0]
    assert re.fullmatch(r"K-[0-9A-F]{6}", export_id) and export_id != early.number
    log = list(book["Kundendoku"].iter_rows(values_only=True))
    assert log[0] == ("Datum", "Kunde", "Betreff", "Zusammenfassung")
    assert [(row[0].date(), *row[1:]) for row in log[1:]] == [
        (
            date(2026, 2, 10),
            export_id,
            "Beratungsvermerk 2MM",
            "Bewerbungsunterlagen besprochen. Vereinbarungen: Drei Bewerbungen. Folgetermin: 2026-03-03",
        )
    ]
    flat = repr(customers) + repr(log)
    for personal in (early.last_name, early.first_name, early.number):
        assert personal not in flat


def test_each_export_draws_new_ids(client, world, gcfak_data):
    client.force_login(world.admin)
    url = f"{URL}?jobcenter={world.coburg.pk}&quartal=2026-1&export=xlsx"
    first, second = (load_workbook(io.BytesIO(client.get(url).content)) for _ in range(2))
    assert first["Kundenliste"]["A2"].value != second["Kundenliste"]["A2"].value


def test_the_csv_export_is_a_zip_of_both_lists_with_the_same_ids(client, world, gcfak_data):
    early, _ = gcfak_data
    client.force_login(world.admin)
    response = client.get(f"{URL}?jobcenter={world.coburg.pk}&quartal=2026-2&export=csv")
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert names == ["gcfak-coburg-land-2026-q2-kundendoku.csv", "gcfak-coburg-land-2026-q2-kundenliste.csv"]
        read = {n: list(csv.reader(io.StringIO(archive.read(n).decode("utf-8-sig")), delimiter=";")) for n in names}
    log, customers = read[names[0]], read[names[1]]
    assert log[0] == ["Datum", "Kunde", "Betreff", "Zusammenfassung"]
    assert log[1][0] == "2026-04-02" and log[1][2:] == [
        "Unterminierte Vorsprache 2MM",
        "Später. Vereinbarungen: Drei Bewerbungen.",
    ]
    ids = {row[0] for row in customers[1:]}
    assert log[1][1] in ids and early.number not in ids


def test_identifiers_written_into_a_summary_are_replaced(client, world, gcfak_data):
    early, _ = gcfak_data
    Customer.objects.filter(pk=early.pk).update(phone="09561 998877", street="Ketschengasse 3")
    services.record_contact(
        customer=Customer.objects.get(pk=early.pk),
        by=world.alice.user,
        date=date(2026, 3, 20),
        channel="in_person",
        summary=f"{early.first_name} {early.last_name} (Tel. 09561/998877, "
        f"Ketschengasse 3, geb. 17.05.1980) kam pünktlich.",
    )
    client.force_login(world.admin)
    book = load_workbook(
        io.BytesIO(client.get(f"{URL}?jobcenter={world.coburg.pk}&quartal=2026-1&export=xlsx").content)
    )
    summaries = [row[3] for row in book["Kundendoku"].iter_rows(min_row=2, values_only=True)]
    assert "[Name] (Tel. [Telefon], [Anschrift], geb. [Geburtsdatum]) kam pünktlich." in summaries


def test_admins_see_the_next_delivery_team_leads_the_analysis_only(client, world, gcfak_data):
    client.force_login(world.admin)
    page = client.get(URL).content.decode()
    assert f"Nächste Lieferung: <strong>{gcfak.next_delivery(timezone.localdate()):%d.%m.%Y}</strong>" in page
    client.force_login(world.bob.user)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "VAMV Beratung" in page and "Nächste Lieferung" not in page
    assert "<svg" in page and "Beratungstag: erwartet 4.5, tatsächlich 0.1" in page
    assert client.get(f"{URL}?export=xlsx").status_code == 403


def test_a_team_lead_sees_only_their_own_job_centre(client, world, gcfak_data):
    from caseload.models import Staff

    from ..caseload.factories import make_staff

    lead = make_staff("weimar-lead", world.weimar_team, Staff.TEAM_LEAD)
    client.force_login(lead.user)
    assert client.get(f"{URL}?jobcenter={world.coburg.pk}").status_code == 404
    assert "keine Akquisequellen" in client.get(URL).content.decode()


@pytest.mark.parametrize("extra", [0, 8])
def test_the_page_runs_a_fixed_number_of_queries(client, world, gcfak_data, extra, django_assert_num_queries):
    source = AcquisitionSource.objects.get(name="VAMV Beratung")
    for _ in range(extra):
        customer = make_customer(world.team_a, caseworker=world.alice)
        Customer.objects.filter(pk=customer.pk).update(acquisition_source=source)
    client.force_login(world.admin)
    # 1 session, 2 user, 3 staff profile (none), 4 job centres with sources, 5 sources, 6 inflow
    # per source and month, 7 events with their customers (since sources are compared per event).
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert response.status_code == 200


def test_a_customer_without_caseworker_has_an_empty_caseworker_column(world, gcfak_data):
    early, _ = gcfak_data
    Customer.objects.filter(pk=early.pk).update(caseworker=None)
    ids = gcfak.ExportIds()
    rows = gcfak.customer_list(world.coburg, gcfak.Quarter(2026, 1), ids)
    assert rows == [[ids[early.pk], date(2026, 2, 10), "VAMV Beratung", "in Beratung", ""]]
