"""Test doubles of the ports (in memory)."""

from __future__ import annotations

import copy
import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self
from zoneinfo import ZoneInfo

from mpdesk.domain.errors import AttachmentError, ConcurrentEditError
from mpdesk.domain.legal import SellerLegal
from mpdesk.domain.shops import Shop
from mpdesk.domain.tickets import Ticket
from mpdesk.services.ports.files import Blob, BlobStream, StoredFile
from mpdesk.services.ports.journal import TicketFilter

MSK = ZoneInfo("Europe/Moscow")


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.astimezone(MSK).date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(MSK)


class FakeFileStore:
    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}
        self.pending: list[str] = []

    def inspect(self, path: Path) -> StoredFile:
        if not path.is_file():
            raise AttachmentError("attachment_missing", file=str(path))
        data = path.read_bytes()
        return StoredFile(hashlib.sha256(data).hexdigest(), len(data), "image/jpeg", path)

    def put(self, path: Path) -> StoredFile:
        info = self.inspect(path)
        if info.sha256 not in self.stored:
            self.stored[info.sha256] = path.read_bytes()
            self.pending.append(info.sha256)
        return info

    def put_bytes(self, data: bytes, filename: str) -> StoredFile:
        sha = hashlib.sha256(data).hexdigest()
        self.stored.setdefault(sha, data)
        return StoredFile(sha, len(data), "application/octet-stream", Path(filename))

    def put_blob(self, sha256: str, size: int, stream: BlobStream) -> None:
        data = stream.read()
        assert len(data) == size and hashlib.sha256(data).hexdigest() == sha256
        self.stored[sha256] = data

    def open(self, sha256: str) -> BlobStream:
        if sha256 not in self.stored:
            raise AttachmentError("attachment_missing", file=sha256)
        return io.BytesIO(self.stored[sha256])

    def list_blobs(self) -> Iterator[Blob]:
        return iter([Blob(sha, len(data)) for sha, data in sorted(self.stored.items())])

    def stale_blobs(self, grace: timedelta) -> Iterator[str]:
        return iter(sorted(self.stored) if not grace else [])

    def remove_if_stale(self, sha256: str, grace: timedelta) -> bool:
        return self.stored.pop(sha256, None) is not None

    def check(self) -> None:
        return None

    def discard_pending(self) -> None:
        self.pending.clear()  # as the real stores: blobs stay until the sweep

    def commit_pending(self) -> None:
        self.pending.clear()


class FakeTicketRepository:
    def __init__(self, rows: dict[int, Ticket]) -> None:
        self.rows = rows

    def add(self, ticket: Ticket) -> Ticket:
        ticket.id = max(self.rows, default=0) + 1
        if ticket.case_id is None:
            ticket.case_id = ticket.id
        ticket.version = 1
        self.rows[ticket.id] = copy.deepcopy(ticket)
        return ticket

    def get(self, ticket_id: int) -> Ticket | None:
        found = self.rows.get(ticket_id)
        return copy.deepcopy(found) if found else None

    def save(self, ticket: Ticket) -> Ticket:
        assert ticket.id is not None
        stored = self.rows[ticket.id]
        if stored.version != ticket.version:
            raise ConcurrentEditError(ticket.id, ticket.version, stored.version)
        ticket.version += 1
        self.rows[ticket.id] = copy.deepcopy(ticket)
        return ticket

    def lock_for_append(self, ticket_id: int, now: datetime) -> None:
        if ticket_id in self.rows:
            self.rows[ticket_id].updated_at = now

    def append(self, ticket: Ticket) -> None:
        assert ticket.id is not None
        stored = self.rows[ticket.id]
        stored.messages = copy.deepcopy(ticket.messages)
        stored.events = copy.deepcopy(ticket.events)

    def list(self, flt: TicketFilter) -> list[Ticket]:
        result = [
            copy.deepcopy(t)
            for t in self.rows.values()
            if (not flt.status or t.status in flt.status)
            and (flt.marketplace is None or t.marketplace == flt.marketplace)
            and (flt.case_id is None or t.case_id == flt.case_id)
            and (not flt.any_identifier or set(flt.any_identifier) & set(t.identifiers))
        ]
        return result[: flt.limit] if flt.limit else result

    def count(self, flt: TicketFilter) -> int:
        return len(self.list(flt))

    def iter_all(self) -> Iterator[Ticket]:
        yield from (copy.deepcopy(t) for t in self.rows.values())


class FakeShopRepository:
    def __init__(self, rows: dict[int, Shop], tickets: dict[int, Ticket] | None = None) -> None:
        self.rows = rows
        self.tickets = tickets if tickets is not None else {}
        self.legal: dict[int, SellerLegal] = {}

    def add(self, name: str, marketplace: str, is_default: bool, now: datetime) -> Shop:
        shop = Shop(len(self.rows) + 1, name, marketplace, is_default, now)
        self.rows[shop.id] = shop
        return shop

    def get(self, shop_id: int) -> Shop | None:
        return self.rows.get(shop_id)

    def find(self, name: str) -> Shop | None:
        return next((s for s in self.rows.values() if s.name == name), None)

    def default_for(self, marketplace: str) -> Shop | None:
        return next(
            (s for s in self.rows.values() if s.marketplace == marketplace and s.is_default), None
        )

    def list(self) -> list[Shop]:
        return list(self.rows.values())

    def lock(self, shop_id: int) -> Shop | None:
        return self.rows.get(shop_id)

    def delete(self, shop_id: int) -> int:
        mine = [tid for tid, ticket in self.tickets.items() if ticket.shop_id == shop_id]
        for tid in mine:
            del self.tickets[tid]
        self.rows.pop(shop_id, None)
        self.legal.pop(shop_id, None)
        return len(mine)

    def get_legal(self, shop_id: int) -> SellerLegal | None:
        return self.legal.get(shop_id)

    def save_legal(self, shop_id: int, legal: SellerLegal, now: datetime) -> None:
        self.legal[shop_id] = legal


class FakeUnitOfWork:
    """Commits copy the working state over the committed one; no commit, no change."""

    def __init__(self) -> None:
        self.committed_tickets: dict[int, Ticket] = {}
        self.committed_shops: dict[int, Shop] = {}
        self.committed_legal: dict[int, SellerLegal] = {}
        self.commits = 0

    def __call__(self) -> Self:
        return self

    def __enter__(self) -> Self:
        self.tickets = FakeTicketRepository(copy.deepcopy(self.committed_tickets))
        self.shops = FakeShopRepository(dict(self.committed_shops), self.tickets.rows)
        self.shops.legal = dict(self.committed_legal)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass

    def commit(self) -> None:
        self.committed_tickets = copy.deepcopy(self.tickets.rows)
        self.committed_shops = dict(self.shops.rows)
        self.committed_legal = dict(self.shops.legal)
        self.commits += 1

    def rollback(self) -> None:
        pass


def fake_now() -> datetime:
    return datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
