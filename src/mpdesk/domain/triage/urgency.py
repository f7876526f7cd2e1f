"""Is the problem urgent (the triage contract's ``urgent``), and of which kind: a blocked
cabinet, frozen or withheld payouts, sales stopped (a card blocked or hidden), a deadline the
text says ends today. The signs are lexicon phrases grouped by kind (``urgent.terms``); a
sentence that says the opposite («не срочно», ``urgent.against``) cancels the signs in it.
"""

from __future__ import annotations

from mpdesk.domain.triage.analysis import Analysis

PREFIX = "urgent:"
AGAINST = "urgent:against"


def urgent_kinds(analysis: Analysis) -> list[str]:
    """The kinds of urgent problem the text names, in the order they first appear."""
    signs = analysis.of_kinds("urgent")
    calm = {m.sentence for m in signs if m.group == AGAINST}
    found: list[str] = []
    for m in sorted(signs, key=lambda m: m.first):
        if m.group != AGAINST and m.sentence not in calm:
            kind = m.group.removeprefix(PREFIX)
            if kind not in found:
                found.append(kind)
    return found


def is_urgent(analysis: Analysis) -> bool:
    return bool(urgent_kinds(analysis))
