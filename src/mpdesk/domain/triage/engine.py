"""One pass of triage over a text: normalise, analyse, then marketplace, entities, dates,
category, vagueness and missing items. Channel and questions are added by the service
(``services/triage_case.py``), which knows the knowledge base.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mpdesk.domain.triage.analysis import TextAnalyzer, analyze
from mpdesk.domain.triage.classify import classify_category, detect_marketplace
from mpdesk.domain.triage.dates import event_date, find_dates
from mpdesk.domain.triage.entities import extract_entities
from mpdesk.domain.triage.lexicon import Lexicon
from mpdesk.domain.triage.model import CategoryModel
from mpdesk.domain.triage.normalize import normalize_text
from mpdesk.domain.triage.questions import find_missing, is_vague
from mpdesk.domain.triage.result import TriageResult

#: only the beginning of a very long text is analysed (keeps every text under ~50 ms)
MAX_ANALYZED_CHARS = 3000


def triage_text(
    text: str,
    received_at: date,
    attachments: Sequence[str],
    marketplace_hint: str | None,
    lexicon: Lexicon,
    analyzer: TextAnalyzer,
    model: CategoryModel | None = None,
) -> TriageResult:
    truncated = len(text) > MAX_ANALYZED_CHARS
    clean = normalize_text(text[:MAX_ANALYZED_CHARS], lexicon.entities.glue_prefixes)
    clean = clean[: MAX_ANALYZED_CHARS + MAX_ANALYZED_CHARS // 2]  # NFKC may expand
    analysis = analyze(clean, lexicon, analyzer)
    marketplace = detect_marketplace(analysis, lexicon, marketplace_hint)
    dates = find_dates(analysis, received_at, lexicon.dates)
    entities = extract_entities(clean, analysis, dates, lexicon.entities, marketplace)
    when = event_date(dates)
    category, scores = classify_category(analysis, lexicon, model)
    vague = is_vague(analysis, lexicon)
    return TriageResult(
        marketplace=marketplace,
        category=category,
        entities=entities,
        event_date=when,
        missing=find_missing(entities, when, vague, attachments),
        vague=vague,
        category_scores=scores.values,
        evidence=scores.evidence,
        truncated=truncated,
    )
