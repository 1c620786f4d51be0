"""Who may open which page: the role matrix, page by page.

anonymous → login; admin without Staff → friendly 403; alice and bob (team A) → the page;
charlie (team B) and dave (another job centre) → 404 for team A's customers.
"""

import pytest
from django.http import Http404
from django.urls import reverse

from caseload import access, services
from caseload.models import Customer

from .factories import make_customer, overdue_customer, world  # noqa: F401

CUSTOMER_PAGES = ["customer", "contact_note", "suspension", "measure_add", "facts"]
LIST_PAGES = ["worklist", "team_overdue"]


@pytest.fixture
def team_a_customer(world):
    return overdue_customer(world.team_a, world.alice)


@pytest.fixture
def measure(world, team_a_customer):
    today = team_a_customer.registered_on
    measure, _ = services.add_measure(
        customer=team_a_customer, title="Bewerbungstraining", start=today, end=today.replace(year=today.year + 1)
    )
    return measure


def _customer_urls(customer, measure):
    urls = [reverse(name, args=[customer.pk]) for name in CUSTOMER_PAGES]
    urls.append(reverse("measure_edit", args=[customer.pk, measure.pk]))
    return urls


def _all_urls(customer, measure):
    return [reverse(name) for name in LIST_PAGES] + _customer_urls(customer, measure)


def test_it_sends_anonymous_users_to_the_login(client, team_a_customer, measure):
    for url in _all_urls(team_a_customer, measure):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_it_shows_admins_without_staff_profile_a_friendly_403(client, world, team_a_customer, measure):
    client.force_login(world.admin)
    for url in _all_urls(team_a_customer, measure):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Zur Verwaltung" in response.content.decode(), url
        assert team_a_customer.number not in response.content.decode()


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_it_lets_team_members_open_their_teams_customer(client, world, team_a_customer, measure, persona):
    client.force_login(getattr(world, persona).user)
    for url in _all_urls(team_a_customer, measure):
        assert client.get(url).status_code == 200, url


def test_it_lets_caseworkers_open_a_colleagues_customer(client, world):
    """Caseworkers stand in for each other: the whole team, not only the own caseload."""
    colleagues = overdue_customer(world.team_a, world.bob)
    client.force_login(world.alice.user)
    assert client.get(reverse("customer", args=[colleagues.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["charlie", "dave"])
def test_it_hides_other_teams_customers(client, world, team_a_customer, measure, persona):
    client.force_login(getattr(world, persona).user)
    urls = _customer_urls(team_a_customer, measure)
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls[1:]:  # the forms
        assert client.post(url, {}).status_code == 404, url


@pytest.mark.parametrize("persona", ["charlie", "dave"])
def test_it_leaves_other_teams_customers_off_their_lists(client, world, team_a_customer, persona):
    client.force_login(getattr(world, persona).user)
    for url in (reverse("worklist") + "?bestand=team&liste=alle", reverse("team_overdue")):
        response = client.get(url)
        assert response.status_code == 200
        assert team_a_customer.number not in response.content.decode()


def test_it_404s_a_measure_of_another_customer_under_this_customers_url(client, world, team_a_customer):
    other = make_customer(world.team_b, caseworker=world.charlie)
    foreign, _ = services.add_measure(
        customer=other,
        title="Fremd",
        start=other.registered_on,
        end=other.registered_on.replace(year=other.registered_on.year + 1),
    )
    client.force_login(world.alice.user)
    assert client.get(reverse("measure_edit", args=[team_a_customer.pk, foreign.pk])).status_code == 404


def test_it_writes_nothing_for_another_teams_customer(client, world, team_a_customer):
    client.force_login(world.charlie.user)
    response = client.post(
        reverse("contact_note", args=[team_a_customer.pk]),
        {"date": team_a_customer.registered_on.isoformat(), "channel": "in_person", "summary": "Versuch"},
    )
    assert response.status_code == 404
    assert not team_a_customer.contact_notes.exists()


def test_home_sends_staff_to_the_worklist(client, world):
    client.force_login(world.bob.user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("worklist")


def test_home_shows_admins_the_way_to_the_admin(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("admin:index") in response.content.decode()


# --- The helpers themselves ------------------------------------------------------------------


def test_staff_for_is_none_without_a_profile(world):
    assert access.staff_for(world.admin) is None
    assert access.staff_for(world.alice.user) == world.alice


def test_get_customer_for_user_loads_what_the_page_needs_in_one_query(
    world, team_a_customer, django_assert_num_queries
):
    staff = access.staff_for(world.alice.user)
    with django_assert_num_queries(1):
        customer = access.get_customer_for_user(world.alice.user, team_a_customer.pk, staff=staff)
        # All joined: no further query for these.
        shown = (
            str(customer.caseworker),
            customer.job_centre.policy_version,
            customer.team.name,
            customer.due_rule.label,
            customer.due_rule_set.title,
        )
    assert all(value is not None for value in shown)


def test_get_customer_for_user_404s_outside_the_team(world, team_a_customer):
    for persona in (world.charlie, world.dave):
        with pytest.raises(Http404):
            access.get_customer_for_user(persona.user, team_a_customer.pk)
    with pytest.raises(Http404):
        access.get_customer_for_user(world.admin, team_a_customer.pk)


def test_team_customers_is_the_team_in_the_job_centre(world, team_a_customer):
    make_customer(world.team_b, caseworker=world.charlie)
    assert list(access.team_customers(world.bob)) == [team_a_customer]
    assert Customer.objects.count() == 2
