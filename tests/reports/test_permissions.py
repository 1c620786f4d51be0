"""Reports of every team need the explicit permission; `is_staff` alone grants nothing."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from ..caseload.factories import make_staff, make_user, world  # noqa: F401

MONTHLY = reverse("report_monthly")


def test_is_staff_alone_reads_no_report(client, world):
    client.force_login(make_user("verwaltung", is_staff=True))
    assert client.get(MONTHLY).status_code == 403


def test_the_permission_reads_every_team_and_shows_the_link(client, world):
    reader = make_user("controlling")
    reader.user_permissions.add(Permission.objects.get(codename="view_all_reports"))
    client.force_login(reader)
    for team in (world.team_a, world.team_b, world.weimar_team):
        assert client.get(MONTHLY, {"team": team.pk}).status_code == 200
    assert 'href="/berichte/"' in client.get(reverse("home")).content.decode()


def test_a_team_lead_reads_only_their_own_team(client, world):
    client.force_login(world.bob.user)
    assert client.get(MONTHLY, {"team": world.team_a.pk}).status_code == 200
    assert client.get(MONTHLY, {"team": world.team_b.pk}).status_code == 404
