"""Ports: the Protocols that services need and adapters implement."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from mpdesk.domain.accounts import Role, User
from mpdesk.domain.audit.findings import FindingStatus, SavedFinding
from mpdesk.domain.audit.report import ReportBatch, ReportFile
from mpdesk.domain.knowledge import KnowledgeBase
from mpdesk.domain.tickets import Status, Ticket
from mpdesk.domain.triage.analysis import TextAnalyzer
from mpdesk.domain.triage.lexicon import Lexicon
from mpdesk.domain.triage.model import CategoryModel


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
    path: Path  # the local file that was inspected or stored


@dataclass(frozen=True)
class Blob:
    """One stored evidence blob, as listed by the store."""

    sha256: str
    size: int


class BlobStream(Protocol):
    """A readable stream of a stored blob; the caller closes it."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class FileStore(Protocol):
    """Content-addressed evidence store (sha256 keys). A put never removes anything and a
    failed use case leaves its blobs in place: only ``remove_if_stale`` deletes, and the
    sweep calls it for blobs no committed attachment references (docs/architecture.md)."""

    def inspect(self, path: Path) -> StoredFile:
        """Check a file (exists, size, sniffed type) without storing it."""
        ...

    def put(self, path: Path) -> StoredFile:
        """Store a file by content (idempotent); an existing blob is marked fresh again."""
        ...

    def put_bytes(self, data: bytes, filename: str) -> StoredFile: ...

    def put_blob(self, sha256: str, size: int, stream: BlobStream) -> None:
        """Store raw content under its hash (restore), streamed; the size and the hash are
        checked and a mismatch stores nothing (``StorageError``)."""
        ...

    def open(self, sha256: str) -> BlobStream:
        """A stream of the blob (``attachment_missing`` if absent); the caller closes it."""
        ...

    def list_blobs(self) -> Iterator[Blob]: ...

    def stale_blobs(self, grace: timedelta) -> Iterator[str]:
        """Blobs last stored (or re-put) more than ``grace`` ago, by the store's own clock."""
        ...

    def remove_if_stale(self, sha256: str, grace: timedelta) -> bool:
        """Delete a blob unless it was stored or re-put within ``grace`` (re-checked at the
        moment of deletion); True when it was deleted."""
        ...

    def discard_pending(self) -> None:
        """Called when a use case fails: blobs stay (a concurrent request may reference
        them); the sweep removes unreferenced ones after the grace period."""
        ...

    def commit_pending(self) -> None: ...


class EvidenceIndex(Protocol):
    """Which blobs the journal's committed rows reference."""

    def referenced(self, sha256s: Collection[str]) -> set[str]: ...


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
    due_before: datetime | None = None  # awaiting a reply that is due before this instant
    #: load each listed ticket's identifiers (a page that does not show them skips the query)
    identifiers: bool = True


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> Ticket: ...

    def get(self, ticket_id: int) -> Ticket | None: ...

    def save(self, ticket: Ticket) -> Ticket:
        """Persist changes; raises ConcurrentEditError when the stored version moved on."""
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


# --- web app: accounts, sessions, tokens, dashboard (issue 4) -------------------------------


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...


@dataclass(frozen=True)
class Membership:
    user_id: int
    shop_id: int
    role: Role


@dataclass(frozen=True)
class ApiToken:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked: bool = False


@dataclass(frozen=True)
class WebSession:
    id: int
    user_id: int
    csrf: str
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime


class AccountRepository(Protocol):
    def add_user(self, user: User) -> User: ...

    def save_user(self, user: User) -> None: ...

    def get_user(self, user_id: int) -> User | None: ...

    def find_user(self, login: str) -> User | None: ...

    def list_users(self) -> list[User]: ...

    def count_users(self, with_password: bool = False) -> int: ...

    def memberships(self, user_id: int | None = None) -> list[Membership]: ...

    def set_membership(self, user_id: int, shop_id: int, role: Role | None) -> None:
        """``role=None`` removes the membership."""
        ...

    def add_token(
        self, user_id: int, name: str, token_hash: str, prefix: str, now: datetime
    ) -> ApiToken: ...

    def find_token(self, token_hash: str) -> ApiToken | None: ...

    def touch_token(self, token_id: int, now: datetime) -> None: ...

    def revoke_token(self, token_id: int) -> None: ...

    def list_tokens(self, user_id: int) -> list[ApiToken]: ...

    def add_session(
        self, user_id: int, token_hash: str, csrf: str, now: datetime, expires_at: datetime
    ) -> WebSession: ...

    def find_session(self, token_hash: str) -> WebSession | None: ...

    def touch_session(self, session_id: int, now: datetime, expires_at: datetime) -> None: ...

    def delete_session(self, token_hash: str) -> None: ...

    def delete_user_sessions(self, user_id: int) -> None: ...

    def add_login_link(
        self, user_id: int, token_hash: str, now: datetime, expires_at: datetime
    ) -> None: ...

    def consume_login_link(self, token_hash: str, now: datetime) -> int | None:
        """The user id of a valid unused link (marked used), else None."""
        ...

    def record_failure(self, key: str, now: datetime) -> None: ...

    def failures_since(self, key: str, since: datetime) -> list[datetime]: ...

    def clear_failures(self, key: str) -> None: ...


class AccountsUnitOfWork(Protocol):
    @property
    def accounts(self) -> AccountRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


@dataclass(frozen=True)
class JournalSummary:
    open: int
    overdue: int
    awaiting: int
    due_soon: int
    by_category: dict[str, int]
    by_marketplace: dict[str, int]
    claimed_open: str  # money at stake in open tickets, decimal string
    recovered: str  # money recovered over all tickets, decimal string


class JournalStats(Protocol):
    def summary(self, shop_ids: list[int] | None, now: datetime, soon: datetime) -> JournalSummary:
        """Counts over the tickets of ``shop_ids`` (``None`` = all)."""
        ...


# --- deadlines, reminders, analytics (issue 6) ----------------------------------------------


class Notifier(Protocol):
    """Delivers the seller's own reminder digests (e-mail, Telegram bot)."""

    channel: str  # stable id: "email" | "telegram"

    def send(self, subject: str, text: str) -> None:
        """Deliver one digest; raises ``NotificationError`` when delivery failed."""
        ...


class Lemmatizer(Protocol):
    def document(self, text: str) -> str:
        """Space-separated normal forms of the words of ``text``."""
        ...


class ReportRenderer(Protocol):
    def render_html(self, name: str, locale: str, context: Mapping[str, Any]) -> str:
        """Render ``reports/<locale>/<name>.html.j2`` with autoescaping."""
        ...


class ReminderLog(Protocol):
    """Sent-reminders ledger (unique per event key and channel) and periodic-job bookkeeping."""

    def claim(
        self, events: Sequence[tuple[str, int | None]], channel: str, now: datetime
    ) -> list[str]:
        """Record ``(event_key, ticket_id)`` pairs as being sent on ``channel``; return the keys
        this call recorded (keys recorded before, by any process, are left out)."""
        ...

    def mark_sent(self, keys: Sequence[str], channel: str, now: datetime) -> None: ...

    def release(self, keys: Sequence[str], channel: str) -> None:
        """Forget claimed keys whose delivery failed, so the next run retries them."""
        ...

    def sent_count(self, channel: str | None = None) -> int: ...

    def exclusive(self, job: str) -> AbstractContextManager[bool]:
        """Hold the job's lock across processes (PostgreSQL advisory lock); yields False when
        another process holds it."""
        ...

    def last_run(self, job: str) -> datetime | None: ...

    def record_run(self, job: str, started: datetime, finished: datetime, result: str) -> None: ...


@dataclass(frozen=True)
class StatsFilter:
    """Tickets created on local days ``[day_from, day_to)``, optionally one shop etc.
    ``shop_ids`` is the visibility scope of a person (``None`` = every shop)."""

    day_from: date | None = None
    day_to: date | None = None
    shop_id: int | None = None
    marketplace: str | None = None
    category: str | None = None
    shop_ids: tuple[int, ...] | None = None


#: one cell of the analytics grain: (local day, shop id, marketplace, category, channel id)
StatsCell = tuple[date, int, str, str, str]


@dataclass(frozen=True)
class GroupCounts:
    keys: tuple[str, ...]
    total: int
    open: int
    submitted: int
    answered: int
    resolved: int
    rejected: int
    late_answers: int  # first answer later than the channel's reply time
    overdue: int  # awaiting a reply that is overdue now
    claimed_kopecks: int
    recovered_kopecks: int


class AnalyticsRepository(Protocol):
    """Aggregates of the journal from the daily rollup, refreshed from changed tickets.
    ``dims`` name groupings: marketplace, category, channel, shop, week, month."""

    def refresh(
        self,
        reply_minutes: Mapping[str, int],
        default_reply_minutes: int,
        tz_offset_minutes: int,
        now: datetime,
        full: bool = False,
    ) -> int:
        """Bring the rollup up to date (all of it when ``full`` or when the settings changed);
        returns the number of days recomputed."""
        ...

    def counts(
        self,
        flt: StatsFilter,
        dims: Sequence[str],
        now: datetime,
        tz_offset_minutes: int,
        overdue: Mapping[StatsCell, int] | None = None,
    ) -> list[GroupCounts]:
        """Grouped counts and money; "overdue now" comes from ``overdue`` cells when given
        (``overdue_cells`` of a wider filter, read once per dashboard), else it is counted."""
        ...

    def overdue_cells(
        self, flt: StatsFilter, now: datetime, tz_offset_minutes: int
    ) -> dict[StatsCell, int]:
        """Tickets awaiting a reply that is overdue at ``now``, counted per cell (live)."""
        ...

    def summary(
        self, shop_ids: Sequence[int] | None, now: datetime, soon: datetime
    ) -> JournalSummary:
        """The «Сводка» tiles from the rollup (open, money) and the reply clocks (live)."""
        ...

    def iter_clock_tickets(
        self,
        shop_ids: Sequence[int] | None,
        batch_size: int = 2000,
        with_identifiers: bool = False,
    ) -> Iterator[list[Ticket]]:
        """Open tickets that may have a running clock (awaiting a reply, unsent with an event
        date, or linked to a parent), without texts and correspondence (identifiers on
        request), in batches."""
        ...

    def histograms(
        self, flt: StatsFilter, dims: Sequence[str]
    ) -> dict[tuple[str, ...], tuple[list[int], list[int]]]:
        """Per group: (time to first answer, time to resolution) bucket counts."""
        ...

    def repeated_identifiers(
        self,
        flt: StatsFilter,
        id_types: Sequence[str],
        min_count: int,
        limit: int,
        tz_offset_minutes: int,
    ) -> list[tuple[str, str, str, int, list[int]]]:
        """``(marketplace, id_type, value, tickets, ticket_ids)`` seen in several tickets."""
        ...

    def texts(
        self, flt: StatsFilter, limit: int, tz_offset_minutes: int
    ) -> list[tuple[int, str, str, str, str]]:
        """Newest ``(id, marketplace, category, subject, description)`` first."""
        ...

    def findings_money(self, flt: StatsFilter) -> tuple[int, int, int] | None:
        """``(findings, at_stake_kopecks, recovered_kopecks)`` from the audit findings table,
        or ``None`` when the journal has no findings table."""
        ...

    def links(self, parents: Mapping[int, int | None]) -> dict[int, tuple[list[int], list[int]]]:
        """For each ticket id (mapped to its parent id): ``(follow_up_ids, claim_ids)`` from
        its ``follow_up``/``claim`` events; parents are read too, to tell a claim child."""
        ...


# --- triage (issue 3) ----------------------------------------------------------------------


class TriageResources(Protocol):
    """The triage lexicon and text analyzer, loaded on first use (cold start stays small)."""

    def lexicon(self) -> Lexicon: ...

    def analyzer(self) -> TextAnalyzer: ...

    def model(self) -> CategoryModel | None:
        """The trained category model, or None when none is shipped."""
        ...


# --- audits of marketplace reports (issue 5) ------------------------------------------------


class ReadProgress(Protocol):
    """Told how far the reading of an audit's files has come (the CLI draws a bar)."""

    def start(self, total_bytes: int) -> None: ...

    def file(self, name: str) -> None:
        """Reading of ``name`` begins."""
        ...

    def advance(self, done_bytes: int) -> None: ...


class ReportReader(Protocol):
    def read(self, paths: Sequence[Path], progress: ReadProgress | None = None) -> ReportBatch:
        """Recognise and read every file; a file that cannot be used gets a problem, the
        others are still read."""
        ...


@dataclass
class FindingFilter:
    kinds: list[str] = field(default_factory=list)
    statuses: list[FindingStatus] = field(default_factory=list)
    ids: list[str] | None = None
    shop_id: int | None = None
    shop_ids: list[int] | None = None  # visibility scope (None = all)
    limit: int | None = None
    offset: int = 0  # with ``limit``: one page of a list (the web page and the API)


@dataclass(frozen=True)
class FindingTotal:
    """Saved findings of one kind that match a filter: how many, money at stake, recovered."""

    kind: str
    count: int
    amount: Decimal
    recovered: Decimal


class AuditRepository(Protocol):
    """Saved findings and the fingerprints of the audited files."""

    def known_files(self, sha256s: Sequence[str]) -> set[str]: ...

    def add_file(self, file: ReportFile, shop_id: int | None, now: datetime) -> None: ...

    def get_many(self, ids: Sequence[str]) -> dict[str, SavedFinding]: ...

    def add(self, saved: SavedFinding) -> None: ...

    def save(self, saved: SavedFinding) -> None: ...

    def list(self, flt: FindingFilter) -> list[SavedFinding]: ...

    def totals(self, flt: FindingFilter) -> Sequence[FindingTotal]:
        """Count and money per kind over every finding the filter matches (no paging)."""
        ...


class AuditUnitOfWork(UnitOfWork, Protocol):
    """The journal's unit of work plus the findings: drafting an appeal and marking its
    findings happen in one transaction."""

    @property
    def audits(self) -> AuditRepository: ...


@dataclass(frozen=True)
class AuditPorts:
    reader: ReportReader
    uow: Callable[[], AuditUnitOfWork]
