"""The sign-in throttle counts each attempt in one atomic row update before the password is
checked: parallel guesses never check more passwords than the limit, on SQLite and
PostgreSQL and across the worker processes of a real server; past the limit the wait grows
per login *and address*, so nobody elsewhere locks the account, and one address is limited
only far later."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from mpdesk.adapters.clock import FrozenClock
from mpdesk.bootstrap import App, bootstrap, web_context
from mpdesk.config import Settings
from mpdesk.domain.errors import AuthRequiredError, TooManyAttemptsError
from mpdesk.services import accounts
from mpdesk.services.accounts import WebContext
from tests.hostile.server import csrf_of, uvicorn_server
from tests.web_support import fast_web_context

PASSWORD = "correct-horse-42"
PARALLEL = 25


class MovingClock(FrozenClock):
    def advance(self, seconds: float) -> None:
        self.frozen += timedelta(seconds=seconds)


def _moving(wctx: WebContext) -> MovingClock:
    clock = MovingClock(datetime.fromisoformat("2026-11-20T10:00:00+03:00"))
    wctx.ctx = replace(wctx.ctx, clock=clock)
    return clock


def _attempt(
    wctx: WebContext, password: str, client: str = "203.0.113.7", login: str = "boss"
) -> str:
    try:
        accounts.sign_in(wctx, login, password, client)
    except TooManyAttemptsError as exc:
        return f"wait {exc.fields['retry_after']}"
    except AuthRequiredError:
        return "wrong"
    return "in"


def test_parallel_guesses_check_no_more_passwords_than_the_limit(app: App) -> None:
    """Real argon2 cost (the checks overlap): 25 guesses at once, 5 are checked."""
    wctx = web_context(app)
    accounts.add_user(wctx, "boss", PASSWORD, is_admin=True)
    start = threading.Barrier(PARALLEL)

    def guess(_: int) -> str:
        start.wait()
        return _attempt(wctx, "wrong-password")

    with ThreadPoolExecutor(PARALLEL) as pool:
        outcomes = list(pool.map(guess, range(PARALLEL)))
    assert outcomes.count("wrong") == wctx.policy.login_max_attempts
    assert all(o.startswith("wait ") for o in outcomes if o != "wrong")


def test_the_wait_grows_per_login_and_address_and_locks_nobody_else(app: App) -> None:
    wctx = fast_web_context(app)
    clock = _moving(wctx)
    accounts.add_user(wctx, "boss", PASSWORD, is_admin=True)
    for _ in range(wctx.policy.login_max_attempts):
        assert _attempt(wctx, "wrong-password") == "wrong"
    waits = []
    for _ in range(12):
        outcome = _attempt(wctx, "wrong-password")
        assert outcome.startswith("wait ")
        waits.append(int(outcome.split()[1]))
        clock.advance(waits[-1])
        assert _attempt(wctx, "wrong-password") == "wrong"
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    # the owner, from their own address, is not locked out by the guesses
    assert _attempt(wctx, PASSWORD, client="198.51.100.1") == "in"


def test_one_address_is_limited_only_past_a_hundred_failures(app: App) -> None:
    """An office behind one NAT: colleagues' typos do not lock the others."""
    wctx = fast_web_context(app)
    _moving(wctx)
    accounts.add_user(wctx, "boss", PASSWORD, is_admin=True)
    for n in range(99):
        assert _attempt(wctx, "wrong-password", login=f"typo{n}") == "wrong"
    assert _attempt(wctx, PASSWORD) == "in"
    assert _attempt(wctx, "wrong-password", login="typo-last") == "wrong"
    assert _attempt(wctx, PASSWORD).startswith("wait ")


@pytest.mark.slow
def test_parallel_guesses_on_a_two_worker_server(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    application = bootstrap(Settings(home=home))
    # at the password cost of the test servers (tests/servers.py SMALL_PASSWORD_COST)
    accounts.add_user(fast_web_context(application), "boss", PASSWORD, is_admin=True)
    assert application.engine is not None
    application.engine.dispose()
    # a frozen clock: the 1-second wait cannot pass while the requests are in flight
    with uvicorn_server(home, workers=2, MPDESK_NOW="2026-11-20T10:00:00+03:00") as server:
        start = threading.Barrier(PARALLEL)

        def guess(_: int) -> int:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                token = csrf_of(client.get("/login").text)
                start.wait()
                form = {"login": "boss", "password": "wrong", "next": "/", "csrf_token": token}
                return client.post("/login", data=form).status_code

        with ThreadPoolExecutor(PARALLEL) as pool:
            statuses = list(pool.map(guess, range(PARALLEL)))
    assert statuses.count(401) == 5
    assert statuses.count(429) == PARALLEL - 5
