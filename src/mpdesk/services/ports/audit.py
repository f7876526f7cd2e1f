"""Audits of marketplace reports: reading the files, saved findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from mpdesk.domain.audit.findings import FindingStatus, SavedFinding
from mpdesk.domain.audit.report import ReportBatch, ReportFile
from mpdesk.domain.audit.totals import FindingTotal
from mpdesk.domain.sla import BusinessCalendar
from mpdesk.services.ports.journal import UnitOfWork


class ReadProgress(Protocol):
    """Told how far the reading of an audit's files has come (the CLI draws a bar)."""

    def start(self, total_bytes: int) -> None: ...

    def file(self, name: str) -> None:
        """Reading of ``name`` begins."""
        ...

    def advance(self, done_bytes: int) -> None: ...


class ReportReader(Protocol):
    def read(
        self,
        paths: Sequence[Path],
        progress: ReadProgress | None = None,
        supply_id: str | None = None,
    ) -> ReportBatch:
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
    ticket_ids: list[int] | None = None  # findings drafted into these appeals (a case)
    limit: int | None = None
    offset: int = 0  # with ``limit``: one page of a list (the web page and the API)


class AuditRepository(Protocol):
    """Saved findings and the fingerprints of the audited files."""

    def known_files(self, shop_id: int, sha256s: Sequence[str]) -> set[str]:
        """The fingerprints among ``sha256s`` that the shop has audited before."""
        ...

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
    #: the working-day calendar of the deadlines (loaded on first use)
    calendar: Callable[[], BusinessCalendar]
