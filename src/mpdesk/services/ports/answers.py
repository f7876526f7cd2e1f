"""Port of answer reading: where the answer lexicon comes from.

Kept beside ``services/ports.py`` until that module becomes the ``ports/`` package, where it
belongs as ``ports/answers.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the answer lexicon's domain module loads only where answers are read
    from mpdesk.domain.answers.lexicon import AnswerLexicon
    from mpdesk.domain.sla import BusinessCalendar


class AnswerResources(Protocol):
    """The answer lexicon and the working-day calendar, loaded on first use (commands that
    never read answers skip them)."""

    def lexicon(self) -> AnswerLexicon: ...

    def calendar(self) -> BusinessCalendar:
        """Working days, for promised terms such as «3 рабочих дня»."""
        ...
