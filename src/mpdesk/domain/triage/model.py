"""A small multinomial naive Bayes over lemmas: the second opinion of category triage.

Trained by ``scripts/train_triage_model.py`` from the labelled sets in ``tests/data`` and
shipped as data (``knowledge/triage/model.json``). Features are the lemmas of the text and,
prefixed ``R:``, the lemmas of request sentences. The rules stay in charge (classify.py): the
model decides alone only when no lexicon term speaks for any category, and otherwise nudges
close calls.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.lexicon import Lexicon

REQUEST_PREFIX = "R:"


def model_features(analysis: Analysis, lexicon: Lexicon) -> list[str]:
    """Lemmas of content words; lemmas in request sentences also as ``R:lemma``."""
    found = []
    for token in analysis.tokens:
        if len(token.text) < 2 or not token.text.isalpha() or token.lemma in lexicon.stopwords:
            continue
        found.append(token.lemma)
        if analysis.sentences[token.sentence].is_request:
            found.append(REQUEST_PREFIX + token.lemma)
    return found


@dataclass(frozen=True)
class CategoryModel:
    classes: tuple[str, ...]
    log_prior: Mapping[str, float]
    log_likelihood: Mapping[str, Mapping[str, float]]  # class -> feature -> log P(f | class)
    log_unseen: Mapping[str, float]  # class -> log P(f | class) of a feature never seen there
    vocabulary: frozenset[str]

    @classmethod
    def from_counts(
        cls,
        class_counts: Mapping[str, int],
        feature_counts: Mapping[str, Mapping[str, int]],
        alpha: float,
    ) -> CategoryModel:
        vocabulary = frozenset(f for counts in feature_counts.values() for f in counts)
        total_docs = sum(class_counts.values()) or 1
        size = len(vocabulary) or 1
        log_prior, log_likelihood, log_unseen = {}, {}, {}
        for c in class_counts:
            counts = feature_counts.get(c, {})
            denominator = sum(counts.values()) + alpha * size
            log_prior[c] = math.log(max(class_counts[c], 1) / total_docs)
            log_likelihood[c] = {f: math.log((n + alpha) / denominator) for f, n in counts.items()}
            log_unseen[c] = math.log(alpha / denominator)
        return cls(tuple(class_counts), log_prior, log_likelihood, log_unseen, vocabulary)

    def predict(self, features: list[str]) -> dict[str, float]:
        """Probability of each class (features unknown to the model are ignored)."""
        known = {f for f in features if f in self.vocabulary}
        scores = {}
        for c in self.classes:
            table, unseen = self.log_likelihood[c], self.log_unseen[c]
            scores[c] = self.log_prior[c] + sum(table.get(f, unseen) for f in known)
        top = max(scores.values(), default=0.0)
        exp = {c: math.exp(s - top) for c, s in scores.items()}
        total = sum(exp.values()) or 1.0
        return {c: v / total for c, v in exp.items()}
