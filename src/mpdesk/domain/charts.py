"""A chart as data: bars with their boxes, labels and printed values (drawn by an autoescaped
SVG template, never by string concatenation)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    """One bar: its box, its label and its value as printed."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    shown: bool = True  # print the value next to the bar
    labelled: bool = True  # print the label (a narrow chart labels every n-th bar)


@dataclass(frozen=True)
class Chart:
    template: str  # ``bars`` (vertical) or ``hbars`` (horizontal)
    title: str
    width: int
    height: int
    marks: list[Mark] = field(default_factory=list)
    #: vertical bars: the plot's left edge, top, bottom, and the value at the top of the axis
    left: float = 0
    top: float = 0
    bottom: float = 0
    peak: str = ""
    label_width: float = 0  # horizontal bars: the width of the label column (0: label above)
    show_title: bool = True  # False: the page prints the title above the chart (narrow charts)
