"""Ozon support chats against the spec-checking loopback server, on SQLite and PostgreSQL:
support chats listed with unread counts (buyer chats left aside), messages recorded once, a
chat linked by the appeal number found in it or by hand, support answers filed under the
ticket, and a refused history said once per shop."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.credentials import OzonCredentials
from mpdesk.domain.errors import NotFoundError, UserInputError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Direction, Status
from mpdesk.services import journal, ticket_actions
from mpdesk.services.connections import connect_shop
from mpdesk.services.jobs import due_jobs, run_job
from mpdesk.services.support_chats import (
    chat_messages,
    fetch_chats,
    link_chat,
    list_support_chats,
    ticket_chats,
)
from tests.connectors.conftest import OZON_KEY
from tests.connectors.spec_server import SpecServer
from tests.connectors.test_ozon_chats_client import chat_row, message

TRANSACTIONS = "/v3/finance/transaction/list"
LIST = "/v3/chat/list"
HISTORY = "/v3/chat/history"
APPEAL = "87654321"


def connect_ozon(app: App, market: SpecServer) -> int:
    answer = market.response_example("POST", TRANSACTIONS)
    answer["result"]["page_count"] = 1
    market.answer("POST", TRANSACTIONS, 200, answer)
    status = connect_shop(app.ctx, LOCAL_OWNER, "Озон", OzonCredentials("123456", OZON_KEY))
    market.seen.clear()
    return status.shop.id


def submitted_ticket(app: App, shop_id: int, external_id: str = APPEAL) -> int:
    draft = AppealDraft(
        "ozon",
        "acceptance",
        description="Отгрузили 100 штук, на складе приняли только 95 штук",
        identifiers=[Identifier(IdType.SUPPLY_ID, "24567891")],
        event_date=date(2026, 11, 19),
    )
    ticket = journal.open_ticket(app.ctx, LOCAL_OWNER, draft, shop_id=shop_id).ticket
    assert ticket.id is not None
    ticket_actions.submit_ticket(app.ctx, LOCAL_OWNER, ticket.id, external_id)
    return ticket.id


def chat_list(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"chats": list(rows), "has_next": False, "total_unread_count": 0}


def last(row: dict[str, Any], message_id: int) -> dict[str, Any]:
    return {**row, "last_message_id": message_id}


def history(*messages: dict[str, Any]) -> dict[str, Any]:
    return {"has_next": False, "messages": list(messages)}


RESOLVED = f"По обращению № {APPEAL} недостача подтверждена, компенсация 1 250 ₽ будет начислена."


def test_support_chats_are_listed_and_an_answer_is_filed_by_its_appeal_number(
    market_app: App, market: SpecServer
) -> None:
    shop_id = connect_ozon(market_app, market)
    ticket_id = submitted_ticket(market_app, shop_id)
    support = last(chat_row("sup-1", unread=2), 102)
    market.answer("POST", LIST, 200, chat_list(support, chat_row("buyer-1", "Buyer_Seller", 5)))
    market.answer("POST", HISTORY, 200, history(
        message(101, "seller", "Где наши 5 штук?"), message(102, "support", RESOLVED),
    ))  # fmt: skip

    report = fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)

    assert market.violations == []
    assert (report.chats, report.unread, report.new_messages) == (1, 2, 2)
    assert report.linked == {"sup-1": ticket_id} and report.filed == [ticket_id]
    assert [t for _, t, _, _ in market.seen].count(HISTORY) == 1  # never the buyer chat
    ticket = journal.get_ticket(market_app.ctx, LOCAL_OWNER, ticket_id)
    assert ticket.status is Status.ANSWERED
    (answer,) = [m for m in ticket.messages if m.direction is Direction.IN]
    assert answer.body == RESOLVED and answer.author == "Поддержка Ozon (чат)"
    board = list_support_chats(market_app.ctx, LOCAL_OWNER, shop_id)
    (chat,) = board.chats
    assert (chat.chat_id, chat.unread_count, chat.messages, chat.ticket_id, chat.linked_by) == (
        "sup-1", 2, 2, ticket_id, "appeal_number",
    )  # fmt: skip
    assert board.refused == {}
    assert [c.chat_id for c in ticket_chats(market_app.ctx, LOCAL_OWNER, ticket_id)] == ["sup-1"]
    _, records = chat_messages(market_app.ctx, LOCAL_OWNER, "sup-1")
    assert [(r.message.message_id, r.answer_class) for r in records] == [
        (101, ""),
        (102, "resolved"),
    ]


def test_fetching_again_records_nothing_twice(market_app: App, market: SpecServer) -> None:
    shop_id = connect_ozon(market_app, market)
    ticket_id = submitted_ticket(market_app, shop_id)
    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-1"), 102)))
    market.answer("POST", HISTORY, 200, history(
        message(101, "seller", "Где товар?"), message(102, "support", RESOLVED),
    ))  # fmt: skip
    fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)

    # nothing new: the history is not asked
    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-1"), 102)))
    quiet = fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)
    assert quiet.new_messages == 0 and market.violations == []

    # a new message: asked from the last one read, which the answer repeats
    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-1", unread=1), 103)))
    market.answer("POST", HISTORY, 200, history(
        message(102, "support", RESOLVED), message(103, "support", "Начисление в отчёте."),
    ))  # fmt: skip
    more = fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)

    assert market.violations == []
    assert market.seen[-1][3]["from_message_id"] == 102
    assert (more.new_messages, more.filed) == (1, [ticket_id])
    ticket = journal.get_ticket(market_app.ctx, LOCAL_OWNER, ticket_id)
    assert [m.body for m in ticket.messages if m.direction is Direction.IN] == [
        RESOLVED,
        "Начисление в отчёте.",
    ]


def test_a_chat_linked_by_hand_gets_its_waiting_answers(
    market_app: App, market: SpecServer
) -> None:
    shop_id = connect_ozon(market_app, market)
    ticket_id = submitted_ticket(market_app, shop_id, external_id="555")
    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-2"), 201)))
    market.answer("POST", HISTORY, 200, history(
        message(200, "crm", "Чат с поддержкой открыт."),
        message(201, "support", "Пришлите фото упаковки и акт приёмки."),
    ))  # fmt: skip
    report = fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)
    assert report.new_messages == 2 and report.filed == [] and report.linked == {}

    chat, filed = link_chat(market_app.ctx, LOCAL_OWNER, "sup-2", ticket_id)

    assert filed == 2 and chat.ticket_id == ticket_id and chat.linked_by == "manual"
    ticket = journal.get_ticket(market_app.ctx, LOCAL_OWNER, ticket_id)
    incoming = [m for m in ticket.messages if m.direction is Direction.IN]
    assert [m.author for m in incoming] == [
        "Ozon (системное сообщение в чате)",
        "Поддержка Ozon (чат)",
    ]
    assert ticket.status is Status.ANSWERED  # the support's message, not the system's
    again, none = link_chat(market_app.ctx, LOCAL_OWNER, "sup-2", ticket_id)
    assert none == 0 and again.ticket_id == ticket_id


def test_linking_refuses_an_unknown_chat_and_another_shops_ticket(
    market_app: App, market: SpecServer
) -> None:
    shop_id = connect_ozon(market_app, market)
    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-3"), 1)))
    market.answer("POST", HISTORY, 200, history())
    fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)
    other = journal.open_ticket(
        market_app.ctx,
        LOCAL_OWNER,
        AppealDraft("wb", "acceptance", description="Недостача 5 штук в поставке 24567891"),
    ).ticket
    assert other.id is not None and other.shop_id != shop_id

    with pytest.raises(NotFoundError) as unknown:
        link_chat(market_app.ctx, LOCAL_OWNER, "nope", other.id)
    with pytest.raises(UserInputError) as foreign:
        link_chat(market_app.ctx, LOCAL_OWNER, "sup-3", other.id)

    assert unknown.value.code == "chat_not_found" and foreign.value.code == "chat_other_shop"


def test_a_refused_history_is_said_once_per_shop(market_app: App, market: SpecServer) -> None:
    shop_id = connect_ozon(market_app, market)
    refusal = {"code": 7, "message": "Premium Plus subscription required", "details": []}
    for _ in range(2):
        market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-4", unread=3), 9)))
        market.answer("POST", HISTORY, 403, refusal)

    first = fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)
    second = fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)

    assert market.violations == []
    assert first.history_refused and "подписки" in first.notice and "«Озон»" in first.notice
    assert second.history_refused and second.notice == ""
    board = list_support_chats(market_app.ctx, LOCAL_OWNER)
    assert [c.unread_count for c in board.chats] == [3] and list(board.refused) == [shop_id]

    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-4"), 9)))
    market.answer("POST", HISTORY, 200, history(message(9, "support", "Ответ.")))
    opened = fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)
    assert not opened.history_refused and opened.new_messages == 1
    assert list_support_chats(market_app.ctx, LOCAL_OWNER).refused == {}


def test_the_chats_job_runs_for_each_connected_ozon_shop(
    market_app: App, market: SpecServer
) -> None:
    shop_id = connect_ozon(market_app, market)
    assert ("chats", shop_id) in due_jobs(market_app.ctx)
    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-5", unread=1), 1)))
    market.answer("POST", HISTORY, 200, history(message(1, "support", "Ответ.")))

    run = run_job(market_app.ctx, "chats", shop_id)

    assert run.outcome.value == "ok", run.summary
    assert "непрочитанных сообщений 1" in run.summary and "новых сообщений 1" in run.summary
    assert ("chats", shop_id) not in due_jobs(market_app.ctx)


def test_a_wb_shop_has_no_support_chats(market_app: App) -> None:
    shop = journal.open_ticket(
        market_app.ctx,
        LOCAL_OWNER,
        AppealDraft("wb", "acceptance", description="Недостача 5 штук в поставке 24567891"),
    ).ticket.shop_id
    with pytest.raises(UserInputError) as refused:
        fetch_chats(market_app.ctx, LOCAL_OWNER, shop)
    assert refused.value.code == "chats_ozon_only"


def test_a_first_read_pages_back_to_the_oldest_and_records_oldest_first(
    market_app: App, market: SpecServer
) -> None:
    shop_id = connect_ozon(market_app, market)
    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-6"), 103)))
    market.answer("POST", HISTORY, 200, {"has_next": True, "messages": [
        message(103, "support", "Третье."), message(102, "seller", "Второе."),
    ]})  # fmt: skip
    market.answer("POST", HISTORY, 200, {"has_next": False, "messages": [
        message(102, "seller", "Второе."), message(101, "support", "Первое."),
    ]})  # fmt: skip

    report = fetch_chats(market_app.ctx, LOCAL_OWNER, shop_id)

    assert market.violations == [] and report.new_messages == 3
    bodies = [b for _, t, _, b in market.seen if t == HISTORY]
    assert [(b["direction"], b.get("from_message_id")) for b in bodies] == [
        ("Backward", None),
        ("Backward", 102),
    ]
    _, records = chat_messages(market_app.ctx, LOCAL_OWNER, "sup-6")
    assert [r.message.message_id for r in records] == [101, 102, 103]
    (chat,) = list_support_chats(market_app.ctx, LOCAL_OWNER, shop_id).chats
    assert chat.read_to == 103
