"""Marketplace and category from lexicon matches.

Marketplace: weighted signs (names, slang, implicit terms such as nmID, постинг, Service Desk,
and identifier shapes); ``None`` when nothing points either way.

Category: topic words give the story; words in *request* sentences (what the seller asks
support to do) weigh ``request_boost`` times more, and ``ask`` phrases («отменить штраф»,
«исправить акт») count only there — this implements tie-breaks 1 and 2 of the contract.
``against`` phrases («приняли без расхождений») lower a category (tie-break 3 only applies to
discrepancies found at acceptance). The rule scores are features of the learned model
(model.py), which gives the calibrated probabilities the category is chosen by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.features import text_features
from mpdesk.domain.triage.lexicon import Lexicon
from mpdesk.domain.triage.model import CategoryModel

# the look-behind follows the first digit: the search jumps from digit to digit
_POSTING = re.compile(r"\d(?<![\d-]\d)\d{7,9}-\d{4}-\d{1,2}(?![\d-])")
_WB_FBS = re.compile(r"(?<![^\W_])wb[-_]gi[-_]\d+", re.IGNORECASE)
_OZON_SUPPLY = re.compile(r"(?<!\d)2000\d{9}(?!\d)")
#: (marketplace, shape, what the folded text must contain for the pattern to match, pattern)
_SHAPES = (
    ("ozon", "ozon_posting", "-", _POSTING),
    ("wb", "wb_fbs_supply", "wb", _WB_FBS),
    ("ozon", "ozon_supply", "2000", _OZON_SUPPLY),
)
#: kinds of lexicon matches that score a category
CATEGORY_KINDS = ("topic", "ask", "against")


@dataclass(frozen=True)
class Scores:
    values: dict[str, float]
    evidence: dict[str, list[str]]  # id -> matched terms, for explanations

    def best(self, priority: tuple[str, ...]) -> tuple[str, float]:
        order = {k: i for i, k in enumerate(priority)}
        key, value = max(self.values.items(), key=lambda kv: (kv[1], -order.get(kv[0], len(order))))
        return key, value


def score_marketplaces(analysis: Analysis, lex: Lexicon) -> Scores:
    values = dict.fromkeys(lex.mp_terms, 0.0)
    evidence: dict[str, list[str]] = {k: [] for k in lex.mp_terms}
    seen: set[tuple[str, int]] = set()
    for m in analysis.of_kinds("mp"):
        mp = m.group[3:]
        if (mp, m.first) in seen:
            continue  # one sign per token
        seen.add((mp, m.first))
        values[mp] += m.weight
        evidence[mp].append(m.term)
    text = analysis.text
    for mp, shape, sign, pattern in _SHAPES:
        if mp in values and sign in text and pattern.search(text):
            values[mp] += lex.mp_shape_weights.get(shape, 0.0)
            evidence[mp].append(shape)
    return Scores(values, evidence)


def detect_marketplace(analysis: Analysis, lex: Lexicon, hint: str | None = None) -> str | None:
    if hint:
        return hint
    scores = score_marketplaces(analysis, lex)
    if not scores.values:
        return None
    ranked = sorted(scores.values.items(), key=lambda kv: kv[1], reverse=True)
    top, value = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if value < lex.mp_min_score or value == runner:
        return None
    return top


def score_categories(analysis: Analysis, lex: Lexicon) -> Scores:
    values = dict.fromkeys(lex.cat_terms, 0.0)
    evidence: dict[str, list[str]] = {k: [] for k in lex.cat_terms}
    has_request = any(s.is_request for s in analysis.sentences)
    best: dict[tuple[str, int, int], float] = {}
    terms: dict[tuple[str, int, int], str] = {}
    for m in analysis.of_kinds(*CATEGORY_KINDS):
        kind, _, cat = m.group.partition(":")
        if cat not in values:
            continue
        sentence = analysis.sentences[m.sentence]
        weight = m.weight
        if kind == "ask":
            if not sentence.is_request:
                weight *= lex.ask_outside_request
            elif has_request:
                weight *= lex.request_boost
            if sentence.is_subject:
                weight *= 1.5
        elif has_request and sentence.is_request:
            weight *= lex.request_boost  # topic and against terms in what the seller asks
        # a token feeds one topic term per category (the strongest), phrases may add up
        key = (m.group, m.first, m.last)
        if abs(weight) > abs(best.get(key, 0.0)):
            best[key] = weight
            terms[key] = m.term
    _add_how_to(analysis, lex, values, evidence, has_request)
    per_token: dict[tuple[str, int], float] = {}
    for (group, first, last), weight in best.items():
        kind, _, cat = group.partition(":")
        if kind == "topic" and first == last:
            slot = (group, first)
            if abs(weight) <= abs(per_token.get(slot, 0.0)):
                continue
            values[cat] -= per_token.get(slot, 0.0)
            per_token[slot] = weight
        values[cat] += weight
        evidence[cat].append(terms[(group, first, last)])
    return Scores(values, evidence)


def _add_how_to(
    analysis: Analysis,
    lex: Lexicon,
    values: dict[str, float],
    evidence: dict[str, list[str]],
    has_request: bool,
) -> None:
    """«Как выгрузить …?», «где посмотреть …?»: a how-to question is not a problem report."""
    target = lex.how_to_category
    if not lex.how_to_words or target not in values:
        return
    tokens, words = analysis.tokens, lex.how_to_words
    if not any(word in analysis.text for word in words):  # a token is a part of the text
        return
    for i, token in enumerate(tokens[:-1]):
        if token.text not in words:
            continue
        nxt = tokens[i + 1]
        if (
            nxt.sentence == token.sentence
            and nxt.text == nxt.lemma
            and nxt.text.endswith(lex.infinitive_endings)
        ):
            boost = lex.request_boost if has_request and analysis.sentences[
                token.sentence].is_request else 1.0  # fmt: skip
            values[target] += lex.how_to_weight * boost
            evidence[target].append(f"{token.text} {nxt.text}")


@dataclass(frozen=True)
class CategoryRanking:
    """Categories ranked by calibrated probability, best first, and whether to ask."""

    category: str
    probabilities: dict[str, float]  # best first
    alternatives: list[str]
    needs_confirmation: bool
    scores: Scores


def _rule_probabilities(scores: Scores, lex: Lexicon) -> dict[str, float]:
    """Without a model: each category's share of the positive rule score, or the default
    category when no category reaches ``min_score``."""
    positive = {c: max(v, 0.0) for c, v in scores.values.items()}
    if max(positive.values(), default=0.0) < lex.cat_min_score:
        return {lex.cat_default: 1.0}
    total = sum(positive.values())
    return {c: v / total for c, v in positive.items()}


def rank_categories(
    analysis: Analysis, lex: Lexicon, model: CategoryModel | None = None
) -> CategoryRanking:
    """The model reads the rule scores together with the words of the text and of its request
    sentences, and gives calibrated probabilities; below ``confirm_below`` the person is asked
    to choose between the best category and the alternatives."""
    scores = score_categories(analysis, lex)
    if model is not None:
        features = text_features(analysis, lex, scores.values, model.classes)
        probabilities = model.predict(features)
    else:
        probabilities = _rule_probabilities(scores, lex)
    order = {c: i for i, c in enumerate(lex.cat_priority)}
    ranked = sorted(probabilities, key=lambda c: (-probabilities[c], order.get(c, len(order))))
    top = ranked[0]
    alternatives = [c for c in ranked[1:4] if probabilities[c] >= lex.alternative_min]
    return CategoryRanking(
        category=top,
        probabilities={c: round(probabilities[c], 4) for c in ranked},
        alternatives=alternatives,
        needs_confirmation=probabilities[top] < lex.confirm_below,
        scores=scores,
    )
