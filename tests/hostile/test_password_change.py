"""A password change ends the user's other sessions and API tokens in every worker process of
a real two-worker server: through «Настройки» (the session that changed it stays) and through
``mpdesk user passwd`` in another process (all end)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mpdesk.bootstrap import bootstrap, web_context
from mpdesk.config import Settings
from mpdesk.services import accounts
from tests.hostile.server import Server, csrf_of, fresh_gets, signed_in_client, uvicorn_server
from tests.servers import SMALL_PASSWORD_COST
from tests.web_support import fast_web_context

PASSWORD = "correct-horse-42"
#: fresh connections per check: with two workers, both are asked
TRIES = 8
USERS = ("anna", "boris")


@pytest.fixture(scope="module")
def server_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """One two-worker server for the module; each test has a user of its own."""
    home = tmp_path_factory.mktemp("password-change") / "home"
    home.mkdir()
    application = bootstrap(Settings(home=home))
    wctx = fast_web_context(application)  # the server's password cost (SMALL_PASSWORD_COST)
    for login in USERS:
        accounts.add_user(wctx, login, PASSWORD, is_admin=True)
    assert application.engine is not None
    application.engine.dispose()
    with uvicorn_server(home, workers=2) as server:
        yield server, home


def _token(home: Path, login: str) -> str:
    application = bootstrap(Settings(home=home))
    try:
        return accounts.create_token(web_context(application), login)[0]
    finally:
        assert application.engine is not None
        application.engine.dispose()


def _api_status(server: Server, token: str) -> set[int]:
    headers = {"Authorization": f"Bearer {token}"}
    return fresh_gets(server, "/api/v1/tickets", TRIES, headers=headers)


def _page_status(server: Server, cookie: str) -> set[int]:
    return fresh_gets(server, "/journal", TRIES, session=cookie)


@pytest.mark.slow
def test_web_password_change_ends_other_sessions_and_tokens(
    server_home: tuple[Server, Path],
) -> None:
    server, home = server_home
    token = _token(home, "anna")
    laptop = signed_in_client(server, "anna", PASSWORD)
    phone = signed_in_client(server, "anna", PASSWORD)
    phone_cookie = phone.cookies["mpdesk_session"]
    assert _page_status(server, phone_cookie) == {200}
    assert _api_status(server, token) == {200}

    page = laptop.get("/account")
    changed = laptop.post(
        "/account/password",
        data={"current": PASSWORD, "new": "another-horse-43", "csrf_token": csrf_of(page.text)},
    )
    assert changed.status_code == 303
    assert "Готово." in laptop.get(changed.headers["location"]).text

    assert _page_status(server, phone_cookie) == {303}
    assert _api_status(server, token) == {401}
    assert _page_status(server, laptop.cookies["mpdesk_session"]) == {200}


@pytest.mark.slow
def test_cli_password_reset_ends_every_session_and_token(
    server_home: tuple[Server, Path],
) -> None:
    server, home = server_home
    token = _token(home, "boris")
    browser = signed_in_client(server, "boris", PASSWORD)
    cookie = browser.cookies["mpdesk_session"]
    assert _page_status(server, cookie) == {200}
    env = {**os.environ, **SMALL_PASSWORD_COST, "MPDESK_HOME": str(home)}
    env.pop("MPDESK_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "mpdesk", "user", "passwd", "boris", "--password-stdin"],
        input="another-horse-43\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert _page_status(server, cookie) == {303}
    assert _api_status(server, token) == {401}
    assert "ключи API отозваны" in done.stdout
