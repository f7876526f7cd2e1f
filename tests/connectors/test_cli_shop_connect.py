"""``mpdesk shop connect / show / disconnect`` end to end, the key piped on standard input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run
from tests.connectors.conftest import wb_token
from tests.connectors.spec_server import SpecServer

TOKEN = wb_token(1_799_999_999)
OK = {"TS": "2026-11-20T07:00:00Z", "Status": "OK"}


@pytest.fixture
def cli_market(cli_env: Path, market: SpecServer, monkeypatch: pytest.MonkeyPatch) -> SpecServer:
    monkeypatch.setenv("MPDESK_MARKETPLACE_API_URL", market.url)
    return market


def test_connect_reads_the_token_from_stdin_and_never_prints_it(cli_market: SpecServer) -> None:
    for _ in range(3):
        cli_market.answer("GET", "/ping", 200, OK)

    done = run("shop", "connect", "Мой ВБ", "--marketplace", "wb", stdin=TOKEN + "\n")

    assert done.code == 0, done.stderr
    assert "подключён к API" in done.stdout and "15.01.2027" in done.stdout
    listed = run("shop", "list")
    assert "до 15.01.2027" in listed.stdout and TOKEN not in listed.stdout
    assert run("shop", "list", "--json").json()[0]["api"]["days_left"] == 56
    shown = run("shop", "show", "Мой ВБ", "--json")
    assert shown.code == 0 and shown.json()["access"]["supplies"]["value"] == "ok"
    for result in (done, shown):
        assert TOKEN not in result.stdout + result.stderr
    assert run("shop", "disconnect", "Мой ВБ").code == 0
    assert run("shop", "show", "Мой ВБ", "--json").json()["connected"] is False


def test_a_refused_token_exits_2_with_the_reason_and_stores_nothing(
    cli_market: SpecServer,
) -> None:
    cli_market.answer("GET", "/ping", 401, {"title": "unauthorized"})

    done = run("shop", "connect", "Мой ВБ", "-m", "wb", stdin=TOKEN + "\n")

    assert done.code == 2
    assert "не принял ключ доступа" in done.stderr and TOKEN not in done.stderr
    assert run("shop", "list", "--json").json() == []


def test_no_key_on_stdin_is_refused(cli_market: SpecServer) -> None:
    done = run("shop", "connect", "Мой ВБ", "-m", "wb", stdin="")
    assert done.code == 2 and "стандартный ввод" in done.stderr.replace("\n", " ")
    assert cli_market.seen == []
