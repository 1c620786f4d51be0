"""Accessibility checks for the browser tests (BITV 2.0 / WCAG 2.1 AA).

Every page a browser test opens is checked with axe-core: the `page` fixture (tests/conftest.py)
adds `AXE_INIT` as an init script, so each document of the main frame runs axe once it has
loaded and reports its serious and critical violations to Python through an exposed function.
The test fails at teardown with a readable list. Running in the page, not from a Python event
handler, keeps the check out of the test's way: a test that clicks on before axe has finished
loses that page's check (the all-pages test in tests/test_accessibility.py waits for every one),
but never gets a half-run check or a race.

Django's admin (/admin/) is not checked: it is Django's own UI, not the app's pages.

`reflow_problems(page)` is the 320 CSS px reflow check (WCAG 1.4.10): nothing wider than the
screen, tables scroll inside their own focusable box.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT

FAILING_IMPACTS = ("serious", "critical")
UNCHECKED_PATHS = ("/admin/",)

# Runs in every new document before the page's own scripts (CDP, so the CSP does not apply).
# Frames are left alone: the app has none, and axe checks a page's frames from the top.
AXE_INIT = (
    "(() => {\n"
    "if (window.top !== window) return;\n"
    + f"const IMPACTS = {json.dumps(list(FAILING_IMPACTS))};\n"
    + AXE_SCRIPT
    + """
;
window.__kdAxe = {done: false, violations: null};
const run = () => axe.run(document, {resultTypes: ['violations']}).then(result => {
  const found = result.violations
    .filter(v => IMPACTS.includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                          summary: n.failureSummary || ''}))}));
  window.__kdAxe = {done: true, violations: found};
  if (window.__kdAxeReport) window.__kdAxeReport(location.href, document.title, found);
}, error => {
  window.__kdAxe = {done: true, violations: null, error: String(error)};
  if (window.__kdAxeReport) window.__kdAxeReport(location.href, document.title, null, String(error));
});
window.__kdAxeRun = () => { window.__kdAxe = {done: false, violations: null}; return run().then(() => true); };
if (document.readyState === 'complete') setTimeout(run, 0);
else window.addEventListener('load', () => setTimeout(run, 0), {once: true});
})();
"""
)


@dataclass
class AxeFinding:
    url: str
    title: str
    rule: str
    impact: str
    help: str
    nodes: list = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"{self.impact} {self.rule}: {self.help}", f"  on {self.url} ({self.title})"]
        for node in self.nodes[:5]:
            lines.append(f"    {node['target']}: {node['html']}")
            summary = " ".join(node["summary"].split())
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(self.nodes) > 5:
            lines.append(f"    … and {len(self.nodes) - 5} more")
        return "\n".join(lines)


def checked(url: str) -> bool:
    path = urlsplit(url).path
    return url.startswith("http") and not path.startswith(UNCHECKED_PATHS)


class AxeWatch:
    """Collects what the init script reports, per page."""

    def __init__(self):
        self.findings: list[AxeFinding] = []
        self.errors: list[str] = []
        self.pages: list[str] = []

    def install(self, context) -> None:
        context.expose_function("__kdAxeReport", self.report)
        context.add_init_script(AXE_INIT)

    def report(self, url, title, violations, error=None) -> None:
        if not checked(url):
            return
        self.pages.append(url)
        if error:
            self.errors.append(f"axe failed on {url}: {error}")
            return
        seen = {(f.url, f.rule) for f in self.findings}
        for v in violations or ():
            if (url, v["id"]) in seen:  # the same page shown again (a reload, a second visit)
                continue
            self.findings.append(AxeFinding(url, title, v["id"], v["impact"], v["help"], v["nodes"]))

    def failure(self) -> str | None:
        if not (self.findings or self.errors):
            return None
        parts = [f"axe-core: {len(self.findings)} serious/critical finding(s)"]
        parts += [finding.describe() for finding in self.findings]
        parts += self.errors
        return "\n".join(parts)


def wait_for_axe(page, timeout: float = 15_000) -> list[dict] | None:
    """Waits until axe has checked the current document; returns its serious/critical findings
    (None where the page is not checked)."""
    if not checked(page.url):
        return None
    page.wait_for_function("window.__kdAxe && window.__kdAxe.done === true", timeout=timeout)
    state = page.evaluate("window.__kdAxe")
    if state.get("error"):
        raise AssertionError(f"axe failed on {page.url}: {state['error']}")
    return state["violations"]


def check_again(page) -> list[dict] | None:
    """Runs axe once more on the current document (after a change of viewport, say) and waits."""
    if not checked(page.url):
        return None
    wait_for_axe(page)
    page.evaluate("window.__kdAxeRun()")
    return wait_for_axe(page)


# --- reflow -------------------------------------------------------------------------------------

WIDER = r"""width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll'))
  .slice(0, 12)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().replace(/\s+/g, '.') : '')
            + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""


def reflow_problems(page, width: int | None = None) -> str | None:
    """None if the page fits its viewport (no sideways scrolling, WCAG 1.4.10), else what sticks
    out. The viewport's width unless `width` is given."""
    width = width or page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width:
        return None
    wider = "\n  ".join(page.evaluate(WIDER, width))
    return f"{page.url} scrolls sideways at {width} px (scrollWidth {scroll_width}):\n  {wider}"
