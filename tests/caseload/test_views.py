"""The caseload pages as a caseworker and a team lead use them. `today` is the real date here."""

import csv
import io
import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from openpyxl import load_workbook

from caseload.models import ContactNote, Customer, Measure, Suspension
from policies.signals import bump_policy_version

from .factories import (  # noqa: F401
    due_soon_customer,
    earlier_note,
    make_customer,
    no_rule_customer,
    overdue_customer,
    world,
)
from .pages import alice, bob, fmt, numbers_on, text, today, words  # noqa: F401

WORKLIST = reverse("worklist")
TEAM_LIST = reverse("team_overdue")


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


def _overdue_count(response, label="Überfällig"):
    return int(re.search(r'<span class="count">(\d+)</span>\s*<span class="label">' + label, text(response)).group(1))


def test_worklist_filter_counts_follow_the_filter(client, world, alice):
    late = overdue_customer(world.team_a, world.alice)
    overdue_customer(world.team_a, world.alice)
    overdue_customer(world.team_a, world.bob)
    assert _overdue_count(client.get(WORKLIST + f"?nummer={late.number}")) == 1
    assert _overdue_count(client.get(WORKLIST + f"?bestand=team&fachkraft={world.bob.pk}")) == 1
    # Unfiltered (the counts' kept statement), and with filter input that is no filter.
    assert _overdue_count(client.get(WORKLIST)) == 2
    assert _overdue_count(client.get(WORKLIST + "?bestand=team")) == 3
    assert _overdue_count(client.get(WORKLIST + "?bestand=team&faellig_ab=31.02.2026&status=")) == 3


def test_team_list_counts_follow_the_filter(client, world, bob):
    overdue_customer(world.team_a, world.alice)
    overdue_customer(world.team_a, world.bob)
    with_task = overdue_customer(world.team_a, world.bob)
    Customer.objects.filter(pk=with_task.pk).update(next_task_on=today() - timedelta(days=1))
    page = client.get(TEAM_LIST)
    assert _overdue_count(page, "überfällig") == 3 and "Aufgaben überfällig (1)" in text(page)
    filtered = client.get(TEAM_LIST + f"?fachkraft={world.alice.pk}")
    assert _overdue_count(filtered, "überfällig") == 1 and "Aufgaben überfällig (0)" in text(filtered)


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
    earlier_note(customer, world.alice, days_ago=40, follow_up_on=agreed)
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


def test_the_note_form_offers_the_running_follow_up_in_seven_queries(client, world, alice, django_assert_num_queries):
    customer = overdue_customer(world.team_a, world.alice)
    agreed = today() + timedelta(days=10)
    earlier_note(customer, world.alice, days_ago=5, follow_up_on=agreed)
    # 1 session, 2 user, 3 staff, 4 customer, 5 the rule set in force today (read once: the
    # form's follow-up in force uses it too), 6 open follow-up activities, 7 the notes' days,
    # channels and follow-up dates.
    with django_assert_num_queries(7):
        page = words(client.get(reverse("contact_note", args=[customer.pk])))
    assert f"bisherige Wiedervorlage {fmt(agreed)} übernehmen" in page


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
