"""Features of one analysed text for the category model (model.py).

Three kinds, all cheap:

- per token (its folded form and lemma): ``w:<lemma>`` and the character 3- and 4-grams of the
  word padded with ``<`` ``>`` (``c:<ост``), which survive typos and unknown word forms; numbers
  give their shape (``n:d8``, ``n:posting``) instead;
- per lemma of a *request* sentence (what the seller asks for): ``r:<lemma>``;
- dense numbers: the rule scores of every category (share of the positive total and its log),
  and the shape of the text (is it a question about rules, does it carry pasted API output,
  how many request sentences it has).

Feature names are hashed into a fixed number of buckets (CRC-32), so the shipped model is one
flat table of weights. The trainer (``scripts/train_triage_model.py``) uses these functions, so
training and inference see the same features. Imports only the standard library and
``mpdesk.domain``.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.lexicon import Lexicon

NGRAM_SIZES = (3, 4)
#: longer "words" are junk (pasted hashes, keyboard mashing): no character n-grams for them
MAX_NGRAM_WORD = 30
#: every branch starts with a character (``\b`` written as a look-behind after it), so the search
#: jumps between the few characters that can start one
_API_OUTPUT = re.compile(
    r'"[a-z_]{2,40}"\s*:|/v\d+/[a-z]|[45](?<!\w[45])\d\d\b\s+[A-Za-z]|h(?<!\wh)ttps?://'
)


@dataclass(frozen=True)
class TextFeatures:
    tokens: frozenset[tuple[str, str]]  # (folded surface, lemma) of every content token
    request_lemmas: frozenset[str]  # lemmas of content tokens in request sentences
    dense: tuple[float, ...]


def _looks_like_api_output(text: str) -> bool:
    # every branch of the pattern needs one of these characters: most texts skip the search
    if '"' not in text and "/" not in text and "4" not in text and "5" not in text:
        return False
    return _API_OUTPUT.search(text) is not None


def _number_shape(text: str) -> str:
    if text.isdigit():
        return f"d{min(len(text), 14)}"
    if re.fullmatch(r"\d{8,10}-\d{4}(?:-\d{1,2})?", text):
        return "posting"
    return "mixed"


def token_feature_names(surface: str, lemma: str) -> list[str]:
    """Names of the features one token gives (see the module docstring)."""
    if any(c.isdigit() for c in surface):
        return ["n:" + _number_shape(surface)]
    names = ["w:" + lemma]
    if 4 <= len(surface) <= MAX_NGRAM_WORD:
        padded = f"<{surface}>"
        for n in NGRAM_SIZES:
            names.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return names


def request_feature_names(lemma: str) -> list[str]:
    return ["r:" + lemma]


def feature_bucket(name: str, buckets: int) -> int:
    """Stable bucket of a feature name (the same in every process and Python version)."""
    return zlib.crc32(name.encode("utf-8")) % buckets


#: (word, lemma) pairs whose ``_is_content`` answer is kept per lexicon
_CONTENT_CACHE_LIMIT = 200_000


def _content_words(lexicon: Lexicon) -> dict[tuple[str, str], bool]:
    """``_is_content`` answers per (word, lemma), kept with the lexicon they were computed
    from (its stop words)."""
    found: dict[tuple[str, str], bool] | None = lexicon.__dict__.get("_content_words")
    if found is None:
        found = lexicon.__dict__["_content_words"] = {}
    return found


def _is_content(text: str, lemma: str, lexicon: Lexicon) -> bool:
    if text.isalpha():
        return len(text) >= 2 and lemma not in lexicon.stopwords
    if any(c.isdigit() for c in text):
        return len(text) >= 4
    return len(text) >= 2 and text[0].isalpha() and lemma not in lexicon.stopwords


def _is_question_only(analysis: Analysis, lexicon: Lexicon) -> bool:
    """Every request sentence is a question with a question word near its start («как …?»,
    «почему …?», lexicon ``requests.question_words``): a question about how things work rather
    than a problem report."""
    heads: dict[int, list[str]] | None = None  # first words of each sentence, when needed
    asked = False
    for idx, sentence in enumerate(analysis.sentences):
        if not sentence.is_request:
            continue
        asked = True
        if not analysis.text[sentence.start : sentence.stop].rstrip().endswith("?"):
            return False
        if heads is None:
            heads = {}
            for token in analysis.tokens:
                words = heads.setdefault(token.sentence, [])
                if len(words) < 4 and token.text.isalpha():
                    words.append(token.text)
        if not any(w in lexicon.question_words for w in heads.get(idx, [])):
            return False
    return asked


def dense_features(
    analysis: Analysis, lexicon: Lexicon, scores: dict[str, float], classes: Sequence[str]
) -> tuple[float, ...]:
    positive = {c: max(scores.get(c, 0.0), 0.0) for c in classes}
    total = sum(positive.values())
    shares = [positive[c] / total if total else 0.0 for c in classes]
    logs = [math.log1p(positive[c]) / 3.0 for c in classes]
    n_requests = sum(1 for s in analysis.sentences if s.is_request)
    shape = [
        1.0 if total == 0 else 0.0,
        1.0 if _is_question_only(analysis, lexicon) else 0.0,
        1.0 if _looks_like_api_output(analysis.text) else 0.0,
        1.0 if n_requests == 0 else 0.0,
        min(math.log1p(len(analysis.sentences)) / 3.0, 1.5),
    ]
    return tuple(shares + logs + shape)


def text_features(
    analysis: Analysis, lexicon: Lexicon, scores: dict[str, float], classes: Sequence[str]
) -> TextFeatures:
    tokens: set[tuple[str, str]] = set()
    requests: set[str] = set()
    asked = [s.is_request for s in analysis.sentences]
    content = _content_words(lexicon)
    for _, _, text, lemma, sentence in analysis.tokens:
        key = (text, lemma)
        is_content = content.get(key)
        if is_content is None:
            is_content = _is_content(text, lemma, lexicon)
            if len(content) < _CONTENT_CACHE_LIMIT:
                content[key] = is_content
        if not is_content:
            continue
        tokens.add(key)
        if asked[sentence] and text.isalpha():
            requests.add(lemma)
    return TextFeatures(
        frozenset(tokens), frozenset(requests), dense_features(analysis, lexicon, scores, classes)
    )
