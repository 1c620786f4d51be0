import contextlib
import os

import pytest
from django.core.management import call_command


@pytest.fixture
def rulesets(db):
    """The seeds' job centres and rule sets, as `fixtures/rulesets.json` states them."""
    call_command("loaddata", "rulesets", verbosity=0)


@pytest.fixture
def policies(rulesets):
    """The engine's view of the fixture: {slug: engine.JobCentre}."""
    from policies.loading import load_policy_by_slug

    return load_policy_by_slug()


# --- markers ------------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """`postgres` tests skip on SQLite. `browser` tests skip without Chromium, except under CI
    (`KD_REQUIRE_BROWSER=1`, set by .ci/run), where a missing browser is a failure."""
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    has_browser = os.path.exists(CHROMIUM) or os.environ.get("KD_REQUIRE_BROWSER") == "1"
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://...)"))
        if "browser" in item.keywords and not has_browser:
            item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


# --- browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def axe_watch():
    """What axe-core found on the pages of this test (tests/a11y.py)."""
    from .a11y import AxeWatch

    return AxeWatch()


@pytest.fixture
def page(browser, axe_watch):
    """A fresh browser tab. Every page it shows is checked with axe-core: a serious or critical
    finding fails the test at teardown (tests/a11y.py), so pages added later are covered too."""
    from .a11y import wait_for_axe

    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    axe_watch.install(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    with contextlib.suppress(Exception):  # the page the test ended on: let its check finish
        wait_for_axe(page)
    context.close()
    problem = axe_watch.failure()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture
def login(page, live_server):
    """`login(username, password)`: sign in through the real login form."""

    def sign_in(username, password):
        page.goto(f"{live_server.url}/anmelden/")
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort").fill(password)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_load_state()
        assert "/anmelden/" not in page.url, "login failed"
        return page

    return sign_in


# --- Hypothesis --------------------------------------------------------------------------------
# Few examples in the daily loop, many in CI (.ci/run sets HYPOTHESIS_PROFILE=ci). A test's own
# @settings(max_examples=...) still wins where it sets one.
from hypothesis import settings as _hypothesis  # noqa: E402

_hypothesis.register_profile("dev", max_examples=10)
_hypothesis.register_profile("ci", max_examples=60)
_hypothesis.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
