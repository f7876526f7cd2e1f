"""A huge correspondence entry (a 2 MB reply pasted whole) is shown folded on the ticket page:
its start and «показать полностью»; unfolded, it scrolls inside its box, so the page keeps a
sane height at desk and phone width."""

from __future__ import annotations

from typing import Any

import pytest
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_browser import sign_in

from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.tickets import Status
from mpdesk.services import journal, ticket_actions
from mpdesk.services.ports.journal import TicketFilter

pytestmark = pytest.mark.browser

LINE = "Строка {n}: ответ поддержки маркетплейса по обращению, пересчёт по акту приёмки.\n"


def huge_reply() -> str:
    parts: list[str] = []
    size = 0
    n = 0
    while size < 2_000_000:
        n += 1
        line = LINE.format(n=n)
        parts.append(line)
        size += len(line.encode())
    return "".join(parts)


def test_two_megabyte_reply_is_folded_and_the_page_stays_short(
    page: Any, live_server: LiveServer
) -> None:
    from playwright.sync_api import expect

    ctx = live_server.wctx.ctx
    waiting = journal.list_tickets(
        ctx, LOCAL_OWNER, TicketFilter(status=[Status.SUBMITTED], limit=1)
    )[0]
    assert waiting.id is not None
    sizes = ((1280, 900), (375, 812))
    # an ordinary answer first: the page then looks the same before and after the huge one
    ticket_actions.record_reply(ctx, LOCAL_OWNER, waiting.id, "Ответ получен, проверяем.")
    sign_in(page, live_server)
    before = {}
    for width, height in sizes:  # the page's height with the short answer only
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/tickets/{waiting.id}")
        before[width] = page.evaluate("document.documentElement.scrollHeight")
    ticket_actions.record_reply(ctx, LOCAL_OWNER, waiting.id, huge_reply())
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/tickets/{waiting.id}")
        fold = page.locator("details.fold").last
        expect(fold.locator("summary")).to_contain_text("Строка 1: ответ поддержки")
        expect(fold.locator("summary")).to_contain_text("показать полностью")
        folded = page.evaluate("document.documentElement.scrollHeight")
        assert folded < before[width] + 600, (before[width], folded)  # only its start
        screenshot(page, f"ticket_long_reply_{width}")
        fold.locator("summary").click()
        expect(fold.locator(".fold-body")).to_be_visible()
        expect(fold.locator("summary")).to_contain_text("свернуть")
        unfolded = page.evaluate("document.documentElement.scrollHeight")
        assert unfolded < folded + 1.2 * height, (folded, unfolded)
        body = fold.locator(".fold-body")
        inner = body.evaluate("e => e.scrollHeight")
        assert inner > 100_000, inner  # the whole reply is there, scrolled inside its box
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"ticket_long_reply_open_{width}", full_page=False)
    assert page.console_errors == []
