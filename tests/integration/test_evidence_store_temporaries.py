"""A blob write killed half-way (``kill -9``) leaves its temporary file; the next write into
the same folder removes those of this host's dead writers and nothing else."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from mpdesk.adapters.file_store import LocalFileStore


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_next_write_removes_the_temporaries_of_dead_writers(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    data = b"page of a sync"
    sha = hashlib.sha256(data).hexdigest()
    folder = tmp_path / "files" / sha[:2] / sha[2:4]
    folder.mkdir(parents=True)
    host = socket.gethostname()
    dead = folder / f".tmp-{dead_pid()}@{host}@k1ll3d"
    alive = folder / f".tmp-{os.getppid()}@{host}@wr1t1n"
    elsewhere = folder / f".tmp-{dead_pid()}@another-machine@wr1t1n"
    legacy_old, legacy_new = folder / ".tmp-ab12cd34", folder / ".tmp-ef56gh78"
    for path in (dead, alive, elsewhere, legacy_old, legacy_new):
        path.write_bytes(b"half a blob")
    two_hours_ago = time.time() - 7200
    os.utime(legacy_old, (two_hours_ago, two_hours_ago))

    stored = store.put_bytes(data, "page.json")

    assert stored.sha256 == sha and (folder / sha).read_bytes() == data
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([alive.name, elsewhere.name, legacy_new.name, sha])
    assert store.open(sha).read() == data
