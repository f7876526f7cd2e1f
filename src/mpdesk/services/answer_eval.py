"""Quality of answer reading on a labelled JSONL set (``mpdesk eval answers``).

Each line: ``id``, ``text``, optional ``subject`` and ``marketplace``, and ``gold`` with the
contract fields (``class``, ``appeal_number``, ``requested``, ``amount``). Reported: class
accuracy, per-class precision/recall, the confusion matrix, appeal-number, amount and
requested-items accuracy, the number of ``no_decision``/``auto_reply`` answers read as
``resolved`` (must be 0), and the misses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from mpdesk.domain.answers.lexicon import AnswerClass
from mpdesk.domain.answers.reading import read_answer
from mpdesk.services.answer_reading import answer_lexicon
from mpdesk.services.context import ServiceContext

#: quality targets of issue 13
TARGETS = {"class_accuracy": 0.90}
#: gold classes that must never be read as ``resolved``
NOT_RESOLVED = (AnswerClass.NO_DECISION, AnswerClass.AUTO_REPLY)


@dataclass(frozen=True)
class AnswerCase:
    id: str
    text: str
    subject: str
    marketplace: str | None
    gold: dict[str, Any]


def parse_answer_case(data: Any, line_no: int) -> AnswerCase:
    """One labelled line; ``ValueError`` names the line and what is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"line {line_no}: not a JSON object")
    gold = data.get("gold")
    if not isinstance(gold, dict) or not isinstance(data.get("text"), str):
        raise ValueError(f"line {line_no}: needs a string «text» and an object «gold»")
    if gold.get("class") not in {c.value for c in AnswerClass}:
        raise ValueError(f"line {line_no}: gold.class must be one of the contract classes")
    return AnswerCase(
        id=str(data.get("id", line_no)),
        text=data["text"],
        subject=str(data.get("subject") or ""),
        marketplace=data.get("marketplace"),
        gold=gold,
    )


def _ratio(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 1.0


def evaluate_answers(ctx: ServiceContext, cases: list[AnswerCase]) -> dict[str, Any]:
    lex = answer_lexicon(ctx)
    classes = [c.value for c in AnswerClass]
    confusion = {g: dict.fromkeys(classes, 0) for g in classes}
    counts: Counter[str] = Counter()
    misses = []
    for case in cases:
        got = read_answer(case.text, lex, case.subject, case.marketplace).contract()
        gold = case.gold
        confusion[gold["class"]][got["class"]] += 1
        same = {
            "class": got["class"] == gold["class"],
            "appeal_number": got["appeal_number"] == gold.get("appeal_number"),
            "amount": got["amount"] == gold.get("amount"),
            "requested": sorted(got["requested"]) == sorted(gold.get("requested") or []),
        }
        counts.update(name for name, ok in same.items() if ok)
        if gold["class"] in NOT_RESOLVED and got["class"] == AnswerClass.RESOLVED:
            counts["unsafe"] += 1
        if not all(same.values()):
            wrong = sorted(name for name, ok in same.items() if not ok)
            misses.append({"id": case.id, "wrong": wrong, "gold": gold, "got": got})
    total = len(cases)
    per_class = {}
    for cls in classes:
        tp = confusion[cls][cls]
        predicted = sum(confusion[g][cls] for g in classes)
        actual = sum(confusion[cls].values())
        per_class[cls] = {
            "precision": _ratio(tp, predicted),
            "recall": _ratio(tp, actual),
            "support": actual,
        }
    summary = {
        "cases": total,
        "class_accuracy": _ratio(counts["class"], total),
        "appeal_number_accuracy": _ratio(counts["appeal_number"], total),
        "amount_accuracy": _ratio(counts["amount"], total),
        "requested_accuracy": _ratio(counts["requested"], total),
        "not_resolved_read_as_resolved": counts["unsafe"],
    }
    return {
        "summary": summary,
        "targets": TARGETS,
        "classes": per_class,
        "confusion": confusion,
        "misses": misses,
    }
