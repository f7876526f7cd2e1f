"""The journal: tickets, shops, the unit of work over them, and the dashboard counts."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from mpdesk.domain.identifiers import Identifier
from mpdesk.domain.legal import SellerLegal
from mpdesk.domain.shops import Shop
from mpdesk.domain.stats import JournalSummary
from mpdesk.domain.tickets import Status, Ticket


@dataclass(frozen=True)
class UrgentOnly:
    """The «Срочные» condition (``services/urgency.py::resolve_urgent``): an open ticket whose
    seller's clock ends within a day (``clock_ids``), or whose text names an urgent problem
    (``urgent_sign``); ``fresh_sign`` counts only for tickets created after ``fresh_after``."""

    clock_ids: tuple[int, ...]
    fresh_sign: str
    fresh_after: datetime


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
    due_before: datetime | None = None  # awaiting a reply that is due before this instant
    urgent_at: datetime | None = None  # only tickets urgent at this instant («Срочные»)
    urgent: UrgentOnly | None = None  # … as conditions (set by ``resolve_urgent``)
    #: load each listed ticket's identifiers (a page that does not show them skips the query)
    identifiers: bool = True
    #: load the appeal's body and the seller's description (a list that shows neither
    #: leaves them empty)
    texts: bool = True
    case_id: int | None = None  # the appeals of one case
    #: tickets naming any of these identifiers (the duplicate check of a new appeal)
    any_identifier: list[Identifier] = field(default_factory=list)


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> Ticket: ...

    def get(self, ticket_id: int) -> Ticket | None: ...

    def save(self, ticket: Ticket) -> Ticket:
        """Persist changes; raises ConcurrentEditError when the stored version moved on."""
        ...

    def lock_for_append(self, ticket_id: int, now: datetime) -> None:
        """The first statement of an append: marks the ticket updated and takes the write lock
        (the row's on PostgreSQL, the database's on SQLite), so the ticket read next is the
        latest and concurrent appends queue instead of conflicting."""
        ...

    def append(self, ticket: Ticket) -> None:
        """Write the ticket's new messages and events: not an edit, so no version check and
        the version stays."""
        ...

    def list(self, flt: TicketFilter) -> list[Ticket]: ...

    def count(self, flt: TicketFilter) -> int: ...

    def count_upto(self, flt: TicketFilter, cap: int) -> int:
        """Like ``count`` but stops at ``cap`` (the web journal shows «more than N»)."""
        ...

    def list_counted(self, flt: TicketFilter, cap: int) -> tuple[builtins.list[Ticket], int | None]:
        """``list(flt)`` and ``count_upto(flt without paging, cap)`` from one statement where
        one statement can tell both (None: ask ``count_upto``)."""
        ...

    def iter_all(self) -> Iterator[Ticket]: ...


class ShopRepository(Protocol):
    def add(self, name: str, marketplace: str, is_default: bool, now: datetime) -> Shop: ...

    def get(self, shop_id: int) -> Shop | None: ...

    def find(self, name: str) -> Shop | None: ...

    def default_for(self, marketplace: str) -> Shop | None: ...

    def list(self) -> list[Shop]: ...

    def lock(self, shop_id: int) -> Shop | None:
        """The shop, locked against concurrent writers until the unit of work ends."""
        ...

    def delete(self, shop_id: int) -> int:
        """Delete the shop and every row of it (tickets, files' rows, findings, roles, …);
        returns the number of tickets removed."""
        ...

    def get_legal(self, shop_id: int) -> SellerLegal | None:
        """The seller's legal details of the shop, or None when never entered."""
        ...

    def save_legal(self, shop_id: int, legal: SellerLegal, now: datetime) -> None:
        """Store the shop's legal details (insert or replace)."""
        ...


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


class JournalStats(Protocol):
    def summary(self, shop_ids: list[int] | None, now: datetime, soon: datetime) -> JournalSummary:
        """Counts over the tickets of ``shop_ids`` (``None`` = all)."""
        ...
