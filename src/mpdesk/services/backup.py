"""Use cases: back up a single-machine mpdesk (the SQLite journal, copied with SQLite's online
backup API while the server runs, the evidence files and the secret key) into one tar archive
with a manifest of sizes and sha256 hashes; check such an archive; restore it into an empty home.

PostgreSQL deployments back up with ``pg_dump`` and their object store's own tools
(docs/deploy.md). Nothing half-written: the archive is written to a temp file and renamed; a
restore checks the whole archive first and moves the journal into place last.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from mpdesk.domain.errors import BackupError
from mpdesk.services.ports.files import BlobStream, FileStore

FORMAT = "mpdesk-backup/1"
MANIFEST = "manifest.json"
DATABASE = "mpdesk.db"
SECRET_KEY = "secret_key"
CHUNK = 1 << 20
MAX_MANIFEST = 512 * 1024 * 1024  # about two million members

#: copies the live journal into the given path; returns the number of tickets in the copy
Snapshot = Callable[[Path], int]


@dataclass(frozen=True)
class BackupSummary:
    archive: Path
    tickets: int
    files: int
    size: int
    manifest: dict[str, Any]


class _Hashing:
    """A stream that hashes what is read through it."""

    def __init__(self, stream: BlobStream | IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1, /) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def close(self) -> None:
        self.stream.close()


def create_backup(
    files: FileStore,
    snapshot: Snapshot,
    secret_key: Path | None,
    dest: Path,
    now: datetime,
    version: str,
) -> BackupSummary:
    if dest.exists():
        raise BackupError("backup_dest_exists", archive=str(dest))
    members: list[dict[str, Any]] = []
    with _temp_beside(dest) as tmp, tempfile.TemporaryDirectory(prefix="mpdesk-backup-") as work:
        db_copy = Path(work) / DATABASE
        tickets = snapshot(db_copy)
        with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
            with db_copy.open("rb") as fh:
                members.append(_add(tar, DATABASE, "database", db_copy.stat().st_size, fh))
            if secret_key is not None and secret_key.is_file():
                with secret_key.open("rb") as fh:
                    size = secret_key.stat().st_size
                    members.append(_add(tar, SECRET_KEY, "secret_key", size, fh))
            for blob in files.list_blobs():
                stream = files.open(blob.sha256)
                try:
                    member = _add(tar, _blob_name(blob.sha256), "evidence", blob.size, stream)
                finally:
                    stream.close()
                if member["sha256"] != blob.sha256:
                    raise BackupError(
                        "backup_member_corrupt", archive=str(dest), member=blob.sha256
                    )
                members.append(member)
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "mpdesk_version": version,
                "database": "sqlite",
                "tickets": tickets,
                "members": members,
            }
            body = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(now.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
        os.replace(tmp, dest)
    evidence = sum(1 for m in members if m["kind"] == "evidence")
    return BackupSummary(dest, tickets, evidence, dest.stat().st_size, manifest)


def check_backup(archive: Path) -> dict[str, Any]:
    """Read the whole archive: every member of the manifest is there with its size and
    sha256, and nothing else is; returns the manifest."""
    if not archive.is_file():
        raise BackupError("backup_missing", archive=str(archive))
    seen: dict[str, tuple[int, str]] = {}
    manifest: dict[str, Any] | None = None
    with _open_archive(archive) as tar:
        for info in tar:
            if not info.isfile():
                raise BackupError("backup_not_archive", archive=str(archive))
            fh = tar.extractfile(info)
            assert fh is not None
            if info.name == MANIFEST:
                if info.size > MAX_MANIFEST:
                    raise BackupError("backup_not_archive", archive=str(archive))
                manifest = _manifest(archive, fh.read())
                continue
            reader = _Hashing(fh)
            while reader.read(CHUNK):
                pass
            seen[info.name] = (reader.size, reader.digest.hexdigest())
    if manifest is None:
        raise BackupError("backup_not_archive", archive=str(archive))
    listed = {m["name"]: (m["size"], m["sha256"]) for m in manifest["members"]}
    for name, expected in listed.items():
        if name not in seen:
            raise BackupError("backup_member_missing", archive=str(archive), member=name)
        if seen[name] != tuple(expected):
            raise BackupError("backup_member_corrupt", archive=str(archive), member=name)
    extra = sorted(set(seen) - set(listed))
    if extra:
        raise BackupError("backup_member_corrupt", archive=str(archive), member=extra[0])
    return manifest


def restore_backup(
    archive: Path, database: Path, secret_key: Path, files: FileStore, shared_store: bool
) -> dict[str, Any]:
    """Restore into an empty home (no journal, no key, and no evidence unless the store is
    shared, as a bucket is): the evidence first, then the key, the journal last."""
    manifest = check_backup(archive)
    for path in (database, secret_key):
        if path.exists():
            raise BackupError("backup_home_not_empty", home=str(path.parent), found=path.name)
    if not shared_store and next(iter(files.list_blobs()), None) is not None:
        raise BackupError("backup_home_not_empty", home=str(database.parent), found="files")
    database.parent.mkdir(parents=True, exist_ok=True)
    kinds = {m["name"]: m for m in manifest["members"]}
    with _open_archive(archive) as tar, _temp_beside(database) as db_tmp:
        key_body: bytes | None = None
        for info in tar:
            member = kinds.get(info.name)
            fh = tar.extractfile(info)
            if member is None or fh is None:
                continue
            if member["kind"] == "evidence":
                files.put_blob(member["sha256"], member["size"], fh)
            elif member["kind"] == "secret_key":
                key_body = fh.read(CHUNK)
            elif member["kind"] == "database":
                with db_tmp.open("wb") as out:
                    shutil.copyfileobj(fh, out, CHUNK)
        if key_body is not None:
            _write_private(secret_key, key_body)
        os.chmod(db_tmp, 0o600)
        os.replace(db_tmp, database)
    return manifest


def _add(tar: tarfile.TarFile, name: str, kind: str, size: int, stream: Any) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size, info.mode = size, 0o600
    reader = _Hashing(stream)
    tar.addfile(info, reader)  # tarfile reads exactly `size` bytes, in chunks
    if reader.read(1):  # longer than announced
        raise BackupError("backup_member_corrupt", archive=tar.name or "", member=name)
    return {"name": name, "kind": kind, "size": size, "sha256": reader.digest.hexdigest()}


def _blob_name(sha256: str) -> str:
    return f"files/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _manifest(archive: Path, body: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(body)
        ok = manifest.get("format") == FORMAT and isinstance(manifest.get("members"), list)
    except (ValueError, AttributeError):
        ok = False
    if not ok:
        raise BackupError("backup_not_archive", archive=str(archive))
    return dict(manifest)


@contextmanager
def _open_archive(archive: Path) -> Iterator[tarfile.TarFile]:
    try:
        with tarfile.open(archive, "r:") as tar:
            yield tar
    except (tarfile.TarError, EOFError) as exc:
        raise BackupError("backup_not_archive", archive=str(archive)) from exc


@contextmanager
def _temp_beside(dest: Path) -> Iterator[Path]:
    """A temp file in ``dest``'s directory, removed unless renamed onto ``dest``."""
    try:
        fd, name = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-", suffix=dest.suffix)
    except OSError as exc:
        raise BackupError("backup_unwritable", archive=str(dest)) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _write_private(path: Path, body: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(body)
