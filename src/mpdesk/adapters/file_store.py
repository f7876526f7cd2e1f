"""Content-addressed file store under ``MPDESK_HOME/files`` (deduplicated by sha256).

Files written during a use case are *pending* until ``commit_pending``; ``discard_pending``
removes those that did not exist before, so a failed command leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

from mpdesk.domain.errors import AttachmentError
from mpdesk.domain.filetypes import Sniffed, is_confirmed, sniff
from mpdesk.services.ports.files import StoredFile

HEAD_BYTES = 8192
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
            raise AttachmentError("attachment_broken_zip", file=str(path)) from exc
        unpacked = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if unpacked > max_unpacked or unpacked / packed > MAX_RATIO:
            raise AttachmentError("attachment_zip_bomb", file=str(path))
        members = [i.filename for i in infos]
    return sniff(head, members)


class LocalFileStore:
    def __init__(self, root: Path, max_bytes: int = 20 * 1024 * 1024) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self._pending: list[Path] = []

    def _target(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def inspect(self, path: Path) -> StoredFile:
        if not path.exists():
            raise AttachmentError("attachment_missing", file=str(path))
        if not path.is_file():
            raise AttachmentError("attachment_not_file", file=str(path))
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise AttachmentError(
                    "attachment_too_large",
                    file=str(path),
                    size_mb=f"{size / 1024 / 1024:.1f}",
                    limit_mb=self.max_bytes // (1024 * 1024),
                )
            sniffed = sniff_path(path)
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except PermissionError as exc:
            raise AttachmentError("attachment_unreadable", file=str(path)) from exc
        if not is_confirmed(path.name, sniffed):
            raise AttachmentError(
                "attachment_type_refused", file=str(path), media_type=sniffed.media_type
            )
        return StoredFile(digest.hexdigest(), size, sniffed.media_type, path)

    def put(self, path: Path) -> StoredFile:
        info = self.inspect(path)
        target = self._target(info.sha256)
        if not target.exists():
            self._write_atomic(target, path.read_bytes())
        return StoredFile(info.sha256, info.size, info.media_type, target)

    def put_bytes(self, data: bytes, filename: str) -> StoredFile:
        sha = hashlib.sha256(data).hexdigest()
        target = self._target(sha)
        if not target.exists():
            self._write_atomic(target, data)
        return StoredFile(sha, len(data), sniff(data[:HEAD_BYTES]).media_type, target)

    def _write_atomic(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._pending.append(target)

    def open(self, sha256: str) -> Path:
        target = self._target(sha256)
        if not target.is_file():
            raise AttachmentError("attachment_missing", file=sha256)
        return target

    def discard_pending(self) -> None:
        for path in self._pending:
            path.unlink(missing_ok=True)
        self._pending.clear()

    def commit_pending(self) -> None:
        self._pending.clear()
