"""The browser's own validation bubbles speak Russian: a required field left empty, a number
out of range and a too short password get the catalogue's texts (static/app.js), never the
browser's English ones, and the form is not sent; typing clears the message."""

from __future__ import annotations

from typing import Any

import pytest
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_browser import sign_in

from mpdesk.bootstrap import shipped_messages

pytestmark = pytest.mark.browser

TEXTS = shipped_messages()


def message_of(page: Any, selector: str) -> str:
    return str(page.eval_on_selector(selector, "e => e.validationMessage"))


def test_empty_login_form_is_stopped_with_a_russian_bubble(
    page: Any, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/login")
    page.click("button[type=submit]")
    assert page.url.endswith("/login")  # not sent
    assert message_of(page, "#login") == TEXTS["validation_required"]
    screenshot(page, "login_validation", full_page=False)
    page.fill("#login", "admin")
    assert message_of(page, "#login") == ""  # typing cleared it
    page.click("button[type=submit]")
    assert message_of(page, "#password") == TEXTS["validation_required"]
    assert page.console_errors == []


def test_number_out_of_range_and_short_password(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/deadlines")
    page.fill("#days", "500")
    page.click("form.inline-form button[type=submit]")
    assert message_of(page, "#days") == TEXTS["validation_max"].format(max=90)
    page.fill("#days", "0")
    page.click("form.inline-form button[type=submit]")
    assert message_of(page, "#days") == TEXTS["validation_min"].format(min=1)
    assert "days=0" not in page.url and "days=500" not in page.url
    page.goto(f"{live_server.url}/account")
    form = page.locator("form:has(#new)")
    page.fill("#new", "abc")
    form.locator("button[type=submit]").click()
    assert message_of(page, "#new") == TEXTS["validation_too_short"].format(min=8, count=3)
    english = page.evaluate(
        "[...document.querySelectorAll('input,select,textarea')].map(e => e.validationMessage)"
        ".filter(m => /[A-Za-z]{3}/.test(m))"
    )
    assert english == []
    assert page.console_errors == []
