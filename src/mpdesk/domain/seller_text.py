"""Light clean-up of a seller's own words before an appeal quotes them (pure functions).

The words stay the seller's: shorthand from the knowledge base is written out («вб» →
«Wildberries», «в лк» → «в личном кабинете»), spacing and doubled punctuation are tidied
(«шт..» → «шт.», «!!!» → «!», «нет ,пишу» → «нет, пишу»), each paragraph starts with a
capital letter and ends with a full stop when it had no closing mark. Nothing else is
rephrased. Imports only the standard library and ``domain.knowledge``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from mpdesk.domain.knowledge import Shorthand

_WORD_EDGE_BEFORE = r"(?<![\w-])"
_WORD_EDGE_AFTER = r"(?![\w-])"
_SPACES = re.compile(r"[ \t\u00a0]+")
_SPACE_BEFORE_MARK = re.compile(r" +([,.;:!?…])")
_DOUBLE_DOT = re.compile(r"(?<!\.)\.\.(?!\.)")
_REPEATED_MARK = re.compile(r"([!?])\1+")
_REPEATED_COMMA = re.compile(r",{2,}")
_NO_SPACE_AFTER_COMMA = re.compile(r",(?=[^\W\d_])")
_ELLIPSIS = re.compile(r"\.{3,}")
_CLOSING = '.!?…»")'


@lru_cache(maxsize=8)
def shorthand_pattern(entries: tuple[Shorthand, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One case-insensitive pattern over every word of every entry, longest first, and the
    replacement of each (lowercase) word (compiled once per list)."""
    replacements: dict[str, str] = {}
    for entry in entries:
        for word in entry.words:
            replacements.setdefault(word, entry.replacement)
    words = sorted(replacements, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in words)
    pattern = re.compile(f"{_WORD_EDGE_BEFORE}(?:{alternatives}){_WORD_EDGE_AFTER}", re.IGNORECASE)
    return pattern, replacements


def expand_shorthand(text: str, entries: Sequence[Shorthand]) -> str:
    """``text`` with every shorthand word written out; a capital the seller typed first stays."""
    if not entries:
        return text
    pattern, replacements = shorthand_pattern(tuple(entries))

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        written = replacements[" ".join(found.lower().split())]
        if found[0].isupper() and written[0].islower():
            return written[0].upper() + written[1:]
        return written

    return pattern.sub(replace, text)


def _tidy_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    line = _SPACE_BEFORE_MARK.sub(r"\1", line)
    line = _ELLIPSIS.sub("…", line)
    line = _DOUBLE_DOT.sub(".", line)
    line = _REPEATED_MARK.sub(r"\1", line)
    line = _REPEATED_COMMA.sub(",", line)
    return _NO_SPACE_AFTER_COMMA.sub(", ", line)


def _paragraphs(text: str) -> list[list[str]]:
    paragraphs: list[list[str]] = [[]]
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _tidy_line(raw)
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def _finish(paragraph: list[str]) -> list[str]:
    first = paragraph[0]
    if first[0].islower():
        paragraph[0] = first[0].upper() + first[1:]
    last = paragraph[-1].rstrip(",;:- ") or paragraph[-1]
    paragraph[-1] = last if last[-1] in _CLOSING else last + "."
    return paragraph


def clean_seller_text(text: str, entries: Sequence[Shorthand]) -> str:
    """The seller's description as an appeal quotes it: paragraphs separated by one blank
    line, lines within a paragraph kept; empty when there is nothing but spaces."""
    expanded = expand_shorthand(text, entries)
    return "\n\n".join("\n".join(_finish(p)) for p in _paragraphs(expanded))
