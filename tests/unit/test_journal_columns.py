"""The header names of a journal table (``knowledge/journal_columns.yaml``): strict schema, the
cross-check of ``mpdesk kb check``, header matching and the stable row key."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import pytest

from mpdesk.adapters.importers.journal_table import FileJournalTableReader
from mpdesk.adapters.journal_columns import load_journal_vocabulary
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.domain.errors import KnowledgeBaseError
from mpdesk.domain.journal_table import match_header, pick_header, row_key
from mpdesk.services.kb_check import check_journal_columns
from mpdesk.services.ports.spreadsheets import SpreadsheetPorts


def _ports(files: KnowledgeFiles) -> SpreadsheetPorts:
    return SpreadsheetPorts(
        FileJournalTableReader(), functools.partial(load_journal_vocabulary, files)
    )


def _user(tmp_path: Path, text: str) -> KnowledgeFiles:
    (tmp_path / "journal_columns.yaml").write_text(text, encoding="utf-8")
    return KnowledgeFiles(tmp_path)


def test_shipped_columns_pass_the_cross_check() -> None:
    files = KnowledgeFiles(None)
    assert check_journal_columns(files.load(), _ports(files)) == []


def test_an_unknown_field_names_the_file_and_the_key(tmp_path: Path) -> None:
    files = _user(tmp_path, "columns:\n  colour: [Цвет]\n")
    with pytest.raises(KnowledgeBaseError) as err:
        load_journal_vocabulary(files)
    assert err.value.fields["path"].endswith("journal_columns.yaml")
    assert err.value.fields["key"] == "columns"
    problems = check_journal_columns(files.load(), _ports(files))
    assert problems and problems[0].path.endswith("journal_columns.yaml")


def test_a_name_given_to_two_fields_is_reported(tmp_path: Path) -> None:
    files = _user(tmp_path, "columns:\n  subject: [Тема, Сумма]\n")  # «Сумма» is an amount
    problems = check_journal_columns(files.load(), _ports(files))
    assert [(p.key, p.problem) for p in problems] == [
        ("columns.amount_claimed", "'Сумма' is also subject")
    ]


def test_an_export_header_that_no_longer_reads_back_is_reported(tmp_path: Path) -> None:
    files = _user(tmp_path, "columns:\n  status: [Состояние]\n")  # «Статус» dropped
    problems = check_journal_columns(files.load(), _ports(files))
    assert [p.key for p in problems] == ["columns.status"]


def test_headers_match_whatever_the_case_spaces_and_yo() -> None:
    vocabulary = load_journal_vocabulary(KnowledgeFiles(None))
    cells = {0: " ТЕМА  обращения.", 2: "Статус", 3: "Отчёт", 4: "Приемка", 5: "тема"}
    assert match_header(vocabulary, cells) == {0: "subject", 2: "status"}


def test_the_header_is_the_row_that_names_most_fields() -> None:
    vocabulary = load_journal_vocabulary(KnowledgeFiles(None))
    rows = [
        (0, {0: "Журнал: тема и статус"}),
        (2, {0: "Тема", 1: "Статус", 2: "Маркетплейс", 3: "Заметки"}),
        (3, {0: "Тема", 1: "Статус"}),
    ]
    choice = pick_header(vocabulary, rows)
    assert choice is not None and choice.index == 2
    assert choice.headers == {"subject": "Тема", "status": "Статус", "marketplace": "Маркетплейс"}
    assert choice.ignored == ["Заметки"]
    assert pick_header(vocabulary, [(0, {0: "Тема"}), (1, {0: "а", 1: "б"})]) is None


def test_the_row_key_is_the_marketplace_number_else_what_the_row_says() -> None:
    day = date(2026, 11, 1)
    numbered = row_key(1, "wb", " SD-55 ", "other", "Тема", None, None)
    assert numbered == row_key(1, "wb", "sd-55", "finance", "Другая тема", day, day)
    assert numbered != row_key(2, "wb", "SD-55", "other", "Тема", None, None)
    plain = row_key(1, "wb", "", "finance", "Штраф  за габариты", day, None)
    assert plain == row_key(1, "wb", "", "finance", "штраф за габариты", day, None)
    assert plain != row_key(1, "wb", "", "finance", "Штраф за габариты", date(2026, 11, 2), None)
    assert plain != row_key(1, "wb", "", "finance", "Штраф за габариты", day, day)
