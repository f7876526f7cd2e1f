"""``mpdesk chats`` end to end against the loopback spec server: fetch, list with unread
counts, show, link by chat id; a refused history is said once; no Ozon shop exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run
from tests.connectors.spec_server import SpecServer
from tests.connectors.test_cli_sync import connect
from tests.connectors.test_ozon_chats_client import chat_row, message
from tests.connectors.test_support_chats import HISTORY, LIST, chat_list, history, last


@pytest.fixture
def cli_market(cli_env: Path, market: SpecServer, monkeypatch: pytest.MonkeyPatch) -> SpecServer:
    monkeypatch.setenv("MPDESK_MARKETPLACE_API_URL", market.url)
    return market


def test_fetch_list_show_and_link(cli_market: SpecServer) -> None:
    connect(cli_market)
    new = run("new", "-m", "ozon", "-c", "logistics", "-t", "Отправление потеряно при доставке",
              "--no-interactive", "--json")  # fmt: skip
    assert new.code == 0, new.stderr
    ticket_id = new.json()["ticket"]["id"]
    cli_market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-1", unread=1), 5)))
    cli_market.answer("POST", HISTORY, 200, history(message(5, "support", "Пришлите акт.")))

    fetched = run("chats", "fetch", "--json")
    listed = run("chats", "list")
    linked = run("chats", "link", "sup-1", str(ticket_id), "--json")
    shown = run("chats", "show", "sup-1", "--json")

    assert fetched.code == 0, fetched.stderr
    assert cli_market.violations == []
    assert fetched.json()[0]["new_messages"] == 1 and fetched.json()[0]["unread"] == 1
    assert listed.code == 0 and "sup-1" in listed.stdout
    assert linked.code == 0 and linked.json()["filed"] == 1
    assert [i["ticket_id"] for i in shown.json()["items"]] == [ticket_id]


def test_a_refused_history_is_said_once(cli_market: SpecServer) -> None:
    connect(cli_market)
    for _ in range(2):
        cli_market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-2", unread=4), 9)))
        cli_market.answer("POST", HISTORY, 403, {"code": 7, "message": "forbidden"})

    first, second = run("chats", "fetch"), run("chats", "fetch")

    assert first.code == 0 and second.code == 0, first.stderr + second.stderr
    assert "Ozon не открывает историю чатов" in first.stdout
    assert "Ozon не открывает историю чатов" not in second.stdout
    assert "непрочитанных 4" in second.stdout
    assert "Ozon не открывает историю чатов с" in run("chats", "list").stdout


def test_no_ozon_shop_is_a_russian_error(cli_env: Path) -> None:
    done = run("chats", "fetch")
    assert done.code == 2 and "Нет подключённых магазинов Ozon" in done.stderr
    unknown = run("chats", "link", "nope", "1")
    assert unknown.code == 2 and "Чат nope не найден" in unknown.stderr
