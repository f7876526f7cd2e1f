"""The charts of «Сводка» are readable on a 375 px phone: the phone layout is shown (not the
desk chart shrunk to half), drawn at nearly its own size, and no two labels overlap or run out
of the chart; at desk width the desk layout is shown."""

from __future__ import annotations

from typing import Any

import pytest
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_browser import sign_in

pytestmark = pytest.mark.browser

#: the boxes of every visible chart's texts, its own box and the scale it is drawn at
MEASURE = """() => [...document.querySelectorAll('#analytics figure.chart svg')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .map(svg => {
    const box = svg.getBoundingClientRect();
    return {
      id: svg.closest('figure').id,
      scale: box.width / Number(svg.getAttribute('width')),
      box: [box.left, box.top, box.right, box.bottom],
      texts: [...svg.querySelectorAll('text')].map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent, box: [r.left, r.top, r.right, r.bottom]};
      }),
    };
  })"""


def overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def check_readable(charts: list[dict[str, Any]], min_scale: float) -> None:
    assert [c["id"] for c in charts] == [
        "chart-money", "chart-weekly", "chart-medians", "chart-categories"
    ]  # fmt: skip
    for chart in charts:
        assert chart["scale"] >= min_scale, (chart["id"], chart["scale"])
        left, top, right, bottom = chart["box"]
        texts = chart["texts"]
        assert texts, chart["id"]
        for t in texts:
            x0, y0, x1, y1 = t["box"]
            inside = (
                x0 >= left - 0.5 and x1 <= right + 0.5 and y0 >= top - 0.5 and y1 <= bottom + 0.5
            )
            assert inside, (chart["id"], t)
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                assert not overlaps(a["box"], b["box"]), (chart["id"], a, b)


def test_dashboard_charts_are_readable_at_375_px_and_at_desk_width(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/")
    page.locator("#analytics figure.chart").first.wait_for()
    phone = page.evaluate(MEASURE)
    check_readable(phone, min_scale=0.85)
    assert page.locator("#chart-medians figcaption").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("#analytics .charts").scroll_into_view_if_needed()
    screenshot(page, "dashboard_charts_375", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.locator("#analytics figure.chart").first.wait_for()
    desk = page.evaluate(MEASURE)
    check_readable(desk, min_scale=0.7)
    assert not page.locator("#chart-medians figcaption").is_visible()
    page.locator("#analytics .charts").scroll_into_view_if_needed()
    screenshot(page, "dashboard_charts_1280", full_page=False)
    assert page.console_errors == []
