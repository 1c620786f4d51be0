"""The worklist's search "Name oder Kundennummer": a name never travels in a URL."""

import re

from django.urls import reverse

from .factories import make_customer, overdue_customer, world  # noqa: F401

WORKLIST = reverse("worklist")


def numbers_on(response):
    return set(re.findall(r'<a href="/kunden/\d+/">(\w+)</a>', response.content.decode()))


def test_the_search_field_is_labelled_and_posts(client, world):
    client.force_login(world.alice.user)
    page = client.get(WORKLIST).content.decode()
    form = re.search(r'<form method="post" action="/faelle/"[^>]*role="search".*?</form>', page, re.S).group(0)
    assert '<label for="id_suche">Name oder Kundennummer</label>' in form
    assert 'type="search" name="suche"' in form


def test_a_name_search_keeps_the_name_out_of_the_url(client, world):
    mueller = overdue_customer(world.team_a, world.alice, first_name="Jana", last_name="Müller")
    other = overdue_customer(world.team_a, world.alice, first_name="Jan", last_name="Schulz")
    client.force_login(world.alice.user)
    response = client.post(WORKLIST, {"suche": "müller jana", "liste": "alle", "bestand": "meine"})
    assert response.status_code == 302
    assert "ller" not in response["Location"] and "jana" not in response["Location"].lower()
    assert response["Location"] == f"{WORKLIST}?liste=alle&bestand=meine&namenssuche=1"
    page = client.get(response["Location"])
    assert numbers_on(page) == {mueller.number}
    assert 'value="müller jana"' in page.content.decode()  # shown in the field, from the session
    assert other.number not in numbers_on(page)
    # Without the marker in the URL the list is not narrowed (a plain link, a new tab).
    assert numbers_on(client.get(f"{WORKLIST}?liste=alle")) == {mueller.number, other.number}


def test_the_name_search_finds_either_name_and_a_comma(client, world):
    anna = make_customer(world.team_a, caseworker=world.alice, first_name="Anna", last_name="Berg")
    make_customer(world.team_a, caseworker=world.alice, first_name="Berta", last_name="Anders")
    client.force_login(world.alice.user)
    client.post(WORKLIST, {"suche": "Berg, Anna", "liste": "alle"})
    assert numbers_on(client.get(f"{WORKLIST}?liste=alle&namenssuche=1")) == {anna.number}


def test_a_customer_number_search_may_stay_in_the_url(client, world):
    wanted = overdue_customer(world.team_a, world.alice, number="4711001")
    overdue_customer(world.team_a, world.alice, number="4722002")
    client.force_login(world.alice.user)
    response = client.post(WORKLIST, {"suche": "4711", "liste": "ueberfaellig"})
    assert response["Location"] == f"{WORKLIST}?liste=ueberfaellig&nummer=4711"
    assert numbers_on(client.get(response["Location"])) == {wanted.number}


def test_an_empty_search_clears_the_name(client, world):
    overdue_customer(world.team_a, world.alice, last_name="Müller")
    overdue_customer(world.team_a, world.alice, last_name="Schulz")
    client.force_login(world.alice.user)
    client.post(WORKLIST, {"suche": "Müller"})
    response = client.post(WORKLIST, {"suche": ""})
    assert response["Location"] == WORKLIST
    assert len(numbers_on(client.get(f"{WORKLIST}?namenssuche=1"))) == 2


def test_a_name_search_stays_within_the_team(client, world):
    overdue_customer(world.team_b, world.charlie, last_name="Müller")
    client.force_login(world.alice.user)
    client.post(WORKLIST, {"suche": "Müller", "bestand": "team"})
    assert numbers_on(client.get(f"{WORKLIST}?bestand=team&namenssuche=1")) == set()
