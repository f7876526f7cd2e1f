"""The shipped triage lexicon and the real analyzer (regex tokens, pymorphy3), loaded once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.morphology import shared_analyzer
from mpdesk.adapters.triage_lexicon import load_lexicon
from mpdesk.domain.triage.analysis import Analysis, TextAnalyzer, analyze
from mpdesk.domain.triage.engine import triage_text
from mpdesk.domain.triage.lexicon import Lexicon
from mpdesk.domain.triage.normalize import normalize_text
from mpdesk.domain.triage.result import TriageResult


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon(KnowledgeFiles(None))


@pytest.fixture(scope="session")
def analyzer() -> TextAnalyzer:
    return shared_analyzer()


@pytest.fixture(scope="session")
def analysis_of(lexicon: Lexicon, analyzer: TextAnalyzer) -> Callable[[str], Analysis]:
    def run(text: str) -> Analysis:
        return analyze(normalize_text(text, lexicon.entities.glue_prefixes), lexicon, analyzer)

    return run


@pytest.fixture(scope="session")
def triage(lexicon: Lexicon, analyzer: TextAnalyzer) -> Callable[..., TriageResult]:
    def run(
        text: str,
        received: date = date(2026, 7, 15),
        attachments: tuple[str, ...] = (),
        hint: str | None = None,
    ) -> TriageResult:
        return triage_text(text, received, attachments, hint, lexicon, analyzer)

    return run
