"""Files: the content-addressed store of attachments and the CSV/XLSX table writer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


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


class TableWriter(Protocol):
    def write(self, path: Path, fmt: str, headers: list[str], rows: list[list[Any]]) -> None:
        """Write a table as ``csv`` or ``xlsx`` atomically."""
        ...
