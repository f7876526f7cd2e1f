"""One pass of triage over a text: normalise, analyse, then marketplace, entities, dates,
category, vagueness and missing items. Channel and questions are added by the service
(``services/triage_case.py``), which knows the knowledge base.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mpdesk.domain.triage.analysis import TextAnalyzer, analyze
from mpdesk.domain.triage.classify import detect_marketplace, rank_categories
from mpdesk.domain.triage.dates import event_date, find_dates
from mpdesk.domain.triage.entities import extract_entities
from mpdesk.domain.triage.lexicon import Lexicon
from mpdesk.domain.triage.model import CategoryModel
from mpdesk.domain.triage.normalize import normalize_text
from mpdesk.domain.triage.questions import find_missing, is_vague
from mpdesk.domain.triage.requests import find_problems, request_sentences
from mpdesk.domain.triage.result import TriageResult
from mpdesk.domain.triage.urgency import urgent_kinds

#: a longer text keeps its first ``HEAD_CHARS`` and last ``TAIL_CHARS`` characters: the story
#: comes first, the request usually last (keeps every text within a few milliseconds)
MAX_ANALYZED_CHARS = 6000
HEAD_CHARS = 4000
TAIL_CHARS = 2000


def prepare_text(text: str, lexicon: Lexicon) -> str:
    """The normalised text that is analysed (head and tail of a very long one)."""
    if len(text) > MAX_ANALYZED_CHARS:
        text = text[:HEAD_CHARS] + "\n\n" + text[-TAIL_CHARS:]
    clean = normalize_text(text, lexicon.entities.glue_prefixes)
    return clean[: MAX_ANALYZED_CHARS + MAX_ANALYZED_CHARS // 2]  # NFKC may expand


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
    clean = prepare_text(text, lexicon)
    analysis = analyze(clean, lexicon, analyzer)
    marketplace = detect_marketplace(analysis, lexicon, marketplace_hint)
    dates = find_dates(analysis, received_at, lexicon.dates)
    entities = extract_entities(clean, analysis, dates, lexicon.entities, marketplace)
    when = event_date(dates)
    ranking = rank_categories(analysis, lexicon, model)
    vague = is_vague(analysis, lexicon, entities, when)
    problems = find_problems(clean, analysis, lexicon, ranking.category)
    kinds = urgent_kinds(analysis)
    alternatives = list(ranking.alternatives)
    for problem in problems[1:]:  # a second problem is always offered as an alternative
        if problem.category != ranking.category and problem.category not in alternatives:
            alternatives.append(problem.category)
    return TriageResult(
        marketplace=marketplace,
        category=ranking.category,
        entities=entities,
        event_date=when,
        missing=find_missing(entities, when, vague, attachments),
        vague=vague,
        category_scores=ranking.scores.values,
        evidence=ranking.scores.evidence,
        truncated=truncated,
        needs_confirmation=ranking.needs_confirmation,
        category_alternatives=alternatives,
        category_probabilities=ranking.probabilities,
        urgent=bool(kinds),
        urgent_kind=kinds[0] if kinds else "",
        requests=request_sentences(clean, analysis),
        problems=problems,
    )


def read_urgent_kind(text: str, lexicon: Lexicon, analyzer: TextAnalyzer) -> str:
    """The first kind of urgent problem the text names (``cabinet_blocked``, …); empty when
    it names none."""
    kinds = urgent_kinds(analyze(prepare_text(text, lexicon), lexicon, analyzer))
    return kinds[0] if kinds else ""


def read_date_field(
    text: str, today: date, lexicon: Lexicon, analyzer: TextAnalyzer
) -> date | None:
    """A form field that holds one date as a person types it («12.10», «вчера», «3 дня
    назад», «в прошлый вторник»), read by triage's date reader; None unless the whole field
    is one date."""
    clean = prepare_text(text, lexicon)
    mentions = find_dates(analyze(clean, lexicon, analyzer), today, lexicon.dates)
    found = {m.value for m in mentions if m.value is not None}
    covered = sum(m.stop - m.start for m in mentions)
    if len(found) == 1 and covered >= len(clean.strip()) * 0.5:
        return found.pop()
    return None
