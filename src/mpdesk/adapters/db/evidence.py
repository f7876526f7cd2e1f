"""Which evidence blobs the journal references: the sweep's reference check (committed rows
only: each question is its own short read transaction). Attachments and the files a sync
pulled from the marketplaces' APIs both keep their blobs."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Engine, select

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db import tables_mail as tm
from mpdesk.adapters.db.tables_sync import sync_files

_CHUNK = 500


class SqlEvidenceIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def referenced(self, sha256s: Collection[str]) -> set[str]:
        wanted, found = sorted(set(sha256s)), set[str]()
        # attachments, raw e-mails, and the files a sync pulled
        columns = (t.attachments.c.sha256, tm.mail_messages.c.raw_sha256, sync_files.c.sha256)
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                for column in columns:
                    query = select(column).where(column.in_(chunk)).distinct()
                    found.update(conn.scalars(query))
        return found
