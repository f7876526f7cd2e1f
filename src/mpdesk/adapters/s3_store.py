"""Content-addressed evidence store in an S3-compatible bucket (AWS S3, MinIO, Yandex Object
Storage, Ceph RGW), through boto3. Same keys as the local store (``<prefix>ab/cd/<sha256>``).

Uploads stream from the file on disk with ``ContentLength``, ``Content-MD5`` and
``ChecksumSHA256``, which S3, MinIO, Ceph and Yandex verify before they keep the object; the
ETag the server computed from what it received is compared with our MD5 as well (an object that
does not match is deleted). Downloads stream the body and check the sha256 when the last chunk
is read. A put of existing content copies the object onto itself, which
refreshes its ``LastModified``: the sweep's grace period counts from the last put, as in the
local store (docs/architecture.md).
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from mpdesk.adapters.file_store import CHUNK, inspect_file, is_sha256
from mpdesk.domain.errors import AttachmentError, StorageError
from mpdesk.domain.filetypes import sniff
from mpdesk.services.ports.files import Blob, BlobStream, StoredFile

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client

_MISSING = {"404", "NoSuchKey", "NotFound"}
_MISMATCH = {"BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch"}


class _Absent(Exception):
    """The object does not exist (translated by ``S3FileStore._calls``)."""


class S3FileStore:
    def __init__(
        self,
        endpoint_url: str,
        bucket: str,
        access_key_id: str,
        secret_access_key: str,
        region: str = "us-east-1",
        prefix: str = "evidence/",
        max_bytes: int = 20 * 1024 * 1024,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.where = f"{endpoint_url or 's3'}/{bucket}"
        self.client: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            region_name=region,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
                # S3-compatible servers differ on the newer default checksums: send ours only
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def _key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def _unavailable(self, exc: Exception) -> StorageError:
        return StorageError("evidence_store_unavailable", store=self.where, problem=str(exc))

    @contextmanager
    def _calls(self, sha256: str = "") -> Iterator[None]:
        """Translate boto's errors: no such object → ``_Absent``; a body the server found
        not matching its checksums → ``evidence_integrity``; else ``unavailable``."""
        try:
            yield
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise _Absent from exc
            if _code(exc) in _MISMATCH:
                raise StorageError("evidence_integrity", sha256=sha256) from exc
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc

    def inspect(self, path: Path) -> StoredFile:
        return inspect_file(path, self.max_bytes)

    def check(self) -> None:
        try:
            with self._calls():
                self.client.head_bucket(Bucket=self.bucket)
        except _Absent as exc:
            raise self._unavailable(exc) from exc

    def put(self, path: Path) -> StoredFile:
        info = self.inspect(path)
        if not self._refresh(info.sha256):
            with path.open("rb") as body:
                sha256, md5, size = _digests(body)
                if (sha256, size) != (info.sha256, info.size):  # changed since inspected
                    raise StorageError("evidence_integrity", sha256=info.sha256)
                body.seek(0)
                self._upload(info.sha256, md5, info.size, body)
        return info

    def put_bytes(self, data: bytes, filename: str) -> StoredFile:
        sha = hashlib.sha256(data).hexdigest()
        if not self._refresh(sha):
            self._upload(sha, hashlib.md5(data, usedforsecurity=False).digest(), len(data), data)
        return StoredFile(sha, len(data), sniff(data[:8192]).media_type, Path(filename))

    def put_blob(self, sha256: str, size: int, stream: BlobStream) -> None:
        """Spool to a temp file while hashing (a restore's stream is not seekable), check,
        then upload from the file: disk, not memory, holds the blob."""
        if not is_sha256(sha256):
            raise StorageError("evidence_integrity", sha256=sha256)
        with tempfile.TemporaryFile(prefix="mpdesk-blob-") as spool:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                spool.write(chunk)
            spool.seek(0)
            actual, md5, actual_size = _digests(spool)
            if (actual, actual_size) != (sha256, size):
                raise StorageError("evidence_integrity", sha256=sha256)
            spool.seek(0)
            self._upload(sha256, md5, size, spool)

    def _upload(self, sha256: str, md5: bytes, size: int, body: Any) -> None:
        """One PUT streamed from ``body``; the server checks length, MD5 and sha256, and
        the ETag it answers (the MD5 of what it received) is checked here."""
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
        key = self._key(sha256)
        with self._calls(sha256):
            answer = self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentLength=size,
                ContentMD5=base64.b64encode(md5).decode("ascii"),
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=checksum,
                ContentType="application/octet-stream",
            )
        etag = answer.get("ETag", "").strip('"')
        if len(etag) == 32 and etag != md5.hex():  # a multipart or KMS ETag is not an MD5
            self.client.delete_object(Bucket=self.bucket, Key=key)
            raise StorageError("evidence_integrity", sha256=sha256)

    def _refresh(self, sha256: str) -> bool:
        """Copy an existing object onto itself (new ``LastModified``); False if absent."""
        key = self._key(sha256)
        try:
            with self._calls():
                self.client.copy_object(
                    Bucket=self.bucket,
                    Key=key,
                    CopySource={"Bucket": self.bucket, "Key": key},
                    MetadataDirective="REPLACE",
                    Metadata={"stored-at": datetime.now(UTC).isoformat()},
                    ContentType="application/octet-stream",
                )
        except _Absent:
            return False
        return True

    def open(self, sha256: str) -> BlobStream:
        try:
            with self._calls():
                answer = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))
        except _Absent as exc:
            raise AttachmentError("attachment_missing", file=sha256) from exc
        return CheckedBody(answer["Body"], sha256)

    def _objects(self) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("list_objects_v2")
        with self._calls():
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    if is_sha256(item["Key"].rpartition("/")[2]):
                        yield dict(item)

    def list_blobs(self) -> Iterator[Blob]:
        for item in self._objects():
            yield Blob(item["Key"].rpartition("/")[2], int(item["Size"]))

    def stale_blobs(self, grace: timedelta) -> Iterator[str]:
        limit = datetime.now(UTC) - grace
        for item in self._objects():
            if item["LastModified"] < limit:
                yield item["Key"].rpartition("/")[2]

    def remove_if_stale(self, sha256: str, grace: timedelta) -> bool:
        """Look at ``LastModified`` again just before deleting (S3 has no conditional
        delete on time: the window left is one round trip, see docs/storage.md)."""
        key = self._key(sha256)
        try:
            with self._calls():
                head = self.client.head_object(Bucket=self.bucket, Key=key)
                if head["LastModified"] >= datetime.now(UTC) - grace:
                    return False
                self.client.delete_object(Bucket=self.bucket, Key=key)
        except _Absent:
            return False
        return True

    def discard_pending(self) -> None:
        """Nothing to undo: objects stay until the sweep finds them unreferenced."""

    def commit_pending(self) -> None:
        """Nothing to do: a stored object is final."""


class CheckedBody:
    """A downloaded body read in chunks; the sha256 is checked when the end is reached."""

    def __init__(self, body: Any, sha256: str) -> None:
        self._body = body
        self._sha256 = sha256
        self._digest = hashlib.sha256()

    def read(self, size: int = -1, /) -> bytes:
        chunk: bytes = self._body.read(None if size < 0 else size)
        self._digest.update(chunk)
        if (not chunk or size < 0) and self._digest.hexdigest() != self._sha256:
            raise StorageError("evidence_integrity", sha256=self._sha256)
        return chunk

    def close(self) -> None:
        self._body.close()


def _digests(body: Any) -> tuple[str, bytes, int]:
    """sha256 (hex), MD5 (raw) and size of a file read to its end in chunks."""
    sha256, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    for chunk in iter(lambda: body.read(CHUNK), b""):
        sha256.update(chunk)
        md5.update(chunk)
        size += len(chunk)
    return sha256.hexdigest(), md5.digest(), size


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
