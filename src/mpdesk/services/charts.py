"""Server-side SVG charts: pure functions from data to a self-contained ``<svg>`` string.

No JavaScript, no CDN, no fonts to fetch: the web dashboard and the HTML report inline the
result. Every text is XML-escaped; the caller passes Russian titles from the catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

_FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
_BAR = "#3b6fb6"


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".replace(",", "\u202f")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop ends at 10 × magnitude


def bar_chart(
    points: Sequence[tuple[str, float]], title: str, width: int = 640, height: int = 240
) -> str:
    """Vertical bars (e.g. appeals per week) with a value above each bar."""
    top, bottom, left, right = 32, 28, 40, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((v for _, v in points), default=0))
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='{escape(title)}' {_FONT}>",
        f"<title>{escape(title)}</title>",
        f"<text x='{left}' y='18' font-size='14' font-weight='bold'>{escape(title)}</text>",
        f"<line x1='{left}' y1='{top + plot_h}' x2='{width - right}' y2='{top + plot_h}' "
        "stroke='#999'/>",
        f"<text x='{left - 4}' y='{top + 4}' font-size='10' text-anchor='end'>{_fmt(peak)}</text>",
    ]
    n = max(len(points), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.7, 1)
    for i, (label, value) in enumerate(points):
        h = plot_h * value / peak if peak else 0
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h - h
        parts.append(
            f"<rect x='{x:.1f}' y='{y:.1f}' width='{bar_w:.1f}' height='{h:.1f}' fill='{_BAR}'>"
            f"<title>{escape(label)}: {_fmt(value)}</title></rect>"
        )
        if value:
            parts.append(
                f"<text x='{x + bar_w / 2:.1f}' y='{y - 3:.1f}' font-size='10' "
                f"text-anchor='middle'>{_fmt(value)}</text>"
            )
        parts.append(
            f"<text x='{x + bar_w / 2:.1f}' y='{height - 10}' font-size='10' "
            f"text-anchor='middle'>{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(
    points: Sequence[tuple[str, float]], title: str, width: int = 640, row: int = 22
) -> str:
    """Horizontal bars with labels on the left (categories, money claimed vs recovered)."""
    top, label_w, right = 32, 220, 90
    height = top + row * max(len(points), 1) + 8
    plot_w = width - label_w - right
    peak = max((v for _, v in points), default=0) or 1
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='{escape(title)}' {_FONT}>",
        f"<title>{escape(title)}</title>",
        f"<text x='0' y='18' font-size='14' font-weight='bold'>{escape(title)}</text>",
    ]
    for i, (label, value) in enumerate(points):
        y = top + i * row
        w = plot_w * value / peak
        parts.append(
            f"<text x='{label_w - 6}' y='{y + row * 0.65:.1f}' font-size='11' "
            f"text-anchor='end'>{escape(label)}</text>"
            f"<rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='{row - 6}' fill='{_BAR}'/>"
            f"<text x='{label_w + w + 4:.1f}' y='{y + row * 0.65:.1f}' font-size='11'>"
            f"{_fmt(value)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
