"""Ozon client against the pinned spec: headers, request bodies, paging to the end."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mpdesk.adapters.marketplaces.ozon import OzonClient
from mpdesk.adapters.marketplaces.transport import ApiTransport
from mpdesk.domain.api_errors import ApiForbiddenError, ApiSchemaDriftError
from tests.connectors.conftest import OZON_KEY
from tests.connectors.spec_server import SpecServer

TRANSACTIONS = "/v3/finance/transaction/list"
ORDER_LIST = "/v2/supply-order/list"
ORDER_GET = "/v2/supply-order/get"
FBO = "/v2/posting/fbo/list"
FBS = "/v3/posting/fbs/list"
SINCE, TO = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)


def example(server: SpecServer, path: str) -> Any:
    return server.response_example("POST", path)


def test_transactions_page_from_one_to_page_count(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    answer = example(ozon_server, TRANSACTIONS)
    answer["result"]["page_count"] = 2
    ozon_server.answer("POST", TRANSACTIONS, 200, answer)
    ozon_server.answer("POST", TRANSACTIONS, 200, answer)

    pages = list(OzonClient(ozon_transport).finance_transactions(SINCE, TO))

    assert ozon_server.violations == []
    bodies = [body for _, _, _, body in ozon_server.seen]
    assert [b["page"] for b in bodies] == [1, 2]
    assert bodies[0]["filter"]["date"] == {
        "from": "2026-11-01T00:00:00Z",
        "to": "2026-11-30T00:00:00Z",
    }
    assert pages[0].cursor is not None and pages[1].cursor is None


def test_supply_order_ids_page_from_the_last_id_until_empty(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    ozon_server.answer(
        "POST", ORDER_LIST, 200, {"supply_order_id": ["5", "9"], "last_supply_order_id": 9}
    )
    ozon_server.answer("POST", ORDER_LIST, 200, {"supply_order_id": [], "last_supply_order_id": 0})
    ozon_server.answer("POST", ORDER_GET, 200, example(ozon_server, ORDER_GET))

    client = OzonClient(ozon_transport)
    pages = list(client.supply_order_ids())
    details = client.supply_orders([5, 9])

    assert ozon_server.violations == []
    froms = [
        b["paging"]["from_supply_order_id"] for _, t, _, b in ozon_server.seen if t == ORDER_LIST
    ]
    assert froms == [0, 9] and pages[-1].cursor is None
    assert ozon_server.seen[-1][3] == {"order_ids": ["5", "9"]}
    assert details.cursor is None and details.data == example(ozon_server, ORDER_GET)


def test_fbo_postings_page_by_offset_until_a_short_page(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    posting = example(ozon_server, FBO)["result"][0]
    ozon_server.answer("POST", FBO, 200, {"result": [posting] * 1000})
    ozon_server.answer("POST", FBO, 200, {"result": [posting]})

    pages = list(OzonClient(ozon_transport).fbo_postings(SINCE, TO))

    assert ozon_server.violations == []
    assert [b["offset"] for _, _, _, b in ozon_server.seen] == [0, 1000]
    assert pages[-1].cursor is None


def test_fbs_postings_page_while_has_next(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    answer = example(ozon_server, FBS)
    postings = answer["result"]["postings"]
    ozon_server.answer("POST", FBS, 200, {"result": {"postings": postings, "has_next": True}})
    ozon_server.answer("POST", FBS, 200, {"result": {"postings": postings, "has_next": False}})

    pages = list(OzonClient(ozon_transport).fbs_postings(SINCE, TO))

    assert ozon_server.violations == []
    assert [b["offset"] for _, _, _, b in ozon_server.seen] == [0, len(postings)]
    assert len(pages) == 2 and pages[-1].cursor is None


def test_a_wrong_api_key_is_forbidden_and_not_shown(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    ozon_server.answer("POST", FBS, 403, {"code": 7, "message": "Invalid Api-Key"})
    with pytest.raises(ApiForbiddenError) as caught:
        list(OzonClient(ozon_transport).fbs_postings(SINCE, TO))
    assert OZON_KEY not in str(caught.value)


def test_missing_page_count_is_schema_drift(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    ozon_server.answer("POST", TRANSACTIONS, 200, {"result": {"operations": []}})
    with pytest.raises(ApiSchemaDriftError) as caught:
        list(OzonClient(ozon_transport).finance_transactions(SINCE, TO))
    assert caught.value.fields["field"] == "result.page_count"
    assert caught.value.fields["endpoint"] == "ozon.transactions"
