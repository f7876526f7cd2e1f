"""``kill -9`` in the middle of writing an XLSX export: the destination file is never half
written, and the temporary file the dead process left beside it is removed by the next export
into that folder — no ``.tmp`` file stays behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.cli import run

WRITER = """
import sys, time
from pathlib import Path
from mpdesk.adapters.table_files import FileTableWriter

class Rows(list):
    def __iter__(self):
        for n in range(10**9):
            if n == 2000:
                print("writing", flush=True)
                time.sleep(600)
            yield [n, "строка", n * 1.5]

FileTableWriter().write(Path(sys.argv[1]), "xlsx", ["n", "text", "x"], Rows())
"""


def test_a_killed_export_leaves_no_temporary_file(cli_env: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "journal.xlsx"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "writing"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == 1 and left[0] != target.name  # the dead writer's temporary, no target

    assert run("shop", "add", "Мой магазин", "-m", "wb").code == 0
    exported = run("export", "-f", "xlsx", "-o", str(target))
    assert exported.code == 0, exported.stderr
    assert sorted(p.name for p in folder.iterdir()) == [target.name]
    assert target.read_bytes().startswith(b"PK")
