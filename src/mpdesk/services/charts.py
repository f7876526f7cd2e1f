"""Charts as data: the geometry of bar charts (positions, sizes, labels and values formatted
for people). The markup is an autoescaped SVG template (``knowledge/reports/charts/``) drawn by
the report renderer, so no text of a chart is ever pasted into markup by Python.
"""

from __future__ import annotations

import math
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


#: a chart this wide or narrower is laid out for a phone (no title inside, labels above bars)
NARROW = 320
#: the width of one character of the 10-11 px chart font, generously (DejaVu Sans, Cyrillic)
CHAR_PX = 7.0


def _every(widest: int, slot: float) -> int:
    """Print every n-th label so that labels ``widest`` characters long do not overlap."""
    return max(1, math.ceil((widest * CHAR_PX + 4) / max(slot, 1)))


def bar_chart(
    points: Sequence[tuple[str, float]], title: str, width: int = 640, height: int = 240
) -> Chart:
    """Vertical bars (e.g. appeals per week) with a value above each bar; where bars are too
    close for their labels (a narrow chart), every n-th bar is labelled, the last one always."""
    narrow = width <= NARROW
    top, bottom, left, right = (12 if narrow else 32), 28, (30 if narrow else 40), 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((v for _, v in points), default=0))
    slot = plot_w / max(len(points), 1)
    bar_w = max(slot * 0.7, 1)
    values = [number(v) for _, v in points]
    label_step = _every(max((len(label) for label, _ in points), default=0), slot)
    value_step = _every(max((len(v) for v in values), default=0), slot)
    last = len(points) - 1
    marks = []
    for i, (label, value) in enumerate(points):
        h = plot_h * value / peak if peak else 0
        x = left + i * slot + (slot - bar_w) / 2
        marks.append(
            Mark(
                x, top + plot_h - h, bar_w, h, label, values[i],
                shown=bool(value) and (last - i) % value_step == 0,
                labelled=(last - i) % label_step == 0,
            )
        )  # fmt: skip
    return Chart(
        "bars", title, width, height, marks, left, top, top + plot_h, number(peak),
        show_title=not narrow,
    )  # fmt: skip


def horizontal_bars(
    points: Sequence[tuple[str, float]], title: str, width: int = 640, row: int = 22
) -> Chart:
    """Horizontal bars with labels on the left (categories, money claimed vs recovered); a
    narrow chart puts each label above its bar, so long labels keep the whole width."""
    if width <= NARROW:
        top, label_w, right, row = 4, 0, 64, row + 16
    else:
        top, label_w, right = 32, 220, 90
    height = top + row * max(len(points), 1) + 8
    plot_w = width - label_w - right
    peak = max((v for _, v in points), default=0) or 1
    marks = [
        Mark(label_w, top + i * row, plot_w * value / peak, row, label, number(value))
        for i, (label, value) in enumerate(points)
    ]
    return Chart(
        "hbars", title, width, height, marks, top=top, label_width=label_w,
        show_title=width > NARROW,
    )  # fmt: skip
