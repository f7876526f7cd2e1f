"""Server-side SVG charts: self-contained, escaped, proportional."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mpdesk.services import charts


def test_bar_chart_is_valid_self_contained_svg() -> None:
    svg = charts.bar_chart([("16.11", 4), ("23.11", 0), ("<b>", 2.5)], "Обращения & «недели»")
    root = ET.fromstring(svg)  # well-formed XML: labels are escaped
    assert root.tag.endswith("svg") and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    heights = [float(r.get("height", 0)) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert heights[0] == 1.6 * heights[2] and heights[1] == 0  # 4 and 2.5 of a nice max of 5
    assert "&lt;b&gt;" in svg and "<script" not in svg


def test_horizontal_bars_and_empty_data() -> None:
    svg = charts.horizontal_bars([("Под претензиями", 1500.5), ("Возвращено", 0)], "Деньги")
    ET.fromstring(svg)
    assert "1\u202f500.50" in svg
    ET.fromstring(charts.bar_chart([], "Пусто"))
    ET.fromstring(charts.horizontal_bars([], "Пусто"))
