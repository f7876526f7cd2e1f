"""Run every ``benchmarks/*_bench.py`` in its own process; each writes benchmarks/results/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    failed = 0
    for bench in sorted(Path(__file__).resolve().parent.glob("*_bench.py")):
        print(f"== {bench.name}", flush=True)
        failed += subprocess.run([sys.executable, str(bench)], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
