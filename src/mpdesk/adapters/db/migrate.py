"""The journal's schema: upgrade it (serialised on PostgreSQL) or check that it is current.

The history has one head: a new migration follows the latest one
(``tests/integration/test_migrations.py`` upgrades from every earlier revision).

A single machine migrates on start (``migrate_on_start``, the default). Several servers
against one database run ``mpdesk migrate`` once, and every server then checks the schema
with ``ensure_current``: an older schema (migrate not run yet) or a newer one (this build is
behind the database) refuses to start with ``SchemaVersionError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, text

from mpdesk.domain.errors import SchemaVersionError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x6D706465736B  # "mpdesk"


@dataclass(frozen=True)
class SchemaState:
    """Where the database stands against this build's migrations."""

    current: str | None  # None: an empty database
    head: str
    known: bool  # False: a revision this build does not have (a newer build migrated)

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def _script() -> ScriptDirectory:
    """The migration history, read once per process (alembic imports every revision file
    each time it is read)."""
    return ScriptDirectory.from_config(_config())


def _state(conn: Connection) -> SchemaState:
    script = _script()
    head = script.get_current_head()
    assert head is not None, "the migration history has no head"
    current = MigrationContext.configure(conn).get_current_revision()
    known = True
    if current is not None:
        try:
            known = script.get_revision(current) is not None
        except CommandError:
            known = False
    return SchemaState(current, head, known)


def schema_state(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        return _state(conn)


def upgrade(engine: Engine, revision: str = "head") -> SchemaState:
    """Apply the migrations up to ``revision`` under a database lock, in one transaction;
    returns the state found before. A database migrated by a newer build is left alone
    (``schema_newer``)."""
    with engine.begin() as conn:
        return upgrade_in(conn, revision)


def upgrade_in(conn: Connection, revision: str = "head") -> SchemaState:
    """``upgrade`` inside the transaction open on ``conn``, which the caller ends (the
    migration tests roll each upgrade back to a savepoint instead of committing it)."""
    if conn.dialect.name == "postgresql":
        # one lock per schema: journals of one database in other schemas do not wait
        lock = "SELECT pg_advisory_xact_lock(CAST(:k AS bigint) + hashtext(current_schema()))"
        conn.execute(text(lock), {"k": _LOCK_KEY})
    before = _state(conn)
    if not before.known:
        raise SchemaVersionError("schema_newer", found=before.current, expected=before.head)
    if revision == "head" and before.is_current:
        return before  # nothing to apply: every start of a current database
    cfg = _config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)
    return before


def ensure_current(engine: Engine) -> SchemaState:
    """Refuse a schema this build cannot serve: older (``mpdesk migrate`` not run yet) or
    newer (the database was migrated by a newer build)."""
    state = schema_state(engine)
    if not state.known:
        raise SchemaVersionError("schema_newer", found=state.current, expected=state.head)
    if not state.is_current:
        raise SchemaVersionError("schema_older", found=state.current or "—", expected=state.head)
    return state
