"""Support chats in the journal's database (tables of ``tables_chats.py``).

``SqlChatUnitOfWork`` is the sync unit of work (connections for the credentials) with ``chats``
on the same transaction, so a message's ledger row, its ticket entry and the chat's read
position commit together.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db.sync_store import SqlSyncUnitOfWork
from mpdesk.adapters.db.tables_chats import (
    support_chat_messages,
    support_chat_shops,
    support_chats,
)
from mpdesk.domain.support_chats import ChatInfo, ChatMessage, ChatMessageRecord, SupportChat

_C = support_chats.c
_M = support_chat_messages.c


def _id(value: str | None) -> int | None:
    return int(value) if value else None


def _text(value: int | None) -> str | None:
    return str(value) if value is not None else None


def _chat(row: Any, messages: int = 0) -> SupportChat:
    return SupportChat(
        shop_id=row.shop_id,
        chat_id=row.chat_id,
        status=row.status,
        created_at=row.created_at,
        unread_count=row.unread_count,
        last_message_id=_id(row.last_message_id),
        read_to=_id(row.read_to),
        ticket_id=row.ticket_id,
        linked_by=row.linked_by,
        updated_at=row.updated_at,
        messages=messages,
    )


def _record(row: Any) -> ChatMessageRecord:
    message = ChatMessage(
        row.chat_id, int(row.message_id), row.author_type, row.author_id, row.at, row.text,
        row.is_image,
    )  # fmt: skip
    return ChatMessageRecord(
        row.shop_id, message, row.recorded_at, row.ticket_id, row.answer_class, row.appeal_number
    )


class SqlSupportChatRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _where(self, shop_id: int, chat_id: str) -> tuple[Any, Any]:
        return (_C.shop_id == shop_id, _C.chat_id == chat_id)

    def _counted(self, query: Any) -> builtins.list[SupportChat]:
        counts = (
            select(_M.shop_id, _M.chat_id, func.count().label("n"))
            .group_by(_M.shop_id, _M.chat_id)
            .subquery()
        )
        joined = query.add_columns(func.coalesce(counts.c.n, 0).label("n")).outerjoin(
            counts, (counts.c.shop_id == _C.shop_id) & (counts.c.chat_id == _C.chat_id)
        )
        return [_chat(row, row.n) for row in self.conn.execute(joined)]

    def save_chat(self, shop_id: int, info: ChatInfo, now: datetime) -> SupportChat:
        values = {
            "status": info.status,
            "created_at": info.created_at,
            "unread_count": info.unread_count,
            "last_message_id": _text(info.last_message_id),
            "updated_at": now,
        }
        changed = self.conn.execute(
            update(support_chats).where(*self._where(shop_id, info.chat_id)).values(**values)
        ).rowcount
        if not changed:
            self.conn.execute(
                insert(support_chats).values(
                    shop_id=shop_id, chat_id=info.chat_id, linked_by="", **values
                )
            )
        chat = self.chat(shop_id, info.chat_id)
        assert chat is not None
        return chat

    def chat(self, shop_id: int, chat_id: str) -> SupportChat | None:
        found = self._counted(select(support_chats).where(*self._where(shop_id, chat_id)))
        return found[0] if found else None

    def find(self, chat_id: str) -> SupportChat | None:
        found = self._counted(
            select(support_chats).where(_C.chat_id == chat_id).order_by(_C.shop_id).limit(1)
        )
        return found[0] if found else None

    def chats(self, shop_ids: Sequence[int] | None) -> builtins.list[SupportChat]:
        query = select(support_chats).order_by(_C.updated_at.desc(), _C.chat_id)
        if shop_ids is not None:
            query = query.where(_C.shop_id.in_(list(shop_ids)))
        return self._counted(query)

    def of_ticket(self, ticket_id: int) -> builtins.list[SupportChat]:
        return self._counted(
            select(support_chats).where(_C.ticket_id == ticket_id).order_by(_C.chat_id)
        )

    def read_to(self, shop_id: int, chat_id: str, message_id: int) -> None:
        self.conn.execute(
            update(support_chats)
            .where(*self._where(shop_id, chat_id))
            .values(read_to=str(message_id))
        )

    def link(self, shop_id: int, chat_id: str, ticket_id: int, linked_by: str) -> None:
        self.conn.execute(
            update(support_chats)
            .where(*self._where(shop_id, chat_id))
            .values(ticket_id=ticket_id, linked_by=linked_by)
        )

    def add_message(self, record: ChatMessageRecord) -> bool:
        m = record.message
        values = {
            "shop_id": record.shop_id,
            "chat_id": m.chat_id,
            "message_id": str(m.message_id),
            "ticket_id": record.ticket_id,
            "author_type": m.author_type[:32],
            "author_id": m.author_id[:64],
            "at": m.at,
            "text": m.text,
            "is_image": m.is_image,
            "answer_class": record.answer_class,
            "appeal_number": record.appeal_number[:64],
            "recorded_at": record.recorded_at,
        }
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(support_chat_messages)
            .values(values)
            .on_conflict_do_nothing(index_elements=["shop_id", "message_id"])
            .returning(_M.id)
        )
        return self.conn.execute(statement).scalar() is not None

    def unfiled(self, shop_id: int, chat_id: str) -> builtins.list[ChatMessageRecord]:
        rows = self.conn.execute(
            select(support_chat_messages)
            .where(_M.shop_id == shop_id, _M.chat_id == chat_id, _M.ticket_id.is_(None))
            .order_by(_M.at, _M.id)
        )
        return [_record(row) for row in rows]

    def file(self, shop_id: int, message_id: int, ticket_id: int) -> None:
        self.conn.execute(
            update(support_chat_messages)
            .where(_M.shop_id == shop_id, _M.message_id == str(message_id))
            .values(ticket_id=ticket_id)
        )

    def messages(self, shop_id: int, chat_id: str) -> builtins.list[ChatMessageRecord]:
        rows = self.conn.execute(
            select(support_chat_messages)
            .where(_M.shop_id == shop_id, _M.chat_id == chat_id)
            .order_by(_M.at, _M.id)
        )
        return [_record(row) for row in rows]

    def history_refused_at(self, shop_id: int) -> datetime | None:
        value: datetime | None = self.conn.scalar(
            select(support_chat_shops.c.history_refused_at).where(
                support_chat_shops.c.shop_id == shop_id
            )
        )
        return value

    def set_history_refused(self, shop_id: int, at: datetime | None) -> None:
        where = support_chat_shops.c.shop_id == shop_id
        changed = self.conn.execute(
            update(support_chat_shops).where(where).values(history_refused_at=at)
        ).rowcount
        if not changed:
            self.conn.execute(
                insert(support_chat_shops).values(shop_id=shop_id, history_refused_at=at)
            )

    def ticket_by_external_id(self, shop_id: int, external_id: str) -> int | None:
        c = t.tickets.c
        value: int | None = self.conn.execute(
            select(c.id)
            .where(c.shop_id == shop_id, c.external_id == external_id.strip())
            .order_by(c.id.desc())
            .limit(1)
        ).scalar()
        return value


class SqlChatUnitOfWork(SqlSyncUnitOfWork):
    """The sync unit of work with ``chats`` on its transaction."""

    chats: SqlSupportChatRepository

    def __enter__(self) -> Self:
        super().__enter__()
        assert self.conn is not None
        self.chats = SqlSupportChatRepository(self.conn)
        return self
