"""Accessibility (BITV 2.0 / WCAG 2.1 AA) of every app page, as each role, at 1280 and 320 px.

axe-core runs on every page (the `page` fixture, tests/a11y.py): no serious or critical finding
is allowed, in error states either. At 320 CSS px nothing may scroll sideways (WCAG 1.4.10):
wide tables scroll inside their own focusable box.

The pages without URL arguments come from Django's resolver, so a page added later is visited
without a change here. Pages with arguments are listed in `with_arguments()`;
`test_every_page_with_arguments_is_visited_or_skipped_for_a_reason` names a new one that is not.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from appointments import services as appointment_services
from appointments.models import Appointment
from caseload import duedates
from caseload import services as caseload_services

from .a11y import check_again, reflow_problems, wait_for_axe
from .appointments.factories import at, book, give_working_hours, make_office, next_weekday
from .caseload.factories import due_soon_customer, make_customer, no_rule_customer, overdue_customer, world  # noqa: F401

PASSWORD = "Barrierefrei-2026!"
WIDE, NARROW = 1280, 320

# Patterns not visited, and why.
SKIPPED = {
    "admin": "Django's own admin UI, not the app's pages",
    "logout": "POST only; ends the session",
    "health": "JSON for the load balancer, no page",
    "appointments:feed": "iCalendar feed, no page",
    # Actions: POST only, their forms are on the appointment and absence pages, which are visited.
    "appointments:attended": "POST action (appointment page)",
    "appointments:missed": "POST action (appointment page)",
    "appointments:excuse": "POST action (appointment page)",
    "appointments:cancel": "POST action (appointment page)",
    "appointments:absence_delete": "POST action (absence page)",
}


def patterns(resolver=None, prefix=""):
    """(name, has_arguments) of every named URL pattern; the admin counts as one."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                yield "admin", False
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, bool(entry.pattern.regex.groupindex)


def without_arguments() -> list[str]:
    return sorted({name for name, has_args in patterns() if not has_args and name not in SKIPPED})


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture
def town(world, settings):
    """The caseload tests' personas (alice caseworker, bob team lead, admin superuser) with
    passwords, and something on every page: customers in every state, notes, an exception, a
    measure, appointments (planned, attended, cancelled both ways), an absence, last month's
    figures for the report, and an import waiting for its preview."""
    duedates._policy_cache.clear()  # keyed by ids that a flushed database hands out again
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for user in (world.alice.user, world.bob.user, world.admin):
        user.set_password(PASSWORD)
        user.save()
    today = timezone.localdate()
    alice = world.alice
    overdue = overdue_customer(world.team_a, alice)
    due_soon_customer(world.team_a, alice)
    no_rule_customer(world.team_a, alice)
    for _ in range(3):
        make_customer(world.team_a, caseworker=alice)
    customer = make_customer(world.team_a, caseworker=alice, registered_on=today - relativedelta(months=3))
    caseload_services.record_contact(
        customer=customer, by=alice.user, date=today - timedelta(days=3), channel="in_person", summary="Gespräch"
    )
    last_month = today.replace(day=1) - relativedelta(months=1)
    caseload_services.record_contact(
        customer=overdue, by=alice.user, date=last_month, channel="phone", summary="Telefonat"
    )
    suspension, _ = caseload_services.record_suspension(
        customer=customer, by=alice.user, reason="Gutachten", start=today, end=today + timedelta(days=30)
    )
    measure, _ = caseload_services.add_measure(
        customer=customer, title="Bewerbungstraining", start=today, end=today + relativedelta(months=6)
    )

    make_office(world.coburg)
    give_working_hours(alice)
    tuesday = next_weekday(1)
    planned = book(customer, alice, at(tuesday, 9))
    for hour, by_customer in ((10, True), (11, False)):
        appointment_services.cancel_appointment(
            appointment=book(overdue, alice, at(tuesday, hour)), by=alice.user, by_customer=by_customer
        )
    attended = book(overdue, alice, at(tuesday + timedelta(days=1), 9))
    Appointment.objects.filter(pk=attended.pk).update(status=Appointment.ATTENDED)
    absence = appointment_services.record_absence(
        staff=alice,
        kind="leave",
        start=tuesday + timedelta(days=14),
        end=tuesday + timedelta(days=17),
        by=world.bob.user,
    )
    world.a11y = {
        "customer": customer,
        "suspension": suspension,
        "measure": measure,
        "planned": planned,
        "attended": attended,
        "absence": absence,
        "tuesday": tuesday,
    }
    yield world
    duedates._policy_cache.clear()


def with_arguments(town) -> dict[str, str]:
    """URL name -> the URL visited, for the pages whose URL has arguments."""
    data = town.a11y
    pk = data["customer"].pk
    return {
        "customer": reverse("customer", args=[pk]),
        "contact_note": reverse("contact_note", args=[pk]),
        "suspension": reverse("suspension", args=[pk]),
        "suspension_end": reverse("suspension_end", args=[pk, data["suspension"].pk]),
        "measure_add": reverse("measure_add", args=[pk]),
        "measure_edit": reverse("measure_edit", args=[pk, data["measure"].pk]),
        "facts": reverse("facts", args=[pk]),
        "close_case": reverse("close_case", args=[pk]),
        "appointments:book": reverse("appointments:book", args=[pk]),
        "appointments:detail": reverse("appointments:detail", args=[data["planned"].pk]),
        "appointments:note": reverse("appointments:note", args=[data["attended"].pk]),
        "appointments:invitation": reverse("appointments:invitation", args=[data["planned"].pk]),
        "appointments:absence": reverse("appointments:absence", args=[data["absence"].pk]),
        # customer_import_preview: made by an upload in test_every_page_as_the_caseworker
    }


# Forms whose empty (or cleared) submission shows the error state; each as the role that may use it.
CASEWORKER_FORMS = [
    "customer_add",
    "contact_note",
    "suspension",
    "suspension_end",
    "measure_add",
    "facts",
    "close_case",
    "appointments:book",
    "appointments:note",
]
TEAM_LEAD_FORMS = ["customer_import", "appointments:absences", "appointments:absence"]


# --- helpers ------------------------------------------------------------------------------------


class Sweep:
    """Visits pages at both widths; collects what does not reflow (axe findings go to the
    page fixture's watch, which this test reads at the end)."""

    def __init__(self, page, live_server, axe_watch):
        self.page, self.base, self.axe_watch = page, live_server.url, axe_watch
        self.problems: list[str] = []
        self.visited: list[str] = []

    def both_widths(self) -> None:
        page = self.page
        wait_for_axe(page)
        self.visited.append(page.url)
        page.set_viewport_size({"width": NARROW, "height": 800})
        check_again(page)
        problem = reflow_problems(page, NARROW)
        if problem:
            self.problems.append(problem)
        page.set_viewport_size({"width": WIDE, "height": 900})

    def visit(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.both_widths()

    def submit_empty(self, path: str) -> None:
        """The page's main form, its text, date and number fields emptied and the browser's own
        checks off, sent: the server's error state."""
        page = self.page
        page.goto(self.base + path)
        wait_for_axe(page)
        assert page.locator("main form[method=post]").count(), f"no form on {path}"
        with page.expect_navigation():
            page.evaluate(SUBMIT_EMPTY)
        self.both_widths()

    def assert_clean(self) -> None:
        axe = self.axe_watch.failure()
        self.axe_watch.findings.clear()  # reported here, not again at teardown
        self.axe_watch.errors.clear()
        message = "\n\n".join(p for p in [axe, *self.problems] if p)
        assert not message, message


SUBMIT_EMPTY = """() => {
  const forms = [...document.querySelectorAll('main form[method=post]')];
  const form = forms.sort((a, b) => b.elements.length - a.elements.length)[0];
  for (const el of form.elements) {
    const typed = 'input[type=text], input[type=date], input[type=number], input[type=email], input:not([type])';
    if (el.matches(typed + ', textarea')) el.value = '';
  }
  form.noValidate = true;
  form.requestSubmit();
}"""


def sign_in(page, base, username):
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto(f"{base}/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    assert "/anmelden/" not in page.url, "login failed"


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_login_page_and_its_error_state(town, live_server, page, axe_watch):
    sweep = Sweep(page, live_server, axe_watch)
    sweep.visit("/anmelden/")
    page.get_by_label("Benutzername").fill("alice")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    assert "/anmelden/" in page.url
    sweep.both_widths()
    sweep.assert_clean()


@pytest.mark.parametrize("username", ["alice", "bob", "admin"])
def test_every_page_without_arguments_as_each_role(username, town, live_server, page, axe_watch):
    """Whatever each role gets there, a page, a 403 or a 404, is checked."""
    sign_in(page, live_server.url, username)
    sweep = Sweep(page, live_server, axe_watch)
    for name in without_arguments():
        sweep.visit(reverse(name))
    assert len(sweep.visited) == len(without_arguments())
    sweep.assert_clean()


def test_every_page_as_the_caseworker(town, live_server, page, axe_watch):
    """The pages with arguments, the calendar with cancelled entries, a 404, and the error states
    of the caseworker's forms (the import is the team lead's)."""
    sign_in(page, live_server.url, "alice")
    sweep = Sweep(page, live_server, axe_watch)
    pages = with_arguments(town)
    tuesday = town.a11y["tuesday"]
    for name, path in pages.items():
        if name != "appointments:absence":
            sweep.visit(path)
    sweep.visit(f"{reverse('appointments:week')}?woche={tuesday:%Y-%m-%d}")
    sweep.visit(f"{reverse('appointments:day')}?tag={tuesday:%Y-%m-%d}")
    sweep.visit(f"{reverse('worklist')}?liste=ueberfaellig&sort=-due_by")
    sweep.visit(f"{reverse('worklist')}?q=Musterfrau")
    sweep.visit("/kunden/999999/")  # 404
    sweep.visit("/gibt-es-nicht/")

    for name in CASEWORKER_FORMS:
        sweep.submit_empty(pages.get(name) or reverse(name))

    sweep.both_widths()
    sweep.assert_clean()


def test_every_page_as_the_team_lead(town, live_server, page, axe_watch):
    """The team views, the absence pages, the import with its preview, and their error states."""
    sign_in(page, live_server.url, "bob")
    sweep = Sweep(page, live_server, axe_watch)
    pages = with_arguments(town)
    sweep.visit(pages["appointments:absence"])
    sweep.visit(f"{reverse('team_overdue')}?sort=due_by")
    sweep.visit(f"{reverse('appointments:week')}?woche={town.a11y['tuesday']:%Y-%m-%d}&fachkraft={town.alice.pk}")
    for name in TEAM_LEAD_FORMS:
        sweep.submit_empty(pages.get(name) or reverse(name))
    # The import preview: a file with one good and one bad row.
    page.goto(live_server.url + reverse("customer_import"))
    registered = f"{timezone.localdate():%d.%m.%Y}"
    data = (
        "\ufeffKundennummer;Vorname;Nachname;Geburtsdatum;Meldung;Status;Profillage;Fachkraft\n"
        f"9000001;Anna;Berg;01.02.1980;{registered};arbeitslos;marktnah;alice\n"
        f"9000002;Bernd;Bauer;31.02.1980;{registered};arbeitslos;marktnah;alice\n"
    ).encode()
    page.get_by_label("Datei (CSV oder XLSX)").set_input_files(
        files=[{"name": "kunden.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Vorschau zeigen").click()
    page.wait_for_load_state()
    assert "/kunden/import/" in page.url and page.get_by_role("heading", name="Import prüfen").is_visible()
    sweep.both_widths()
    sweep.assert_clean()


def test_every_page_with_arguments_is_visited_or_skipped_for_a_reason(town):
    named = {name for name, has_args in patterns() if has_args}
    covered = set(with_arguments(town)) | set(SKIPPED) | {"customer_import_preview"}
    missing = sorted(named - covered)
    assert not missing, (
        f"pages with URL arguments that the accessibility test does not visit: {missing}; "
        "add them to with_arguments() in tests/test_accessibility.py, or to SKIPPED with the reason"
    )


# --- focused checks -----------------------------------------------------------------------------


def test_the_skip_link_is_the_first_tab_stop_and_moves_the_focus_to_main(town, live_server, page):
    sign_in(page, live_server.url, "alice")
    page.goto(live_server.url + reverse("worklist"))
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert focused == ["Zum Inhalt springen", "#inhalt"]
    assert page.locator(".skip-link").evaluate("e => e.getBoundingClientRect().top >= 0")  # shown while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")  # on from the content: past the header
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_the_focus_ring_is_visible_on_a_filled_button(town, live_server, page):
    sign_in(page, live_server.url, "alice")
    page.goto(live_server.url + reverse("customer_add"))
    button = page.get_by_role("button", name="Kunde anlegen")
    button.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused by keyboard: :focus-visible
    style = button.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert style == ["solid", "3px", "rgb(29, 39, 51)"]


def test_the_error_summary_takes_the_focus_and_links_to_its_fields(town, live_server, page):
    sign_in(page, live_server.url, "alice")
    page.goto(live_server.url + reverse("customer_add"))
    with page.expect_navigation():
        page.evaluate(SUBMIT_EMPTY)
    summary = page.locator("[data-error-summary]")
    page.wait_for_function("document.activeElement && document.activeElement.matches('[data-error-summary]')")
    assert "Nichts gespeichert." in summary.inner_text()
    targets = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(targets) >= 3 and all(t.startswith("#id_") for t in targets)
    for target in targets:
        assert page.locator(target).count() == 1, f"{target} names no field"
    summary.locator("a").first.click()
    assert page.evaluate("'#' + document.activeElement.id") == targets[0]


def test_the_sorted_column_says_so(town, live_server, page):
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{reverse('worklist')}?sort=-due_by")
    sorted_headers = page.locator("th[aria-sort]")
    assert sorted_headers.count() == 1
    assert sorted_headers.get_attribute("aria-sort") == "descending"
    assert "fällig bis" in sorted_headers.inner_text()
    sorted_headers.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"
    region = page.locator(".table-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label") == "Fälle"
