"""Normalisation of seller text before analysis.

``normalize_text`` keeps letter case and «ё» (vendor codes keep theirs) and fixes what sellers'
keyboards do: Latin/Cyrillic look-alikes mixed in one word («WВ» with a Cyrillic «В», «ОZON»),
odd spaces and dashes, glued label+number tokens («арт123», «пост.24567891»).
``fold`` lowercases and writes «ё» as «е» without changing the length, so offsets stay valid.
Slang and typos in key words are handled by the lexicon (``slang`` and ``~`` terms).
All functions are idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_CYR_TO_LAT = dict(zip("АВЕКМНОРСТХаеорсхукт", "ABEKMHOPCTXaeopcxykt", strict=True))
_LAT_TO_CYR = {
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С",
    "T": "Т", "X": "Х", "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
    "k": "к", "m": "м", "t": "т", "b": "в",
}  # fmt: skip
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\t": " ",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u2212": "-",  # minus sign
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "—",
        "\u2015": "—",
        "\r": "\n",
    }
)
#: any character ``_TRANSLATE`` changes (most texts have none: the translation is skipped)
_ODD = re.compile("[" + "".join(re.escape(chr(code)) for code in _TRANSLATE) + "]")
_LETTER_RUN = re.compile(r"[^\W\d_]{2,}")
_LATIN_RUN = re.compile(r"[A-Za-z]+")
_SPACES = re.compile(r" {2,}")
_NUMERO = re.compile(r"№(?=\S)")


def _is_cyr(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _mixes_scripts(text: str) -> bool:
    """A Latin letter stands next to a Cyrillic one (found from the Latin runs, which are few
    in a Russian text, rather than by trying every letter)."""
    for m in _LATIN_RUN.finditer(text):
        start, stop = m.span()
        if (start and _is_cyr(text[start - 1])) or (stop < len(text) and _is_cyr(text[stop])):
            return True
    return False


def _fix_run(match: re.Match[str]) -> str:
    run = match.group(0)
    cyr = [c for c in run if _is_cyr(c)]
    if not cyr or len(cyr) == len(run):
        return run
    lat = [c for c in run if "a" <= c.lower() <= "z"]
    if not lat:
        return run
    strong_cyr = any(c not in _CYR_TO_LAT for c in cyr)
    strong_lat = any(c not in _LAT_TO_CYR for c in lat)
    if strong_lat and not strong_cyr:
        return "".join(_CYR_TO_LAT.get(c, c) for c in run)
    if strong_cyr and not strong_lat:
        return "".join(_LAT_TO_CYR.get(c, c) for c in run)
    if not strong_cyr and not strong_lat:
        # only look-alikes: follow the majority
        if len(lat) > len(cyr):
            return "".join(_CYR_TO_LAT.get(c, c) for c in run)
        return "".join(_LAT_TO_CYR.get(c, c) for c in run)
    return run


@lru_cache(maxsize=16)
def _glue_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    # the look-ahead for a first letter lets the search skip most positions cheaply
    initials = re.escape("".join(sorted({p[0] for p in prefixes if p})))
    ahead = f"(?=[{initials}])" if initials else ""
    return re.compile(rf"(?i){ahead}(?<![^\W_])({alternatives})(?:(\.?)(?=\d)|(\.)(?=[^\W\d_]))")


def _split_glued(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2) or match.group(3) or ''} "


def normalize_text(text: str, glue_prefixes: Iterable[str] = ()) -> str:
    """Canonical form of a seller's text (case kept). Idempotent."""
    text = _NUMERO.sub("№ ", text)  # «№wb-gi-1» → «No wb-gi-1» after NFKC
    text = unicodedata.normalize("NFKC", text)
    if _ODD.search(text):
        text = text.translate(_TRANSLATE)
    if not text.isprintable():  # control, format, private-use or unassigned characters
        text = "".join(ch if ch == "\n" or ch.isprintable() or ch == " " else " " for ch in text)
    if _mixes_scripts(text):  # a run mixing scripts has a Latin letter next to a Cyrillic one
        text = _LETTER_RUN.sub(_fix_run, text)
    prefixes = tuple(glue_prefixes)
    if prefixes:
        text = _glue_pattern(prefixes).sub(_split_glued, text)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text


def fold(text: str) -> str:
    """Lowercase, «ё» as «е», with the same length (offsets into ``text`` stay valid)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.replace("ё", "е")
