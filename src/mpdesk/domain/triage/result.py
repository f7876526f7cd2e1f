"""The outcome of triage for one text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mpdesk.domain.identifiers import Identifier
from mpdesk.domain.triage.requests import Problem


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
    needs_confirmation: bool = False
    category_alternatives: list[str] = field(default_factory=list)
    category_probabilities: dict[str, float] = field(default_factory=dict)  # best first
    urgent: bool = False
    urgent_kind: str = ""  # the first kind of urgent problem (not in the contract's JSON)
    requests: list[str] = field(default_factory=list)  # request sentences, as written
    problems: list[Problem] = field(default_factory=list)  # main problem first
    confirmation_question: str = ""  # Russian, from the catalogue (set by the service)

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
            "needs_confirmation": self.needs_confirmation,
            "category_alternatives": list(self.category_alternatives),
            "urgent": self.urgent,
        }

    def details(self) -> dict[str, Any]:
        """Fields beyond the contract, for the surfaces that ask the person to choose
        (probabilities best first, the question, the request sentences, the problems)."""
        return {
            "category_probabilities": dict(self.category_probabilities),
            "confirmation_question": self.confirmation_question,
            "requests": list(self.requests),
            "problems": [{"category": p.category, "sentence": p.sentence} for p in self.problems],
        }
