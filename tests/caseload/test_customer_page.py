"""The customer page as a caseworker opens it: the stored decision explained, what may no longer
hold, and the customer's history (the newest entries, the rest on request)."""

import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.urls import reverse

from caseload import duedates, selectors, services
from caseload.models import Customer
from policies.models import JobCentre
from policies.signals import bump_policy_version

from .factories import earlier_note, make_customer, overdue_customer, world  # noqa: F401
from .pages import alice, fmt, text, today, words  # noqa: F401


def test_customer_page_says_when_the_recheck_day_has_come_before_the_nightly_run(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    assert "Stichtag erreicht" not in text(client.get(reverse("customer", args=[customer.pk])))
    Customer.objects.filter(pk=customer.pk).update(recheck_on=today())  # e.g. a 25th birthday today
    page = words(client.get(reverse("customer", args=[customer.pk])))
    assert f"Stichtag erreicht – Fälligkeit wird neu berechnet. Seit dem {fmt(today())}" in page
    assert "Regeln wurden geändert" not in page


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
    # 7 the ids of the newest notes, measures and suspensions (each kind among them, and the
    # notes' activities, one more), 8 placement proposals (the employers app's timeline
    # source); the open follow-up activities (tasks) only with a task's day stored, which this
    # customer has not: and no write to the customer.
    with django_assert_num_queries(8):
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


def test_a_long_history_shows_its_newest_entries_and_the_rest_on_request(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "TIMELINE_NEWEST", 3)
    customer = make_customer(world.team_a, caseworker=world.alice, registered_on=today() - timedelta(days=90))
    for days in (50, 40, 30, 20, 10):
        services.record_contact(
            customer=customer,
            by=world.alice.user,
            date=today() - timedelta(days=days),
            channel="phone",
            summary=f"Nr {days}",
        )
    client.force_login(world.alice.user)
    page = text(client.get(reverse("customer", args=[customer.pk])))
    assert [int(n) for n in re.findall(r"<p>Nr (\d+)</p>", page)] == [10, 20, 30]
    assert "Die 3 neuesten Einträge." in page and "?verlauf=alle#timeline-title" in page

    whole = text(client.get(reverse("customer", args=[customer.pk]), {"verlauf": "alle"}))
    assert [int(n) for n in re.findall(r"<p>Nr (\d+)</p>", whole)] == [10, 20, 30, 40, 50]
    assert "Ältere Einträge anzeigen" not in whole and "Nur die neuesten Einträge anzeigen" in whole

    short = make_customer(world.team_a, caseworker=world.alice)
    plain = text(client.get(reverse("customer", args=[short.pk]), {"verlauf": "alle"}))
    assert "Ältere Einträge" not in plain and "Nur die neuesten" not in plain


def test_a_notes_history_entry_lists_the_activities_agreed_in_it(client, world, alice):
    customer = overdue_customer(world.team_a, world.alice)
    earlier_note(customer, world.alice, days_ago=9, summary="Ohne Vereinbarung")
    earlier_note(
        customer,
        world.alice,
        days_ago=3,
        activities=[(today() + timedelta(days=7), "Bewerbungsnachweise <b>vorlegen</b>"), (today(), "Kurs anmelden")],
    )
    page = words(client.get(reverse("customer", args=[customer.pk])))
    agreed = page.split("Vereinbarte Folgeaktivitäten:")
    assert len(agreed) == 2 and "Ohne Vereinbarung" in agreed[1]  # only the note that agreed them
    assert f"Kurs anmelden, bis {fmt(today())} – offen" in agreed[1]
    assert f"Bewerbungsnachweise &lt;b&gt;vorlegen&lt;/b&gt;, bis {fmt(today() + timedelta(days=7))}" in agreed[1]
    assert agreed[1].index("Kurs anmelden") < agreed[1].index("Bewerbungsnachweise")  # by their day
