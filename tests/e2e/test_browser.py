"""End to end in a real headless Chromium: the seller's main path and the negative cases.

Scenario: paste text → appeal prefilled → attach a photo (drag and drop) → copy the text →
mark submitted → log the answer → resolve. Screenshots of every main page go to
tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from tests.e2e.conftest import LiveServer, screenshot

from mpdesk.services.demo import demo_photo

pytestmark = pytest.mark.browser

TEXT = (
    "Wildberries: поставка 24567891 принята не полностью 12.11.2026 — отгрузили 120 штук, "
    "а по акту приёмки приняли только 95. Просим пересчитать и принять недостающие 25 штук."
)


def sign_in(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.login_link())
    page.click("#link-login")
    page.wait_for_url(f"{live_server.url}/")


def drop_photo(page: Any) -> None:
    """A real drop event with a File in its DataTransfer, as a person dragging a photo."""
    data = base64.b64encode(demo_photo()).decode()
    page.evaluate(
        """(data) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const file = new File([bytes], "korobka.png", {type: "image/png"});
            const dt = new DataTransfer();
            dt.items.add(file);
            const zone = document.querySelector("[data-dropzone]");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
        }""",
        data,
    )


def test_seller_files_an_appeal_and_follows_it_to_resolution(
    page: Any, live_server: LiveServer
) -> None:
    from playwright.sync_api import expect

    sign_in(page, live_server)
    expect(page.locator("h1")).to_have_text("Сводка")
    # deadlines and analytics: server-side SVG charts, no script, no CDN
    expect(page.locator("#due-board")).to_contain_text("просрочено на")
    expect(page.locator("#analytics figure.chart svg >> visible=true")).to_have_count(4)
    expect(page.locator("#chart-money svg >> visible=true")).to_be_visible()
    assert page.locator("#chart-weekly svg rect").count() >= 1
    screenshot(page, "dashboard")

    page.click("text=Новое обращение")
    page.fill("#text", TEXT)  # an input event: HTMX asks for live triage
    expect(page.locator("#marketplace")).to_have_value("wb")
    expect(page.locator("#category")).to_have_value("acceptance")
    expect(page.locator("#id_supply_id")).to_have_value(re.compile("24567891"))
    expect(page.locator("#appeal-subject")).to_contain_text("24567891")
    expect(page.locator(".checklist li[data-item=evidence]")).to_have_class(re.compile("todo"))

    drop_photo(page)
    expect(page.locator("#file-list li")).to_have_count(1)
    expect(page.locator(".checklist li[data-item=evidence]")).to_have_class(re.compile("done"))
    screenshot(page, "new_ticket")

    page.click("#copy-button")
    expect(page.locator("#copy-button")).to_have_text("Скопировано")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Тема: ") and "24567891" in copied

    page.fill("#external_id", "SD-100200")
    page.click("#mark-submitted")
    page.wait_for_url(re.compile(r"/tickets/\d+\?done=created"))
    expect(page.locator("#ticket-status")).to_have_text("Отправлено, ждём ответа")
    expect(page.locator("#external-id")).to_have_text("SD-100200")
    expect(page.locator("#deadline")).to_contain_text("МСК")
    # the «Сроки» block comes in by HTMX: the ladder and the reply clock in Moscow time
    expect(page.locator("#clocks .ladder li.current")).to_have_text(re.compile("обращение"))
    expect(page.locator("#clock-table")).to_contain_text("осталось")
    thumb = page.locator("img.thumb").first
    expect(thumb).to_be_visible()
    thumb.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )

    page.fill("#reply-text", "Здравствуйте! Недостающие 25 штук найдены и приняты на склад.")
    page.click("#reply-submit")
    expect(page.locator("#ticket-status")).to_have_text("Получен ответ")
    expect(page.locator(".msg-in")).to_contain_text("25 штук найдены")

    page.fill("#resolve-amount", "18750")
    page.click("#resolve-button")
    expect(page.locator("#ticket-status")).to_have_text("Решено")
    screenshot(page, "ticket")
    assert page.console_errors == []


def test_journal_search_and_pages_at_phone_width(page: Any, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    sign_in(page, live_server)
    page.goto(f"{live_server.url}/journal")
    page.fill("#q", "приёмке")  # the demo ticket says «приёмки»
    expect(page).to_have_url(re.compile(r"q=%D0%BF%D1%80%D0%B8%D1%91%D0%BC%D0%BA%D0%B5"))
    rows = page.locator("table.journal tbody tr")
    expect(rows.first).to_contain_text("24567891")
    screenshot(page, "journal")
    page.goto(f"{live_server.url}/kb")
    expect(page.locator("h1")).to_have_text("База знаний")
    screenshot(page, "kb")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/journal")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways at phone width"
    screenshot(page, "journal_phone")
    page.goto(f"{live_server.url}/tickets/new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "new_ticket_phone")
    assert page.console_errors == []


def test_script_in_ticket_text_does_not_run(page: Any, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    sign_in(page, live_server)
    page.goto(f"{live_server.url}/tickets/new")
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    page.select_option("#marketplace", "ozon")
    page.select_option("#category", "other")
    page.fill("#text", "Вопрос по договору " + payload)
    expect(page.locator("#appeal-body")).to_contain_text("window.__xss")
    page.click("#save-draft")
    page.wait_for_url(re.compile(r"/tickets/\d+"))
    expect(page.locator("#appeal-body")).to_contain_text("<script>")
    assert page.evaluate("window.__xss") is None


def test_another_shops_ticket_and_bad_password_in_the_browser(
    page: Any, live_server: LiveServer
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/tickets/1")
    expect(page).to_have_url(re.compile("/login"))
    # past the limit every attempt waits 1 s, 2 s, 4 s…: on a slow machine an attempt may come
    # after a short wait is over, but the growing wait catches up within a few attempts
    for _ in range(live_server.wctx.policy.login_max_attempts + 8):
        page.fill("#login", "nobody")
        page.fill("#password", "wrong-password")
        page.click("button[type=submit]")
        if "Слишком много" in page.locator(".alert-error").inner_text():
            break
    expect(page.locator(".alert-error")).to_contain_text("Слишком много")
    screenshot(page, "login_throttled")


def test_dashboard_and_ticket_clocks_at_desk_and_phone_width(
    page: Any, live_server: LiveServer
) -> None:
    """The demo's overdue appeal: on «Сводка» with how long it is overdue, on «Сроки», and on
    its page the ladder with the follow-up button; the dashboard fits a phone."""
    from playwright.sync_api import expect

    sign_in(page, live_server)
    overdue = page.locator("#due-board li.due-overdue a").first
    expect(overdue).to_contain_text("Спорное начисление")
    overdue.click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator("#ladder-reason")).to_contain_text("Ответ просрочен")
    expect(page.locator("#clock-table")).to_contain_text("просрочено на")
    expect(page.locator("#draft-follow-up")).to_be_visible()
    page.locator("#clocks").scroll_into_view_if_needed()
    screenshot(page, "ticket_deadlines", full_page=False)
    page.goto(f"{live_server.url}/deadlines")
    expect(page.locator("#overdue")).to_contain_text("SD-1049902")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    expect(page.locator("#analytics figure.chart svg >> visible=true")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "dashboard_phone")
    assert page.console_errors == []


def test_background_jobs_and_shop_deletion_pages(page: Any, live_server: LiveServer) -> None:
    """An administrator runs the reminder job from «Фоновые задачи» and sees its result; the
    «Удалить магазин» block on «Аккаунт» opens and asks for the shop's name; both fit a
    phone's width."""
    from playwright.sync_api import expect

    sign_in(page, live_server)
    page.goto(f"{live_server.url}/jobs")
    page.get_by_role("button", name="Напоминания о сроках").click()
    page.wait_for_url(re.compile(r"/jobs\?done=ran"))
    expect(page.locator("table")).to_contain_text("Напоминания о сроках")
    expect(page.locator("table")).to_contain_text("выполнено")
    screenshot(page, "jobs")
    page.goto(f"{live_server.url}/account")
    page.locator("details.danger-zone summary").click()
    expect(page.locator("#d-confirm")).to_be_visible()
    screenshot(page, "account_delete_shop")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/jobs", "/account"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    screenshot(page, "jobs_phone")


def test_text_with_two_problems_is_split_into_two_drafts(
    page: Any, live_server: LiveServer
) -> None:
    from playwright.sync_api import expect

    sign_in(page, live_server)
    page.click("text=Новое обращение")
    page.fill(
        "#text",
        "Вайлдберриз, поставка 24567891: приняли 75 из 100, просим перепринять поставку. "
        "Кроме того, верните штраф 5000 руб, который удержали за отмену заказа 1187330245.",
    )
    expect(page.locator("#category")).to_have_value("finance")
    offer = page.locator("#other-problems")
    expect(offer).to_contain_text("Приёмка")
    expect(offer).to_contain_text("просим перепринять поставку")
    offer.locator("button").click()
    expect(page.locator("#split-created")).to_contain_text("сохранён отдельно")
    expect(page.locator("#text")).to_have_value(re.compile("верните штраф 5000"))
    expect(page.locator("#other-problems li[data-problem=acceptance] a")).to_have_text(
        re.compile(r"черновик №\d+")
    )
    screenshot(page, "new_ticket_split")
    page.click("#split-created a")
    expect(page.locator("h1")).to_contain_text("приёмке поставки № 24567891")
    assert page.console_errors == []


def test_ticket_page_fits_a_375_px_phone(page: Any, live_server: LiveServer) -> None:
    """A seller reads an appeal on the phone: no sideways scrolling on the ticket page."""
    sign_in(page, live_server)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/journal")
    href = page.locator("table.journal a[href^='/tickets/']").first.get_attribute("href")
    page.goto(f"{live_server.url}{href}")
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "ticket_phone")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > 376).slice(-6).map(e => e.tagName + '.' + e.className + '#' + e.id)"
    )
    assert width <= 375, (width, wide)
