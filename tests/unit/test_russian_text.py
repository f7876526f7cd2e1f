"""Russian text lives in the knowledge base (``messages.ru.yaml``), templates and data files,
not in Python: a Cyrillic string literal in ``src/mpdesk/**/*.py`` fails this test unless its
file is listed below with a reason. Not counted: docstrings and the Typer help texts
(``help=``, ``short_help=``, ``epilog=``, ``rich_help_panel=``, ``metavar=``: the CLI's help).

Files that *read* Russian (triage, answer reading, report columns) may hold the words they
recognise. Files still carrying UI text have a budget: a new literal there fails too, and a
budget larger than the count asks to be lowered, so the list only shrinks."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "mpdesk"
CYRILLIC = re.compile("[А-Яа-яЁё]")
HELP_KEYWORDS = {"help", "short_help", "epilog", "rich_help_panel", "metavar"}

#: files that recognise Russian input: the words they look for are their data
READS_RUSSIAN = {
    "adapters/importers/currency.py": "currency words in report cells",
    "adapters/importers/ozon/accruals.py": "column names of the Ozon report",
    "adapters/importers/ozon/compensation.py": "column names and title of the Ozon reports",
    "adapters/importers/shipment_list.py": "column names of shipment lists",
    "adapters/importers/values.py": "yes/no words in report cells",
    "adapters/importers/wb/incomes.py": "column names of the WB report",
    "adapters/importers/wb/realization.py": "column names of the WB report",
    "adapters/lemmatizer.py": "words the lemmatizer is checked and warmed with",
    "adapters/morphology.py": "Russian morphology",
    "adapters/triage_lexicon.py": "triage lexicon loading",
    "bootstrap/__init__.py": "a word that warms the lemmatizer up",
    "domain/answers/extract.py": "reading support answers",
    "domain/answers/lexicon.py": "reading support answers",
    "domain/answers/text.py": "reading support answers",
    "domain/audit/columns.py": "report column matching (ё/е)",
    "domain/audit/rows.py": "operation names in WB reports",
    "domain/triage/amounts.py": "amounts written in words",
    "domain/triage/analysis.py": "triage of problem texts",
    "domain/triage/dates.py": "dates written in words",
    "domain/triage/normalize.py": "text normalisation",
    "services/demo.py": "the demo seed: sample appeals and answers",
    "entrypoints/cli/tickets.py": "command help passed as docstrings of generated commands",
}

#: files that still show UI text from Python: how many literals are left (only goes down)
UI_TEXT_LEFT: dict[str, int] = {}


def cyrillic_literals(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skipped.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.keyword) and node.arg in HELP_KEYWORDS:
            skipped.update(id(n) for n in ast.walk(node.value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skipped
            and CYRILLIC.search(node.value)
        ):
            yield node.lineno, node.value


def test_russian_text_is_not_written_in_python() -> None:
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name in READS_RUSSIAN:
            continue
        found = list(cyrillic_literals(path))
        budget = UI_TEXT_LEFT.get(name, 0)
        if len(found) > budget:
            shown = "; ".join(f"line {line}: {text[:40]!r}" for line, text in found[:5])
            problems.append(
                f"{name}: {len(found)} Russian string literals (allowed {budget}) — {shown}. "
                "Put the text in knowledge/messages.ru.yaml and use ctx.message(code)."
            )
        elif len(found) < budget:
            problems.append(f"{name}: {len(found)} literals left; lower UI_TEXT_LEFT to that")
    assert not problems, "\n".join(problems)


def test_the_rule_sees_a_new_literal(tmp_path: Path) -> None:
    module = tmp_path / "page.py"
    module.write_text(
        '"""Страница."""\n'
        "import typer\n"
        'def f(x: str = typer.Option("", help="Справка")) -> str:\n'
        '    """Документация."""\n'
        '    return "Сводка"\n',
        encoding="utf-8",
    )
    assert list(cyrillic_literals(module)) == [(5, "Сводка")]


def test_every_listed_file_exists() -> None:
    missing = [n for n in [*READS_RUSSIAN, *UI_TEXT_LEFT] if not (SRC / n).is_file()]
    assert missing == []
