"""``mpdesk new -m ozon --order <posting number>``: with a connected Ozon shop the appeal lists
the posting's items from the Seller API; unconnected, nothing is asked; a failed request drafts
the appeal without them and says why."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from mpdesk.services.formatting import money
from tests.cli import run
from tests.connectors.conftest import OZON_KEY
from tests.connectors.spec_server import SpecServer

FBS_GET = "/v3/posting/fbs/get"
FBO_GET = "/v2/posting/fbo/get"
POSTING = "57195475-0050-3"
NEW = ("new", "-m", "ozon", "-c", "logistics", "--order", POSTING, "--no-interactive")
TEXT = ("--text", "Отправление потеряно при доставке, покупатель товар не получил.")


@pytest.fixture
def cli_market(cli_env: Path, market: SpecServer, monkeypatch: pytest.MonkeyPatch) -> SpecServer:
    monkeypatch.setenv("MPDESK_MARKETPLACE_API_URL", market.url)
    return market


def connect(market: SpecServer) -> None:
    check = market.response_example("POST", "/v3/finance/transaction/list")
    check["result"]["page_count"] = 1
    market.answer("POST", "/v3/finance/transaction/list", 200, check)
    done = run("shop", "connect", "Озон", "-m", "ozon", stdin=f"123456\n{OZON_KEY}\n")
    assert done.code == 0, done.stderr


def fbs_posting(market: SpecServer, products: list[dict[str, Any]]) -> dict[str, Any]:
    answer = market.response_example("POST", FBS_GET)
    answer["result"]["posting_number"] = POSTING
    answer["result"]["products"] = products
    return answer


def test_a_connected_ozon_shop_lists_the_fbs_postings_items(cli_market: SpecServer) -> None:
    connect(cli_market)
    product = cli_market.response_example("POST", FBS_GET)["result"]["products"][0]
    items = [
        {**product, "offer_id": "250-7898-1", "sku": 180550365, "name": "Кофе 250 гр",
         "quantity": 2, "price": "279.0000"},
        {**product, "offer_id": "KR-11", "sku": 180550366, "name": "Чай", "quantity": 1,
         "price": "99.5"},
    ]  # fmt: skip
    cli_market.answer("POST", FBS_GET, 200, fbs_posting(cli_market, items))

    done = run(*NEW, *TEXT, "--json")

    assert done.code == 0, done.stderr
    assert cli_market.violations == []
    body = done.json()["appeal"]["body"]
    currency = product["currency_code"]
    rows = [re.split(r" {2,}", line) for line in body.splitlines()]  # aligned lines, no pipes
    coffee = money("279.00", currency=currency)
    assert [POSTING, "250-7898-1", "180550365", "Кофе 250 гр", "2", coffee] in rows
    assert [POSTING, "KR-11", "180550366", "Чай", "1", money("99.50", currency=currency)] in rows
    asked = [(path, b["posting_number"]) for _, path, _, b in cli_market.seen if path == FBS_GET]
    assert asked == [(FBS_GET, POSTING)]


def test_an_fbo_posting_is_found_after_fbs_says_not_found(cli_market: SpecServer) -> None:
    connect(cli_market)
    cli_market.answer("POST", FBS_GET, 404, {"code": 5, "message": "not found"})
    fbo = cli_market.response_example("POST", FBO_GET)
    fbo["result"]["products"][0].update(offer_id="PS1033", quantity=3, price="137.00")
    cli_market.answer("POST", FBO_GET, 200, fbo)

    done = run(*NEW, *TEXT, "--json")

    assert done.code == 0 and cli_market.violations == []
    lines = done.json()["appeal"]["body"].splitlines()
    assert any(re.split(r" {2,}", line)[1:2] == ["PS1033"] for line in lines)


def test_a_failed_request_drafts_without_the_items_and_says_why(cli_market: SpecServer) -> None:
    connect(cli_market)
    cli_market.answer("POST", FBS_GET, 403, {"code": 7, "message": "denied"})

    done = run(*NEW, *TEXT, "--json")

    assert done.code == 0 and "Состав отправления" not in done.json()["appeal"]["body"]
    assert "товары в обращение не вписаны" in done.stderr.replace("\n", " ")


def test_an_unknown_posting_is_named_on_stderr(cli_market: SpecServer) -> None:
    connect(cli_market)
    cli_market.answer("POST", FBS_GET, 404, {"code": 5, "message": "not found"})
    cli_market.answer("POST", FBO_GET, 404, {"code": 5, "message": "not found"})

    done = run(*NEW, *TEXT, "--json")

    assert done.code == 0 and "Состав отправления" not in done.json()["appeal"]["body"]
    assert POSTING in done.stderr and "ни FBS, ни FBO" in done.stderr.replace("\n", " ")


def test_an_unconnected_shop_drafts_as_before_without_asking_the_api(
    cli_market: SpecServer,
) -> None:
    done = run(*NEW, *TEXT, "--json")
    assert done.code == 0 and "Состав отправления" not in done.json()["appeal"]["body"]
    assert cli_market.seen == []
