"""Answer commands: ``mpdesk answer "text"``, ``mpdesk answer --jsonl`` and
``mpdesk eval answers FILE.jsonl``.

They bootstrap without the journal (no database); with ``--jsonl`` nothing but JSON lines goes
to stdout and a malformed line yields a per-line error object.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from mpdesk.entrypoints.cli.output import JsonOpt, each_json_line, emit
from mpdesk.entrypoints.cli.state import ctx as current_ctx

TextArg = Annotated[
    str | None, typer.Argument(help="Текст ответа поддержки; без него читается stdin.")
]
JsonlOpt = Annotated[
    bool, typer.Option("--jsonl", help="JSON Lines: stdin → stdout, по строке на ответ.")
]
SubjectOpt = Annotated[
    str, typer.Option("--subject", help="Тема письма, если ответ пришёл почтой.")
]
MarketplaceOpt = Annotated[
    str | None, typer.Option("--marketplace", "-m", help="Подсказка: wb или ozon.")
]
AnsweredOpt = Annotated[
    str | None,
    typer.Option(
        "--answered-at", help="День ответа (ГГГГ-ММ-ДД) для сроков; по умолчанию сегодня."
    ),
]


def cmd_answer(
    text: TextArg = None,
    jsonl: JsonlOpt = False,
    subject: SubjectOpt = "",
    marketplace: MarketplaceOpt = None,
    answered_at: AnsweredOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Прочитать ответ поддержки: решение, номер обращения, что просят, сумму и следующий шаг."""
    if jsonl and text is not None:
        from mpdesk.domain.errors import UserInputError

        raise UserInputError("jsonl_with_text", field="--jsonl", command="answer")
    if jsonl:
        _run_jsonl()
        return
    from mpdesk.domain.errors import UnknownValueError
    from mpdesk.services.answer_reading import next_step_for
    from mpdesk.services.answer_reading import read_support_answer as read
    from mpdesk.services.user_input import marketplace_names, parse_date

    ctx = current_ctx(with_journal=False)
    names = marketplace_names(ctx)
    market = names.get(marketplace.strip().lower()) if marketplace else None
    if marketplace and market is None:
        raise UnknownValueError("marketplace", marketplace, sorted(ctx.kb.marketplaces))
    answered = parse_date(ctx, answered_at, "answered-at") or ctx.clock.today()
    reading = read(ctx, text if text is not None else sys.stdin.read(), subject, market)
    step = next_step_for(ctx, reading, answered)
    data = reading.contract() | {"next_step": _step_json(step)}
    emit(data, as_json, lambda c: print_reading(c, ctx, reading, step))


def _step_json(step: Any) -> dict[str, Any]:
    return {"kind": step.kind.value, "until": step.until, "items": list(step.items)}


def _run_jsonl() -> None:
    from mpdesk.services.answer_reading import answer_line
    from mpdesk.services.user_input import marketplace_names

    ctx = current_ctx(with_journal=False)
    names = marketplace_names(ctx)
    each_json_line(lambda raw: answer_line(ctx, raw, names))


def print_reading(console: Console, ctx: Any, reading: Any, step: Any) -> None:
    from mpdesk.services.answer_reading import reading_lines

    console.print(f"[bold]{ctx.message('answer_heading')}[/]")
    for line in reading_lines(ctx, reading, step):
        console.print("  " + line, markup=False)


FileArg = Annotated[
    Path,
    typer.Argument(
        help="Размеченный JSONL: id, text, subject, marketplace, gold (поля контракта)."
    ),
]
MissesOpt = Annotated[int, typer.Option("--misses", help="Сколько ошибок показать.")]


def cmd_eval_answers(file: FileArg, show_misses: MissesOpt = 30, as_json: JsonOpt = False) -> None:
    """Точность чтения ответов: класс, номер обращения, сумма, что запрошено."""
    from mpdesk.domain.errors import UserInputError
    from mpdesk.services.answer_eval import evaluate_answers, parse_answer_case

    ctx = current_ctx(with_journal=False)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
        cases = [
            parse_answer_case(json.loads(ln), n) for n, ln in enumerate(lines, 1) if ln.strip()
        ]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problem = str(exc)[:200]
        raise UserInputError("answer_eval_bad_file", file=str(file), problem=problem) from exc
    report = evaluate_answers(ctx, cases)
    emit(report, as_json, lambda c: print_eval(c, ctx, report, show_misses))


def print_eval(console: Console, ctx: Any, report: dict[str, Any], show_misses: int) -> None:
    summary, targets = report["summary"], report["targets"]
    console.print(f"[bold]{ctx.message('answer_eval_heading', cases=summary['cases'])}[/]")
    for name, value in summary.items():
        if name == "cases":
            continue
        target = targets.get(name)
        mark = "" if target is None else (" ✓" if value >= target else " ✗")
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        console.print(f"  {name:<30} {shown}" + (f"  (≥ {target}){mark}" if target else ""))
    classes = list(report["confusion"])
    console.print("\n  " + ctx.message("answer_eval_confusion"))
    console.print("  " + " " * 13 + "".join(f"{c[:11]:>12}" for c in classes))
    for gold in classes:
        row = report["confusion"][gold]
        console.print(f"  {gold:<13}" + "".join(f"{row[c]:>12}" for c in classes))
    console.print("\n  class          P / R")
    for cls, pr in report["classes"].items():
        console.print(f"  {cls:<13} {pr['precision']:.3f} {pr['recall']:.3f}  n={pr['support']}")
    misses = report["misses"]
    console.print("\n" + ctx.message("eval_misses", count=len(misses)))
    for miss in misses[:show_misses]:
        console.print("  " + json.dumps(miss, ensure_ascii=False), markup=False)


def register(cli: typer.Typer) -> None:
    from mpdesk.entrypoints.cli.triage import eval_app

    cli.command("answer")(cmd_answer)
    if not any(c.callback is cmd_eval_answers for c in eval_app.registered_commands):
        eval_app.command("answers")(cmd_eval_answers)  # the group is shared by every root
