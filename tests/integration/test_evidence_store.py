"""Evidence store under concurrency (issue 12): a request that fails never takes away a blob
that a concurrent request committed; the sweep deletes only unreferenced, stale blobs.
Runs on SQLite and PostgreSQL (``db_url``)."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import inspect
from tests.conftest import make_jpeg

from mpdesk.adapters.file_store import LocalFileStore
from mpdesk.bootstrap import App, evidence_index
from mpdesk.domain.accounts import Principal
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import MpdeskError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.services import journal, ticket_actions
from mpdesk.services.evidence import sweep_evidence
from mpdesk.services.ports.journal import TicketFilter

ADMIN = Principal(user_id=1, login="admin", name="admin", is_admin=True)


def _draft(category: str = "acceptance") -> AppealDraft:
    return AppealDraft(
        "wb",
        category,
        description="Отгрузили 100 штук, на складе приняли 95",
        identifiers=[Identifier(IdType.SUPPLY_ID, "24567891")],
        event_date=date(2026, 11, 19),
    )


def _ticket(app: App) -> int:
    ticket_id = journal.open_ticket(app.ctx, ADMIN, _draft()).ticket.id
    assert ticket_id is not None
    return ticket_id


def _store(app: App) -> LocalFileStore:
    return LocalFileStore(app.settings.home / "files")


def _read(store: LocalFileStore, sha256: str) -> bytes:
    stream = store.open(sha256)
    try:
        return stream.read()
    finally:
        stream.close()


def _all_attachments_open(app: App, ticket_id: int) -> list[str]:
    ticket = journal.get_ticket(app.ctx, ADMIN, ticket_id)
    store = _store(app)
    for att in ticket.attachments:
        assert hashlib.sha256(_read(store, att.sha256)).hexdigest() == att.sha256
    return [a.sha256 for a in ticket.attachments]


def test_failed_request_keeps_the_blob_a_concurrent_request_committed(
    app: App, tmp_path: Path
) -> None:
    ticket_id = _ticket(app)
    photo = make_jpeg(tmp_path / "box.jpg")
    failing = _store(app)  # request A: stores the new content first ...
    failing.put(photo)
    committing = replace(app.ctx, files=_store(app))  # ... request B stores it too, commits
    ticket_actions.attach(committing, ADMIN, ticket_id, [photo])
    failing.discard_pending()  # ... and A fails (409) after B's commit
    assert len(_all_attachments_open(app, ticket_id)) == 1


def test_parallel_identical_uploads_with_failures_keep_every_committed_file(
    app: App, tmp_path: Path
) -> None:
    """16 requests store the same new content at once; every other one fails after its put
    (the appeal cannot be composed: unknown category) and rolls back."""
    _ticket(app)  # the marketplace's default shop exists before the requests
    content = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(4096)
    start = threading.Barrier(16)
    outcomes: list[str] = []

    def upload(n: int) -> None:
        photo = tmp_path / f"upload-{n}" / "box.jpg"
        photo.parent.mkdir()
        photo.write_bytes(content)
        draft = _draft(category="acceptance" if n % 2 else "no_such_category")
        ctx = replace(app.ctx, files=_store(app))  # one store per request, as in the web app
        start.wait(timeout=30)
        try:
            journal.open_ticket(ctx, ADMIN, draft, [photo])
            outcomes.append("ok")
        except MpdeskError as exc:
            outcomes.append(exc.code)
        except Exception as exc:
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] * 8 + ["unknown_value"] * 8
    committed = [
        sha
        for ticket in journal.list_tickets(app.ctx, ADMIN, TicketFilter())
        for sha in _all_attachments_open(app, ticket.id or 0)
    ]
    assert committed == [hashlib.sha256(content).hexdigest()] * 8


def test_sweep_removes_only_unreferenced_stale_blobs(app: App, tmp_path: Path) -> None:
    ticket_id = _ticket(app)
    kept = make_jpeg(tmp_path / "kept.jpg")
    ticket_actions.attach(app.ctx, ADMIN, ticket_id, [kept])
    orphan = _store(app).put(make_jpeg(tmp_path / "orphan.jpg"))  # its request failed
    index = evidence_index(app)
    fresh = sweep_evidence(_store(app), index, timedelta(hours=1))
    assert (fresh.checked, fresh.removed) == (0, [])  # within the grace period: untouched
    swept = sweep_evidence(_store(app), index, timedelta(0))
    assert (swept.checked, swept.referenced, swept.removed) == (2, 1, [orphan.sha256])
    assert [b.sha256 for b in _store(app).list_blobs()] == _all_attachments_open(app, ticket_id)


def test_sweep_spares_a_blob_stored_again_after_it_was_listed(app: App, tmp_path: Path) -> None:
    store = _store(app)
    photo = make_jpeg(tmp_path / "again.jpg")
    stored = store.put(photo)
    old = os.stat(stored.path).st_mtime - 7200
    os.utime(stored.path, (old, old))
    assert list(store.stale_blobs(timedelta(hours=1))) == [stored.sha256]
    _store(app).put(photo)  # a new request stores the same content
    assert store.remove_if_stale(stored.sha256, timedelta(hours=1)) is False
    assert _read(store, stored.sha256) == photo.read_bytes()


def test_the_reference_check_reads_an_index_of_attachments_by_sha256(app: App) -> None:
    assert app.engine is not None
    indexes = inspect(app.engine).get_indexes("attachments")
    assert {"name": "ix_attachments_sha256", "columns": ["sha256"]} in [
        {"name": i["name"], "columns": i["column_names"]} for i in indexes
    ]
