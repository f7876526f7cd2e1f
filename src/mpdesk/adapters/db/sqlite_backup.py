"""A consistent copy of a live SQLite journal through SQLite's online backup API (writers may
go on meanwhile: the copy is the state of one read transaction)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def snapshot_sqlite(source: Path, dest: Path) -> int:
    """Copy ``source`` into ``dest``; returns the number of tickets in the copy."""
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(dest)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        row = dst.execute("SELECT count(*) FROM tickets").fetchone()
    return int(row[0])
