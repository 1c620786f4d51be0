"""Error pages and signing out speak German, as the rest of the application does."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.template.loader import render_to_string
from django.urls import reverse

from .factories import make_customer, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_another_teams_customer_is_a_german_404(client, world):
    customer = make_customer(world.team_b, caseworker=world.charlie)
    client.force_login(world.alice.user)
    response = client.get(reverse("customer", args=[customer.pk]))
    assert response.status_code == 404
    assert '<html lang="de">' in response.text and "Nicht gefunden" in response.text
    assert "Not Found" not in response.text
    assert reverse("worklist") in response.text  # the navigation is there


def test_a_request_too_large_is_a_german_400_and_says_nothing_was_saved(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.alice.user)
    summary = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("contact_note", args=[customer.pk]), {"summary": summary})
    assert response.status_code == 400
    assert "Anfrage nicht verarbeitet" in response.text and "nicht gespeichert" in response.text


def test_the_500_page_needs_no_request():
    page = render_to_string("500.html")
    assert '<html lang="de">' in page and "Ein Fehler ist aufgetreten" in page


def test_signing_out_by_get_asks_and_by_post_signs_out_with_a_message(client, world):
    client.force_login(world.alice.user)
    page = client.get(reverse("logout"))
    assert page.status_code == 200 and "Möchten Sie sich abmelden?" in page.text
    assert SESSION_KEY in client.session  # a GET changes nothing

    response = client.post(reverse("logout"), follow=True)

    assert SESSION_KEY not in client.session
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Sie wurden abgemeldet." in response.text
