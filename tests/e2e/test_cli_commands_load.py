"""A command loads only the CLI modules that define it (``app.COMMANDS``): the table names every
command of the CLI with the modules of its subcommands, and a triage run does not import the
journal's, the audit's or the mail's commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.cli import run

from mpdesk.entrypoints.cli.app import COMMANDS, MODULES, build_cli, modules_for
from mpdesk.entrypoints.cli.help_text import russian_command


def _modules(command: Any) -> set[str]:
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        return {command.callback.__module__.rsplit(".", 1)[1]}
    return set().union(*(_modules(sub) for sub in subcommands.values()))


def test_every_command_is_listed_with_the_modules_that_define_it() -> None:
    root = russian_command(build_cli())
    assert set(root.commands) == set(COMMANDS)
    for name, command in root.commands.items():
        needed = _modules(command) - {"shop_api"}  # added by the «shops» group itself
        assert needed <= set(COMMANDS[name]), name
    assert set().union(*COMMANDS.values()) == set(MODULES)


@pytest.mark.parametrize(
    ("argv", "modules"),
    [
        (["triage", "--jsonl"], ("triage",)),
        (["--debug", "--as", "olga", "eval", "answers", "x.jsonl"], ("triage", "answers")),
        (["--as=olga", "shop", "list"], ("shops",)),
        (["--help"], MODULES),
        ([], MODULES),
        (["--unknown", "triage"], MODULES),
        (["no-such-command"], MODULES),
    ],
)
def test_command_line_picks_the_modules_of_its_command(
    argv: list[str], modules: tuple[str, ...]
) -> None:
    assert modules_for(argv) == modules


def test_triage_does_not_import_other_commands() -> None:
    code = (
        "import sys\n"
        "from mpdesk.entrypoints.cli.app import main\n"
        "try:\n"
        "    main(['triage', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('mpdesk.entrypoints.cli.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1]
    assert "mpdesk.entrypoints.cli.triage" in loaded
    for other in ("audit", "tickets", "mail", "chats", "deadlines"):
        assert f"mpdesk.entrypoints.cli.{other}'" not in loaded


def test_commands_of_a_shared_group_stay_once_after_several_commands(cli_env: Path) -> None:
    assert run("triage", "--help").code == 0
    assert run("answer", "--help").code == 0
    helped = run("eval", "--help")
    assert helped.code == 0
    assert helped.stdout.count(" answers ") == 1 and helped.stdout.count(" triage ") == 1
