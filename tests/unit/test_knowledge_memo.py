"""Knowledge parsed once per process: reused while the files are unchanged, parsed again as
soon as a file's bytes change, and never remembered when it is broken; with a store directory,
kept between processes while the files and the code that built it are unchanged."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pytest

from mpdesk.adapters import knowledge_memo, triage_lexicon
from mpdesk.adapters.answer_lexicon import load_answer_lexicon
from mpdesk.adapters.calendar_files import load_calendar
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.triage_lexicon import load_lexicon, load_model
from mpdesk.domain.errors import KnowledgeBaseError
from mpdesk.domain.triage.lexicon import Lexicon

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


# --- the store between processes (MPDESK_HOME/cache/knowledge) ------------------------------


@pytest.fixture
def new_process(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Forget what this process parsed, as a new process would."""

    def forget() -> None:
        monkeypatch.setattr(knowledge_memo, "_results", OrderedDict())

    forget()  # what earlier tests parsed is not in the store
    return forget


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the lexicons built (parsed and indexed) rather than read from the store."""
    built: list[str] = []
    original = triage_lexicon.to_domain

    def counted(schema: triage_lexicon.LexiconSchema) -> Lexicon:
        built.append("lexicon")
        return original(schema)

    monkeypatch.setattr(triage_lexicon, "to_domain", counted)
    return built


def test_a_new_process_reads_the_stored_knowledge(
    tmp_path: Path, new_process: Callable[[], None], builds: list[str]
) -> None:
    files = KnowledgeFiles(None, cache_dir=tmp_path)
    first, kb, model = load_lexicon(files), files.load(), load_model(files)
    new_process()
    second = load_lexicon(files)
    assert builds == ["lexicon"]
    assert second is not first and second == first
    assert second.index.match_token("поставка", "поставка", "") == first.index.match_token(
        "поставка", "поставка", ""
    )
    assert files.load() == kb
    again = load_model(files)
    assert again is not None and model is not None
    assert list(again.weights) == list(model.weights) and again.classes == model.classes
    assert len(list(tmp_path.glob("*.pickle"))) == 3


def test_an_edited_file_is_not_read_from_the_store(
    tmp_path: Path, new_process: Callable[[], None], builds: list[str]
) -> None:
    store = tmp_path / "cache"
    for weight in (7, 8):
        new_process()
        files = _user_lexicon(tmp_path / "kb", TOPIC.format(word="самокат", weight=weight))
        files.cache_dir = store
        assert load_lexicon(files).cat_terms["other"].topic["самокат"] == weight
    assert builds == ["lexicon", "lexicon"]
    assert len(list(store.glob("triage-lexicon-*.pickle"))) == 1  # the older one is gone


def test_knowledge_stored_by_other_code_is_built_again(
    tmp_path: Path,
    new_process: Callable[[], None],
    builds: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = KnowledgeFiles(None, cache_dir=tmp_path)
    load_lexicon(files)
    new_process()
    original = knowledge_memo._module_digest
    monkeypatch.setattr(
        knowledge_memo,
        "_module_digest",
        lambda m: "changed" if m == "mpdesk.domain.triage.lexicon" else original(m),
    )
    load_lexicon(files)
    assert builds == ["lexicon", "lexicon"]


def test_a_damaged_store_is_rebuilt(
    tmp_path: Path, new_process: Callable[[], None], builds: list[str]
) -> None:
    files = KnowledgeFiles(None, cache_dir=tmp_path)
    first = load_lexicon(files)
    (stored,) = tmp_path.glob("triage-lexicon-*.pickle")
    stored.write_bytes(stored.read_bytes()[:100])
    new_process()
    assert load_lexicon(files) == first
    new_process()
    assert load_lexicon(files) == first
    assert builds == ["lexicon", "lexicon"]  # rebuilt once, then read again
