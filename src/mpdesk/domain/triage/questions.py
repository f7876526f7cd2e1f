"""Missing checklist items and the Russian questions that ask for them.

The questions are data: ``question_ru`` of the checklist items in the knowledge base.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mpdesk.domain.identifiers import GOODS_IDENTIFIERS, Identifier
from mpdesk.domain.knowledge import Checklist
from mpdesk.domain.marketplaces import MissingItem
from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.entities import PHONE
from mpdesk.domain.triage.lexicon import Lexicon


def is_vague(
    analysis: Analysis,
    lex: Lexicon,
    entities: Sequence[Identifier] = (),
    event_date: date | None = None,
) -> bool:
    """True when the text does not say concretely what happened: too few informative words
    (``_is_uninformative``), or a general complaint about the rules that names no goods, sum or
    day (``_is_general_complaint``)."""
    return _is_uninformative(analysis, lex) or _is_general_complaint(
        analysis, lex, entities, event_date
    )


def _is_general_complaint(
    analysis: Analysis, lex: Lexicon, entities: Sequence[Identifier], event_date: date | None
) -> bool:
    """«Сколько можно, маркетплейсы меняют правила …»: at least ``vague.general_min`` signs of
    a general complaint, no ``vague.concrete`` word (a supply, an order, a card …), and no
    identifier, amount or day."""
    if event_date is not None or entities:
        return False
    vague = analysis.of_kinds("vague")
    general = {m.first for m in vague if m.group == "vague:general"}
    if len(general) < lex.vague_general_min:
        return False
    return not any(m.group == "vague:concrete" for m in vague)


def _is_uninformative(analysis: Analysis, lex: Lexicon) -> bool:
    """After dropping stop words, filler («помогите», «что-то не так»), topic-only words,
    names and numbers, fewer than ``min_informative`` words remain."""
    covered: set[int] = set()
    signature_sentences: dict[int, int] = {}  # sentence -> first token of a signature
    for m in analysis.of_kinds("vague"):
        if m.group == "vague:signature":
            first = signature_sentences.get(m.sentence, m.first)
            signature_sentences[m.sentence] = min(first, m.first)
    text = analysis.text
    phones = [p.span() for p in PHONE.finditer(text)] if "+7" in text or "8" in text else []
    for m in analysis.of_kinds("vague", "article", "request", "mp", "label"):
        if m.group in ("vague", "article", "request") or m.group.startswith(("mp:", "label:")):
            if m.group == "request" and m.first != m.last:
                continue
            covered.update(range(m.first, m.last + 1))
    informative, enough, stopwords = 0, lex.vague_min_informative, lex.stopwords
    for i, (start, _, text, lemma, sentence) in enumerate(analysis.tokens):
        if i in covered or (phones and any(s <= start < e for s, e in phones)):
            continue
        if sentence in signature_sentences and i >= signature_sentences[sentence]:
            continue  # «Менеджер: Ольга, +7 …», «С уважением, ООО …»
        if text.isdigit():
            if len(text) > 4:
                continue  # identifiers are not a description; quantities («95 из 100») are
        elif len(text) < 2 or (not text.isalpha() and "-" not in text):
            continue
        if text in stopwords or lemma in stopwords:
            continue
        informative += 1
        if informative >= enough:
            return False
    return True


def find_missing(
    entities: Sequence[Identifier],
    event_date: date | None,
    vague: bool,
    attachments: Sequence[str],
) -> list[str]:
    missing = []
    if not any(e.type in GOODS_IDENTIFIERS for e in entities):
        missing.append(MissingItem.IDENTIFIER.value)
    if event_date is None:
        missing.append(MissingItem.DATE.value)
    if vague:
        missing.append(MissingItem.DESCRIPTION.value)
    if not attachments:
        missing.append(MissingItem.EVIDENCE.value)
    return missing


def questions_for(missing: Sequence[str], checklist: Checklist | None) -> list[str]:
    if checklist is None:
        return []
    questions = []
    for item_id in missing:
        item = checklist.item(item_id)
        if item is not None:
            questions.append(item.question_ru)
    return questions
