"""The outcome of triage for one text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mpdesk.domain.identifiers import Identifier


@dataclass
class TriageResult:
    marketplace: str | None
    category: str
    entities: list[Identifier]
    event_date: date | None
    missing: list[str]
    vague: bool
    channel: str = ""
    questions: list[str] = field(default_factory=list)
    category_scores: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)  # id -> matched terms
    truncated: bool = False

    def contract(self) -> dict[str, Any]:
        """The answer fields of the triage contract (without ``id``)."""
        return {
            "marketplace": self.marketplace,
            "category": self.category,
            "entities": [{"type": e.type.value, "value": e.value} for e in self.entities],
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "missing": list(self.missing),
            "channel": self.channel,
            "questions": list(self.questions),
        }
