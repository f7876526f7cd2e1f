"""The learned category model: a multinomial logistic regression over hashed features.

Trained by ``scripts/train_triage_model.py`` (numpy, never at run time) and shipped as data
(``knowledge/triage/category_model.json``). Inference is pure Python: the weights of every
feature a token gives are summed once per distinct token and cached, so a text costs one vector
addition per distinct token. The softmax is divided by a temperature fitted on held-out
predictions, so the probabilities mean what they say (``mpdesk eval triage`` prints the
reliability table).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from mpdesk.domain.triage.features import (
    TextFeatures,
    feature_bucket,
    request_feature_names,
    token_feature_names,
)

#: distinct tokens whose summed weights are kept per model
_CACHE_LIMIT = 200_000


@dataclass(eq=False)
class CategoryModel:
    classes: tuple[str, ...]
    buckets: int
    weights: Sequence[float]  # buckets × classes, row-major
    dense_weights: Sequence[float]  # dense features × classes, row-major
    bias: tuple[float, ...]
    temperature: float = 1.0
    _token_cache: dict[tuple[str, str], tuple[float, ...]] = field(default_factory=dict, repr=False)
    _request_cache: dict[str, tuple[float, ...]] = field(default_factory=dict, repr=False)
    _dense_rows: tuple[tuple[float, ...], ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        k = len(self.classes)
        if len(self.weights) != self.buckets * k or len(self.bias) != k:
            raise ValueError("weights do not match the classes and buckets")
        if len(self.dense_weights) % k:
            raise ValueError("dense weights do not match the classes")
        if self.temperature <= 0:
            raise ValueError("temperature must be positive")
        self._dense_rows = tuple(
            tuple(self.dense_weights[d * k : (d + 1) * k]) for d in range(self.dense_size)
        )

    @property
    def dense_size(self) -> int:
        return len(self.dense_weights) // len(self.classes)

    def _sum(self, names: list[str]) -> tuple[float, ...]:
        k, weights, buckets = len(self.classes), self.weights, self.buckets
        total = [0.0] * k
        for name in names:
            row = feature_bucket(name, buckets) * k
            for c in range(k):
                total[c] += weights[row + c]
        return tuple(total)

    def token_scores(self, surface: str, lemma: str) -> tuple[float, ...]:
        key = (surface, lemma)
        found = self._token_cache.get(key)
        if found is None:
            found = self._sum(token_feature_names(surface, lemma))
            if len(self._token_cache) < _CACHE_LIMIT:
                self._token_cache[key] = found
        return found

    def request_scores(self, lemma: str) -> tuple[float, ...]:
        found = self._request_cache.get(lemma)
        if found is None:
            found = self._sum(request_feature_names(lemma))
            if len(self._request_cache) < _CACHE_LIMIT:
                self._request_cache[lemma] = found
        return found

    def logits(self, features: TextFeatures) -> list[float]:
        token, request = self._token_cache.get, self._request_cache.get
        vectors = [
            self.bias,
            *[token(key) or self.token_scores(*key) for key in features.tokens],
            *[request(lemma) or self.request_scores(lemma) for lemma in features.request_lemmas],
        ]
        logits = [sum(column) for column in zip(*vectors, strict=True)]
        for value, row in zip(features.dense, self._dense_rows, strict=False):
            if value:
                logits = [total + value * weight for total, weight in zip(logits, row, strict=True)]
        return logits

    def predict(self, features: TextFeatures) -> dict[str, float]:
        """Calibrated probability of each class."""
        scaled = [v / self.temperature for v in self.logits(features)]
        top = max(scaled)
        exp = [math.exp(v - top) for v in scaled]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}
