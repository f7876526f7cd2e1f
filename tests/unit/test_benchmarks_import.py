"""The benchmark scripts still import what they use (they run outside the suite, by hand or by
``make bench``, so a renamed function would otherwise be found only then)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOAD_ALL = """
import runpy, sys
for path in sys.argv[1:]:
    runpy.run_path(path, run_name="benchmark_import_check")
"""


def test_every_benchmark_script_imports() -> None:
    scripts = sorted(str(p) for p in (ROOT / "benchmarks").glob("*.py"))
    assert scripts
    done = subprocess.run(
        [sys.executable, "-c", LOAD_ALL, *scripts],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
