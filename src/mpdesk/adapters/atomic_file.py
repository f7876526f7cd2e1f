"""Files written whole or not at all: the content goes to a temporary file beside the target
(same folder, so the final rename is atomic) and replaces the target only when complete.

A process killed mid-write (``kill -9``) cannot clean up, so the temporary file carries the
writer's process id (``.mpdesk-tmp-<pid>-<random><suffix>``) and every later write into the
same folder first removes the temporaries of processes that are gone. Temporaries named by
earlier versions (``.tmp-*.xlsx`` and the like) are removed when older than an hour.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = ".mpdesk-tmp-"
#: temporaries of earlier versions had no process id: they go once this old
LEGACY_PATTERNS = (".tmp-*.xlsx", ".tmp-*.csv", ".tmp-*.json", ".tmp-*.zip", ".tmp-*.html")
LEGACY_AGE_SECONDS = 3600


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def sweep_stale(folder: Path) -> list[Path]:
    """Remove temporaries left in ``folder`` by writers that died; returns what went."""
    removed = []
    for path in folder.glob(f"{PREFIX}*"):
        pid = path.name[len(PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not is_running(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    old = time.time() - LEGACY_AGE_SECONDS
    for pattern in LEGACY_PATTERNS:
        for path in folder.glob(pattern):
            try:
                if path.stat().st_mtime < old:
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                continue
    return removed


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path to write; on success it replaces ``target``, on failure it goes."""
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)  # callers that must not create it check first
    sweep_stale(folder)
    fd, name = tempfile.mkstemp(dir=folder, prefix=f"{PREFIX}{os.getpid()}-", suffix=target.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
