from collections.abc import Callable

import pytest

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.triage_lexicon import load_model
from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.classify import classify_category
from mpdesk.domain.triage.lexicon import Lexicon
from mpdesk.domain.triage.model import CategoryModel, model_features


def _toy() -> CategoryModel:
    return CategoryModel.from_counts(
        {"listing": 3, "other": 3},
        {"listing": {"выдача": 3, "название": 2}, "other": {"кабинет": 3, "вход": 2}},
        alpha=0.5,
    )


def test_naive_bayes_prefers_the_class_whose_words_it_saw() -> None:
    p = _toy().predict(["выдача", "название", "незнакомое"])
    assert p["listing"] > 0.9
    assert abs(sum(p.values()) - 1) < 1e-9


def test_no_known_feature_gives_the_prior() -> None:
    assert _toy().predict(["незнакомое"]) == pytest.approx({"listing": 0.5, "other": 0.5})


def test_request_sentences_give_prefixed_features(
    analysis_of: Callable[[str], Analysis], lexicon: Lexicon
) -> None:
    features = model_features(analysis_of("Товар пропал. Просим найти товар."), lexicon)
    assert "товар" in features and "R:найти" in features


def test_model_decides_only_without_rule_signal_and_when_sure(
    analysis_of: Callable[[str], Analysis], lexicon: Lexicon
) -> None:
    sure = _toy()
    no_signal = analysis_of("по названию в выдаче не находится")
    assert classify_category(no_signal, lexicon, None)[0] == "other"
    assert classify_category(no_signal, lexicon, sure)[0] == "listing"
    unsure = CategoryModel.from_counts({"listing": 1, "other": 1}, {"listing": {"x": 2}}, 0.5)
    assert classify_category(no_signal, lexicon, unsure)[0] == "other"


def test_the_shipped_model_loads() -> None:
    model = load_model(KnowledgeFiles(None))
    assert model is not None
    assert set(model.classes) == {"acceptance", "logistics", "listing", "inventory",
                                  "compliance", "finance", "other"}  # fmt: skip
