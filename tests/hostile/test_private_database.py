"""The SQLite journal holds sessions, tokens and every ticket: like the secret key and the
stored files it is readable by its owner only (0600), its WAL files too, whatever the umask;
an older world-readable journal is closed on the next start."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mpdesk.bootstrap import bootstrap
from mpdesk.config import Settings


def _others_bits(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode) & 0o077


def test_a_new_journal_and_its_wal_files_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        app = bootstrap(Settings(home=tmp_path / "home"))
        with app.engine.connect() as conn:  # type: ignore[union-attr]
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")
            conn.commit()
            files = sorted((tmp_path / "home").glob("mpdesk.db*"))
            assert {f.name for f in files} >= {"mpdesk.db", "mpdesk.db-wal", "mpdesk.db-shm"}
            assert {f.name: _others_bits(f) for f in files} == {f.name: 0 for f in files}
        app.engine.dispose()  # type: ignore[union-attr]
    finally:
        os.umask(old)


def test_an_older_world_readable_journal_is_closed_on_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bootstrap(Settings(home=home)).engine.dispose()  # type: ignore[union-attr]
    database = home / "mpdesk.db"
    database.chmod(0o644)
    bootstrap(Settings(home=home)).engine.dispose()  # type: ignore[union-attr]
    assert _others_bits(database) == 0
