"""Triage resources: the lexicon, the text analyzer and the trained category model."""

from __future__ import annotations

from typing import Protocol

from mpdesk.domain.triage.analysis import TextAnalyzer
from mpdesk.domain.triage.lexicon import Lexicon
from mpdesk.domain.triage.model import CategoryModel


class TriageResources(Protocol):
    """The triage lexicon and text analyzer, loaded on first use (cold start stays small)."""

    def lexicon(self) -> Lexicon: ...

    def analyzer(self) -> TextAnalyzer: ...

    def model(self) -> CategoryModel | None:
        """The trained category model, or None when none is shipped."""
        ...
