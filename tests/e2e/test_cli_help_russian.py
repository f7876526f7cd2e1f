"""`--help` of every command is Russian: none of the words click and Typer write themselves
(«Usage:», the section headings, «Show this message and exit.», `[required]`, `default:`, the
type metavars such as `<list[Path]>` or TEXT/INTEGER/PATH, `{ticket_id}`) is left in it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.cli import run

from mpdesk.entrypoints.cli.app import build_cli
from mpdesk.entrypoints.cli.help_text import russian_command

#: click's and Typer's own vocabulary in help pages
ENGLISH = re.compile(
    r"\b(Usage|Options|Arguments|Commands|Show this message|required|default|env var|dynamic"
    r"|TEXT|INTEGER|FLOAT|PATH|FILENAME|DIRECTORY|BOOLEAN|CHOICE|COMMAND|OPTIONS|ARGS)\b"
    r"|<[^<>]*[A-Za-z][^<>]*>"  # a metavar spelled in Latin letters (<str>, <list[Path]>)
    r"|\{[a-z_]+\}"  # an argument shown by its Python name
    r"|^  [a-z_]+(\.\.\.)? <",  # an argument row starting with its Python name
    re.MULTILINE,
)


def command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not sub.hidden:
            yield from command_paths(sub, (*path, name))


PATHS = list(command_paths(russian_command(build_cli())))


def test_every_command_is_walked() -> None:
    assert len(PATHS) > 60
    assert ("audit",) in PATHS and ("findings", "claim") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "mpdesk")
def test_help_has_no_english_words_of_click(cli_env: Path, path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Вызов: mpdesk"), result.stdout[:200]
    assert "Показать эту справку и выйти." in result.stdout
    found = [m.group(0) for m in ENGLISH.finditer(result.stdout)]
    assert found == [], (found, result.stdout)
