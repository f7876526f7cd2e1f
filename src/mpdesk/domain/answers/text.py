"""Text of an answer: the new part split from quoted history, sentences, normalisation.

A sentence is kept twice: as written (for the refusal reason shown to people) and normalised
(lower case, «ё» → «е», words joined by single spaces) for phrase matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mpdesk.domain.answers.lexicon import QuoteMarkers

#: «От: …», «Дата: …», «Subject: …»: header lines at the top of a forwarded message
_HEADER_LINE = re.compile(r"^[\w -]{1,20}:\s")
_WORDS = re.compile(r"[\w-]+")
_LIST_MARKER = re.compile(r"^\d{1,2}[.)]$")
#: a number as written («1 234,50», «15.12.2025») becomes one word «0» for phrase matching
_NUMBER = re.compile(r"\d(?:[\d\u00a0\u202f\u2009 .,]*\d)?")
#: sentence ends: . ! ? … before a capital letter (so «руб. будет» stays whole), «;», and
#: line breaks (support answers use short lines and lists)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[^\W\d_a-zа-яё]|[«\"(])|(?<=;)\s+|\n+")


@dataclass(frozen=True)
class Sentence:
    raw: str
    norm: str


@dataclass(frozen=True)
class SplitReply:
    new: str
    quoted: str
    #: the history is a forwarded message (not a quote of the conversation)
    forwarded: bool = False

    def forwarded_body(self, markers: QuoteMarkers) -> str:
        """The forwarded message without its header lines (From, Date, Subject…)."""
        if not self.forwarded:
            return ""
        lines = self.quoted.split("\n")[1:]
        while lines and (not lines[0].strip() or _HEADER_LINE.match(lines[0].strip())):
            lines.pop(0)
        return "\n".join(lines).strip()


def normalise(text: str) -> str:
    """Lower case, «ё» → «е», numbers as «0», words (letters, digits, hyphens) joined by
    single spaces."""
    return " ".join(_WORDS.findall(_NUMBER.sub("0", text.lower().replace("ё", "е"))))


def sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in order; empty ones dropped."""
    found: list[Sentence] = []
    marker = ""
    for chunk in _SENTENCE_END.split(text):
        raw = chunk.strip(" \t\r-–—•*·")
        if _LIST_MARKER.match(raw):
            marker = raw + " "  # «1.» of a numbered list belongs to the line after it
            continue
        raw, marker = marker + raw if raw else "", ""
        if not raw:
            continue
        norm = normalise(raw)
        if norm:
            found.append(Sentence(raw, norm))
    return found


def _quote_start(lines: list[str], markers: QuoteMarkers) -> tuple[int, bool] | None:
    """Index of the line that opens the history, and whether it is a forward."""
    for i, line in enumerate(lines):
        probe = line.strip().lower().replace("ё", "е")
        if not probe:
            continue
        if any(p.search(probe) for p in markers.forward):
            return i, True
        if markers.prefix and probe.startswith(markers.prefix):
            return i, False
        if any(p.search(probe) for p in markers.lines):
            return i, False
        for block in markers.blocks:
            if block.first.search(probe):
                ahead = lines[i + 1 : i + 1 + block.within]
                if any(block.then.search(a.strip().lower().replace("ё", "е")) for a in ahead):
                    return i, False
    return None


def split_reply(text: str, markers: QuoteMarkers) -> SplitReply:
    """The new part of a reply first, the quoted or forwarded history separately. A reply
    written under the quote (bottom-posting) keeps its own lines as the new part."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = _quote_start(lines, markers)
    if found is None:
        return SplitReply(text.strip(), "")
    start, forwarded = found
    new = "\n".join(lines[:start]).strip()
    quoted = "\n".join(lines[start:]).strip()
    if not new:
        prefix = markers.prefix
        own = [ln for ln in lines[start + 1 :] if not (prefix and ln.lstrip().startswith(prefix))]
        tail = "\n".join(own).strip()
        if tail and len(own) < len(lines) - start - 1:
            return SplitReply(tail, quoted)
    return SplitReply(new, quoted, forwarded)
