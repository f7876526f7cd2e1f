"""«Загрузка журнала» in a real headless Chromium: from the journal to the import page, a
seller's Excel journal checked (preview, nothing written), confirmed, found in the journal; the
same file again adds nothing; a file with bad rows lists them. The page fits 375 px.
Screenshots: tests/artifacts/journal_import*.png (and /tmp/mpdesk-journal-import*.png)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.conftest import LiveServer, screenshot
from tests.integration.web.test_web_journal_import import SELLER_ROWS, seller_workbook

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _shot(page: Any, name: str) -> None:
    path = screenshot(page, name)
    shutil.copy(path, Path("/tmp") / f"mpdesk-{name.replace('_', '-')}.png")


def _choose(page: Any, data: bytes) -> None:
    page.set_input_files("#file", files=[{"name": "журнал.xlsx", "mimeType": XLSX, "buffer": data}])
    page.click("#import-submit")


def test_seller_imports_an_excel_journal_with_a_preview(page: Any, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.login_link())
    page.click("#link-login")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/journal")
    page.click("#import-link")
    expect(page.locator("h1")).to_have_text("Загрузка журнала из таблицы")
    _shot(page, "journal_import_empty")

    _choose(page, seller_workbook())
    expect(page.locator("#preview-counts")).to_contain_text("Будет загружено: 3")
    rows = page.locator("#preview-rows tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Недостача в поставке 24567891")
    expect(rows.first).to_contain_text("Отправлено, ждём ответа")
    expect(rows.first).to_contain_text("1\u00a0250,50\u00a0₽")
    _shot(page, "journal_import")
    page.set_viewport_size({"width": 375, "height": 812})
    _shot(page, "journal_import_phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("#confirm")
    expect(page.locator("#import-done")).to_contain_text("Загружено обращений: 3")
    page.click("#import-done a")
    expect(page.locator("#results")).to_contain_text("Недостача в поставке 24567891")

    page.goto(f"{live_server.url}/journal/import")
    _choose(page, seller_workbook())
    expect(page.locator("#preview-counts")).to_contain_text("Будет загружено: 0")
    expect(page.locator("#confirm")).to_be_disabled()

    page.goto(f"{live_server.url}/journal/import")
    _choose(page, seller_workbook([*SELLER_ROWS, ["32.11.2026", "ВБ", "космос", "Что-то"]]))
    problems = page.locator("#import-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(page.locator("#import-error")).to_contain_text("ничего не загружено")
    expect(problems.first).to_contain_text("категория «космос» не известна")
    page.set_viewport_size({"width": 375, "height": 812})
    _shot(page, "journal_import_errors_phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # the refused file's page answers 422 on purpose; nothing else may log an error
    assert [e for e in page.console_errors if "422" not in e] == []
