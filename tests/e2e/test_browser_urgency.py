"""«Срочные» in the browser: the journal's checkbox filters to urgent appeals (HTMX, and the
address keeps the filter), each with the «срочно» badge; the ticket page says why and what to
do now. Desk and 375 px phone widths."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_browser import sign_in

from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.services import journal

pytestmark = pytest.mark.browser


def test_urgent_filter_badge_and_first_action(page: Any, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    opened = journal.open_ticket(
        live_server.wctx.ctx,
        LOCAL_OWNER,
        AppealDraft(
            "wb", "other",
            "Личный кабинет заблокировали вчера, продажи стоят. Просим срочно разблокировать.",
        ),
    )  # fmt: skip
    urgent_id = opened.ticket.id
    sign_in(page, live_server)
    for width, height in ((1280, 900), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/journal")
        page.check("#f-urgent")
        page.wait_for_url(re.compile(r"urgent=1"))
        rows = page.locator("table.journal tbody tr")
        expect(rows.first).to_contain_text("срочно")
        hrefs = rows.locator("a[href^='/tickets/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert f"/tickets/{urgent_id}" in hrefs
        assert rows.count() == page.locator("table.journal .badge.warn").count()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"journal_urgent_{width}")
        page.click(f"a[href='/tickets/{urgent_id}']")
        expect(page.locator("#urgency")).to_contain_text("Кабинет заблокирован")
        expect(page.locator("#urgency")).to_contain_text("Что сделать сейчас")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"ticket_urgent_{width}", full_page=False)
    page.goto(f"{live_server.url}/journal")
    page.check("#f-urgent")
    # the filtered page must have loaded: the plain journal's URL would match the wait below
    # at once, and the rows counted would be the urgent ones
    page.wait_for_url(re.compile(r"urgent=1"))
    page.uncheck("#f-urgent")
    page.wait_for_url(re.compile(r"/journal(\?(?!.*urgent=1).*)?$"))
    assert (
        page.locator("table.journal tbody tr").count()
        > page.locator("table.journal .badge.warn").count()
    )
    assert page.console_errors == []
