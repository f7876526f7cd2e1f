"""Ozon support chats: the chat API of a shop's credentials and where chats, their messages and
each shop's chat state are kept."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from mpdesk.domain.credentials import OzonCredentials
from mpdesk.domain.support_chats import ChatInfo, ChatMessageRecord, SupportChat
from mpdesk.services.ports.marketplaces import ApiPage, SyncUnitOfWork


class SupportChatApi(Protocol):
    def chats(self) -> Iterator[ApiPage]:
        """Every chat of the seller, page by page."""
        ...

    def chat_history(self, chat_id: str, after_message_id: int | None = None) -> Iterator[ApiPage]:
        """The chat's messages, page by page in any order (from ``after_message_id`` when
        given); ``ApiForbiddenError`` when the seller's subscription does not open it."""
        ...

    def close(self) -> None: ...


class SupportChatRepository(Protocol):
    def save_chat(self, shop_id: int, info: ChatInfo, now: datetime) -> SupportChat:
        """Add or refresh a chat from the list (its link and read position stay)."""
        ...

    def chat(self, shop_id: int, chat_id: str) -> SupportChat | None: ...

    def find(self, chat_id: str) -> SupportChat | None:
        """The chat with this id in whichever shop has it."""
        ...

    def chats(self, shop_ids: Sequence[int] | None) -> builtins.list[SupportChat]:
        """Chats of these shops (all when None), the most recently changed first."""
        ...

    def of_ticket(self, ticket_id: int) -> builtins.list[SupportChat]: ...

    def read_to(self, shop_id: int, chat_id: str, message_id: int) -> None: ...

    def link(self, shop_id: int, chat_id: str, ticket_id: int, linked_by: str) -> None: ...

    def add_message(self, record: ChatMessageRecord) -> bool:
        """Record a message once; False when the shop already has this message id."""
        ...

    def unfiled(self, shop_id: int, chat_id: str) -> builtins.list[ChatMessageRecord]:
        """Messages of the chat not yet filed under a ticket, oldest first."""
        ...

    def file(self, shop_id: int, message_id: int, ticket_id: int) -> None: ...

    def messages(self, shop_id: int, chat_id: str) -> builtins.list[ChatMessageRecord]: ...

    def history_refused_at(self, shop_id: int) -> datetime | None: ...

    def set_history_refused(self, shop_id: int, at: datetime | None) -> None: ...

    def ticket_by_external_id(self, shop_id: int, external_id: str) -> int | None: ...


class ChatUnitOfWork(SyncUnitOfWork, Protocol):
    @property
    def chats(self) -> SupportChatRepository: ...


@dataclass(frozen=True)
class ChatPorts:
    api: Callable[[OzonCredentials], SupportChatApi]
    uow: Callable[[], ChatUnitOfWork]
