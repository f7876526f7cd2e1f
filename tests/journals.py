"""Migrated journals for the tests, so the migration history runs once per test process
instead of once per test (it is the largest part of a test's setup, and on PostgreSQL each
``CREATE TABLE`` waits for the server's disk).

- SQLite: one migrated file per process; each test gets a copy of it.
- PostgreSQL: schemas migrated once and reused. After a test its rows are deleted and its
  sequences restarted, so the next test sees what a fresh migration leaves (no rows, ids from
  1). A schema a test changed (an other revision, a table added or dropped) is dropped, not
  reused. ``tests/integration/test_migrations.py`` and the other tests of the history itself
  use the empty ``db_url`` and run the migrations.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from mpdesk.adapters.db.migrate import schema_state, upgrade
from mpdesk.adapters.db.uow import make_engine

# deletes every row of the schema's tables and restarts its sequences in one round trip;
# ``session_replication_role = replica`` skips the foreign-key triggers, so the order of the
# deletes does not matter (the tables end empty either way)
_EMPTY_SCHEMA = """
DO $$
DECLARE r record;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOR r IN SELECT tablename FROM pg_tables
           WHERE schemaname = current_schema() AND tablename <> 'alembic_version' LOOP
    EXECUTE format('DELETE FROM %I', r.tablename);
  END LOOP;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', r.sequencename);
  END LOOP;
END $$
"""
_VERSION = "SELECT version_num FROM alembic_version"
_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"


class JournalPool:
    def __init__(self, folder: Path, pg_admin_url: str) -> None:
        self.folder = folder
        self.pg_admin_url = pg_admin_url
        self._sqlite: Path | None = None
        self._free: list[str] = []
        self._made: list[str] = []
        self._tables: list[str] | None = None
        self._head = ""
        self._admin: Engine | None = None

    # --- SQLite ---

    def sqlite_copy(self, target: Path) -> str:
        """A migrated SQLite journal at ``target`` (mode kept: the journal is 0600)."""
        if self._sqlite is None:
            template = self.folder / "journal.db"
            engine = make_engine(f"sqlite:///{template}")
            upgrade(engine)
            engine.dispose()
            self._sqlite = template
        shutil.copy(self._sqlite, target)
        return f"sqlite:///{target}"

    # --- PostgreSQL ---

    def url(self, schema: str) -> str:
        sep = "&" if "?" in self.pg_admin_url else "?"
        return f"{self.pg_admin_url}{sep}options=-csearch_path%3D{schema}"

    def _admin_engine(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(self.pg_admin_url)
        return self._admin

    def take_schema(self) -> str:
        """A migrated, empty schema for one test."""
        if self._free:
            return self._free.pop()
        schema = f"j_{uuid.uuid4().hex[:12]}"
        with self._admin_engine().begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self._made.append(schema)
        engine = make_engine(self.url(schema))
        try:
            upgrade(engine)
            if self._tables is None:
                self._head = schema_state(engine).head
                with engine.connect() as conn:
                    self._tables = list(conn.execute(text(_TABLES)).scalars())
        finally:
            engine.dispose()
        return schema

    def give_back(self, schema: str) -> None:
        """Empty the schema for the next test, or drop it if the test changed its shape."""
        engine = create_engine(self.url(schema), pool_size=1)
        try:
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '5s'"))
                tables = list(conn.execute(text(_TABLES)).scalars())
                versions = list(conn.execute(text(_VERSION)).scalars())
                if tables == self._tables and versions == [self._head]:
                    conn.execute(text(_EMPTY_SCHEMA))
                    self._free.append(schema)
                    return
        except DBAPIError:
            pass  # a lock a test left held, a dropped table: not reused
        finally:
            engine.dispose()
        self._drop(schema)

    def _drop(self, schema: str) -> None:
        try:
            with self._admin_engine().begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        except DBAPIError:
            pass  # still locked by a test's leftover connection: the session's end drops it
        else:
            self._made.remove(schema)

    def close(self) -> None:
        for schema in list(self._made):
            self._drop(schema)
        if self._admin is not None:
            self._admin.dispose()
