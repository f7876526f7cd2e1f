"""Cases in a real headless Chromium: resolving the claim on its page closes the case (the case
block tells why the first appeal and the follow-up closed), the case page at 375 px, and the
new-appeal form's offer to add a duplicate to the open case. Screenshots go to tests/artifacts/
(git-ignored)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_browser import sign_in
from tests.web_support import escalate_to_claim

from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.services import journal, ticket_actions

pytestmark = pytest.mark.browser


def claim_case(live_server: LiveServer, supply: str) -> tuple[int, int, int]:
    ctx = live_server.wctx.ctx
    draft = AppealDraft(
        "wb", "acceptance", f"Поставка {supply} принята не полностью: не хватает 5 штук.",
        [Identifier(IdType.SUPPLY_ID, supply)],
    )  # fmt: skip
    first = journal.open_ticket(ctx, OWNER, draft, amount_claimed="235.00").ticket.id
    assert first is not None
    follow, claim = escalate_to_claim(ctx, first)
    return first, follow, claim


def test_resolving_the_claim_closes_the_case_at_desk_and_phone_width(
    page: Any, live_server: LiveServer
) -> None:
    from playwright.sync_api import expect

    first, follow, claim = claim_case(live_server, "47000001")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/tickets/{claim}")
    expect(page.locator("#case")).to_contain_text(f"Дело №{first}")
    page.fill("#resolve-amount", "235")
    page.click("#resolve-button")
    expect(page.locator("#ticket-status")).to_have_text("Решено")
    page.goto(f"{live_server.url}/tickets/{first}")
    expect(page.locator("#ticket-status")).to_have_text("Решено")
    expect(page.locator("#case-state")).to_have_text("решено")
    expect(page.locator("#case-appeals li")).to_have_count(3)
    expect(page.locator("#case-appeals")).to_contain_text(f"закрыто: решено по претензии №{claim}")
    expect(page.locator("#case-reason")).to_contain_text(f"решено по претензии №{claim}")
    expect(page.locator("#case-claimed")).to_have_text(re.compile(r"235,00"))
    page.locator("#case").scroll_into_view_if_needed()
    screenshot(page, "case_block", full_page=False)
    page.goto(f"{live_server.url}/cases/{follow}")
    expect(page.locator("h1")).to_contain_text(f"Дело №{first}")
    screenshot(page, "case_page")
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "case_page_phone")
    assert width <= 375, width
    assert page.console_errors == []


def test_new_appeal_about_an_open_case_is_added_to_it(page: Any, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    ctx = live_server.wctx.ctx
    draft = AppealDraft("wb", "acceptance", "Поставка 47000002: недостача 3 штук.",
                        [Identifier(IdType.SUPPLY_ID, "47000002")])  # fmt: skip
    first = journal.open_ticket(ctx, OWNER, draft).ticket.id
    ticket_actions.submit_ticket(ctx, OWNER, first or 0, "SD-20", "wb_service_desk")
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/tickets/new")
    page.fill("#text", "Wildberries: по поставке 47000002 снова не хватает товара, 3 штуки.")
    expect(page.locator("#id_supply_id")).to_have_value(re.compile("47000002"))
    if page.locator("#category").input_value() != "acceptance":
        page.select_option("#category", "acceptance")
    expect(page.locator("#duplicates")).to_contain_text(f"дело №{first}")
    expect(page.locator("#follow-up-choice")).to_be_checked()
    screenshot(page, "new_ticket_duplicate", full_page=False)
    page.click("#save-draft")
    page.wait_for_url(re.compile(r"/tickets/\d+\?done=created"))
    expect(page.locator("#case")).to_contain_text(f"Дело №{first}")
    expect(page.locator("#case-appeals li")).to_have_count(2)
    assert page.console_errors == []
