"""Ports: the Protocols that services need and adapters implement."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from mpdesk.domain.knowledge import KnowledgeBase
from mpdesk.domain.tickets import Status, Ticket


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware datetime in UTC."""
        ...

    def today(self) -> date:
        """Today in the display time zone (Europe/Moscow by default)."""
        ...

    def local(self, moment: datetime) -> datetime:
        """``moment`` converted to the display time zone."""
        ...


class KnowledgeSource(Protocol):
    def load(self) -> KnowledgeBase: ...


class TemplateRenderer(Protocol):
    def render(self, template_id: str, locale: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """Return (subject, body)."""
        ...


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str
    path: Path


class FileStore(Protocol):
    def inspect(self, path: Path) -> StoredFile:
        """Check a file (exists, size, sniffed type) without storing it."""
        ...

    def put(self, path: Path) -> StoredFile:
        """Store a file by content (idempotent); the caller commits or discards."""
        ...

    def put_bytes(self, data: bytes, filename: str) -> StoredFile: ...

    def open(self, sha256: str) -> Path: ...

    def discard_pending(self) -> None:
        """Remove files written since the last ``commit_pending`` that nothing references."""
        ...

    def commit_pending(self) -> None: ...


@dataclass(frozen=True)
class Shop:
    id: int
    name: str
    marketplace: str
    is_default: bool = False
    created_at: datetime | None = None


@dataclass
class TicketFilter:
    status: list[Status] = field(default_factory=list)
    marketplace: str | None = None
    category: str | None = None
    shop_id: int | None = None
    shop_ids: list[int] | None = None  # visibility scope (None = all)
    overdue_at: datetime | None = None  # only tickets overdue at this instant
    text: str | None = None
    order_by: str = "-id"
    limit: int | None = None
    offset: int = 0


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> Ticket: ...

    def get(self, ticket_id: int) -> Ticket | None: ...

    def save(self, ticket: Ticket) -> Ticket:
        """Persist changes; raises ConcurrentEditError when the stored version moved on."""
        ...

    def list(self, flt: TicketFilter) -> list[Ticket]: ...

    def count(self, flt: TicketFilter) -> int: ...

    def iter_all(self) -> Iterator[Ticket]: ...


class ShopRepository(Protocol):
    def add(self, name: str, marketplace: str, is_default: bool, now: datetime) -> Shop: ...

    def get(self, shop_id: int) -> Shop | None: ...

    def find(self, name: str) -> Shop | None: ...

    def default_for(self, marketplace: str) -> Shop | None: ...

    def list(self) -> list[Shop]: ...


class UnitOfWork(Protocol):
    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def shops(self) -> ShopRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class TableWriter(Protocol):
    def write(self, path: Path, fmt: str, headers: list[str], rows: list[list[Any]]) -> None:
        """Write a table as ``csv`` or ``xlsx`` atomically."""
        ...
