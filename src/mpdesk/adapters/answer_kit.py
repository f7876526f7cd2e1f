"""``AnswerResources``: the answer lexicon and the working-day calendar, each loaded on first
use. Their loaders (and the pydantic schemas they hold) are imported then too, so commands that
need neither (``mpdesk triage``, ``mpdesk kb``) do not pay for them at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mpdesk.adapters.knowledge_files import KnowledgeFiles
    from mpdesk.domain.answers.lexicon import AnswerLexicon
    from mpdesk.domain.sla import BusinessCalendar


class AnswerKit:
    def __init__(self, files: KnowledgeFiles) -> None:
        self._files = files
        self._lexicon: AnswerLexicon | None = None
        self._calendar: BusinessCalendar | None = None

    def calendar(self) -> BusinessCalendar:
        if self._calendar is None:
            from mpdesk.adapters.calendar_files import load_calendar

            self._calendar = load_calendar(self._files)
        return self._calendar

    def lexicon(self) -> AnswerLexicon:
        if self._lexicon is None:
            from mpdesk.adapters.answer_lexicon import load_answer_lexicon

            self._lexicon = load_answer_lexicon(self._files)
        return self._lexicon
