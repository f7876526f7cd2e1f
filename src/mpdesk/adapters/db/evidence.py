"""Which evidence blobs the journal references: the sweep's reference check (committed rows
only: each question is its own short read transaction)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Engine, select

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db import tables_mail as tm

_CHUNK = 500


class SqlEvidenceIndex:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def referenced(self, sha256s: Collection[str]) -> set[str]:
        wanted, found = sorted(set(sha256s)), set[str]()
        columns = (t.attachments.c.sha256, tm.mail_messages.c.raw_sha256)  # raw e-mails too
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                for column in columns:
                    query = select(column).where(column.in_(chunk)).distinct()
                    found.update(conn.scalars(query))
        return found
