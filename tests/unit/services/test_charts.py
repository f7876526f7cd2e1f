"""Charts: proportional bars, numbers printed the Russian way, and markup that no text can
break out of (every title and label is escaped by the SVG template)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.reports import JinjaReportRenderer
from mpdesk.services import charts

SVG = "{http://www.w3.org/2000/svg}"
RENDERER = JinjaReportRenderer(KnowledgeFiles(None).dirs)


def test_bar_chart_is_valid_self_contained_svg() -> None:
    svg = RENDERER.render_chart(
        charts.bar_chart([("16.11", 4), ("23.11", 0), ("<b>", 2.5)], "Обращения & «недели»")
    )
    root = ET.fromstring(svg)  # well-formed XML: labels are escaped
    assert root.tag == f"{SVG}svg" and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    heights = [float(r.get("height", 0)) for r in root.iter(f"{SVG}rect")]
    assert heights[0] == 1.6 * heights[2] and heights[1] == 0  # 4 and 2.5 of a nice max of 5
    assert "&lt;b&gt;" in svg and "<b>" not in svg


def test_numbers_have_a_decimal_comma_like_everywhere_else() -> None:
    chart = charts.horizontal_bars([("Под претензиями", 1500.5), ("Возвращено", 0)], "Деньги")
    svg = RENDERER.render_chart(chart)
    values = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "1\u00a0500,5" in values and "0" in values
    ET.fromstring(RENDERER.render_chart(charts.bar_chart([], "Пусто")))
    ET.fromstring(RENDERER.render_chart(charts.horizontal_bars([], "Пусто")))


def test_a_title_cannot_inject_an_attribute() -> None:
    for title in ("x' onload='alert(1)", 'x" onload="alert(1)', "x\" onload='alert(1)"):
        for chart in (charts.bar_chart([(title, 1)], title), charts.horizontal_bars([], title)):
            root = ET.fromstring(RENDERER.render_chart(chart))
            assert root.get("onload") is None
            assert root.get("aria-label") == title
            assert all("onload" not in e.attrib for e in root.iter())


def test_narrow_bar_chart_labels_every_nth_bar_so_labels_do_not_meet() -> None:
    weeks = [(f"{d:02d}.11", float(d)) for d in range(1, 13)]
    wide = charts.bar_chart(weeks, "Недели")
    narrow = charts.bar_chart(weeks, "Недели", width=charts.NARROW)
    assert all(m.labelled for m in wide.marks) and wide.show_title
    labelled = [m for m in narrow.marks if m.labelled]
    assert narrow.marks[-1].labelled and not narrow.show_title
    gaps = [b.x - a.x for a, b in itertools.pairwise(labelled)]
    assert len(labelled) < len(weeks) and min(gaps) >= 5 * charts.CHAR_PX
    labels = [t.text for t in ET.fromstring(RENDERER.render_chart(narrow)).iter(f"{SVG}text")]
    assert "12.11" in labels and "11.11" not in labels


def test_narrow_horizontal_bars_put_labels_above_the_bars() -> None:
    chart = charts.horizontal_bars(
        [("Service Desk в «WB Партнёры»", 3.0), ("Чат поддержки Ozon", 1.0)], "Каналы",
        width=charts.NARROW,
    )  # fmt: skip
    root = ET.fromstring(RENDERER.render_chart(chart))
    texts = {t.text: float(t.get("y", 0)) for t in root.iter(f"{SVG}text")}
    rects = [float(r.get("y", 0)) for r in root.iter(f"{SVG}rect")]
    assert "Каналы" not in texts  # the page prints the title
    assert texts["Service Desk в «WB Партнёры»"] < rects[0] < texts["Чат поддержки Ozon"] < rects[1]
    widths = [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect")]
    assert max(widths) + 4 + 7 * charts.CHAR_PX <= charts.NARROW  # room for the value
