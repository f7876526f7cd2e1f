"""Content-addressed file store under ``MPDESK_HOME/files`` (deduplicated by sha256), and the
checks every store runs on an incoming file (size, sniffed type, hash).

A put never deletes and a failed use case leaves its blobs: a concurrent request may have
committed a row that references the same content. A put of existing content refreshes the
blob's mtime; the sweep (``services/evidence.py``) deletes only blobs that no committed
attachment references and that nobody stored within the grace period (docs/architecture.md).

A blob is written to a temporary file beside its target and renamed when complete. A process
killed mid-write (``kill -9``) cannot clean up, so the temporary file is named with the
writer's process id and host (``.tmp-<pid>@<host>@<random>``) and every later write into the
same folder first removes those of this host's processes that are gone (a store shared by
several machines keeps the others'). Temporaries without a process id (earlier versions) go
once they are an hour old.
"""

from __future__ import annotations

import hashlib
import io
import os
import socket
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from mpdesk.adapters.atomic_file import LEGACY_AGE_SECONDS, is_running
from mpdesk.domain.errors import AttachmentError, StorageError
from mpdesk.domain.filetypes import Sniffed, is_confirmed, sniff
from mpdesk.domain.image_size import HEADER_BYTES as IMAGE_HEADER_BYTES
from mpdesk.domain.image_size import pixel_size
from mpdesk.services.ports.files import Blob, BlobStream, StoredFile

HEAD_BYTES = 8192
CHUNK = 1 << 20
#: a zip whose members unpack to more than this is refused (zip bomb)
MAX_UNPACKED = 512 * 1024 * 1024
MAX_RATIO = 200


def sniff_path(path: Path, max_unpacked: int = MAX_UNPACKED) -> Sniffed:
    """Sniff a file; a zip unpacking to more than ``max_unpacked`` bytes, or compressed more
    than ``MAX_RATIO`` times, is refused as a zip bomb."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    members: list[str] | None = None
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise AttachmentError("attachment_broken_zip", file=path.name) from exc
        unpacked = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if unpacked > max_unpacked or unpacked / packed > MAX_RATIO:
            raise AttachmentError("attachment_zip_bomb", file=path.name)
        members = [i.filename for i in infos]
    return sniff(head, members)


def inspect_file(path: Path, max_bytes: int) -> StoredFile:
    """Check an incoming file: exists, within ``max_bytes``, sniffed type confirmed by its
    name; returns its sha256, size and media type."""
    if not path.exists():
        raise AttachmentError("attachment_missing", file=path.name)
    if not path.is_file():
        raise AttachmentError("attachment_not_file", file=path.name)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise AttachmentError(
                "attachment_too_large",
                file=path.name,
                size_mb=f"{size / 1024 / 1024:.1f}",
                limit_mb=max_bytes // (1024 * 1024),
            )
        sniffed = sniff_path(path)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
    except PermissionError as exc:
        raise AttachmentError("attachment_unreadable", file=path.name) from exc
    if not is_confirmed(path.name, sniffed):
        raise AttachmentError(
            "attachment_type_refused", file=path.name, media_type=sniffed.media_type
        )
    pixels = None
    if sniffed.media_type.startswith("image/"):
        with path.open("rb") as fh:
            pixels = pixel_size(fh.read(IMAGE_HEADER_BYTES))
    return StoredFile(digest.hexdigest(), size, sniffed.media_type, path, pixels)


def is_sha256(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


class LocalFileStore:
    def __init__(self, root: Path, max_bytes: int = 20 * 1024 * 1024) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def _target(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = tempfile.NamedTemporaryFile(dir=self.root, prefix=".ready-")
            probe.close()
        except OSError as exc:
            raise StorageError(
                "evidence_store_unavailable", store="files", problem=exc.strerror or "OSError"
            ) from exc

    def inspect(self, path: Path) -> StoredFile:
        return inspect_file(path, self.max_bytes)

    def put(self, path: Path) -> StoredFile:
        info = self.inspect(path)
        target = self._target(info.sha256)
        if not _refresh(target):
            with path.open("rb") as src:
                self._write_atomic(target, src, info.sha256, info.size)
        return replace(info, path=target)

    def put_bytes(self, data: bytes, filename: str) -> StoredFile:
        sha = hashlib.sha256(data).hexdigest()
        target = self._target(sha)
        if not _refresh(target):
            self._write_atomic(target, io.BytesIO(data), sha, len(data))
        return StoredFile(sha, len(data), sniff(data[:HEAD_BYTES]).media_type, target)

    def put_blob(self, sha256: str, size: int, stream: BlobStream) -> None:
        target = self._target(sha256)
        if not is_sha256(sha256):
            raise StorageError("evidence_integrity", sha256=sha256)
        self._write_atomic(target, stream, sha256, size)

    def _write_atomic(self, target: Path, src: BlobStream, sha256: str, size: int) -> None:
        """Copy ``src`` into a temp file beside ``target``, check its size and hash, rename."""
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_dead_writers(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_temp_prefix())
        try:
            digest, written = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as fh:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    digest.update(chunk)
                    written += len(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            if written != size or digest.hexdigest() != sha256:
                raise StorageError("evidence_integrity", sha256=sha256)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self._target(sha256).open("rb")
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise AttachmentError("attachment_missing", file=sha256) from exc

    def list_blobs(self) -> Iterator[Blob]:
        for path in sorted(self.root.glob("??/??/*")):
            if is_sha256(path.name):
                try:
                    yield Blob(path.name, path.stat().st_size)
                except FileNotFoundError:
                    continue

    def stale_blobs(self, grace: timedelta) -> Iterator[str]:
        limit = time.time() - grace.total_seconds()
        for blob in self.list_blobs():
            try:
                if self._target(blob.sha256).stat().st_mtime < limit:
                    yield blob.sha256
            except FileNotFoundError:
                continue

    def remove_if_stale(self, sha256: str, grace: timedelta) -> bool:
        """Rename the blob aside, then look at its mtime again: a put that refreshed it
        before the rename is seen and the blob goes back; a put after the rename finds no
        blob and writes it anew. Only then is the renamed copy deleted."""
        target = self._target(sha256)
        limit = time.time() - grace.total_seconds()
        aside = target.with_name(f".sweep-{sha256}-{uuid.uuid4().hex}")
        try:
            if target.stat().st_mtime >= limit:
                return False
            os.rename(target, aside)
        except FileNotFoundError:
            return False
        if aside.stat().st_mtime >= limit:
            os.replace(aside, target)
            return False
        aside.unlink()
        return True

    def discard_pending(self) -> None:
        """Nothing to undo: blobs stay until the sweep finds them unreferenced."""

    def commit_pending(self) -> None:
        """Nothing to do: a stored blob is final."""


def _host() -> str:
    return socket.gethostname().replace("@", "_") or "localhost"


def _temp_prefix() -> str:
    return f".tmp-{os.getpid()}@{_host()}@"


def sweep_dead_writers(folder: Path) -> list[Path]:
    """Remove the temporaries in ``folder`` of this host's writers that are gone; returns
    what went."""
    removed = []
    host, old = _host(), time.time() - LEGACY_AGE_SECONDS
    for path in folder.glob(".tmp-*"):
        pid, at, rest = path.name[len(".tmp-") :].partition("@")
        writer_host = rest.partition("@")[0]
        try:
            if at and pid.isdigit() and writer_host == host:
                if int(pid) == os.getpid() or is_running(int(pid)):
                    continue
            elif at or path.stat().st_mtime >= old:
                continue  # another machine's writer, or a recent one of an earlier version
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


def _refresh(target: Path) -> bool:
    """Mark an existing blob as just stored (its mtime); False when there is none."""
    try:
        os.utime(target)
    except FileNotFoundError:
        return False
    return True
