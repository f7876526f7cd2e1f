"""Charts as data: the geometry of bar charts (positions, sizes, labels and values formatted
for people). The markup is an autoescaped SVG template (``knowledge/reports/charts/``) drawn by
the report renderer, so no text of a chart is ever pasted into markup by Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from mpdesk.domain.charts import Chart, Mark
from mpdesk.services.formatting import number


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
) -> Chart:
    """Vertical bars (e.g. appeals per week) with a value above each bar."""
    top, bottom, left, right = 32, 28, 40, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((v for _, v in points), default=0))
    slot = plot_w / max(len(points), 1)
    bar_w = max(slot * 0.7, 1)
    marks = []
    for i, (label, value) in enumerate(points):
        h = plot_h * value / peak if peak else 0
        x = left + i * slot + (slot - bar_w) / 2
        marks.append(Mark(x, top + plot_h - h, bar_w, h, label, number(value), bool(value)))
    return Chart("bars", title, width, height, marks, left, top, top + plot_h, number(peak))


def horizontal_bars(
    points: Sequence[tuple[str, float]], title: str, width: int = 640, row: int = 22
) -> Chart:
    """Horizontal bars with labels on the left (categories, money claimed vs recovered)."""
    top, label_w, right = 32, 220, 90
    height = top + row * max(len(points), 1) + 8
    plot_w = width - label_w - right
    peak = max((v for _, v in points), default=0) or 1
    marks = [
        Mark(label_w, top + i * row, plot_w * value / peak, row, label, number(value))
        for i, (label, value) in enumerate(points)
    ]
    return Chart("hbars", title, width, height, marks, top=top, label_width=label_w)
