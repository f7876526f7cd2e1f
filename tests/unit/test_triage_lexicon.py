from pathlib import Path

import pytest

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.triage_lexicon import load_lexicon
from mpdesk.domain.errors import KnowledgeBaseError


def _user(tmp_path: Path, text: str) -> KnowledgeFiles:
    (tmp_path / "triage").mkdir()
    (tmp_path / "triage" / "lexicon.yaml").write_text(text, encoding="utf-8")
    return KnowledgeFiles(tmp_path)


def test_shipped_lexicon_loads() -> None:
    lexicon = load_lexicon(KnowledgeFiles(None))
    assert set(lexicon.cat_terms) == {"acceptance", "logistics", "listing", "inventory",
                                      "compliance", "finance", "other"}  # fmt: skip


def test_user_lexicon_merges_term_weights(tmp_path: Path) -> None:
    files = _user(tmp_path, "categories:\n  terms:\n    other:\n      topic:\n        самокат: 9\n")
    lexicon = load_lexicon(files)
    assert lexicon.cat_terms["other"].topic["самокат"] == 9
    assert "реклам*" in lexicon.cat_terms["other"].topic


def test_errors_name_the_file_and_the_key_path(tmp_path: Path) -> None:
    files = _user(tmp_path, "categories:\n  terms:\n    other:\n      topic:\n        Ёлка: 1\n")
    with pytest.raises(KnowledgeBaseError) as info:
        load_lexicon(files)
    assert info.value.fields["path"].endswith("triage/lexicon.yaml")
    assert info.value.fields["key"] == "categories.terms.other.topic"


def test_unknown_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError) as info:
        load_lexicon(_user(tmp_path, "vague:\n  typo_key: 1\n"))
    assert info.value.fields["key"] == "vague.typo_key"
