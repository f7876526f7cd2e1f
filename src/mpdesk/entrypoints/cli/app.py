"""Root of the ``mpdesk`` CLI and its one error translator.

Expected errors (``MpdeskError``) print their Russian message to stderr (or a JSON error
object to stdout with ``--json``) and exit 2; anything else prints a short apology and exits 1.
The traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

import click
import typer

from mpdesk import __version__
from mpdesk.bootstrap import shipped_messages
from mpdesk.domain.errors import MpdeskError
from mpdesk.entrypoints.cli import (
    answers,
    audit,
    backup,
    config,
    deadlines,
    evidence,
    kb,
    shops,
    stats,
    tickets,
    triage,
    users,
    web,
)
from mpdesk.entrypoints.cli.output import dumps, stderr
from mpdesk.entrypoints.cli.state import app as current_app
from mpdesk.services.context import render_message

log = logging.getLogger("mpdesk")

cli = typer.Typer(
    name="mpdesk",
    help="mpdesk — обращения в поддержку Wildberries и Ozon: разбор, шаблоны, журнал, сроки.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
cli.add_typer(kb.app, name="kb")
cli.add_typer(shops.app, name="shop")
for module in (
    tickets,
    config,
    triage,
    answers,
    audit,
    web,
    deadlines,
    stats,
    users,
    evidence,
    backup,
):
    module.register(cli)


@cli.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Показывать трассировку ошибок."),
    version: bool = typer.Option(False, "--version", help="Версия и выход."),
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit()


def _message(code: str, fields: dict[str, Any]) -> str:
    try:
        messages = current_app(with_journal=False).ctx.kb.messages
    except Exception:
        messages = shipped_messages()
    if code not in messages:
        return render_message(messages, "unknown_error_code", {"code": code})
    return render_message(messages, code, fields)


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv or "--jsonl" in argv


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, stream=sys.stderr)
    try:
        cli(args=argv, prog_name="mpdesk", standalone_mode=False)
    except MpdeskError as exc:
        text = _message(exc.code, exc.fields)
        if _wants_json(argv):
            sys.stdout.write(
                dumps({"ok": False, "code": exc.code, "message": text, "fields": exc.fields}) + "\n"
            )
        stderr().print(f"[bold red]Ошибка:[/] {text}", markup=True)
        if debug:
            traceback.print_exc()
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        stderr().print(_message("aborted", {}))
        sys.exit(130)
    except click.ClickException as exc:
        stderr().print(_message("usage_error", {"problem": exc.format_message()}))
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        log.debug("unexpected error", exc_info=True)
        stderr().print(_message("unexpected_error", {"error": type(exc).__name__}))
        if debug:
            traceback.print_exc()
        sys.exit(1)
