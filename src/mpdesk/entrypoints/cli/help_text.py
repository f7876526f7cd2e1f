"""``--help`` in Russian: the words click (the copy bundled in Typer) writes itself — «Usage:»,
the section headings, «Show this message and exit.», ``[required]``, ``default:``, the type
metavars (``<str>``, ``<list[Path]>``…) and the names of positional arguments — are replaced
from the message catalogue (``cli_help_*``, ``cli_type_*``, ``cli_arg_*``) as the help is laid
out, so the columns stay aligned.

``russian_command`` builds the click command tree of a Typer app and gives every command the
Russian context; usage lines in error messages (``ctx.get_usage()``) come out Russian too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import typer
import typer.main
from typer._click.formatting import HelpFormatter  # the formatter class of Typer's click copy

from mpdesk.bootstrap import shipped_messages

#: click's own words in help rows → catalogue codes
_PHRASES = (
    ("Show this message and exit.", "cli_help_help_option"),
    ("env var:", "cli_help_env_var"),
    ("default:", "cli_help_default"),
    ("(dynamic)", "cli_help_dynamic"),
)
_REQUIRED = re.compile(r"(?<=[\[; ])required(?=\])")
_METAVAR = re.compile(r"<([A-Za-z][A-Za-z \[\]]*)>")
_USAGE_ARG = re.compile(r"\{([a-z_]+)\}|\[([a-z_]+)\]")
_ROW_ARG = re.compile(r"^([a-z_]+)(\.\.\.)?(?= |$)")


@cache
def _catalogue() -> dict[str, str]:
    return shipped_messages()


def _word(code: str, fallback: str) -> str:
    return _catalogue().get(code) or fallback


def _type_name(match: re.Match[str]) -> str:
    name = match.group(1)
    many = name.startswith("list[") and name.endswith("]")
    inner = name[5:-1] if many else name
    key = re.sub(r"[^a-z]+", "_", inner.lower()).strip("_")
    word = _word(f"cli_type_{key}", inner.upper())
    return f"<{word}>..." if many else f"<{word}>"


def argument_name(name: str) -> str:
    """A positional argument's name as the help shows it («НОМЕР» for ``ticket_id``)."""
    return _arg_name(name)


def _arg_name(name: str) -> str:
    return _word(f"cli_arg_{name}", name.upper())


def translate_text(text: str) -> str:
    """One piece of help text (a row's help, a heading) with click's words in Russian."""
    for english, code in _PHRASES:
        if english in text:
            text = text.replace(english, _word(code, english))
    text = _REQUIRED.sub(_word("cli_help_required", "required"), text)
    return _METAVAR.sub(_type_name, text)


def translate_usage_args(args: str) -> str:
    args = args.replace("COMMAND [ARGS]...", _word("usage_command", "COMMAND [ARGS]..."))
    args = args.replace("[OPTIONS]", _word("usage_options", "[OPTIONS]"))

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return _arg_name(match.group(1))
        return f"[{_arg_name(match.group(2))}]"

    return _USAGE_ARG.sub(one, args)


class RussianHelpFormatter(HelpFormatter):
    """Lays the help out as click does, with click's words replaced first."""

    _heading = ""  # the heading being written (positional arguments are renamed in theirs)

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = f"{_word('cli_help_usage', 'Usage:')} " if prefix is None else prefix
        super().write_usage(prog, translate_usage_args(args), prefix)

    def write_heading(self, heading: str) -> None:
        key = re.sub(r"[^a-z]+", "_", heading.lower()).strip("_")
        self._heading = key
        super().write_heading(_word(f"cli_help_heading_{key}", heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        translated = []
        for term, text in rows:
            if self._heading == "arguments":
                term = _ROW_ARG.sub(lambda m: _arg_name(m.group(1)) + (m.group(2) or ""), term)
            translated.append((translate_text(term), translate_text(text)))
        super().write_dl(translated, *args, **kwargs)


class RussianContext(typer.Context):
    formatter_class = RussianHelpFormatter


def russify(command: Any) -> Any:
    """Give ``command`` and every command below it the Russian help context."""
    command.context_class = RussianContext
    for sub in getattr(command, "commands", {}).values():
        russify(sub)
    return command


def russian_command(app: typer.Typer) -> Any:
    """The click command of a Typer app, with Russian help throughout."""
    return russify(typer.main.get_command(app))
