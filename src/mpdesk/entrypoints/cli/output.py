"""Output of the CLI: JSON for machines (stdout), Russian for people (Rich), errors to stderr."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # Rich loads when a command prints for people, not for JSON output
    from rich.console import Console

JsonOpt = Annotated[bool, typer.Option("--json", help="Вывод в JSON для программ.")]


def stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    raise TypeError(type(value).__name__)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=_default)


def emit(data: Any, as_json: bool, human: Callable[[Console], None]) -> None:
    if as_json:
        sys.stdout.write(dumps(data) + "\n")
        sys.stdout.flush()
    else:
        human(stdout())


def each_json_line(answer: Callable[[bytes], Any]) -> None:
    """JSON Lines mode: one JSON line on stdout for every line of stdin, in order, written as
    soon as it is ready (``answer`` never raises for bad input: it returns an error object)."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    for raw in lines:
        sys.stdout.write(dumps(answer(raw.rstrip(b"\r"))) + "\n")
        sys.stdout.flush()


def output_file(path: Path, option: str) -> Path:
    """A file the command may write: its folder exists and takes files, and it is no folder
    itself. Checked before any work, so a wrong path writes nothing (exit 2, Russian)."""
    from mpdesk.domain.errors import UserInputError

    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserInputError("output_is_folder", option=option, path=str(path))
    if not folder.is_dir():
        raise UserInputError("output_folder_missing", option=option, folder=str(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserInputError("output_folder_read_only", option=option, folder=str(folder))
    return path
