"""Ozon's support chats (chat type ``Seller_Support``) and their messages, read from the chat
API's answers.

Pure: standard library and ``mpdesk.domain`` only. ``chats_from_list`` and
``messages_from_history`` turn the JSON of ``/v3/chat/list`` and ``/v3/chat/history`` (field
names of the pinned ``ozon-2025-08`` spec) into values; a missing or mistyped field the use cases
rely on raises ``ApiSchemaDriftError`` naming the endpoint and the field.

Message ids are uint64 (the spec): kept as ``int``, stored as decimal text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mpdesk.domain.api_errors import ApiSchemaDriftError

MARKETPLACE = "ozon"
SUPPORT_CHAT = "Seller_Support"
#: authors whose messages come from the marketplace (``user.type`` of the spec, any case)
SUPPORT_AUTHORS = frozenset({"support"})
SYSTEM_AUTHORS = frozenset({"crm"})
LIST_ENDPOINT = "ozon.chat_list"
HISTORY_ENDPOINT = "ozon.chat_history"


@dataclass(frozen=True)
class ChatInfo:
    """One chat of the list."""

    chat_id: str
    chat_type: str
    status: str
    created_at: datetime | None
    unread_count: int
    last_message_id: int | None

    @property
    def is_support(self) -> bool:
        return self.chat_type == SUPPORT_CHAT


@dataclass
class SupportChat:
    """A support chat of a shop as mpdesk keeps it: the list's facts, how far its history was
    read, and the ticket it belongs to."""

    shop_id: int
    chat_id: str
    status: str
    created_at: datetime | None
    unread_count: int
    last_message_id: int | None
    read_to: int | None = None  # the newest message id recorded from its history
    ticket_id: int | None = None
    linked_by: str = ""  # "manual" | "appeal_number"
    updated_at: datetime | None = None
    messages: int = 0  # messages recorded

    @property
    def has_news(self) -> bool:
        """The list names a newer message than the history read so far."""
        if self.last_message_id is None:
            return self.read_to is None
        return self.read_to is None or self.last_message_id > self.read_to


@dataclass(frozen=True)
class ChatMessage:
    chat_id: str
    message_id: int
    author_type: str  # lowercased ``user.type``: support, seller, crm, customer, courier
    author_id: str
    at: datetime
    text: str
    is_image: bool = False

    @property
    def is_from_support(self) -> bool:
        return self.author_type in SUPPORT_AUTHORS

    @property
    def is_incoming(self) -> bool:
        """Written by the marketplace (support or its system), not by the seller."""
        return self.author_type in SUPPORT_AUTHORS | SYSTEM_AUTHORS


@dataclass
class ChatMessageRecord:
    """A message in the chat ledger (one row per shop and message id)."""

    shop_id: int
    message: ChatMessage
    recorded_at: datetime
    ticket_id: int | None = None
    answer_class: str = ""
    appeal_number: str = ""


def _drift(endpoint: str, field: str, expected: str) -> ApiSchemaDriftError:
    return ApiSchemaDriftError(MARKETPLACE, endpoint, field, expected)


def _when(endpoint: str, value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise _drift(endpoint, field, "date-time")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _drift(endpoint, field, "date-time") from None


def _uint(endpoint: str, value: Any, field: str, required: bool) -> int | None:
    if value in (None, "") and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise _drift(endpoint, field, "integer")


def _object(endpoint: str, value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _drift(endpoint, field, "object")
    return value


def chats_from_list(data: Any) -> list[ChatInfo]:
    """The chats of one ``/v3/chat/list`` answer."""
    page = _object(LIST_ENDPOINT, data, "$")
    rows = page.get("chats") or []
    if not isinstance(rows, list):
        raise _drift(LIST_ENDPOINT, "chats", "array")
    found: list[ChatInfo] = []
    for i, row in enumerate(rows):
        where = f"chats[{i}]"
        item = _object(LIST_ENDPOINT, row, where)
        chat = _object(LIST_ENDPOINT, item.get("chat"), f"{where}.chat")
        chat_id = chat.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise _drift(LIST_ENDPOINT, f"{where}.chat.chat_id", "string")
        unread = item.get("unread_count") or 0
        if not isinstance(unread, int) or isinstance(unread, bool):
            raise _drift(LIST_ENDPOINT, f"{where}.unread_count", "integer")
        found.append(
            ChatInfo(
                chat_id=chat_id,
                chat_type=str(chat.get("chat_type") or ""),
                status=str(chat.get("chat_status") or ""),
                created_at=_when(LIST_ENDPOINT, chat.get("created_at"), f"{where}.chat.created_at"),
                unread_count=unread,
                last_message_id=_uint(
                    LIST_ENDPOINT, item.get("last_message_id"), f"{where}.last_message_id", False
                ),
            )
        )
    return found


def messages_from_history(chat_id: str, data: Any) -> list[ChatMessage]:
    """The messages of one ``/v3/chat/history`` answer."""
    page = _object(HISTORY_ENDPOINT, data, "$")
    rows = page.get("messages") or []
    if not isinstance(rows, list):
        raise _drift(HISTORY_ENDPOINT, "messages", "array")
    found: list[ChatMessage] = []
    for i, row in enumerate(rows):
        where = f"messages[{i}]"
        item = _object(HISTORY_ENDPOINT, row, where)
        message_id = _uint(HISTORY_ENDPOINT, item.get("message_id"), f"{where}.message_id", True)
        assert message_id is not None
        at = _when(HISTORY_ENDPOINT, item.get("created_at"), f"{where}.created_at")
        if at is None:
            raise _drift(HISTORY_ENDPOINT, f"{where}.created_at", "date-time")
        user = item.get("user") or {}
        parts = item.get("data") or []
        if not isinstance(parts, list):
            raise _drift(HISTORY_ENDPOINT, f"{where}.data", "array")
        found.append(
            ChatMessage(
                chat_id=chat_id,
                message_id=message_id,
                author_type=str(user.get("type") or "").strip().lower()
                if isinstance(user, dict)
                else "",
                author_id=str(user.get("id") or "") if isinstance(user, dict) else "",
                at=at,
                text="\n".join(str(p) for p in parts if isinstance(p, str)).strip(),
                is_image=bool(item.get("is_image")),
            )
        )
    return found
