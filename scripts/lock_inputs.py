"""Print the requirements that ``make lock`` pins: the project's dependencies and its ``dev``
dependency group, read from ``pyproject.toml`` (the one place they are declared)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lock_inputs(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [*data["project"]["dependencies"], *data["dependency-groups"]["dev"]]


if __name__ == "__main__":
    sys.stdout.write("".join(f"{line}\n" for line in lock_inputs()))
