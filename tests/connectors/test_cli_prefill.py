"""``mpdesk new --supply N``: with a connected WB shop the appeal's table of declared and
accepted quantities comes from the supplies API; unconnected, nothing is asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli import run
from tests.connectors.conftest import wb_token
from tests.connectors.spec_server import SpecServer

GOODS = "/api/v1/supplies/{ID}/goods"
NEW = ("new", "-m", "wb", "-c", "acceptance", "--supply", "24567891", "--no-interactive")
TEXT = ("--text", "Поставка принята не полностью, по акту приёмки не хватает двух штук.")


@pytest.fixture
def cli_market(cli_env: Path, market: SpecServer, monkeypatch: pytest.MonkeyPatch) -> SpecServer:
    monkeypatch.setenv("MPDESK_MARKETPLACE_API_URL", market.url)
    return market


def test_a_connected_wb_shop_fills_declared_and_accepted_from_the_api(
    cli_market: SpecServer,
) -> None:
    for _ in range(3):
        cli_market.answer("GET", "/ping", 200, {"TS": "x", "Status": "OK"})
    token = wb_token(1_799_999_999)
    assert run("shop", "connect", "Мой ВБ", "-m", "wb", stdin=token + "\n").code == 0
    good = cli_market.response_example("GET", GOODS)[0]
    cli_market.answer("GET", GOODS, 200, [{**good, "quantity": 10, "acceptedQuantity": 8}])

    done = run(*NEW, *TEXT, "--json")

    assert done.code == 0, done.stderr
    assert cli_market.violations == []
    body = done.json()["appeal"]["body"]
    rows = [re.split(r" {2,}", line) for line in body.splitlines()]  # aligned lines, no pipes
    assert ["24567891", good["barcode"], good["vendorCode"], "10", "8", "2"] in rows
    assert "|" not in body


def test_a_failed_request_drafts_the_appeal_without_the_table_and_says_why(
    cli_market: SpecServer,
) -> None:
    for _ in range(3):
        cli_market.answer("GET", "/ping", 200, {"TS": "x", "Status": "OK"})
    assert run("shop", "connect", "Мой ВБ", "-m", "wb", stdin=wb_token(1_799_999_999)).code == 0
    cli_market.answer("GET", GOODS, 403, {"title": "scope"})

    done = run(*NEW, *TEXT, "--json")

    assert done.code == 0 and "Заявлено" not in done.json()["appeal"]["body"]
    assert "таблица «заявлено / принято» не заполнена" in done.stderr.replace("\n", " ")


def test_an_unconnected_shop_drafts_as_before_without_asking_the_api(
    cli_market: SpecServer,
) -> None:
    done = run(*NEW, *TEXT, "--json")
    assert done.code == 0 and "Заявлено" not in done.json()["appeal"]["body"]
    assert cli_market.seen == []
