"""Files: the content-addressed store of attachments and the CSV/XLSX table writer."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from mpdesk.services.ports.spreadsheets import Sheet


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str
    path: Path  # the local file that was inspected or stored
    pixels: tuple[int, int] | None = None  # width, height an image declares


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

    def check(self) -> None:
        """Raise ``StorageError`` unless the store can be reached and written (readiness)."""
        ...

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


class TableWriter(Protocol):
    """Output files written whole or not at all; temporaries of writers that were killed are
    removed from the folder by the next write."""

    def write(self, path: Path, fmt: str, headers: list[str], rows: list[list[Any]]) -> None:
        """Write a table as ``csv`` or ``xlsx`` atomically."""
        ...

    def write_workbook(self, path: Path, sheets: list[Sheet]) -> None:
        """Write the sheets as one XLSX atomically: typed cells, a frozen header row and an
        autofilter on each sheet."""
        ...

    def write_text(self, path: Path, text: str) -> None: ...

    def atomic(self, path: Path) -> AbstractContextManager[Path]:
        """A temporary path beside ``path`` to write; it replaces ``path`` on success."""
        ...
