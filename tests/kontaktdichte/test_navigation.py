"""The main navigation, rendered once per shape (kontaktdichte/templatetags/navigation.py): on
every page and for every role what _nav.html itself renders there."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve, reverse

from kontaktdichte.navigation import SESSION_KEY, flags_for
from kontaktdichte.templatetags import navigation

from ..caseload.factories import make_customer, world  # noqa: F401

NAV = re.compile(r'<nav class="main-nav" aria-label="Hauptnavigation">(.*?)</nav>', re.S)


def _expected(user, staff, path, nav):
    """_nav.html rendered directly, as base.html included it before."""
    request = RequestFactory().get(path)
    request.resolver_match, request.user, request.staff = resolve(path), user, staff
    template = engines["django"].from_string('{% include "_nav.html" %}')
    return template.render({"nav": nav, "user": user}, request)


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_every_page_shows_what_the_navigation_template_renders_there(client, world, persona):
    staff = getattr(world, persona)
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(staff.user)
    pages = ["worklist", "team_overdue", "customer_add", "appointments:day"]
    paths = [reverse(name) for name in pages] + [reverse("customer", args=[customer.pk])]
    for path in paths * 2:  # rendered, then kept
        shown = NAV.search(client.get(path).content.decode()).group(1)
        assert shown == _expected(staff.user, staff, path, flags_for(staff.user))
        assert shown.count('aria-current="page"') == (0 if path == paths[-1] else 1)  # a customer: none
    assert ("Berichte" in shown) == (persona == "bob")  # the team lead's


def test_a_link_granted_shows_after_the_next_sign_in(client, world):
    client.force_login(world.alice.user)
    assert ">Protokoll<" not in client.get(reverse("worklist")).content.decode()
    world.alice.user.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(get_user_model().objects.get(pk=world.alice.user_id))  # permissions read afresh
    session = client.session
    assert session[SESSION_KEY]["audit"] is True
    assert ">Protokoll<" in client.get(reverse("worklist")).content.decode()
    assert navigation._kept  # kept per shape: the two differ only in the remembered links
