"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, they print as they show.

Each chart has a <title> and <desc> for screen readers; the numbers are also in the tables
beside them, so the charts are for looking, never the only place a figure appears.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kontaktdichte import formats

INK, MUTED, LINE, ACCENT, LATE, OK = "#1d2733", "#5b6773", "#d6dbe0", "#0b5cab", "#b3261e", "#1e7b34"
FONT = 'font-family="system-ui, sans-serif"'


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def _svg(width: int, height: int, title: str, desc: str, body: list[str], css_class: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart {css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{css_class}-title {css_class}-desc">'
        f'<title id="{css_class}-title">{escape(title)}</title><desc id="{css_class}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, float | None]], *, title: str, target: float | None = None, css_class: str = "bars"
) -> SafeString:
    """Horizontal bars, one per label, for shares between 0 and 1 (None: no bar, "—")."""
    label_w, bar_w, row_h, top = 190, 360, 26, 8
    width, height = label_w + bar_w + 70, top + row_h * max(len(items), 1) + 24
    body = []
    for k in range(0, 101, 25):
        x = label_w + bar_w * k / 100
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 20}" stroke="{LINE}"/>'
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" fill="{MUTED}" text-anchor="middle" '
            f"{FONT}>{k} %</text>"
        )
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        short = label if len(label) <= 28 else label[:27] + "…"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 17}" font-size="13" fill="{INK}" text-anchor="end" '
            f"{FONT}>{escape(short)}</text>"
        )
        if value is not None:
            w = bar_w * max(0.0, min(value, 1.0))
            colour = OK if target is None or value >= target else LATE
            body.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}" rx="2">'
                f"<title>{escape(label)}: {_pct(value)}</title></rect>"
            )
        body.append(
            f'<text x="{label_w + (bar_w * min(value, 1.0) if value else 0) + 6:.1f}" y="{y + 17}" '
            f'font-size="12" fill="{INK}" {FONT}>{_pct(value)}</text>'
        )
    if target is not None:
        x = label_w + bar_w * target
        body.append(
            f'<line class="target" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 20}" '
            f'stroke="{INK}" stroke-dasharray="4 3"/>'
        )
    desc = "; ".join(f"{label}: {_pct(value)}" for label, value in items) or "keine Daten"
    return _svg(width, height, title, desc, body, css_class)


def line_chart(points: Sequence[tuple[str, float | None]], *, title: str, css_class: str = "trend") -> SafeString:
    """A line over months for shares between 0 and 1; a month without a figure breaks the line."""
    left, right, top, bottom = 44, 16, 12, 30
    plot_w, plot_h = 600, 180
    width, height = left + plot_w + right, top + plot_h + bottom
    n = max(len(points), 1)
    step = plot_w / max(n - 1, 1)
    body = []
    for k in range(0, 101, 25):
        y = top + plot_h * (1 - k / 100)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{LINE}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" fill="{MUTED}" text-anchor="end" '
            f"{FONT}>{k} %</text>"
        )
    segments, current = [], []
    for i, (label, value) in enumerate(points):
        x = left + i * step
        body.append(
            f'<text x="{x:.1f}" y="{height - 10}" font-size="11" fill="{MUTED}" text-anchor="middle" '
            f"{FONT}>{escape(label)}</text>"
        )
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        y = top + plot_h * (1 - max(0.0, min(value, 1.0)))
        current.append((x, y))
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{ACCENT}">'
            f"<title>{escape(label)}: {_pct(value)}</title></circle>"
        )
    if current:
        segments.append(current)
    for segment in segments:
        if len(segment) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            body.insert(0, f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    desc = "; ".join(f"{label}: {_pct(value)}" for label, value in points)
    return _svg(width, height, title, desc, body, css_class)


def paired_bars(
    items: Sequence[tuple[str, float, float]], *, title: str, unit: str = "", css_class: str = "pairs"
) -> SafeString:
    """Two bars per label: expected (outlined) and actual (filled; red when below expected)."""
    label_w, bar_w, row_h, top = 210, 340, 34, 8
    width, height = label_w + bar_w + 90, top + row_h * max(len(items), 1) + 24
    scale = max([max(e, a) for _, e, a in items] + [1.0])
    body = []
    for i, (label, expected, actual) in enumerate(items):
        y = top + i * row_h
        short = label if len(label) <= 30 else label[:29] + "…"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 20}" font-size="13" fill="{INK}" text-anchor="end" '
            f"{FONT}>{escape(short)}</text>"
        )
        we, wa = bar_w * expected / scale, bar_w * actual / scale
        colour = LATE if actual < expected else OK
        body.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{we:.1f}" height="11" fill="none" stroke="{INK}">'
            f"<title>{escape(label)}: erwartet {expected:.1f}{unit}</title></rect>"
        )
        body.append(
            f'<rect x="{label_w}" y="{y + 17}" width="{wa:.1f}" height="11" fill="{colour}">'
            f"<title>{escape(label)}: tatsächlich {actual:.1f}{unit}</title></rect>"
        )
        text = f"{formats.decimal(actual, 1)} / {formats.decimal(expected, 1)}"
        body.append(
            f'<text x="{label_w + max(we, wa) + 6:.1f}" y="{y + 20}" font-size="12" fill="{INK}" {FONT}>{text}</text>'
        )
    body.append(
        f'<text x="{label_w}" y="{height - 6}" font-size="11" fill="{MUTED}" {FONT}>'
        f"oben erwartet, unten tatsächlich (Ø je Monat)</text>"
    )
    desc = "; ".join(f"{label}: erwartet {e:.1f}, tatsächlich {a:.1f}" for label, e, a in items) or "keine Daten"
    return _svg(width, height, title, desc, body, css_class)


def scale_bars(
    items: Sequence[tuple[str, float | None]], *, title: str, low: int = 1, high: int = 5, css_class: str = "scale"
) -> SafeString:
    """Horizontal bars for averages on a rating scale (`low` to `high`, e.g. 1 to 5), one per
    label; None: no bar, "—" (too few answers to show)."""
    label_w, bar_w, row_h, top = 260, 300, 26, 8
    width, height = label_w + bar_w + 60, top + row_h * max(len(items), 1) + 24
    span = high - low
    body = []
    for k in range(low, high + 1):
        x = label_w + bar_w * (k - low) / span
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 20}" stroke="{LINE}"/>'
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" fill="{MUTED}" text-anchor="middle" {FONT}>{k}</text>'
        )

    def shown(value):
        return "—" if value is None else formats.decimal(value, 1)

    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        short = label if len(label) <= 38 else label[:37] + "…"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 17}" font-size="13" fill="{INK}" text-anchor="end" '
            f"{FONT}>{escape(short)}</text>"
        )
        w = 0.0
        if value is not None:
            w = bar_w * (max(low, min(value, high)) - low) / span
            body.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{ACCENT}" rx="2">'
                f"<title>{escape(label)}: {shown(value)}</title></rect>"
            )
        body.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="12" fill="{INK}" {FONT}>{shown(value)}</text>'
        )
    desc = "; ".join(f"{label}: {shown(value)}" for label, value in items) or "keine Daten"
    return _svg(width, height, title, desc, body, css_class)
