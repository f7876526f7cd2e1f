"""A live mpdesk server (uvicorn in a thread, SQLite in a temp home) and a real headless
Chromium from Debian (``chromium`` + ``chromium-driver``) driven by Playwright.

Without /usr/bin/chromium the browser tests skip with the reason, unless
MPDESK_REQUIRE_BROWSER=1 (CI), where they fail instead."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.servers import free_port
from tests.web_support import fast_web_context

from mpdesk.bootstrap import bootstrap
from mpdesk.config import Settings
from mpdesk.entrypoints.web.app import create_app
from mpdesk.services import accounts, demo
from mpdesk.services.accounts import WebContext

CHROMIUM = Path(os.environ.get("MPDESK_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    if CHROMIUM.exists() and shutil.which(str(CHROMIUM)):
        return
    reason = (
        f"Chromium not found at {CHROMIUM}: install the Debian packages "
        "(apt-get install chromium chromium-driver)"
    )
    if os.environ.get("MPDESK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MPDESK_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@dataclass
class LiveServer:
    url: str
    wctx: WebContext
    admin_login: str

    def login_link(self) -> str:
        return f"{self.url}/login/link/{accounts.create_login_link(self.wctx, self.admin_login)}"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_browser()
    import uvicorn

    home = tmp_path_factory.mktemp("home")
    application = bootstrap(Settings(home=home, database_url=f"sqlite:///{home / 'mpdesk.db'}"))
    wctx = fast_web_context(application)
    demo.seed_demo(application.ctx)
    admin = accounts.ensure_first_admin(wctx)
    port = free_port()
    config = uvicorn.Config(
        create_app(application, wctx), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", wctx, admin.login)
    server.should_exit = True
    thread.join(timeout=10)
    if application.engine is not None:
        application.engine.dispose()


@pytest.fixture(scope="module")
def browser(live_server: LiveServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="ru-RU",
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.console_errors = []  # type: ignore[attr-defined]
    tab.on(
        "console",
        lambda msg: msg.type == "error" and tab.console_errors.append(msg.text),  # type: ignore[attr-defined]
    )
    yield tab
    context.close()


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
