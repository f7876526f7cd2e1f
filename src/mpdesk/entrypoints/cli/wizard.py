"""The interactive appeal wizard: asks only for what is still missing, in Russian."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.prompt import Confirm, Prompt

from mpdesk.domain.appeal import is_description_vague
from mpdesk.domain.errors import InvalidDateError
from mpdesk.domain.identifiers import IdType, identifier_problem
from mpdesk.services import user_input
from mpdesk.services.context import ServiceContext

#: identifiers the wizard asks for (their names are ``wizard_id_<type>`` in the catalogue)
_ID_LABELS = (IdType.SUPPLY_ID, IdType.ORDER_ID, IdType.SKU, IdType.VENDOR_CODE, IdType.BARCODE)


@dataclass
class Answers:
    marketplace: str | None
    category: str | None
    text: str
    event_date: date | None
    raw_identifiers: dict[IdType, list[str]]
    attachments: list[Path] = field(default_factory=list)
    vague: bool | None = None  # set by triage (mpdesk new --text)
    prefilled: list[str] = field(default_factory=list)  # summary lines of what triage filled
    #: triage was unsure between two categories: the wizard asks this question about them
    category_choice: tuple[str, str] | None = None
    category_question: str = ""


def _choose(ctx: ServiceContext, console: Console, title: str, options: dict[str, str]) -> str:
    keys = list(options)
    console.print(f"[bold]{title}[/]")
    for n, key in enumerate(keys, 1):
        console.print(f"  {n}. {options[key]} ({key})")
    while True:
        answer = Prompt.ask(ctx.message("wizard_choice"), console=console).strip()
        if answer.isdigit() and 1 <= int(answer) <= len(keys):
            return keys[int(answer) - 1]
        if answer in options:
            return answer
        console.print(ctx.message("wizard_no_such_choice"))


def _ask_identifier(
    ctx: ServiceContext, console: Console, marketplace: str, id_type: IdType
) -> str:
    """Ask for one identifier, re-asking until it is empty or fits the marketplace's format."""
    label = ctx.message(f"wizard_id_{id_type.value}")
    while True:
        value = Prompt.ask(
            ctx.message("wizard_ask_identifier", label=f"{label[0].upper()}{label[1:]}"),
            console=console,
            default="",
            show_default=False,
        ).strip()
        if not value:
            return ""
        problem = identifier_problem(marketplace, id_type, value)
        if problem is None:
            return value
        console.print(ctx.message("identifier_format", field=label, value=value, expected=problem))


def _confirm_prefill(ctx: ServiceContext, console: Console, answers: Answers) -> None:
    """Show what triage understood from the text; on «no» ask those fields again."""
    console.print(ctx.message("wizard_prefilled"))
    for line in answers.prefilled:
        console.print(f"  {line}", markup=False)
    if Confirm.ask(ctx.message("wizard_prefilled_ok"), console=console, default=True):
        return
    answers.marketplace = answers.category = answers.event_date = None
    for values in answers.raw_identifiers.values():
        values.clear()


def run(ctx: ServiceContext, answers: Answers) -> Answers:
    console = Console(stderr=True)
    console.print(ctx.message("wizard_intro"))
    if answers.prefilled:
        _confirm_prefill(ctx, console, answers)
    if answers.marketplace is None:
        answers.marketplace = _choose(
            ctx,
            console,
            ctx.message("wizard_marketplace"),
            {m.id: m.name_ru for m in ctx.kb.marketplaces.values()},
        )
    if answers.category is None and answers.category_choice is not None:
        mp = answers.marketplace
        answers.category = _choose(
            ctx,
            console,
            answers.category_question,
            {c: ctx.kb.categories[c].wording.get(mp, ctx.kb.categories[c].label_ru)
             for c in answers.category_choice},
        )  # fmt: skip
    if answers.category is None:
        mp = answers.marketplace
        answers.category = _choose(
            ctx,
            console,
            ctx.message("wizard_category"),
            {c.id: c.wording.get(mp, c.label_ru) for c in ctx.kb.categories.values()},
        )
    checklist = ctx.kb.checklist(answers.marketplace, answers.category)
    items = {i.id: i for i in checklist.items} if checklist else {}
    vague = answers.vague if answers.vague is not None else is_description_vague(answers.text)
    if "description" in items and (not answers.text or vague):
        console.print(items["description"].question_ru)
        answers.text = (
            Prompt.ask(
                ctx.message("wizard_description"),
                console=console,
                default=answers.text,
                show_default=False,
            )
            or ""
        )
    has_id = any(v for t, v in answers.raw_identifiers.items() if t in _ID_LABELS)
    if "identifier" in items and not has_id:
        console.print(items["identifier"].question_ru)
        wanted = [t for t in items["identifier"].id_types or tuple(_ID_LABELS) if t in _ID_LABELS]
        for id_type in wanted:
            value = _ask_identifier(ctx, console, answers.marketplace, id_type)
            if value:
                answers.raw_identifiers[id_type].append(value)
                break  # one identifier completes the checklist item
    while "date" in items and answers.event_date is None:
        console.print(items["date"].question_ru)
        value = Prompt.ask(
            ctx.message("wizard_date"), console=console, default="", show_default=False
        )
        if not value.strip():
            break
        try:
            answers.event_date = user_input.parse_event_date(ctx, value, "date")
        except InvalidDateError:
            console.print(ctx.message("wizard_bad_date"))
    if "evidence" in items and not answers.attachments:
        console.print(items["evidence"].question_ru)
        while True:
            value = Prompt.ask(
                ctx.message("wizard_file"), console=console, default="", show_default=False
            )
            if not value.strip():
                break
            path = Path(value.strip()).expanduser()
            if path.is_file():
                answers.attachments.append(path)
            else:
                console.print(ctx.message("wizard_file_missing", path=path))
    if not Confirm.ask(ctx.message("wizard_save"), console=console, default=True):
        raise KeyboardInterrupt
    return answers
