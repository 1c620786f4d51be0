"""What the caseload page tests share: reading a response, and the two signed-in people of
`factories.world` (Alice, a caseworker; Bob, the team lead)."""

import re

import pytest
from django.utils import timezone


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
