"""One Alembic history: an empty database and a database left at any earlier revision both
upgrade to the one head, and end with the same schema, on SQLite and PostgreSQL.

Each revision's start state is built from its parent's (the history runs forward once, not
once per revision) and every upgrade to the head starts from a kept copy of that state: on
SQLite a copy of the journal file, on PostgreSQL a savepoint of one transaction that is
rolled back at the end (no commit waits for the server's disk)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from mpdesk.adapters.db.migrate import MIGRATIONS, upgrade, upgrade_in
from mpdesk.adapters.db.uow import make_engine

Schema = dict[str, tuple[list[str], list[str]]]


def _script() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def _schema(conn: Connection) -> Schema:
    found = inspect(conn)
    columns = found.get_multi_columns()
    indexes = found.get_multi_indexes()
    return {
        str(table): (
            sorted(c["name"] for c in columns[(schema, table)]),
            sorted(str(i["name"]) for i in indexes[(schema, table)]),
        )
        for schema, table in columns
    }


class SqliteJournal:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names = itertools.count()
        self.path = folder / "journal.db"
        self.engine = make_engine(f"sqlite:///{self.path}")

    def upgrade(self, revision: str = "head") -> None:
        upgrade(self.engine, revision)

    def look(self) -> tuple[list[str], Schema]:
        with self.engine.connect() as conn:
            return _version(conn), _schema(conn)

    def _open(self, path: Path) -> None:
        self.engine.dispose()  # the last connection closed: the WAL is checkpointed
        assert not self.path.with_name(self.path.name + "-wal").exists()
        self.path = path
        self.engine = make_engine(f"sqlite:///{path}")

    @contextmanager
    def kept(self) -> Iterator[None]:
        """Go on in a copy of the journal file; the file itself is the kept state."""
        saved = self.path
        copy = self.folder / f"{next(self.names)}.db"
        self._open(copy)
        shutil.copy(saved, copy)
        try:
            yield
        finally:
            self._open(saved)

    def close(self) -> None:
        self.engine.dispose()


class PostgresJournal:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def upgrade(self, revision: str = "head") -> None:
        upgrade_in(self.conn, revision)

    def look(self) -> tuple[list[str], Schema]:
        return _version(self.conn), _schema(self.conn)

    @contextmanager
    def kept(self) -> Iterator[None]:
        """Go on after a savepoint and roll back to it."""
        savepoint = self.conn.begin_nested()
        try:
            yield
        finally:
            savepoint.rollback()


def _version(conn: Connection) -> list[str]:
    return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


def test_the_history_has_one_head() -> None:
    assert len(_script().get_heads()) == 1


def _upgrade_every_revision(journal: SqliteJournal | PostgresJournal) -> list[str]:
    """Upgrade the empty journal, and the journal at each earlier revision, to the head;
    the revisions checked."""
    script = _script()
    (head,) = script.get_heads()
    with journal.kept():
        journal.upgrade()
        version, expected = journal.look()
    assert version == [head]
    assert len(expected) > 10

    # a revision's state is its first parent's upgraded to it (a merge revision brings
    # in its other parents' branches as an upgrade of a new database to it does)
    children: dict[str | None, list[Script]] = {}
    for revision in script.walk_revisions():
        parents = revision.down_revision
        first = parents[0] if isinstance(parents, tuple) else parents
        children.setdefault(first, []).append(revision)
    checked: list[str] = []

    def from_state_of(parent: str | None) -> None:
        for revision in children.get(parent, []):
            if revision.revision == head:
                continue
            with journal.kept():
                journal.upgrade(revision.revision)
                assert journal.look()[0] == [revision.revision]
                with journal.kept():
                    journal.upgrade()
                    assert journal.look() == ([head], expected), revision.revision
                checked.append(revision.revision)
                from_state_of(revision.revision)

    from_state_of(None)
    return checked


def test_every_earlier_revision_upgrades_to_the_head(db_url: str, tmp_path: Path) -> None:
    every = sorted(r.revision for r in _script().walk_revisions())
    if db_url.startswith("sqlite"):
        journal = SqliteJournal(tmp_path)
        try:
            checked = _upgrade_every_revision(journal)
        finally:
            journal.close()
    else:
        engine: Engine = make_engine(db_url)
        try:
            with engine.connect() as conn, conn.begin() as outer:
                checked = _upgrade_every_revision(PostgresJournal(conn))
                outer.rollback()
        finally:
            engine.dispose()
    assert sorted(checked) == sorted(set(every) - {_script().get_current_head()})
