from collections.abc import Callable
from dataclasses import replace

import pytest

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.triage_lexicon import load_model
from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.classify import rank_categories
from mpdesk.domain.triage.features import (
    TextFeatures,
    feature_bucket,
    text_features,
    token_feature_names,
)
from mpdesk.domain.triage.lexicon import Lexicon
from mpdesk.domain.triage.model import CategoryModel

CLASSES = ("listing", "other")
BUCKETS = 64


def _toy(word_weights: dict[str, tuple[float, float]], temperature: float = 1.0) -> CategoryModel:
    weights = [0.0] * (BUCKETS * 2)
    for name, (listing, other) in word_weights.items():
        row = feature_bucket(name, BUCKETS) * 2
        weights[row] += listing
        weights[row + 1] += other
    return CategoryModel(CLASSES, BUCKETS, weights, [], (0.0, 0.0), temperature)


def _features(*tokens: tuple[str, str], requests: tuple[str, ...] = ()) -> TextFeatures:
    return TextFeatures(frozenset(tokens), frozenset(requests), ())


def test_the_class_whose_feature_weighs_more_wins_and_probabilities_sum_to_one() -> None:
    model = _toy({"w:выдача": (2.0, -2.0)})
    p = model.predict(_features(("выдаче", "выдача")))
    assert p["listing"] > 0.95
    assert sum(p.values()) == pytest.approx(1.0)


def test_no_known_feature_gives_equal_probabilities() -> None:
    assert _toy({}).predict(_features(("слово", "слово"))) == pytest.approx(
        {"listing": 0.5, "other": 0.5}
    )


def test_a_higher_temperature_makes_the_model_less_sure() -> None:
    sharp = _toy({"w:выдача": (1.0, -1.0)})
    soft = _toy({"w:выдача": (1.0, -1.0)}, temperature=3.0)
    features = _features(("выдаче", "выдача"))
    assert soft.predict(features)["listing"] < sharp.predict(features)["listing"]
    assert soft.predict(features)["listing"] > 0.5


def test_request_lemmas_have_their_own_weights() -> None:
    model = _toy({"r:вернуть": (-3.0, 3.0)})
    assert model.predict(_features(requests=("вернуть",)))["other"] > 0.95
    assert model.predict(_features(("вернуть", "вернуть")))["other"] == pytest.approx(0.5)


def test_a_typo_shares_character_ngrams_with_the_word() -> None:
    right = set(token_feature_names("поставка", "поставка"))
    typo = set(token_feature_names("пославка", "пославка"))
    assert len(right & typo) >= 4


def test_numbers_give_their_shape_not_their_digits() -> None:
    assert token_feature_names("24567891", "24567891") == ["n:d8"]
    assert token_feature_names("48291037-0011-1", "48291037-0011-1") == ["n:posting"]


def test_feature_buckets_are_stable_and_in_range() -> None:
    assert feature_bucket("w:поставка", 1 << 15) == feature_bucket("w:поставка", 1 << 15)
    assert all(0 <= feature_bucket(f"c:{i}", 100) < 100 for i in range(200))


def test_weights_that_do_not_match_the_classes_are_refused() -> None:
    with pytest.raises(ValueError):
        CategoryModel(CLASSES, BUCKETS, [0.0] * 3, [], (0.0, 0.0))


def test_request_sentences_give_request_lemmas(
    analysis_of: Callable[[str], Analysis], lexicon: Lexicon
) -> None:
    features = text_features(analysis_of("Товар пропал. Просим найти товар."), lexicon, {},
                             ("listing", "other"))  # fmt: skip
    assert "найти" in features.request_lemmas
    assert "пропасть" not in features.request_lemmas
    assert ("пропал", "пропасть") in features.tokens


def test_an_unsure_model_asks_and_offers_the_runner_up(
    analysis_of: Callable[[str], Analysis], lexicon: Lexicon
) -> None:
    unsure = _toy({"w:выдача": (0.1, -0.1)})
    ranking = rank_categories(analysis_of("товар не виден в выдаче"), lexicon, unsure)
    assert ranking.category == "listing"
    assert ranking.needs_confirmation
    assert ranking.alternatives == ["other"]
    sure = _toy({"w:выдача": (4.0, -4.0)})
    ranking = rank_categories(analysis_of("товар не виден в выдаче"), lexicon, sure)
    assert not ranking.needs_confirmation
    assert ranking.alternatives == []


def test_the_confirmation_threshold_comes_from_the_lexicon(
    analysis_of: Callable[[str], Analysis], lexicon: Lexicon
) -> None:
    model = _toy({"w:выдача": (0.5, -0.5)})
    text = analysis_of("товар не виден в выдаче")
    sure = rank_categories(text, lexicon, model).probabilities["listing"]
    below = replace(lexicon, confirm_below=sure - 0.01)
    above = replace(lexicon, confirm_below=sure + 0.01)
    assert not rank_categories(text, below, model).needs_confirmation
    assert rank_categories(text, above, model).needs_confirmation


def test_the_shipped_model_loads() -> None:
    model = load_model(KnowledgeFiles(None))
    assert model is not None
    assert set(model.classes) == {"acceptance", "logistics", "listing", "inventory",
                                  "compliance", "finance", "other"}  # fmt: skip
    assert model.temperature > 0
