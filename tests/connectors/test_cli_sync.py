"""``mpdesk sync`` end to end against the loopback spec server (an Ozon shop: its documented
limits let the whole run go without waiting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli import run
from tests.connectors.conftest import OZON_KEY
from tests.connectors.spec_server import SpecServer

TRANSACTIONS = "/v3/finance/transaction/list"


@pytest.fixture
def cli_market(cli_env: Path, market: SpecServer, monkeypatch: pytest.MonkeyPatch) -> SpecServer:
    monkeypatch.setenv("MPDESK_MARKETPLACE_API_URL", market.url)
    return market


def transactions(market: SpecServer) -> dict[str, Any]:
    answer = market.response_example("POST", TRANSACTIONS)
    answer["result"]["page_count"] = 1
    return answer


def queue_ozon(market: SpecServer) -> None:
    for _ in range(2):
        market.answer("POST", TRANSACTIONS, 200, transactions(market))
    market.answer("POST", "/v2/supply-order/list", 200, {"supply_order_id": []})
    for _ in range(2):
        market.answer("POST", "/v2/posting/fbo/list", 200, {"result": []})
        market.answer(
            "POST", "/v3/posting/fbs/list", 200, {"result": {"has_next": False, "postings": []}}
        )
    for report in ("/v1/finance/compensation", "/v1/finance/decompensation"):
        market.answer("POST", report, 403, {"code": 7, "message": "no access"})  # skipped


def connect(market: SpecServer) -> None:
    market.answer("POST", TRANSACTIONS, 200, transactions(market))
    done = run("shop", "connect", "Озон", "-m", "ozon", stdin=f"123456\n{OZON_KEY}\n")
    assert done.code == 0, done.stderr


def test_sync_prints_a_json_summary_and_the_shop_shows_its_last_sync(
    cli_market: SpecServer,
) -> None:
    connect(cli_market)
    queue_ozon(cli_market)

    done = run("sync", "--json")

    assert done.code == 0, done.stderr
    assert cli_market.violations == []
    (summary,) = done.json()
    assert summary["shop"] == "Озон" and summary["outcome"] == "ok"
    rows = len(transactions(cli_market)["result"]["operations"])
    assert summary["streams"]["ozon.transactions"] == 2 * rows and summary["new_files"] == 1
    shown = run("shop", "show", "Озон", "--json").json()
    assert shown["last_sync"]["outcome"] == "ok" and shown["last_sync"]["pages"] == summary["pages"]


def test_a_failed_sync_exits_2_and_names_the_reason_in_russian(cli_market: SpecServer) -> None:
    connect(cli_market)
    cli_market.answer("POST", TRANSACTIONS, 401, {"message": "Invalid Api-Key"})

    done = run("sync", "--shop", "Озон")

    assert done.code == 2
    assert "не принял ключ доступа" in done.stderr.replace("\n", " ")
    shown = run("shop", "show", "Озон", "--json").json()
    assert shown["last_sync"]["error_code"] == "api_unauthorized"
    assert "не принял ключ доступа" in shown["last_sync"]["error"]


def test_sync_without_connected_shops_says_how_to_connect(cli_env: Path) -> None:
    done = run("sync")
    assert done.code == 2 and "mpdesk shop connect" in done.stderr.replace("\n", " ")
