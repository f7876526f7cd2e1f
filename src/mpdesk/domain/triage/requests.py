"""What the seller asks for: the request sentences of a text, and the several problems a long
text may raise (one per request sentence that points clearly at its own category).

The main problem is the category of the whole text; the others become alternatives, and the
web form offers to split the text into separate appeals.
"""

from __future__ import annotations

from dataclasses import dataclass

from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.classify import CATEGORY_KINDS
from mpdesk.domain.triage.lexicon import Lexicon

#: request sentences longer than this are cut in the result (the text itself is not changed)
MAX_REQUEST_CHARS = 300


@dataclass(frozen=True)
class Problem:
    category: str
    sentence: str  # the request sentence that raises it


def request_sentences(clean: str, analysis: Analysis) -> list[str]:
    """The request sentences as the seller wrote them (case kept), in text order."""
    found = []
    for sentence in analysis.sentences:
        if sentence.is_request:
            chunk = " ".join(clean[sentence.start : sentence.stop].split())
            if chunk:
                found.append(chunk[:MAX_REQUEST_CHARS])
    return found


def find_problems(clean: str, analysis: Analysis, lex: Lexicon, main: str) -> list[Problem]:
    """One problem per category that some request sentence asks about on its own (its rule
    score reaches ``min_score``); the main category comes first."""
    per_sentence: dict[int, dict[str, float]] = {}
    for m in analysis.of_kinds(*CATEGORY_KINDS):
        if not analysis.sentences[m.sentence].is_request:
            continue
        cat = m.group.partition(":")[2]
        scores = per_sentence.setdefault(m.sentence, {})
        scores[cat] = scores.get(cat, 0.0) + m.weight
    problems: dict[str, Problem] = {}
    for idx in sorted(per_sentence):
        scores = per_sentence[idx]
        cat, value = max(scores.items(), key=lambda kv: kv[1])
        if value < lex.cat_min_score or cat in problems:
            continue
        sentence = analysis.sentences[idx]
        text = " ".join(clean[sentence.start : sentence.stop].split())[:MAX_REQUEST_CHARS]
        problems[cat] = Problem(cat, text)
    ordered = [problems.pop(main)] if main in problems else []
    return ordered + list(problems.values())
