"""Triage commands: ``mpdesk triage "text"``, ``mpdesk triage --jsonl`` and
``mpdesk eval triage FILE.jsonl``.

The triage commands bootstrap without the journal (no database, fast cold start); with
``--jsonl`` nothing but JSON lines goes to stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mpdesk.entrypoints.cli.output import JsonOpt, each_json_line, emit
from mpdesk.entrypoints.cli.state import ctx as current_ctx

if TYPE_CHECKING:
    from rich.console import Console


def _received(value: str | None) -> Any:
    if not value:
        return None
    from mpdesk.services.user_input import parse_date

    return parse_date(current_ctx(with_journal=False), value, "received-at")


TextArg = Annotated[str | None, typer.Argument(help="Описание проблемы своими словами.")]
JsonlOpt = Annotated[
    bool, typer.Option("--jsonl", help="JSON Lines: stdin → stdout, по строке на обращение.")
]
ReceivedOpt = Annotated[
    str | None,
    typer.Option(
        "--received-at", help="День, когда написан текст (ГГГГ-ММ-ДД); по умолчанию сегодня."
    ),
]
AttachOpt = Annotated[
    list[Path] | None,
    typer.Option("--attach", "-a", help="Уже собранный файл-доказательство (можно несколько)."),
]
MarketplaceOpt = Annotated[
    str | None, typer.Option("--marketplace", "-m", help="Подсказка: wb или ozon.")
]


def cmd_triage(
    text: TextArg = None,
    jsonl: JsonlOpt = False,
    received_at: ReceivedOpt = None,
    attach: AttachOpt = None,
    marketplace: MarketplaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Разобрать описание проблемы: маркетплейс, категория, номера, дата, чего не хватает."""
    if jsonl and text is not None:
        from mpdesk.domain.errors import UserInputError

        raise UserInputError("jsonl_with_text", field="--jsonl", command="triage")
    if jsonl:
        _run_jsonl()
        return
    from mpdesk.services.triage_case import triage_case
    from mpdesk.services.user_input import parse_marketplace

    ctx = current_ctx(with_journal=False)
    marketplace = parse_marketplace(ctx, marketplace)
    source = text if text is not None else sys.stdin.read()
    if not source.strip():
        from mpdesk.domain.errors import UserInputError

        raise UserInputError("triage_text_empty")
    result = triage_case(ctx, source, _received(received_at) or ctx.clock.today(),
                         [p.name for p in attach or []], marketplace)  # fmt: skip
    emit(result.contract() | result.details() | {"vague": result.vague}, as_json,
         lambda c: print_triage(c, ctx, result))  # fmt: skip


def _run_jsonl() -> None:
    from mpdesk.services.triage_case import triage_line

    ctx = current_ctx(with_journal=False)
    each_json_line(lambda raw: triage_line(ctx, raw))


def print_triage(console: Console, ctx: Any, result: Any) -> None:
    m, kb = ctx.message, ctx.kb
    lines = [m("triage_understood")]
    if result.marketplace:
        market = kb.marketplaces.get(result.marketplace)
        name = market.name_ru if market else result.marketplace
        lines.append(m("triage_marketplace", value=name))
    else:
        lines.append(m("triage_marketplace_unknown"))
    category = kb.categories.get(result.category)
    lines.append(m("triage_category", value=category.label_ru if category else result.category))
    for e in result.entities:
        lines.append(m("triage_entity", label=m(f"triage_entity_{e.type.value}"), value=e.value))
    if not result.entities:
        lines.append(m("triage_no_entities"))
    when = result.event_date
    from mpdesk.services import formatting  # Babel loads only for text output, not --jsonl

    lines.append(m("triage_event_date", value=formatting.day(when)) if when
                 else m("triage_event_date_unknown"))  # fmt: skip
    channel = kb.channels.get(result.channel)
    if channel is not None and result.marketplace:  # unknown marketplace: no channel to name
        lines.append(m("triage_channel", value=channel.name_ru))
    console.print(f"[bold]{m('triage_heading')}[/]")
    if result.urgent:
        console.print(f"[bold red]{m('triage_urgent')}[/]")
    console.print(lines[0])
    for line in lines[1:]:
        console.print("  " + line, markup=False)
    print_choices(console, ctx, result)
    if result.truncated:
        console.print(m("triage_truncated"))
    if not result.missing:
        console.print(m("triage_nothing_missing"))
        return
    console.print(m("triage_missing"))
    for item in result.missing:
        console.print("  — " + m(f"triage_missing_{item}"), markup=False)
    if result.questions:
        console.print(m("triage_questions"))
        for n, question in enumerate(result.questions, 1):
            console.print(f"  {n}. {question}", markup=False)


def print_choices(console: Console, ctx: Any, result: Any) -> None:
    """When unsure: the two best categories and the question; with several requests: each
    request as a separate problem."""
    m, kb = ctx.message, ctx.kb

    def label(category: str) -> str:
        found = kb.categories.get(category)
        return found.label_ru if found else category

    if result.needs_confirmation and result.category_alternatives:
        best_two = [result.category, *result.category_alternatives[:1]]
        choices = ", ".join(f"«{label(c)}»" for c in best_two)
        console.print(m("triage_unsure", value=label(result.category), choices=choices),
                      markup=False)  # fmt: skip
        console.print("  " + result.confirmation_question, markup=False)
    if len(result.problems) > 1:
        console.print(m("triage_problems"))
        for problem in result.problems:
            text = m("triage_problem", category=label(problem.category), sentence=problem.sentence)
            console.print("  — " + text, markup=False)


eval_app = typer.Typer(help="Оценка качества на размеченных данных.", no_args_is_help=True)


FileArg = Annotated[
    Path, typer.Argument(help="Размеченный JSONL (поле gold, как в triage-dev.jsonl).")
]
MissesOpt = Annotated[int, typer.Option("--misses", help="Сколько ошибок показать.")]


@eval_app.command("triage")
def cmd_eval_triage(file: FileArg, show_misses: MissesOpt = 50, as_json: JsonOpt = False) -> None:
    """Точность разбора: маркетплейс, категория, сущности, дата, недостающие пункты."""
    from mpdesk.domain.errors import UserInputError
    from mpdesk.services.triage_eval import evaluate_triage, parse_case

    ctx = current_ctx(with_journal=False)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
        cases = [parse_case(json.loads(ln), n) for n, ln in enumerate(lines, 1) if ln.strip()]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problem = str(exc)[:200]
        raise UserInputError("triage_eval_bad_file", file=str(file), problem=problem) from exc
    report = evaluate_triage(ctx, cases)
    emit(report, as_json, lambda c: print_eval(c, ctx, report, show_misses))


def print_eval(console: Console, ctx: Any, report: dict[str, Any], show_misses: int) -> None:
    summary, targets, most = report["summary"], report["targets"], report["max_targets"]
    console.print(f"[bold]{ctx.message('eval_heading', cases=summary['cases'])}[/]")
    for name, value in summary.items():
        if name == "cases":
            continue
        line = f"  {name:<22} {value:.4f}"
        if name in targets:
            line += f"  (≥ {targets[name]})" + (" ✓" if value >= targets[name] else " ✗")
        elif name in most:
            line += f"  (≤ {most[name]})" + (" ✓" if value <= most[name] else " ✗")
        console.print(line)
    console.print("\n  reliability: confidence bin, cases, mean confidence, accuracy")
    for row in report["reliability"]:
        console.print(f"  {row['from']:.1f}–{row['to']:.1f} {row['cases']:>6} "
                      f"{row['mean_confidence']:.3f} {row['accuracy']:.3f}")  # fmt: skip
    cats = list(report["confusion"])
    console.print("\n  confusion (rows: gold, columns: predicted)")
    console.print("  " + " " * 12 + "".join(f"{c[:6]:>8}" for c in cats))
    for gold in cats:
        row = report["confusion"][gold]
        console.print(f"  {gold:<12}" + "".join(f"{row.get(c, 0):>8}" for c in cats))
    console.print("\n  category  P / R / F1")
    for cat, prf in report["categories"].items():
        console.print(f"  {cat:<12} {prf['precision']:.3f} {prf['recall']:.3f} {prf['f1']:.3f}"
                      f"  n={prf['support']}")  # fmt: skip
    console.print("\n  entity type  P / R / F1")
    for t, prf in report["entities"].items():
        console.print(f"  {t:<12} {prf['precision']:.3f} {prf['recall']:.3f} {prf['f1']:.3f}"
                      f"  n={prf['support']}")  # fmt: skip
    console.print("\n  missing item  P / R / F1")
    for t, prf in report["missing"].items():
        console.print(f"  {t:<12} {prf['precision']:.3f} {prf['recall']:.3f} {prf['f1']:.3f}"
                      f"  n={prf['support']}")  # fmt: skip
    misses = report["misses"]
    console.print("\n" + ctx.message("eval_misses", count=len(misses)))
    for miss in misses[:show_misses]:
        console.print("  " + json.dumps(miss, ensure_ascii=False), markup=False)


def prefill(ctx: Any, answers: Any) -> None:
    """``mpdesk new --text``: fill marketplace, category, identifiers and the event date from
    triage where the flags gave none; the wizard then asks only what is still missing."""
    from mpdesk.domain.identifiers import IdType, check_identifier
    from mpdesk.services.triage_case import triage_case

    m = ctx.message
    hint = answers.marketplace if answers.marketplace in ctx.kb.marketplaces else None
    names = [p.name for p in answers.attachments]
    result = triage_case(ctx, answers.text, ctx.clock.today(), names, hint)
    if answers.marketplace is None and result.marketplace in ctx.kb.marketplaces:
        answers.marketplace = result.marketplace
        name = ctx.kb.marketplaces[result.marketplace].name_ru
        answers.prefilled.append(m("triage_marketplace", value=name))
    alternatives = [c for c in result.category_alternatives if c in ctx.kb.categories]
    unsure = result.needs_confirmation and bool(alternatives)
    if answers.category is None and unsure and result.category in ctx.kb.categories:
        answers.category_choice = (result.category, alternatives[0])  # the person chooses
        answers.category_question = result.confirmation_question
    elif answers.category is None and result.category in ctx.kb.categories:
        answers.category = result.category
        label = ctx.kb.categories[result.category].label_ru
        answers.prefilled.append(m("triage_category", value=label))
    if answers.event_date is None and result.event_date is not None:
        answers.event_date = result.event_date
        from mpdesk.services import formatting

        day = formatting.day(result.event_date)
        answers.prefilled.append(m("triage_event_date", value=day))
    if not any(answers.raw_identifiers.values()):
        for entity in result.entities:
            fits = check_identifier(answers.marketplace or "", entity) is None
            if fits or entity.type is IdType.AMOUNT:
                answers.raw_identifiers.setdefault(entity.type, []).append(entity.value)
                label = m(f"triage_entity_{entity.type.value}")
                answers.prefilled.append(m("triage_entity", label=label, value=entity.value))
    answers.vague = result.vague


def register(cli: typer.Typer) -> None:
    cli.command("triage")(cmd_triage)
    cli.add_typer(eval_app, name="eval")
