"""Sums of money in a seller's text: numbers with a currency or a scale word («12 500 ₽»,
«1,8 миллиарда», «96 тыс»), ranges («от 200 до 300 рублей»), and bare numbers that a money word
makes a sum («штраф 4300», «на сумму 43.654», «56 700 штраф»)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from mpdesk.domain.identifiers import IdType, normalize_identifier
from mpdesk.domain.triage.lexicon import EntityWords

#: words and single symbols of a text (shared with the entity reader)
CHUNK = re.compile(r"[^\W_]+(?:[-_/.][^\W_]+)*|\S")
#: the look-behind follows the first digit, so that the search jumps from digit to digit (a
#: pattern that starts with a look-behind is tried at every position of the text)
_AMOUNT = re.compile(
    r"(\d(?<![\d.,]\d)(?:\d{0,2}(?:[ .]\d{3})+|\d*))(?:[.,](\d{1,2}))?(?![\d])"
    r"(?:\s*(тыс\.?|тысяч[аи]?|тыщ[аи]?|к|млн\.?|миллион(?:а|ов)?|млрд\.?|миллиард(?:а|ов)?)"
    r"(?![^\W\d_]))?"
    r"(?:\s*(руб(?:лей|ля|ль)?\.?|р\.?|₽|rub)(?![^\W\d_]))?"
)
_DIGIT = re.compile(r"\d")
_RANGE_START = re.compile(r"(?<![\d.,])(\d{1,3}(?: \d{3})+|\d+)\s*(?:[-—]|\sдо)\s*$")
_ADJECTIVE_ENDINGS = ("ый", "ой", "ая", "ое", "ые", "ых", "ого", "ому", "ую", "ым", "ыми")
_WORD_AFTER = re.compile(r"\s*(([^\W\d_])[^\W\d_]*)")


def find_amounts(text: str, cased: str, words: EntityWords) -> list[tuple[int, int, str, bool]]:
    """(start, stop, normalised value, has_unit) for numbers that are sums of money."""
    found: list[tuple[int, int, str, bool]] = []
    digit = _DIGIT.search(text)  # a sum starts with a digit: the search starts at the first
    for m in _AMOUNT.finditer(text, digit.start()) if digit is not None else ():
        number, cents, scale, currency = m.groups()
        after = _WORD_AFTER.match(cased, m.end())
        counted = (
            after is not None
            and after.group(2).islower()
            and (len(after.group(1)) > 2 and after.group(1).lower() not in words.links)
        )  # «2 тыс. отзывов» counts reviews; «12 тыс. Верните», «96 тыс к выводу» are money
        if not currency and (not scale or counted):
            found.append((m.start(), m.end(), "", False))
            continue
        digits = number.replace(" ", "").replace(".", "")
        if len(digits) > 12:
            continue
        factor = 1
        if scale:
            factor = (
                1_000_000_000
                if scale.startswith(("млрд", "миллиард"))
                else 1_000_000
                if scale.startswith(("млн", "милл"))
                else 1000
            )
        if factor == 1:
            raw = f"{int(digits)}.{(cents or '0').ljust(2, '0')}"
        else:  # «1,5 тыс» = 1500.00
            fraction = int((cents or "0").ljust(2, "0")) * factor // 100
            raw = f"{int(digits) * factor + fraction}.00"
        found.append((m.start(), m.end(), normalize_identifier(IdType.AMOUNT, raw), True))
        before = _RANGE_START.search(text, max(0, m.start() - 24), m.start())
        if before is not None and factor == 1:  # «1 100–1 200 руб»: both ends are sums
            low_end = before.group(1).replace(" ", "")
            found.append((before.start(), before.start() + len(before.group(1)),
                          normalize_identifier(IdType.AMOUNT, low_end), True))  # fmt: skip
    found.sort()
    return found


_PLAIN_NUMBER = re.compile(r"^(\d{1,3}(?:[ .]\d{3})+|\d{1,7})(?:,(\d{1,2}))?$")


def plain_amount(raw: str) -> str:
    """«4300» → «4300.00», «43.654» (dot thousands) → «43654.00», «1 250,5» → «1250.50»;
    empty for anything else (long digit runs are identifiers, not sums)."""
    m = _PLAIN_NUMBER.match(raw.strip())
    if m is None:
        return ""
    whole = int(m.group(1).replace(" ", "").replace(".", ""))
    cents = (m.group(2) or "0").ljust(2, "0")
    return f"{whole}.{cents}" if whole or int(cents) else ""


def is_money_context(
    money_ends: list[int],
    low: str,
    amount: tuple[int, int, str, bool],
    floor: int,
    words: EntityWords,
    sentence_of: Callable[[int], int],
) -> bool:
    """A money word («штраф», «удержали», «на сумму») ends at most ``money_gap`` words before
    the number, in the same sentence, after ``floor`` (the last value or a nearer identifier
    label), and the number does not count something («списано 72 упаковки»)."""
    after = _WORD_AFTER.match(low, amount[1])
    if after is not None and len(after.group(1)) > 3 and after.group(1) not in words.links:
        return False
    k = bisect_right(money_ends, amount[0]) - 1
    if k < 0:
        return False
    end = money_ends[k]
    if end <= floor or sentence_of(end - 1) != sentence_of(amount[0]):
        return False
    between = [w for w in CHUNK.findall(low[end : amount[0]]) if w.isalnum()]
    return len(between) <= words.money_gap


def has_money_word_after(
    money_starts: frozenset[int], low: str, amount: tuple[int, int, str, bool]
) -> bool:
    """«удержал с нас 56 700 штраф», «5 000 компенсации»: a money word right after the number,
    as a noun («1200 штрафных баллов» counts points)."""
    after = _WORD_AFTER.match(low, amount[1])
    return (
        after is not None
        and after.start(1) in money_starts
        and not after.group(1).endswith(_ADJECTIVE_ENDINGS)
    )
