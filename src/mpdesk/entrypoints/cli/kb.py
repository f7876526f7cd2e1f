"""``mpdesk kb check`` and ``mpdesk kb show``."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from mpdesk.domain.errors import KnowledgeBaseError, UnknownValueError
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import app as current_app
from mpdesk.services.kb_check import (
    check_answer_lexicon,
    check_journal_columns,
    check_knowledge,
    check_triage_lexicon,
)
from mpdesk.services.knowledge_view import SECTIONS, knowledge_public

app = typer.Typer(help="База знаний: каналы, категории, чек-листы, шаблоны.", no_args_is_help=True)


@app.command("check")
def check(as_json: JsonOpt = False) -> None:
    """Проверить базу знаний (поставляемую и пользовательскую)."""
    application = current_app(with_journal=False)
    ctx = application.ctx
    problems = check_knowledge(ctx.kb, ctx.renderer) + check_triage_lexicon(ctx.triage)
    problems += check_answer_lexicon(ctx.answers)
    problems += check_journal_columns(ctx.kb, ctx.sheets)
    dirs = [str(d) for d in application.knowledge.dirs]
    data = {
        "ok": not problems,
        "dirs": dirs,
        "problems": [p.__dict__ for p in problems],
    }

    def human(console: Console) -> None:
        if not problems:
            console.print(ctx.message("kb_ok", dirs=", ".join(dirs)))
            return
        for p in problems:
            console.print(ctx.message("kb_problem", path=p.path, key=p.key, problem=p.problem))

    emit(data, as_json, human)
    if problems:
        first = problems[0]
        raise KnowledgeBaseError(first.path, first.key, f"{len(problems)} problem(s)")


@app.command("show")
def show(
    what: str = typer.Argument("channels", help=f"Что показать: {', '.join(SECTIONS)}."),
    as_json: JsonOpt = False,
) -> None:
    """Показать раздел базы знаний и откуда взят каждый элемент."""
    ctx = current_app(with_journal=False).ctx
    if what not in SECTIONS:
        raise UnknownValueError("what", what, list(SECTIONS))
    data = knowledge_public(ctx.kb, what)

    yes_no = (ctx.message("cli_yes"), ctx.message("cli_no"))

    def human(console: Console) -> None:
        console.print(f"[bold]{ctx.message(f'kb_section_{what}')}[/]")
        for row in data:
            console.print()
            for key, value in row.items():
                if value in (None, "", [], {}):
                    continue
                console.print(f"{key}: {_cell(value, yes_no)}", markup=False)

    emit(data, as_json, human)


def _cell(value: Any, yes_no: tuple[str, str], indent: str = "  ") -> str:
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return ", ".join(_cell(v, yes_no) for v in value)
        return "".join(f"\n{indent}- {_cell(v, yes_no, indent + '  ')}" for v in value)
    if isinstance(value, dict):
        return f"\n{indent}".join(
            f"{k}: {_cell(v, yes_no, indent + '  ')}"
            for k, v in value.items()
            if v not in (None, "", [], {})
        )
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    return "" if value is None else str(value)
