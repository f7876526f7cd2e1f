"""The pre-trial claim in a real headless Chromium: the seller's legal details typed on
«Настройки» (a bad ИНН refused in Russian, then saved), the claim drafted from an overdue money
appeal with both parties, its PDF downloaded, and the pages at a 375 px phone width.
Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_browser import sign_in
from tests.pdf_support import pdf_text, require_pdf
from tests.web_support import LEGAL

pytestmark = pytest.mark.browser


def fill_legal(page: Any, values: dict[str, str]) -> None:
    block = page.locator(".shop-legal").first
    if not block.locator("details").evaluate("d => d.open"):
        block.locator("summary").click()
    for name, value in values.items():
        block.locator(f"input[name={name}]").fill(value)
    block.locator("button[type=submit]").click()


def test_legal_details_claim_and_its_pdf(page: Any, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    require_pdf()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/account")
    expect(page.locator(".shop-legal").first).to_contain_text("Не хватает для претензии")
    fill_legal(page, {**LEGAL, "inn": "7712000004"})
    expect(page.locator(".alert-error")).to_contain_text("контрольная цифра")
    expect(page.locator(".shop-legal input[name=name]").first).to_have_value("ООО «Ромашка»")
    fill_legal(page, LEGAL)
    page.wait_for_url(re.compile(r"/account\?done=legal"))
    block = page.locator(".shop-legal").first
    expect(block).to_contain_text("7712000003")
    expect(block).not_to_contain_text("Не хватает для претензии")
    block.scroll_into_view_if_needed()
    screenshot(page, "account_legal", full_page=False)
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "account_legal_phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.locator("#due-board li.due-overdue a").first.click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    page.locator("#draft-claim").click()
    page.wait_for_url(re.compile(r"/tickets/\d+\?done=claim"))
    body = page.locator("body")
    expect(body).to_contain_text("Досудебная претензия составлена")
    expect(body).to_contain_text("ООО «РВБ»")
    link = page.locator("#claim-pdf")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    pdf = info.value.path().read_bytes()
    text = pdf_text(pdf)
    assert "ООО «РВБ»" in text and "7712000003" in text and "ПРЕТЕНЗИЯ" in text
    screenshot(page, "claim_ticket")
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "claim_ticket_phone")
    page.goto(f"{live_server.url}/kb?section=marketplaces")
    expect(page.locator("#mp-wb")).to_contain_text("ООО «РВБ»")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "kb_marketplaces_phone")
    # the one error the browser logs is the refused form (422), answered with the page
    assert [e for e in page.console_errors if "422" not in e] == []
