"""«Аудит» in a real headless Chromium: drop the seller's shipment list and WB's incomes onto
the page, audit them into the demo WB shop, see the per-file verdicts and the findings, draft
the appeal for the supply and open it. Screenshot: tests/artifacts/audit.png."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

WB = Path(__file__).resolve().parents[1] / "importers" / "wb" / "fixtures"


def drop_files(page: Any, paths: list[Path]) -> None:
    """A real drop event carrying the files, as a person dragging them from a folder."""
    files = [{"name": p.name, "data": base64.b64encode(p.read_bytes()).decode()} for p in paths]
    page.evaluate(
        """(files) => {
            const dt = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
                dt.items.add(new File([bytes], f.name, {type: "application/octet-stream"}));
            }
            const zone = document.querySelector("[data-dropzone]");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
        }""",
        files,
    )


def test_seller_audits_reports_and_drafts_an_appeal(page: Any, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.login_link())
    page.click("#link-login")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav >> text=Аудит")
    expect(page.locator("h1")).to_have_text("Аудит отчётов")

    drop_files(page, [WB / "shipment_list.xlsx", WB / "incomes.json"])
    expect(page.locator("#file-list li")).to_have_count(2)
    page.select_option("#shop_id", label="Демо-магазин WB (Wildberries)")
    page.click("#audit-submit")
    page.wait_for_url(f"{live_server.url}/audit")

    files = page.locator("#run-files tbody tr")
    expect(files).to_have_count(2)
    expect(files.nth(0)).to_contain_text("список отгрузки продавца")
    expect(files.nth(1)).to_contain_text("поставки WB (принятый товар)")
    expect(page.locator("#run-summary")).to_contain_text("Недостача при приёмке")
    expect(page.locator("#run-summary tr.total")).to_contain_text("2\u00a0050,00\u00a0₽")
    rows = page.locator("#findings-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("24567891")
    expect(rows.first).to_contain_text("shipment_list.xlsx: стр.")
    screenshot(page, "audit")

    for box in page.locator("#findings-table input[name=ids]").all():
        box.check()
    page.click("#draft-button")
    page.wait_for_url(re.compile(r"/audit\?drafted=\d+"))
    link = page.locator("#drafted a.drafted-link")
    expect(link).to_have_count(1)
    expect(link).to_contain_text("Расхождение при приёмке поставки № 24567891")
    screenshot(page, "audit_drafted")
    link.click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator("h1")).to_contain_text("24567891")
    expect(page.locator("body")).to_contain_text("audit-acceptance-24567891.xlsx")
    expect(page.locator("body")).to_contain_text("2039876543210")

    page.goto(f"{live_server.url}/audit?status=drafted")
    expect(page.locator("#findings-table tbody tr")).to_have_count(3)
    expect(page.locator("#findings-table .ticket-link").first).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/audit")
    screenshot(page, "audit_phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []
