"""Every form of the application, posted (or, for filter forms, requested) with mutated valid
data: keys dropped, values replaced by text, numbers, dates at the calendar's ends, very long
strings, control characters or lists. Whatever arrives, the answer is a page (200, 302, 400,
403, 404), never a server error: a 500 raises here with its traceback.

Few examples per form locally; CI runs more (HYPOTHESIS_PROFILE=ci, tests/conftest.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appointments import services as appointment_services
from appointments.models import Appointment
from caseload import import_files, imports, services

from .appointments.factories import at, book, make_office, next_weekday
from .caseload.factories import make_customer, make_user, world  # noqa: F401

ODD_VALUES = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=300, max_size=12_000),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "31.12.9999",
            "01.01.0001",
            "2027-03-28",
            "24:00",
            "02:30",
            "-1",
            "0",
            "1e309",
            "NaN",
            "",
            " ",
            "\x00",
            "=cmd|' /C calc'!A0",
            "<script>alert(1)</script>",
            "manuell",
            "kunde",
            "field",
            "video",
            "group",
        ]
    ),
)


def mutations(valid: dict):
    """A valid POST dict with some keys dropped and some values replaced."""
    keys = sorted(valid)
    return st.fixed_dictionaries(
        {
            "drop": st.sets(st.sampled_from(keys), max_size=len(keys)),
            "change": st.dictionaries(st.sampled_from(keys), ODD_VALUES, max_size=len(keys)),
            "extra": st.dictionaries(
                st.sampled_from(["version", "slot", "staff", "kind", "x"]), ODD_VALUES, max_size=2
            ),
        }
    ).map(lambda m: {**{k: v for k, v in valid.items() if k not in m["drop"]}, **m["change"], **m["extra"]})


@pytest.fixture
def scene(world):
    """A customer with a measure, an exception and a missed appointment, and the URLs of every
    form with data that would be accepted."""
    today = timezone.localdate()
    office = make_office(world.coburg)
    customer = make_customer(world.team_a, caseworker=world.alice)
    measure, _ = services.add_measure(customer=customer, title="Kurs", start=today, end=today + timedelta(days=30))
    suspension, _ = services.record_suspension(
        customer=customer, by=world.alice.user, reason="Gutachten", start=today, end=today + timedelta(days=20)
    )
    yesterday = today - timedelta(days=1)
    missed = book(customer, world.alice, at(yesterday, 0, 5), mode=Appointment.FIELD, now=at(yesterday, 0, 0))
    appointment_services.mark_missed(appointment=missed, by=world.alice.user)
    planned = book(customer, world.alice, at(next_weekday(1, today + timedelta(days=6)), 9), office=office)
    iso = today.isoformat()
    forms = {
        reverse("contact_note", args=[customer.pk]): {
            "date": iso,
            "channel": "in_person",
            "summary": "Gespräch",
            "agreements": "",
            "follow_up_on": "",
            "walk_in": "on",
        },
        reverse("suspension", args=[customer.pk]): {
            "reason": "Zusage",
            "start": iso,
            "end": (today + timedelta(days=9)).isoformat(),
        },
        reverse("suspension_end", args=[customer.pk, suspension.pk]): {"end": iso, "version": "1"},
        reverse("measure_add", args=[customer.pk]): {"title": "Kurs", "start": iso, "end": iso, "exited_on": ""},
        reverse("measure_edit", args=[customer.pk, measure.pk]): {
            "title": "Kurs",
            "start": iso,
            "end": iso,
            "exited_on": "",
            "version": "1",
        },
        reverse("facts", args=[customer.pk]): {
            "birth_date": "1980-05-17",
            "registered_on": customer.registered_on.isoformat(),
            "employment": "unemployed",
            "profile": "market_close",
            "care": "placement",
            "flags": "refugee",
            "version": "1",
        },
        reverse("close_case", args=[customer.pk]): {"closed_on": iso, "version": "1"},
        reverse("appointments:book", args=[customer.pk]): {
            "day": next_weekday(2, today + timedelta(days=6)).isoformat(),
            "time": "10:00",
            "kind": "follow_up",
            "mode": "office",
            "office": str(office.pk),
            "minutes": "30",
        },
        reverse("appointments:missed", args=[planned.pk]): {"outcome_reason": "", "version": "1"},
        reverse("appointments:cancel", args=[planned.pk]): {"by": "kunde", "outcome_reason": "", "version": "1"},
        reverse("appointments:excuse", args=[missed.pk]): {"outcome_reason": "Attest", "version": "2"},
        reverse("appointments:attended", args=[planned.pk]): {"version": "1"},
        reverse("customer_add"): {
            "number": "8800001",
            "first_name": "Anna",
            "last_name": "Berg",
            "birth_date": "1980-05-17",
            "postcode": "96450",
            "phone": "+49 9561 1234",
            "registered_on": iso,
            "employment": "unemployed",
            "profile": "market_close",
            "profile_since": iso,
            "care": "placement",
            "flags": "refugee",
            "caseworker": str(world.alice.pk),
            "confirm_duplicate": "on",
        },
        reverse("worklist"): {"suche": "Berg", "liste": "alle", "bestand": "team"},
    }
    pending = imports.keep(
        import_files.read(
            "k.csv",
            f"Kundennummer;Vorname;Nachname;Geburtsdatum;Meldung;Status\n8800002;A;B;01.01.1980;{today:%d.%m.%Y};arbeitslos\n".encode(),
        ),
        job_centre=world.coburg,
        team=world.team_a,
        user=world.bob.user,
    )
    lead_forms = {
        reverse("appointments:absences"): {"staff": str(world.alice.pk), "kind": "leave", "start": iso, "end": iso},
        reverse("customer_import"): {"datei": "kunden.csv"},
        reverse("customer_import_preview", args=[pending.pk]): {"aktion": "importieren", "dubletten_geprueft": "1"},
    }
    queries = {
        reverse("worklist"): {
            "liste": "ueberfaellig",
            "nummer": "1",
            "faellig_ab": iso,
            "faellig_bis": iso,
            "status": "overdue",
            "kuerzel": "2MM",
            "sort": "due_by",
            "page": "1",
        },
        reverse("team_overdue"): {"fachkraft": str(world.alice.pk), "faellig_ab": iso, "export": "csv"},
        reverse("report_monthly"): {"team": str(world.team_a.pk), "monat": f"{today:%Y-%m}", "export": "xlsx"},
        reverse("report_capacity"): {"team": str(world.team_a.pk)},
        reverse("report_gcfak"): {"jobcenter": str(world.coburg.pk), "quartal": "2026-1"},
        reverse("appointments:day"): {"tag": iso, "fachkraft": str(world.alice.pk)},
        reverse("appointments:week"): {"woche": iso},
        reverse("appointments:share"): {"monat": f"{today:%Y-%m}"},
    }
    officer = make_user("dsb")
    officer.user_permissions.add(*Permission.objects.filter(content_type__app_label="audit"))
    privacy = {
        reverse("privacy:events"): {
            "jobcenter": str(world.coburg.pk),
            "kunde": customer.number,
            "benutzer": "alice",
            "vorgang": "login",
            "von": iso,
            "bis": iso,
            "seite": "1",
        },
        reverse("privacy:data_access"): {"jobcenter": str(world.coburg.pk), "kunde": customer.number, "format": "json"},
    }
    return forms, lead_forms, queries, privacy, officer


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
OK = {200, 302, 400, 403, 404, 405, 429}


def check(response, url, data):
    assert response.status_code in OK, (url, data, response.status_code)


@FUZZ
@given(data=st.data())
def test_no_posted_form_gives_a_server_error(client, world, scene, data):
    forms, lead_forms, _, _, _ = scene
    for user, targets in ((world.alice.user, forms), (world.bob.user, lead_forms)):
        client.force_login(user)
        for url, valid in targets.items():
            mutated = data.draw(mutations(valid), label=url)
            check(client.post(url, mutated), url, mutated)


@FUZZ
@given(data=st.data())
def test_no_filter_or_query_gives_a_server_error(client, world, scene, data):
    _, _, queries, privacy, officer = scene
    for user, targets in ((world.bob.user, queries), (officer, privacy)):
        client.force_login(user)
        for url, valid in targets.items():
            mutated = data.draw(mutations(valid), label=url)
            check(client.get(url, mutated), url, mutated)
