"""Readiness of the journal: the database answers and its schema is this build's."""

from __future__ import annotations

from sqlalchemy import Engine

from mpdesk.adapters.db.migrate import ensure_current


class DatabaseProbe:
    name = "database"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def check(self) -> None:
        ensure_current(self.engine)  # one query of alembic_version: reachable and current
