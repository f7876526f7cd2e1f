"""Knowledge parsed once per process: reused while the files are unchanged, parsed again as
soon as a file's bytes change, and never remembered when it is broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpdesk.adapters.answer_lexicon import load_answer_lexicon
from mpdesk.adapters.calendar_files import load_calendar
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.triage_lexicon import load_lexicon
from mpdesk.domain.errors import KnowledgeBaseError

TOPIC = "categories:\n  terms:\n    other:\n      topic:\n        {word}: {weight}\n"


def _user_lexicon(home: Path, text: str) -> KnowledgeFiles:
    (home / "triage").mkdir(parents=True, exist_ok=True)
    (home / "triage" / "lexicon.yaml").write_text(text, encoding="utf-8")
    return KnowledgeFiles(home)


def test_unchanged_files_are_parsed_once_for_every_caller() -> None:
    assert load_lexicon(KnowledgeFiles(None)) is load_lexicon(KnowledgeFiles(None))
    assert load_answer_lexicon(KnowledgeFiles(None)) is load_answer_lexicon(KnowledgeFiles(None))
    assert load_calendar(KnowledgeFiles(None)) is load_calendar(KnowledgeFiles(None))
    assert KnowledgeFiles(None).load() is KnowledgeFiles(None).load()


def test_an_edited_file_is_read_again_even_at_the_same_size(tmp_path: Path) -> None:
    first = load_lexicon(_user_lexicon(tmp_path, TOPIC.format(word="самокат", weight=7)))
    # same length, same second: only the bytes differ
    second = load_lexicon(_user_lexicon(tmp_path, TOPIC.format(word="самокат", weight=8)))
    assert first.cat_terms["other"].topic["самокат"] == 7
    assert second.cat_terms["other"].topic["самокат"] == 8
    (tmp_path / "triage" / "lexicon.yaml").unlink()
    shipped = load_lexicon(KnowledgeFiles(tmp_path))
    assert "самокат" not in shipped.cat_terms["other"].topic


def test_a_user_directory_is_its_own_knowledge(tmp_path: Path) -> None:
    one = load_lexicon(_user_lexicon(tmp_path / "a", TOPIC.format(word="самокат", weight=7)))
    two = load_lexicon(_user_lexicon(tmp_path / "b", TOPIC.format(word="велосипед", weight=3)))
    assert "велосипед" not in one.cat_terms["other"].topic
    assert "самокат" not in two.cat_terms["other"].topic


def test_a_broken_file_fails_every_time_until_it_is_fixed(tmp_path: Path) -> None:
    broken = TOPIC.format(word="Ёлка", weight=1)
    for _ in range(2):
        with pytest.raises(KnowledgeBaseError):
            load_lexicon(_user_lexicon(tmp_path, broken))
    fixed = load_lexicon(_user_lexicon(tmp_path, TOPIC.format(word="елка", weight=1)))
    assert fixed.cat_terms["other"].topic["елка"] == 1


def test_a_new_checklist_reaches_the_knowledge_base(tmp_path: Path) -> None:
    before = KnowledgeFiles(tmp_path).load()
    shipped = sorted((KnowledgeFiles(None).shipped_dir / "checklists").glob("*.yaml"))[0]
    (tmp_path / "checklists").mkdir()
    text = shipped.read_text(encoding="utf-8")
    (tmp_path / "checklists" / shipped.name).write_text(
        text.replace("label_ru: ", "label_ru: Свой ", 1), encoding="utf-8"
    )
    after = KnowledgeFiles(tmp_path).load()
    first = next(iter(after.checklists.values())).items[0].label_ru
    assert first.startswith("Свой ")
    assert not next(iter(before.checklists.values())).items[0].label_ru.startswith("Свой ")
