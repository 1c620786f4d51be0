"""Logins, sessions and headers as a data-protection officer signs them off (issue 13):
password guessing is locked out, idle sessions end, nothing with personal data is cached, no
inline script runs, and Django's deployment check has nothing to report."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kontaktdichte.middleware import TOUCHED

from ..caseload.factories import make_customer, world  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "ein langes Passwort 2026"


@pytest.fixture
def alice_with_password(world):
    world.alice.user.set_password(PASSWORD)
    world.alice.user.save()
    return world.alice.user


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- Passwords and lockout -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, message",
    [
        ("kurz", "mindestens 12 Zeichen"),
        ("password1234", "zu üblich"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert message in " ".join(refused.value.messages)


def test_a_long_uncommon_password_is_accepted():
    validate_password("Kontaktdichte im Jobcenter")


def test_five_wrong_passwords_lock_the_name_out_with_a_german_page(client, alice_with_password):
    for _ in range(4):
        assert sign_in(client, "alice", "falsch").status_code == 200
    locked = sign_in(client, "alice", "falsch")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Anmeldung vorübergehend gesperrt" in page and "30 Minuten" in page
    assert "alice" not in page
    # Even the right password does not get in now.
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_admin_unlocks_a_locked_name(client, alice_with_password):
    for _ in range(5):
        sign_in(client, "alice", "falsch")
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    call_command("axes_reset_username", "alice", verbosity=0)
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(alice_with_password.pk)


def test_the_lockout_is_per_name_not_for_the_whole_office(client, world, alice_with_password):
    world.charlie.user.set_password(PASSWORD)
    world.charlie.user.save()
    for _ in range(5):
        sign_in(client, "alice", "falsch")
    assert sign_in(client, "charlie", PASSWORD).status_code == 302


def test_the_admin_lists_failed_attempts_for_unlocking(world, alice_with_password, client):
    from django.test import Client

    for _ in range(2):
        sign_in(client, "alice", "falsch")
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "alice" in page.content.decode()


# --- Sessions -------------------------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser_and_the_session_after_30_idle_minutes(client, alice_with_password):
    response = sign_in(client, "alice", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    session = Session.objects.get(session_key=cookie.value)
    assert timedelta(minutes=29) < session.expire_date - timezone.now() <= timedelta(minutes=30)


def test_working_moves_the_session_end_on_at_most_once_a_minute(client, world):
    client.force_login(world.alice.user)
    key = client.session.session_key
    first_end = Session.objects.get(session_key=key).expire_date
    client.get(reverse("worklist"))
    assert Session.objects.get(session_key=key).expire_date == first_end  # touched at login

    session = client.session
    session[TOUCHED] = int(time.time()) - 61  # the last touch more than a minute ago
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get(reverse("worklist"))
    moved = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert timedelta(minutes=29) < moved <= timedelta(minutes=30)


def test_an_expired_session_leads_to_the_login(client, world):
    client.force_login(world.alice.user)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("worklist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Headers --------------------------------------------------------------------------------------


def test_pages_and_exports_are_never_stored_in_a_cache(client, world):
    make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.bob.user)
    for url in (
        reverse("worklist"),
        reverse("team_overdue"),
        reverse("team_overdue") + "?export=csv",
        reverse("login"),
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_the_content_security_policy_allows_no_inline_script(client, world):
    client.force_login(world.alice.user)
    policy = client.get(reverse("worklist"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_no_template_carries_inline_script_or_style():
    offenders = []
    for path in (REPO / "templates").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for marker in ("<style", ' style="', " onclick=", " onchange=", " onsubmit=", "javascript:"):
            if marker in html:
                offenders.append(f"{path.relative_to(REPO)}: {marker.strip()}")
        for tag in html.split("<script")[1:]:
            if "src=" not in tag.split(">", 1)[0]:
                offenders.append(f"{path.relative_to(REPO)}: inline <script>")
    assert offenders == []


@pytest.mark.slow
def test_the_deployment_check_reports_nothing():
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECURE_COOKIES": "true",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_health_endpoint_answers_without_login_and_without_personal_data(client, world):
    response = client.get("/health/")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
