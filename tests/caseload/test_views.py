"""The caseload pages as a caseworker and a team lead use them. `today` is the real date here."""

import csv
import io
import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from caseload import duedates, services
from caseload.models import ContactNote, Customer, Measure, Suspension
from policies.models import JobCentre
from policies.signals import bump_policy_version

from .factories import (  # noqa: F401
    due_soon_customer,
    make_customer,
    no_rule_customer,
    overdue_customer,
    world,
)

WORKLIST = reverse("worklist")
TEAM_LIST = reverse("team_overdue")


def today():
    return timezone.localdate()


def text(response):
    return response.content.decode()


def words(response):
    """The page's text without tags, whitespace collapsed: for sentences that span lines."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def numbers_on(response):
    """Customer numbers linked on a list page."""
    return set(re.findall(r'<a href="/kunden/\d+/">(\d+)</a>', text(response)))


def fmt(day):
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice.user)
    return world.alice


@pytest.fixture
def bob(client, world):
    client.force_login(world.bob.user)
    return world.bob


# --- Worklist ------------------------------------------------------------------------------------


def test_worklist_defaults_caseworkers_to_their_own_caseload(client, world, alice):
    mine = overdue_customer(world.team_a, world.alice)
    colleagues = overdue_customer(world.team_a, world.bob)
    response = client.get(WORKLIST)
    assert response.status_code == 200
    assert numbers_on(response) == {mine.number}
    assert "Meine Fälle" in text(response)
    assert colleagues.number not in text(response)


def test_worklist_switches_to_the_whole_team(client, world, alice):
    mine = overdue_customer(world.team_a, world.alice)
    colleagues = overdue_customer(world.team_a, world.bob)
    overdue_customer(world.team_b, world.charlie)
    response = client.get(WORKLIST + "?bestand=team")
    assert numbers_on(response) == {mine.number, colleagues.number}
    assert "Bob Fachkraft" in text(response)  # the caseworker column


def test_worklist_defaults_team_leads_to_the_team(client, world, bob):
    customer = overdue_customer(world.team_a, world.alice)
    assert numbers_on(client.get(WORKLIST)) == {customer.number}


def test_worklist_says_ueberfaellig_and_for_how_long(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    days = (today() - customer.due_by).days
    page = text(client.get(WORKLIST))
    assert '<span class="status status-overdue">überfällig</span>' in page
    assert f"seit {days} Tagen" in page
    assert customer.last_name in page  # the name is on the caseworker's own screen


def test_worklist_shows_the_counts_of_every_section(client, world, alice):
    overdue_customer(world.team_a, world.alice)
    overdue_customer(world.team_a, world.alice)
    due_soon_customer(world.team_a, world.alice)
    no_rule_customer(world.team_a, world.alice)
    page = text(client.get(WORKLIST))
    cards = {
        label: int(count)
        for count, label in re.findall(r'<span class="count">(\d+)</span>\s*<span class="label">([^<]+)</span>', page)
    }
    assert cards == {
        "Überfällig": 2,
        "Fällig in 14 Tagen": 1,
        "Ohne Termin": 3,
        "Aufgaben": 0,
        "Individuell ohne Datum": 0,
        "Ohne Regel": 1,
        "Alle": 4,
    }


@pytest.mark.parametrize(
    "key, expected", [("bald", "soon"), ("ohne_termin", "both"), ("ohne_regel", "none"), ("alle", "all")]
)
def test_worklist_tabs_show_their_section(client, world, alice, key, expected):
    late = overdue_customer(world.team_a, world.alice)
    soon = due_soon_customer(world.team_a, world.alice)
    unruled = no_rule_customer(world.team_a, world.alice)
    want = {"soon": {soon}, "both": {late, soon}, "none": {unruled}, "all": {late, soon, unruled}}[expected]
    assert numbers_on(client.get(WORKLIST + f"?liste={key}")) == {c.number for c in want}


def _worklist_queries(client, world, size, url, django_assert_num_queries, expected):
    for _ in range(size):
        overdue_customer(world.team_a, world.alice)
    client.force_login(world.alice.user)
    # 1 session, 2 user, 3 staff (+team, job centre), 4 the rules' codes for the filter,
    # [5 the team's staff for the caseworker filter, team scope only],
    # then the section counts (one aggregate; it also feeds the paginator) and the page's rows.
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(numbers_on(response)) == min(size, 25)


@pytest.mark.parametrize("size", [3, 30])
def test_worklist_runs_six_queries_whatever_the_caseload(client, world, size, django_assert_num_queries):
    _worklist_queries(client, world, size, WORKLIST, django_assert_num_queries, 6)


@pytest.mark.parametrize("size", [3, 30])
def test_team_worklist_runs_seven_queries_whatever_the_team(client, world, size, django_assert_num_queries):
    _worklist_queries(
        client, world, size, WORKLIST + "?bestand=team&liste=alle&sort=-due_by", django_assert_num_queries, 7
    )


def test_worklist_paginates(client, world, alice):
    for _ in range(30):
        overdue_customer(world.team_a, world.alice)
    first = client.get(WORKLIST)
    assert "Seite 1 von 2 · 30 Kunden" in text(first)
    second = client.get(WORKLIST + "?page=2")
    assert len(numbers_on(second)) == 5
    assert numbers_on(first).isdisjoint(numbers_on(second))
    assert client.get(WORKLIST + "?page=99").status_code == 200  # the last page, not an error


def test_worklist_sorts_by_a_column(client, world, alice):
    older = overdue_customer(world.team_a, world.alice)
    newer = make_customer(world.team_a, caseworker=world.alice, registered_on=today() - timedelta(days=80))
    page = text(client.get(WORKLIST + "?sort=-due_by"))
    assert page.index(newer.number) < page.index(older.number)
    page = text(client.get(WORKLIST + "?sort=due_by"))
    assert page.index(older.number) < page.index(newer.number)


def test_worklist_filters_by_number_status_code_and_due_range(client, world, alice):
    late = overdue_customer(world.team_a, world.alice)
    soon = due_soon_customer(world.team_a, world.alice)
    far = make_customer(world.team_a, caseworker=world.alice, profile="market_far")  # 3MM: due in two months
    base = WORKLIST + "?liste=alle"
    assert numbers_on(client.get(base + f"&nummer={late.number}")) == {late.number}
    assert numbers_on(client.get(base + "&status=ueberfaellig")) == {late.number}
    assert numbers_on(client.get(base + "&status=offen")) == {soon.number, far.number}
    assert numbers_on(client.get(base + "&kuerzel=3MM")) == {far.number}
    assert numbers_on(client.get(base + f"&faellig_ab={soon.due_by.isoformat()}&faellig_bis={fmt(soon.due_by)}")) == {
        soon.number
    }


def test_worklist_filters_by_caseworker_in_team_scope(client, world, bob):
    alices = overdue_customer(world.team_a, world.alice)
    overdue_customer(world.team_a, world.bob)
    assert numbers_on(client.get(WORKLIST + f"?fachkraft={world.alice.pk}")) == {alices.number}


def test_worklist_filter_counts_follow_the_filter(client, world, alice):
    late = overdue_customer(world.team_a, world.alice)
    overdue_customer(world.team_a, world.alice)
    page = text(client.get(WORKLIST + f"?nummer={late.number}"))
    assert re.search(r'<span class="count">1</span>\s*<span class="label">Überfällig', page)


def test_worklist_links_and_filters_carry_no_names(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    page = text(client.get(WORKLIST + "?bestand=team"))
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert f"/kunden/{customer.pk}/" in hrefs
    assert not any(customer.last_name in h or customer.first_name in h for h in hrefs)
    # No filter takes a name.
    assert 'name="name"' not in page and 'name="nachname"' not in page


def test_worklist_marks_due_dates_computed_under_older_rules(client, world, alice):
    overdue_customer(world.team_a, world.alice)
    bump_policy_version(world.coburg.pk)
    response = client.get(WORKLIST)
    assert "Fälligkeiten werden neu berechnet. Eine Fälligkeit wurde nach einem älteren Stand berechnet" in words(
        response
    )
    assert 'class="stale-mark"' in text(response)


def test_customer_page_says_when_the_recheck_day_has_come_before_the_nightly_run(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    assert "Stichtag erreicht" not in text(client.get(reverse("customer", args=[customer.pk])))
    Customer.objects.filter(pk=customer.pk).update(recheck_on=today())  # e.g. a 25th birthday today
    page = words(client.get(reverse("customer", args=[customer.pk])))
    assert f"Stichtag erreicht – Fälligkeit wird neu berechnet. Seit dem {fmt(today())}" in page
    assert "Regeln wurden geändert" not in page


# --- Team overdue list ---------------------------------------------------------------------------


def test_team_list_shows_every_overdue_customer_of_the_team_without_names(client, world, bob):
    alices = overdue_customer(world.team_a, world.alice)
    unassigned = overdue_customer(world.team_a, None)
    due_soon_customer(world.team_a, world.alice)
    overdue_customer(world.team_b, world.charlie)
    response = client.get(TEAM_LIST)
    assert numbers_on(response) == {alices.number, unassigned.number}
    page = text(response)
    assert "Alice Fachkraft" in page and "nicht zugeordnet" in page and "2MM" in page
    assert str((today() - alices.due_by).days) in page
    assert alices.last_name not in page and alices.first_name not in page


def test_team_list_filters_by_caseworker(client, world, bob):
    alices = overdue_customer(world.team_a, world.alice)
    overdue_customer(world.team_a, world.bob)
    assert numbers_on(client.get(TEAM_LIST + f"?fachkraft={world.alice.pk}")) == {alices.number}


@pytest.mark.parametrize("size", [3, 30])
def test_team_list_runs_eight_queries_whatever_the_team(client, world, size, django_assert_num_queries):
    for i in range(size):
        overdue_customer(world.team_a, world.alice if i % 2 else None)
    client.force_login(world.bob.user)
    # 1 session, 2 user, 3 staff (+team, job centre), 4 the rules' codes for the filter,
    # 5 summary (count, stale, unassigned: one aggregate that also feeds the paginator),
    # 6 the overdue tasks' count for the other tab, 7 the team's staff for the caseworker
    # filter, 8 the page's rows (+caseworker names).
    with django_assert_num_queries(8):
        response = client.get(TEAM_LIST)
    assert len(numbers_on(response)) == min(size, 25)


def test_caseworkers_see_their_teams_overdue_list_but_no_export(client, world, alice):
    customer = overdue_customer(world.team_a, world.bob)
    response = client.get(TEAM_LIST)
    assert response.status_code == 200
    assert customer.number in numbers_on(response)
    assert "export=csv" not in text(response)
    assert client.get(TEAM_LIST + "?export=csv").status_code == 403
    assert client.get(TEAM_LIST + "?export=xlsx").status_code == 403


def test_team_leads_see_export_links(client, world, bob):
    assert "export=csv" in text(client.get(TEAM_LIST))


def test_csv_export_has_numbers_not_names(client, world, bob):
    customer = overdue_customer(world.team_a, world.alice)
    response = client.get(TEAM_LIST + "?export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == [
        "Kundennummer",
        "Fachkraft",
        "Kürzel",
        "fällig bis",
        "Tage überfällig",
        "letzter qualifizierter Kontakt",
        "Hinweis",
    ]
    assert rows[1] == [
        customer.number,
        "Alice Fachkraft",
        "2MM",
        fmt(customer.due_by),
        str((today() - customer.due_by).days),
        "",
        "",
    ]
    assert customer.last_name not in body and customer.first_name not in body
    assert fmt(customer.birth_date) not in body


def test_xlsx_export_has_numbers_not_names(client, world, bob):
    customer = overdue_customer(world.team_a, world.alice)
    response = client.get(TEAM_LIST + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Kundennummer"
    number, caseworker, code, due_by, days, last_contact, note = rows[1]
    assert (number, caseworker, code, due_by.date(), days, last_contact, note) == (
        customer.number,
        "Alice Fachkraft",
        "2MM",
        customer.due_by,
        (today() - customer.due_by).days,
        None,
        None,
    )
    flat = " ".join(str(v) for row in rows for v in row)
    assert customer.last_name not in flat and customer.first_name not in flat


def test_export_follows_the_filter(client, world, bob):
    alices = overdue_customer(world.team_a, world.alice)
    bobs = overdue_customer(world.team_a, world.bob)
    body = client.get(TEAM_LIST + f"?export=csv&fachkraft={world.alice.pk}").content.decode("utf-8-sig")
    assert alices.number in body and bobs.number not in body


def test_export_of_an_unknown_format_is_not_found(client, world, bob):
    assert client.get(TEAM_LIST + "?export=pdf").status_code == 404


# --- Customer page -------------------------------------------------------------------------------


def test_customer_page_explains_the_due_date(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    page = text(client.get(reverse("customer", args=[customer.pk])))
    assert "überfällig" in page and fmt(customer.due_by) in page
    assert "Kontaktdichtekonzept Jobcenter Coburg Land" in page
    assert "Ü25, arbeitslos, marktnah" in page and "2MM" in page
    for reason in Customer.objects.get(pk=customer.pk).reason_texts:
        assert reason.replace("„", "").replace("“", "")[:40] in page.replace("„", "").replace("“", "")
    assert "Regeln wurden geändert" not in page


def test_customer_page_shows_the_due_flags(client, world, alice):
    customer = make_customer(world.team_a, caseworker=world.alice, profile_since=today() - relativedelta(months=7))
    page = text(client.get(reverse("customer", args=[customer.pk])))
    assert "Profilingprüfung fällig" in page


def test_customer_page_says_when_the_rules_changed_and_does_not_recompute(
    client, world, alice, django_assert_num_queries
):
    customer = overdue_customer(world.team_a, world.alice)
    bump_policy_version(world.coburg.pk)
    # The new rules, as the process keeps them (loaded once per process and rule version).
    duedates.policy_for(world.coburg.pk, JobCentre.objects.get(pk=world.coburg.pk).policy_version)
    # 1 session, 2 user, 3 staff, 4 customer (+job centre, team, caseworker, rule, rule set),
    # 5 the audit event (who opened it), 6 next appointment (appointments' template tag),
    # 7 notes (their activities: one more when there are notes), 8 measures, 9 suspensions,
    # 10 placement proposals (the employers app's timeline source); the open follow-up
    # activities (tasks) only with a task's day stored, which this customer has not: and no
    # write to the customer.
    with django_assert_num_queries(10):
        response = client.get(reverse("customer", args=[customer.pk]))
    assert "Regeln wurden geändert – Fälligkeit wird neu berechnet" in text(response)
    assert Customer.objects.get(pk=customer.pk).policy_version == customer.policy_version


def test_customer_page_shows_the_timeline(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    services.record_contact(
        customer=customer,
        by=world.alice.user,
        date=today() - timedelta(days=3),
        channel="phone",
        summary="Rückruf wegen Unterlagen",
    )
    services.add_measure(
        customer=customer,
        title="Bewerbungscoaching",
        start=today() - timedelta(days=10),
        end=today() + timedelta(days=50),
    )
    page = text(client.get(reverse("customer", args=[customer.pk])))
    assert page.index("Rückruf wegen Unterlagen") < page.index("Bewerbungscoaching")
    assert "zählt nicht als qualifizierter Kontakt" in page


# --- Writing -------------------------------------------------------------------------------------


def test_a_note_moves_the_due_date_and_takes_the_customer_off_the_overdue_list(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    assert customer.number in numbers_on(client.get(WORKLIST))
    response = client.post(
        reverse("contact_note", args=[customer.pk]),
        {"date": today().isoformat(), "channel": "in_person", "summary": "Gespräch über Bewerbungen"},
        follow=True,
    )
    new_due = today() + relativedelta(months=2)
    assert response.redirect_chain == [(reverse("customer", args=[customer.pk]), 302)]
    assert f"Beratungsvermerk gespeichert. Nächster Kontakt fällig bis {fmt(new_due)}." in text(response)
    assert Customer.objects.get(pk=customer.pk).due_by == new_due
    assert customer.number not in numbers_on(client.get(WORKLIST))


def test_a_note_on_a_channel_that_does_not_count_says_so(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    response = client.post(
        reverse("contact_note", args=[customer.pk]),
        {"date": today().isoformat(), "channel": "phone", "summary": "Telefonat"},
        follow=True,
    )
    assert (
        "Die Kontaktart „telefonisch“ zählt nach dem Kontaktdichtekonzept nicht als qualifizierter "
        f"Kontakt: die Fälligkeit bleibt beim {fmt(customer.due_by)}."
    ) in text(response)
    assert ContactNote.objects.filter(customer=customer).count() == 1


def test_a_note_that_does_not_count_keeps_the_follow_up_date_agreed_before(client, world, alice):
    # Corrected 29.11.2026: a phone note without a follow-up date no longer erases the date
    # agreed in person (DOMAIN step 4).
    customer = overdue_customer(world.team_a, world.alice)
    agreed = today() - timedelta(days=10)
    services.record_contact(
        customer=customer,
        by=world.alice.user,
        date=today() - timedelta(days=40),
        channel="in_person",
        summary="Gespräch",
        follow_up_on=agreed,
    )
    response = client.post(
        reverse("contact_note", args=[customer.pk]),
        {"date": today().isoformat(), "channel": "phone", "summary": "Telefonat"},
        follow=True,
    )
    assert Customer.objects.get(pk=customer.pk).due_by == agreed
    assert (
        "Die Kontaktart „telefonisch“ zählt nach dem Kontaktdichtekonzept nicht als qualifizierter Kontakt: "
        f"die Fälligkeit bleibt beim {fmt(agreed)}."
    ) in words(response)


def test_an_invalid_note_saves_nothing(client, world):
    customer = make_customer(world.weimar_team, caseworker=world.dave)
    client.force_login(world.dave.user)
    before = ContactNote.objects.count()
    response = client.post(
        reverse("contact_note", args=[customer.pk]),
        {"date": today().isoformat(), "channel": "in_person", "summary": "Gespräch"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Nichts gespeichert." in page
    assert "kein BewA ohne WV" in page
    assert "Für einen qualifizierten Kontakt fehlt noch" in page
    assert ContactNote.objects.count() == before
    assert Customer.objects.get(pk=customer.pk).due_by == customer.due_by


def test_the_note_form_shows_the_checklist_where_required(client, world):
    customer = make_customer(world.weimar_team, caseworker=world.dave)
    client.force_login(world.dave.user)
    page = text(client.get(reverse("contact_note", args=[customer.pk])))
    assert "Stellensuchlauf durchgeführt" in page
    assert page.count("zählt als qualifizierter Kontakt") == 4  # all but video


def test_the_note_form_in_coburg_marks_only_in_person_as_qualified(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    page = text(client.get(reverse("contact_note", args=[customer.pk])))
    assert page.count("zählt als qualifizierter Kontakt") == 1
    assert "Stellensuchlauf durchgeführt" not in page
    assert f'value="{today().isoformat()}"' in page


def test_a_suspension_beyond_the_cap_is_refused(client, world, alice):
    customer = make_customer(world.team_a, caseworker=world.alice)
    limit = customer.due_by + relativedelta(months=6)
    response = client.post(
        reverse("suspension", args=[customer.pk]),
        {
            "reason": "Gutachten ausstehend",
            "start": today().isoformat(),
            "end": (limit + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert f"die Ausnahme kann bis spätestens {fmt(limit)} gelten" in text(response)
    assert not Suspension.objects.exists()


def test_a_suspension_within_the_cap_suspends(client, world, alice):
    customer = make_customer(world.team_a, caseworker=world.alice)
    end = customer.due_by + relativedelta(months=3)
    response = client.post(
        reverse("suspension", args=[customer.pk]),
        {"reason": "Einstellungszusage", "start": fmt(today()), "end": fmt(end)},
        follow=True,
    )
    assert f"Ausnahme dokumentiert. Nächster Kontakt fällig bis {fmt(end)}." in text(response)
    assert Customer.objects.get(pk=customer.pk).status_until_due == "suspended"
    assert "ausgesetzt" in text(response)


def test_a_measure_can_be_added_and_edited(client, world, alice):
    customer = make_customer(world.team_a, caseworker=world.alice)
    response = client.post(
        reverse("measure_add", args=[customer.pk]),
        {
            "title": "Bewerbungscoaching",
            "start": today().isoformat(),
            "end": (today() + timedelta(days=90)).isoformat(),
        },
        follow=True,
    )
    assert "Maßnahme gespeichert." in text(response)
    measure = Measure.objects.get(customer=customer)
    url = reverse("measure_edit", args=[customer.pk, measure.pk])
    assert 'value="Bewerbungscoaching"' in text(client.get(url))
    response = client.post(
        url,
        {
            "title": "Bewerbungscoaching",
            "start": today().isoformat(),
            "end": (today() + timedelta(days=90)).isoformat(),
            "exited_on": today().isoformat(),
        },
        follow=True,
    )
    assert "Maßnahme geändert." in text(response)
    measure.refresh_from_db()
    assert measure.exited_on == today()


def test_an_invalid_measure_saves_nothing(client, world, alice):
    customer = make_customer(world.team_a, caseworker=world.alice)
    response = client.post(
        reverse("measure_add", args=[customer.pk]),
        {"title": "Coaching", "start": today().isoformat(), "end": (today() - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "Das geplante Ende darf nicht vor dem Beginn liegen." in text(response)
    assert not Measure.objects.exists()


def test_editing_the_facts_recomputes_the_due_date(client, world, alice):
    customer = make_customer(world.team_a, caseworker=world.alice)
    data = {
        "birth_date": customer.birth_date.isoformat(),
        "registered_on": customer.registered_on.isoformat(),
        "employment": "unemployed",
        "profile": "market_far",
        "care": "placement",
    }
    response = client.post(reverse("facts", args=[customer.pk]), data, follow=True)
    new_due = customer.registered_on + relativedelta(months=3)
    assert f"Daten gespeichert. Nächster Kontakt fällig bis {fmt(new_due)}." in text(response)
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.profile, stored.due_code, stored.due_by) == ("market_far", "3MM", new_due)


def test_invalid_facts_save_nothing(client, world, alice):
    customer = make_customer(world.team_a, caseworker=world.alice)
    data = {
        "birth_date": customer.birth_date.isoformat(),
        "registered_on": customer.registered_on.isoformat(),
        "employment": "unemployed",
        "profile": "",
        "profile_since": today().isoformat(),
        "care": "placement",
    }
    response = client.post(reverse("facts", args=[customer.pk]), data)
    assert response.status_code == 400
    assert "„Profillage seit“ braucht eine Profillage." in text(response)
    assert Customer.objects.get(pk=customer.pk).profile == "market_close"


def test_a_long_history_shows_its_newest_entries_and_the_rest_on_request(client, world, monkeypatch):
    from caseload import selectors

    monkeypatch.setattr(selectors, "TIMELINE_NEWEST", 3)
    today = timezone.localdate()
    customer = make_customer(world.team_a, caseworker=world.alice, registered_on=today - timedelta(days=90))
    for days in (50, 40, 30, 20, 10):
        services.record_contact(
            customer=customer,
            by=world.alice.user,
            date=today - timedelta(days=days),
            channel="phone",
            summary=f"Nr {days}",
        )
    client.force_login(world.alice.user)
    page = client.get(reverse("customer", args=[customer.pk])).content.decode()
    assert [int(n) for n in re.findall(r"<p>Nr (\d+)</p>", page)] == [10, 20, 30]
    assert "Die 3 neuesten Einträge." in page and "?verlauf=alle#timeline-title" in page

    whole = client.get(reverse("customer", args=[customer.pk]), {"verlauf": "alle"}).content.decode()
    assert [int(n) for n in re.findall(r"<p>Nr (\d+)</p>", whole)] == [10, 20, 30, 40, 50]
    assert "Ältere Einträge anzeigen" not in whole and "Nur die neuesten Einträge anzeigen" in whole

    short = make_customer(world.team_a, caseworker=world.alice)
    plain = client.get(reverse("customer", args=[short.pk]), {"verlauf": "alle"}).content.decode()
    assert "Ältere Einträge" not in plain and "Nur die neuesten" not in plain
