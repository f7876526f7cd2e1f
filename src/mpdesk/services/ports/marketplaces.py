"""Seller APIs of the marketplaces, the credential sealer, and where connections and sync
progress are kept.

The API clients hand out answer *pages*: the bytes as received (the evidence file), the
parsed JSON, and a cursor (a JSON-able dict) that resumes the listing after the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from mpdesk.domain.connections import PulledFile, ShopConnection, StreamState, SyncRun
from mpdesk.domain.credentials import Credentials, OzonCredentials, WbCredentials
from mpdesk.services.ports.journal import UnitOfWork

Cursor = dict[str, Any]


class ApiPage(Protocol):
    @property
    def endpoint(self) -> str: ...

    @property
    def status(self) -> int: ...

    @property
    def body(self) -> bytes: ...

    @property
    def data(self) -> Any: ...

    @property
    def cursor(self) -> Cursor | None: ...


class WbApi(Protocol):
    def ping(self, category: str) -> None:
        """Check the token against one API category (``statistics``, ``finance``,
        ``supplies``); raises the API error when refused."""
        ...

    def realization_detail(
        self, date_from: date, date_to: date, *, cursor: Cursor | None = None
    ) -> Iterator[ApiPage]: ...

    def supplies(
        self, date_from: date, date_to: date, *, cursor: Cursor | None = None
    ) -> Iterator[ApiPage]: ...

    def supply_goods(
        self, supply_id: int, *, cursor: Cursor | None = None
    ) -> Iterator[ApiPage]: ...

    def incomes(self, date_from: date, *, cursor: Cursor | None = None) -> Iterator[ApiPage]: ...

    def close(self) -> None: ...


class OzonApi(Protocol):
    def check(self, now: datetime) -> None: ...

    def finance_transactions(
        self, since: datetime, to: datetime, *, cursor: Cursor | None = None
    ) -> Iterator[ApiPage]: ...

    def supply_order_ids(self, *, cursor: Cursor | None = None) -> Iterator[ApiPage]: ...

    def supply_orders(self, order_ids: Sequence[int | str]) -> ApiPage: ...

    def fbo_postings(
        self, since: datetime, to: datetime, *, cursor: Cursor | None = None
    ) -> Iterator[ApiPage]: ...

    def fbs_postings(
        self, since: datetime, to: datetime, *, cursor: Cursor | None = None
    ) -> Iterator[ApiPage]: ...

    def compensation_reports(
        self, first: str, last: str, *, cursor: Cursor | None = None
    ) -> Iterator[ApiPage]:
        """One page a month ``first``..``last`` (``YYYY-MM``): the report's XLSX bytes."""
        ...

    def decompensation_reports(
        self, first: str, last: str, *, cursor: Cursor | None = None
    ) -> Iterator[ApiPage]: ...

    def posting(self, posting_number: str) -> ApiPage | None:
        """The FBS or FBO posting with this number, or None when Ozon knows neither."""
        ...

    def close(self) -> None: ...


class MarketplaceApis(Protocol):
    """Clients for one set of credentials; the caller closes them."""

    def wb(self, credentials: WbCredentials) -> WbApi: ...

    def ozon(self, credentials: OzonCredentials) -> OzonApi: ...


class CredentialSealer(Protocol):
    """Encrypts credentials for storage and back (``SecretKeyError`` on a wrong key)."""

    def encrypt(self, credentials: Credentials) -> bytes: ...

    def decrypt(self, token: bytes) -> Credentials: ...

    def rotate(self, token: bytes) -> bytes:
        """The same credentials encrypted under the newest key (any known key decrypts)."""
        ...


class ConnectionRepository(Protocol):
    def get(self, shop_id: int) -> ShopConnection | None: ...

    def sealed(self, shop_id: int) -> bytes | None:
        """The shop's encrypted credentials."""
        ...

    def put(self, connection: ShopConnection, sealed: bytes) -> None:
        """Add or replace the shop's connection."""
        ...

    def remove(self, shop_id: int) -> bool: ...

    def list(self) -> list[ShopConnection]: ...


class SyncRepository(Protocol):
    def stream(self, shop_id: int, stream: str) -> StreamState:
        """The stream's state (an empty one when it never ran)."""
        ...

    def save_stream(self, state: StreamState, now: datetime) -> None: ...

    def add_file(self, file: PulledFile, now: datetime) -> bool:
        """Record an evidence file of the shop; False when the shop already has it."""
        ...

    def unaudited(self, shop_id: int) -> list[PulledFile]: ...

    def mark_audited(self, shop_id: int, sha256s: Sequence[str], now: datetime) -> None: ...

    def start_run(self, shop_id: int, now: datetime) -> SyncRun: ...

    def finish_run(self, run: SyncRun) -> None: ...

    def last_runs(self, shop_ids: Sequence[int] | None = None) -> dict[int, SyncRun]:
        """The latest run of each shop (of ``shop_ids`` when given)."""
        ...


class SyncUnitOfWork(UnitOfWork, Protocol):
    @property
    def connections(self) -> ConnectionRepository: ...

    @property
    def sync(self) -> SyncRepository: ...


@dataclass(frozen=True)
class MarketplacePorts:
    apis: MarketplaceApis
    sealer: CredentialSealer
    uow: Callable[[], SyncUnitOfWork]
    first_days: int = 30  # how far back the first sync of a shop reaches


class SyncProgress(Protocol):
    """Told how a sync goes (the CLI draws it on stderr)."""

    def stream(self, shop: str, stream: str) -> None:
        """Pulling of ``stream`` begins."""
        ...

    def page(self, shop: str, stream: str, rows: int) -> None:
        """A page was kept; ``rows`` received in the stream so far."""
        ...
