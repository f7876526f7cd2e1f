"""Is the problem urgent (the triage contract's ``urgent``): a blocked cabinet or card, frozen
or withheld payouts, sales stopped, a deadline ending within a day. The signs are lexicon
phrases (``urgent.terms``); a sentence that says the opposite («не срочно», ``urgent.against``)
cancels them.
"""

from __future__ import annotations

from mpdesk.domain.triage.analysis import Analysis


def is_urgent(analysis: Analysis) -> bool:
    calm = {m.sentence for m in analysis.matches if m.group == "urgent:against"}
    return any(m.group == "urgent" and m.sentence not in calm for m in analysis.matches)
