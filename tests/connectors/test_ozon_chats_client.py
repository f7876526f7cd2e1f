"""Ozon chat methods against the pinned spec: request bodies, cursor and message-id paging,
ids sent as strings or numbers, a refused history."""

from __future__ import annotations

from typing import Any

import pytest

from mpdesk.adapters.marketplaces.ozon import OzonClient
from mpdesk.adapters.marketplaces.transport import ApiTransport
from mpdesk.domain.api_errors import ApiForbiddenError, ApiSchemaDriftError
from mpdesk.domain.support_chats import chats_from_list, messages_from_history
from tests.connectors.spec_server import SpecServer

LIST = "/v3/chat/list"
HISTORY = "/v3/chat/history"


def chat_row(chat_id: str, kind: str = "Seller_Support", unread: int = 0) -> dict[str, Any]:
    return {
        "chat": {
            "chat_id": chat_id,
            "chat_type": kind,
            "chat_status": "Opened",
            "created_at": "2026-11-19T08:00:00Z",
        },
        "first_unread_message_id": 0,
        "last_message_id": 3000000000000000002,
        "unread_count": unread,
    }


def message(mid: int | str, author: str, text: str) -> dict[str, Any]:
    return {
        "message_id": mid,
        "created_at": "2026-11-19T09:00:00Z",
        "data": [text],
        "is_image": False,
        "is_read": False,
        "user": {"id": "1", "type": author},
    }


def test_chat_list_follows_the_cursor_while_has_next(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    operation = ozon_server.operation("POST", LIST).op  # its example sends has_next "true"
    example = dict(operation["responses"]["200"]["content"]["application/json"]["example"])
    example["chats"] = [chat_row("a", unread=2), chat_row("b", "Buyer_Seller")]
    ozon_server.answer("POST", LIST, 200, example)
    ozon_server.answer(
        "POST", LIST, 200, {"chats": [chat_row("c")], "has_next": False, "cursor": ""}
    )

    pages = list(OzonClient(ozon_transport).chats())

    assert ozon_server.violations == []
    bodies = [body for _, _, _, body in ozon_server.seen]
    assert bodies[0] == {"filter": {"chat_status": "All"}, "limit": 100}
    assert bodies[1]["cursor"] == example["cursor"]
    chats = [c for p in pages for c in chats_from_list(p.data)]
    assert [(c.chat_id, c.is_support, c.unread_count) for c in chats] == [
        ("a", True, 2),
        ("b", False, 0),
        ("c", True, 0),
    ]
    assert pages[-1].cursor is None


def test_chat_history_pages_forward_from_the_last_message_id(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    first = {"has_next": True, "messages": [message("11", "seller", "Где товар?"),
                                             message(12, "Support", "Ищем.")]}  # fmt: skip
    ozon_server.answer("POST", HISTORY, 200, first)
    ozon_server.answer(
        "POST", HISTORY, 200, {"has_next": False, "messages": [message(13, "support", "Нашли.")]}
    )

    pages = list(OzonClient(ozon_transport).chat_history("chat-1", after_message_id=10))

    assert ozon_server.violations == []
    bodies = [body for _, _, _, body in ozon_server.seen]
    assert bodies == [
        {"chat_id": "chat-1", "direction": "Forward", "limit": 1000, "from_message_id": 10},
        {"chat_id": "chat-1", "direction": "Forward", "limit": 1000, "from_message_id": 12},
    ]
    found = [m for p in pages for m in messages_from_history("chat-1", p.data)]
    assert [(m.message_id, m.author_type, m.is_from_support) for m in found] == [
        (11, "seller", False),
        (12, "support", True),
        (13, "support", True),
    ]


def test_the_spec_example_of_a_history_page_is_read(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    operation = ozon_server.operation("POST", HISTORY).op  # the example the spec documents
    example = dict(operation["responses"]["200"]["content"]["application/json"]["example"])
    example["has_next"] = False
    ozon_server.answer("POST", HISTORY, 200, example)

    (page,) = OzonClient(ozon_transport).chat_history("x")

    (found,) = messages_from_history("x", page.data)
    assert found.message_id == 3000000000817031942 and found.text.startswith("Здравствуйте")
    # no message read yet: from the last visible one back to the oldest
    assert ozon_server.seen[0][3] == {"chat_id": "x", "direction": "Backward", "limit": 1000}


def test_a_refused_history_raises_the_forbidden_error(
    ozon_server: SpecServer, ozon_transport: ApiTransport
) -> None:
    refusal = {"code": 7, "message": "Premium Plus subscription required", "details": []}
    ozon_server.answer("POST", HISTORY, 403, refusal)

    with pytest.raises(ApiForbiddenError):
        list(OzonClient(ozon_transport).chat_history("x"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"chats": [{"chat": {"chat_type": "Seller_Support"}}]}, "chats[0].chat.chat_id"),
        ({"chats": [{"chat": {"chat_id": "a"}, "unread_count": "2"}]}, "chats[0].unread_count"),
        ({"chats": "x"}, "chats"),
    ],
)
def test_a_chat_list_without_a_needed_field_names_it(data: Any, field: str) -> None:
    with pytest.raises(ApiSchemaDriftError) as caught:
        chats_from_list(data)
    assert caught.value.fields["field"] == field


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"created_at": "2026-11-19T09:00:00Z"}, "messages[0].message_id"),
        ({"message_id": "x1", "created_at": "2026-11-19T09:00:00Z"}, "messages[0].message_id"),
        ({"message_id": 1}, "messages[0].created_at"),
        ({"message_id": 1, "created_at": "вчера"}, "messages[0].created_at"),
        ({"message_id": 1, "created_at": "2026-11-19T09:00:00Z", "data": "x"}, "messages[0].data"),
    ],
)
def test_a_history_message_without_a_needed_field_names_it(row: Any, field: str) -> None:
    with pytest.raises(ApiSchemaDriftError) as caught:
        messages_from_history("x", {"messages": [row]})
    assert caught.value.fields["field"] == field
