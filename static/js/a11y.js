/* Accessibility helpers (no inline script: the CSP allows scripts from this site only).
   A form that comes back with errors starts at its error summary (WCAG 3.3.1, 2.4.3): the summary
   is rendered focusable (tabindex="-1") with `autofocus`; this moves the focus there where a
   browser skipped autofocus (a restored tab, say), and brings it into view. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) {
      summary.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
