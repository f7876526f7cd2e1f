"""The S3 evidence store against a real S3 API server on loopback (moto, own process):
streamed round trips, server-side size and hash checks, the journal and the web app on it,
and the concurrency guarantee of issue 12. Journal tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import boto3
import pytest
from tests.conftest import FROZEN_NOW, make_jpeg
from tests.s3_server import ACCESS_KEY, SECRET_KEY
from tests.web_support import build_world

from mpdesk.adapters.s3_store import S3FileStore
from mpdesk.bootstrap import App, bootstrap, evidence_index, journal_snapshot
from mpdesk.config import Settings
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import AttachmentError, StorageError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.services import journal
from mpdesk.services.backup import create_backup, restore_backup
from mpdesk.services.bundle import build_bundle
from mpdesk.services.evidence import sweep_evidence


def _store(endpoint: str, bucket: str) -> S3FileStore:
    return S3FileStore(endpoint, bucket, ACCESS_KEY, SECRET_KEY, max_bytes=5 * 1024 * 1024)


def _raw(endpoint: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )


def _read_all(store: S3FileStore, sha256: str) -> bytes:
    stream, out = store.open(sha256), io.BytesIO()
    try:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            out.write(chunk)
    finally:
        stream.close()
    return out.getvalue()


@pytest.fixture
def s3_app(home: Path, db_url: str, s3_endpoint: str, s3_bucket: str) -> App:
    settings = Settings(
        home=home,
        database_url=db_url,
        now=FROZEN_NOW,
        kb_dir=home / "knowledge",
        evidence_store="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=s3_bucket,
        s3_access_key_id=ACCESS_KEY,
        s3_secret_access_key=SECRET_KEY,
    )
    application = bootstrap(settings)
    yield application  # type: ignore[misc]
    assert application.engine is not None
    application.engine.dispose()


def _draft() -> AppealDraft:
    return AppealDraft(
        "wb",
        "acceptance",
        description="Отгрузили 100 штук, на складе приняли 95",
        identifiers=[Identifier(IdType.SUPPLY_ID, "24567891")],
        event_date=date(2026, 11, 19),
    )


def test_put_and_open_round_trip_under_content_address(
    s3_endpoint: str, s3_bucket: str, tmp_path: Path
) -> None:
    store = _store(s3_endpoint, s3_bucket)
    photo = tmp_path / "big.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(3 * 1024 * 1024))
    stored = store.put(photo)
    again = store.put(photo)  # the same content: one object, refreshed
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert (stored.sha256, stored.size, stored.media_type) == (
        sha,
        photo.stat().st_size,
        "image/jpeg",
    )
    assert again.sha256 == sha
    keys = [o["Key"] for o in _raw(s3_endpoint).list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert keys == [f"evidence/{sha[:2]}/{sha[2:4]}/{sha}"]
    head = _raw(s3_endpoint).head_object(Bucket=s3_bucket, Key=keys[0])
    assert "stored-at" in head["Metadata"]  # the second put refreshed the object
    assert _read_all(store, sha) == photo.read_bytes()
    assert [(b.sha256, b.size) for b in store.list_blobs()] == [(sha, stored.size)]


def test_missing_blob_is_attachment_missing(s3_endpoint: str, s3_bucket: str) -> None:
    with pytest.raises(AttachmentError) as err:
        _store(s3_endpoint, s3_bucket).open("0" * 64)
    assert err.value.code == "attachment_missing"


def test_objects_carry_their_sha256_for_the_server_to_verify(
    s3_endpoint: str, s3_bucket: str, tmp_path: Path
) -> None:
    """Each upload sends ``ContentLength``, ``Content-MD5`` and ``ChecksumSHA256``, which S3,
    MinIO, Ceph and Yandex verify (moto keeps them without checking: here they must reach the
    server and stay with the object)."""
    store = _store(s3_endpoint, s3_bucket)
    stored = store.put(make_jpeg(tmp_path / "p.jpg"))
    key = f"evidence/{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}"
    head = _raw(s3_endpoint).head_object(Bucket=s3_bucket, Key=key, ChecksumMode="ENABLED")
    assert base64.b64decode(head["ChecksumSHA256"]).hex() == stored.sha256
    assert head["ContentLength"] == stored.size


def test_object_the_server_received_differently_is_refused_and_removed(
    s3_endpoint: str, s3_bucket: str
) -> None:
    """What arrives is not what was announced (a body corrupted on the way): the server's
    ETag (the MD5 of what it received) differs, the object is deleted, nothing is stored."""
    store = _store(s3_endpoint, s3_bucket)
    announced = b"what the client announced"
    sha256 = hashlib.sha256(announced).hexdigest()
    md5 = hashlib.md5(announced, usedforsecurity=False).digest()
    with pytest.raises(StorageError) as err:
        store._upload(sha256, md5, len(announced), io.BytesIO(b"what the client annoXnced"))
    assert err.value.code == "evidence_integrity"
    assert list(store.list_blobs()) == []


def test_restored_blob_that_does_not_match_its_hash_is_not_stored(
    s3_endpoint: str, s3_bucket: str
) -> None:
    store = _store(s3_endpoint, s3_bucket)
    claimed = hashlib.sha256(b"what the archive announced").hexdigest()
    with pytest.raises(StorageError) as err:
        store.put_blob(claimed, 9, io.BytesIO(b"different"))
    assert err.value.code == "evidence_integrity"
    body = b"right size, right hash"
    store.put_blob(hashlib.sha256(body).hexdigest(), len(body), io.BytesIO(body))
    assert [b.sha256 for b in store.list_blobs()] == [hashlib.sha256(body).hexdigest()]


def test_download_of_a_tampered_object_fails_at_the_end(
    s3_endpoint: str, s3_bucket: str, tmp_path: Path
) -> None:
    store = _store(s3_endpoint, s3_bucket)
    stored = store.put(make_jpeg(tmp_path / "p.jpg"))
    key = f"evidence/{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}"
    _raw(s3_endpoint).put_object(Bucket=s3_bucket, Key=key, Body=b"replaced behind our back")
    with pytest.raises(StorageError) as err:
        _read_all(store, stored.sha256)
    assert err.value.code == "evidence_integrity"


def test_unreachable_store_is_a_storage_error(tmp_path: Path) -> None:
    store = S3FileStore("http://127.0.0.1:9", "nowhere", ACCESS_KEY, SECRET_KEY)
    with pytest.raises(StorageError) as err:
        store.put(make_jpeg(tmp_path / "p.jpg"))
    assert err.value.code == "evidence_store_unavailable"
    assert err.value.fields["store"] == "http://127.0.0.1:9/nowhere"


def test_failed_request_keeps_the_object_a_concurrent_request_committed(
    s3_app: App, tmp_path: Path
) -> None:
    photo = make_jpeg(tmp_path / "box.jpg")
    failing = replace(
        s3_app.ctx, files=_store(s3_app.settings.s3_endpoint_url, s3_app.settings.s3_bucket)
    )
    failing.files.put(photo)  # request A stores the new content, request B commits it ...
    opened = journal.open_ticket(s3_app.ctx, LOCAL_OWNER, _draft(), [photo])
    failing.files.discard_pending()  # ... and A fails afterwards
    (att,) = opened.ticket.attachments
    assert (
        _read_all(_store(s3_app.settings.s3_endpoint_url, s3_app.settings.s3_bucket), att.sha256)
        == photo.read_bytes()
    )


def test_sweep_on_s3_removes_only_unreferenced_objects(s3_app: App, tmp_path: Path) -> None:
    store = s3_app.ctx.files
    kept = journal.open_ticket(
        s3_app.ctx, LOCAL_OWNER, _draft(), [make_jpeg(tmp_path / "kept.jpg")]
    )
    orphan = store.put(make_jpeg(tmp_path / "orphan.jpg"))
    index = evidence_index(s3_app)
    assert sweep_evidence(store, index, timedelta(hours=1)).removed == []
    swept = sweep_evidence(store, index, timedelta(0))
    assert (swept.referenced, swept.removed) == (1, [orphan.sha256])
    assert [b.sha256 for b in store.list_blobs()] == [kept.ticket.attachments[0].sha256]


def test_bundle_and_api_download_stream_from_s3(s3_app: App, tmp_path: Path) -> None:
    world = build_world(s3_app)
    api = world.api_client(world.admin_token)
    photo = make_jpeg(tmp_path / "box.jpg").read_bytes()
    up = api.post(
        f"/api/v1/tickets/{world.ticket_a}/attachments",
        files={"files": ("коробка.jpg", photo, "image/jpeg")},
    )
    assert up.status_code == 201, up.text
    att = up.json()["attachments"][0]
    down = api.get(f"/api/v1/tickets/{world.ticket_a}/attachments/{att['id']}")
    assert (down.status_code, down.content) == (200, photo)
    assert down.headers["content-length"] == str(len(photo))
    assert down.headers["content-disposition"].startswith("attachment; filename*=utf-8''")
    bundle = api.get(f"/api/v1/tickets/{world.ticket_a}/bundle")
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as zf:
        assert zf.read("attachments/коробка.jpg") == photo
    dest = tmp_path / "out" / "bundle.zip"
    manifest = build_bundle(s3_app.ctx, LOCAL_OWNER, world.ticket_a, dest)
    assert [f["sha256"] for f in manifest["files"]][1:] == [hashlib.sha256(photo).hexdigest()]  # type: ignore[index]


def test_backup_streams_evidence_from_one_bucket_and_restores_into_another(
    home: Path, s3_endpoint: str, s3_bucket: str, tmp_path: Path
) -> None:
    settings = Settings(
        home=home,
        now=FROZEN_NOW,
        kb_dir=home / "knowledge",
        evidence_store="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=s3_bucket,
        s3_access_key_id=ACCESS_KEY,
        s3_secret_access_key=SECRET_KEY,
    )
    application = bootstrap(settings)
    photo = make_jpeg(tmp_path / "box.jpg")
    journal.open_ticket(application.ctx, LOCAL_OWNER, _draft(), [photo])
    archive = tmp_path / "copy.tar"
    summary = create_backup(
        application.ctx.files,
        journal_snapshot(settings),
        None,
        archive,
        application.ctx.clock.now(),
        "test",
    )
    assert application.engine is not None
    application.engine.dispose()
    assert (summary.tickets, summary.files) == (1, 1)
    _raw(s3_endpoint).create_bucket(Bucket=f"{s3_bucket}-copy")
    target = _store(s3_endpoint, f"{s3_bucket}-copy")
    new_home = tmp_path / "restored"
    restore_backup(archive, new_home / "mpdesk.db", new_home / "secret_key", target, True)
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert [b.sha256 for b in target.list_blobs()] == [sha]
    assert _read_all(target, sha) == photo.read_bytes()
    assert (new_home / "mpdesk.db").stat().st_size > 0


def test_put_bytes_stores_once_and_reads_back(s3_endpoint: str, s3_bucket: str) -> None:
    """The demo photo's path (``mpdesk serve --demo``) on the S3 store."""
    store = _store(s3_endpoint, s3_bucket)
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(2048)
    first = store.put_bytes(data, "korobka.png")
    second = store.put_bytes(data, "korobka.png")
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert first.media_type == "image/png"
    assert [b.sha256 for b in store.list_blobs()] == [first.sha256]
    assert _read_all(store, first.sha256) == data
