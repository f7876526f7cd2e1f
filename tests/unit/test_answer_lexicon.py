"""``knowledge/answers/lexicon.yaml``: strict schema (errors name file and key path), user
overrides merged over the shipped file, and the cross-check of ``mpdesk kb check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpdesk.adapters.answer_kit import AnswerKit
from mpdesk.adapters.answer_lexicon import load_answer_lexicon
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.domain.answers.lexicon import AnswerClass, compile_phrase
from mpdesk.domain.answers.reading import read_answer
from mpdesk.domain.errors import KnowledgeBaseError
from mpdesk.services.kb_check import check_answer_lexicon


def _user(tmp_path: Path, text: str) -> KnowledgeFiles:
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "lexicon.yaml").write_text(text, encoding="utf-8")
    return KnowledgeFiles(tmp_path)


def test_shipped_lexicon_passes_the_cross_check() -> None:
    assert check_answer_lexicon(AnswerKit(KnowledgeFiles(None))) == []


def test_an_unknown_key_names_the_file_and_the_key(tmp_path: Path) -> None:
    files = _user(tmp_path, "colour: red\n")
    with pytest.raises(KnowledgeBaseError) as err:
        load_answer_lexicon(files)
    assert err.value.fields["path"].endswith("answers/lexicon.yaml")
    assert err.value.fields["key"] == "colour"


def test_a_malformed_phrase_is_refused(tmp_path: Path) -> None:
    files = _user(tmp_path, "classes:\n  resolved:\n    Начислено: 3\n")
    with pytest.raises(KnowledgeBaseError) as err:
        load_answer_lexicon(files)
    assert err.value.fields["key"].startswith("classes")
    problems = check_answer_lexicon(AnswerKit(files))
    assert problems and problems[0].path.endswith("lexicon.yaml")


def test_a_user_phrase_is_merged_over_the_shipped_ones(tmp_path: Path) -> None:
    shipped = load_answer_lexicon(KnowledgeFiles(None))
    text = "Деньги прилетели на счёт."
    assert read_answer(text, shipped).answer_class is AnswerClass.NO_DECISION
    files = _user(tmp_path, "classes:\n  resolved:\n    деньги прилетели: 3\n")
    merged = load_answer_lexicon(files)
    assert read_answer(text, merged).answer_class is AnswerClass.RESOLVED
    assert len(merged.classes[AnswerClass.REFUSED]) == len(shipped.classes[AnswerClass.REFUSED])


def test_a_phrase_allows_a_gap_except_after_a_bound_word() -> None:
    phrase = compile_phrase("в работе", 1, 3, frozenset({"в"}))
    assert phrase.pattern.search("вопрос в работе")
    assert not phrase.pattern.search("сбой в системе работе")
    gapped = compile_phrase("компенсаци* начисл*", 1, 3)
    assert gapped.pattern.search("компенсация за товар будет начислена")
    assert not gapped.pattern.search("компенсация за этот товар точно будет начислена")
