"""Root of the ``mpdesk`` CLI and its one error translator.

Expected errors (``MpdeskError``) print their Russian message to stderr (or a JSON error
object to stdout with ``--json``) and exit 2; anything else prints a short apology and exits 1.
The traceback is shown only with ``--debug``.

A command imports only the modules of the CLI that define it (``COMMANDS``): ``mpdesk triage``
does not load the journal's, the audit's or the mail's commands and the services behind them.
``--help`` of the root and an unknown command load them all.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from functools import cache
from types import ModuleType
from typing import Any

import click
import typer

from mpdesk import __version__
from mpdesk.bootstrap import shipped_messages
from mpdesk.domain.errors import MpdeskError
from mpdesk.entrypoints.cli.help_text import argument_name, russian_command
from mpdesk.entrypoints.cli.output import dumps, stderr
from mpdesk.entrypoints.cli.state import act_as
from mpdesk.entrypoints.cli.state import app as current_app
from mpdesk.services.context import render_message

log = logging.getLogger("mpdesk")

#: the modules of the CLI in the order their commands are listed (``kb`` and ``shops`` are
#: groups added here; every other module has ``register(cli)``)
MODULES = (
    "kb",
    "shops",
    "tickets",
    "journal_files",
    "config",
    "triage",
    "answers",
    "audit",
    "web",
    "deadlines",
    "cases",
    "stats",
    "users",
    "evidence",
    "backup",
    "schema",
    "jobs",
    "mail",
    "sync",
    "chats",
)
_TICKETS = ("new", "list", "show", "submit", "reply", "note", "resolve", "reject", "reopen")
#: every top-level command and the modules that define it and its subcommands
COMMANDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys((*_TICKETS, "bundle"), ("tickets",)),
    **dict.fromkeys(("export", "import-journal"), ("journal_files",)),
    "triage": ("triage",),
    "eval": ("triage", "answers"),
    "answer": ("answers",),
    **dict.fromkeys(("audit", "findings"), ("audit",)),
    **dict.fromkeys(("serve", "token"), ("web",)),
    **dict.fromkeys(("due", "claim", "escalation", "remind"), ("deadlines",)),
    **dict.fromkeys(("follow-up", "case"), ("cases",)),
    **dict.fromkeys(("stats", "report"), ("stats",)),
    **dict.fromkeys(("backup", "restore"), ("backup",)),
    "migrate": ("schema",),
    **dict.fromkeys(("worker", "jobs"), ("jobs",)),
    "sync": ("sync",),
    "kb": ("kb",),
    "shop": ("shops",),
    "config": ("config",),
    "user": ("users",),
    "evidence": ("evidence",),
    "mail": ("mail",),
    "chats": ("chats",),
}
#: root options that take a value (``mpdesk --as LOGIN triage``)
_ROOT_VALUE_OPTIONS = ("--as",)
_ROOT_FLAGS = ("--debug",)


def _module(name: str) -> ModuleType:
    """The CLI module ``name``, imported when its command is first asked for."""
    if name == "kb":
        from mpdesk.entrypoints.cli import kb

        return kb
    if name == "shops":
        from mpdesk.entrypoints.cli import shops

        return shops
    if name == "tickets":
        from mpdesk.entrypoints.cli import tickets

        return tickets
    if name == "journal_files":
        from mpdesk.entrypoints.cli import journal_files

        return journal_files
    if name == "config":
        from mpdesk.entrypoints.cli import config

        return config
    if name == "triage":
        from mpdesk.entrypoints.cli import triage

        return triage
    if name == "answers":
        from mpdesk.entrypoints.cli import answers

        return answers
    if name == "audit":
        from mpdesk.entrypoints.cli import audit

        return audit
    if name == "web":
        from mpdesk.entrypoints.cli import web

        return web
    if name == "deadlines":
        from mpdesk.entrypoints.cli import deadlines

        return deadlines
    if name == "cases":
        from mpdesk.entrypoints.cli import cases

        return cases
    if name == "stats":
        from mpdesk.entrypoints.cli import stats

        return stats
    if name == "users":
        from mpdesk.entrypoints.cli import users

        return users
    if name == "evidence":
        from mpdesk.entrypoints.cli import evidence

        return evidence
    if name == "backup":
        from mpdesk.entrypoints.cli import backup

        return backup
    if name == "schema":
        from mpdesk.entrypoints.cli import schema

        return schema
    if name == "jobs":
        from mpdesk.entrypoints.cli import jobs

        return jobs
    if name == "mail":
        from mpdesk.entrypoints.cli import mail

        return mail
    if name == "sync":
        from mpdesk.entrypoints.cli import sync

        return sync
    if name == "chats":
        from mpdesk.entrypoints.cli import chats

        return chats
    if name == "shop_api":
        from mpdesk.entrypoints.cli import shop_api

        return shop_api
    raise ValueError(name)


def _register(cli: typer.Typer, module: str) -> None:
    code = _module(module)
    if module == "kb":
        cli.add_typer(code.app, name="kb")
    elif module == "shops":
        cli.add_typer(code.app, name="shop")
        _module("shop_api").register(code.app)
    else:
        code.register(cli)


@cache
def build_cli(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """The Typer root with the commands of ``modules`` (all of them by default)."""
    cli = typer.Typer(
        name="mpdesk",
        help="mpdesk — обращения в поддержку Wildberries и Ozon: разбор, шаблоны, журнал, сроки.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    cli.callback()(_root)
    for module in MODULES:
        if module in modules:
            _register(cli, module)
    return cli


def modules_for(argv: list[str]) -> tuple[str, ...]:
    """The CLI modules a command line needs: those of its command, or all of them (the root's
    help, an unknown command or option)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _ROOT_VALUE_OPTIONS:
            i += 2
        elif arg in _ROOT_FLAGS or arg.startswith(tuple(o + "=" for o in _ROOT_VALUE_OPTIONS)):
            i += 1
        elif arg.startswith("-"):
            return MODULES
        else:
            return COMMANDS.get(arg, MODULES)
    return MODULES


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


def _root(
    debug: bool = typer.Option(False, "--debug", help="Показывать трассировку ошибок."),
    version: bool = typer.Option(
        False, "--version", help="Версия и выход.", is_eager=True, callback=_print_version
    ),
    acting_as: str | None = typer.Option(
        None,
        "--as",
        envvar="MPDESK_USER",
        metavar="ЛОГИН",
        help="Действовать от имени пользователя (его роли в магазинах); без него — владелец.",
    ),
) -> None:
    """Common options of every command."""
    act_as(acting_as)


def _message(code: str, fields: dict[str, Any]) -> str:
    try:
        messages = current_app(with_journal=False).ctx.kb.messages
    except Exception:
        messages = shipped_messages()
    if code not in messages:
        return render_message(messages, "unknown_error_code", {"code": code})
    return render_message(messages, code, fields)


#: the words of the usage line that the bundled click writes in English
_USAGE_WORDS = (
    ("Usage:", "usage_word"),
    ("[OPTIONS]", "usage_options"),
    ("COMMAND [ARGS]...", "usage_command"),
)


def _usage_error(exc: typer.exceptions.TyperException) -> tuple[str, dict[str, Any]]:
    """A usage error of the command line as a catalogue code and fields: what is wrong, with
    the argument or option named, and the command's usage line."""
    ctx = getattr(exc, "ctx", None)
    usage = ctx.get_usage() if ctx is not None else ""
    for english, code in _USAGE_WORDS:
        usage = usage.replace(english, _message(code, {}))
    usage = usage.strip().removeprefix(_message("cli_help_usage", {})).strip()
    param = getattr(exc, "param", None)
    name = param.get_error_hint() if param is not None else ""
    if param is not None and param.param_type_name == "argument" and param.name:
        name = f"«{argument_name(param.name)}»"
    kinds = [cls.__name__ for cls in type(exc).__mro__]
    if "MissingParameter" in kinds:
        return "usage_missing", {"name": name, "usage": usage}
    if "NoSuchOption" in kinds:
        return "usage_no_option", {"name": getattr(exc, "option_name", ""), "usage": usage}
    if "BadParameter" in kinds:
        return "usage_bad_value", {"name": name, "usage": usage}
    quoted = re.search(r"'([^']+)'", exc.format_message())
    if "No such command" in exc.format_message() and quoted:
        return "usage_unknown_command", {"name": quoted.group(1), "usage": usage}
    return "usage_error_line", {"usage": usage}


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv or "--jsonl" in argv


@cache
def _command(modules: tuple[str, ...] = MODULES) -> Any:
    """The click command tree of the commands of ``modules`` with Russian help, built once per
    process: Typer rebuilds it from every command's signature on each call (most of an
    in-process invocation's time)."""
    return russian_command(build_cli(modules))


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, stream=sys.stderr)
    try:
        command = _command(modules_for(argv))
        code = command.main(args=argv, prog_name="mpdesk", standalone_mode=False)
        if isinstance(code, int) and code:  # Typer returns Ctrl-C as 130 instead of raising
            sys.exit(code)
    except MpdeskError as exc:
        text = _message(exc.code, exc.fields)
        if _wants_json(argv):
            sys.stdout.write(
                dumps({"ok": False, "code": exc.code, "message": text, "fields": exc.fields}) + "\n"
            )
        stderr().print(_message("cli_error", {"text": text}), markup=True)
        if debug:
            traceback.print_exc()
        sys.exit(2)
    except (click.exceptions.Exit, typer.Exit) as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:  # end of input (or Ctrl-C) at a wizard's question
        stderr().print(_message("input_ended", {}))
        sys.exit(2)
    except typer.exceptions.TyperException as exc:
        code, fields = _usage_error(exc)
        text = _message(code, fields)
        if _wants_json(argv):
            sys.stdout.write(
                dumps({"ok": False, "code": code, "message": text, "fields": fields}) + "\n"
            )
        stderr().print(text, markup=False)
        sys.exit(2)
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
