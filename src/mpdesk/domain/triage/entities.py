"""Entities of the triage contract: identifiers and amounts, found by context and shape.

A number is an identifier only when a label says so («поставка», «заказ», «арт.», «ШК»,
«обращение» … within a few tokens before it), when a previous value's type carries over through
a list («артикулы 1, 2 и 3», «… вместо …»), or when its shape alone is unambiguous (Ozon posting
number, ``WB-GI-…``, a valid EAN-13, a seller code like ``HD-GRY-L``). Quantities («95 шт»),
percentages, phones, times and dates are never entities. Values are normalised per the
contract with ``mpdesk.domain.identifiers``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import NamedTuple

from mpdesk.domain.identifiers import Identifier, IdType, is_valid_ean, normalize_identifier
from mpdesk.domain.triage.amounts import (
    CHUNK,
    find_amounts,
    has_money_word_after,
    is_money_context,
    plain_amount,
)
from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.dates import DateMention
from mpdesk.domain.triage.lexicon import EntityWords

_DIGIT = re.compile(r"\d")
_POSTING = re.compile(r"^\d{8,10}-\d{4}(?:-\d{1,2})?$")
_WB_FBS_SUPPLY = re.compile(r"^WB[-_]GI[-_]\d+$", re.IGNORECASE)
_CODE_SHAPE = re.compile(r"^(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+$")
_ID_CHARS = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]*$")
#: number patterns put their look-behind after the first digit, so that the search jumps from digit
#: to digit (a pattern that starts with a look-behind is tried at every position of the text)
PHONE = re.compile(r"(?:\+7|8(?<!\d8))[\s(-]{0,2}\d{3}[\s)-]{1,2}\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)")
#: (strings of which the text must contain one for the pattern to match, the pattern): a
#: pattern the text cannot match is not run
_MASKS = (
    (("%",), re.compile(r"\d(?<![\d.,]\d)\d*(?:[.,]\d+)?\s?%")),
    ((":",), re.compile(r"\d(?<!\d\d)\d?:\d{2}(?!\d)")),
    (("+7", "8"), PHONE),
    (("79", "89"), re.compile(r"[78](?<![\d-][78])9\d{9}(?![\d-])")),  # a mobile, no separators
    (("http",), re.compile(r"https?://\S+")),
)
_MAX_VALUE_LEN = 64
_new = tuple.__new__  # builds a Chunk without the named tuple's Python-level constructor


class Chunk(NamedTuple):  # a tuple: ~30 per text, far cheaper to build than a dataclass
    start: int
    stop: int
    raw: str


def _is_value(raw: str) -> bool:
    if raw.isalpha():  # a word: no digit, and a code needs a hyphen
        return False
    return _DIGIT.search(raw) is not None or _CODE_SHAPE.match(raw) is not None


class Label(NamedTuple):
    end: int  # char offset where the label ends
    kind: str  # IdType value, "article" or "stop"
    length: int


def _labels(analysis: Analysis) -> list[Label]:
    labels = []
    for m in analysis.of_kinds("label", "article", "stop_label"):
        if m.group.startswith("label:"):
            kind = m.group[6:]
        elif m.group == "article":
            kind = "article"
        elif m.group == "stop_label":
            kind = "stop"
        else:
            continue
        labels.append(Label(analysis.tokens[m.last].stop, kind, m.last - m.first + 1))
    labels.sort(key=lambda lb: (lb.end, lb.length))
    return labels


#: a value (a number, an amount, a code like ``HD-GRY-L``) has a digit or a capital Latin letter
_VALUE_SIGN = re.compile(r"[\dA-Z]")


def _chunks(text: str) -> list[Chunk]:
    """The words and symbols of the text (``CHUNK``), with their places, from the first word
    that may hold a value on (the words before it are neither values nor carry a list's
    type): only whitespace lies between chunks, so each is found right after the previous one
    (cheaper than asking every match object for its span)."""
    sign = _VALUE_SIGN.search(text)
    if sign is None:
        return []
    pos, find = sign.start(), text.find
    while pos and not text[pos - 1].isspace():  # chunks never cross whitespace
        pos -= 1
    found = []
    for raw in CHUNK.findall(text, pos):
        start = find(raw, pos)
        pos = start + len(raw)
        found.append(_new(Chunk, (start, pos, raw)))
    return found


def _masked(text: str, dates: list[DateMention]) -> list[tuple[int, int]]:
    spans = [(d.start, d.stop) for d in dates]
    for signs, pattern in _MASKS:
        if any(sign in text for sign in signs):
            spans.extend(m.span() for m in pattern.finditer(text))
    return spans


def _value_type(kind: str, raw: str, marketplace: str | None) -> IdType | None:
    """The type a labelled value gets, or None when the value does not fit the label."""
    digits_only = raw.isdigit()
    n_digits = sum(c.isdigit() for c in raw)
    if kind == "article":
        if not digits_only:
            return IdType.VENDOR_CODE
        return IdType.VENDOR_CODE if marketplace == "ozon" else IdType.SKU
    if kind == IdType.VENDOR_CODE.value:
        return IdType.VENDOR_CODE
    if kind == IdType.SKU.value:
        if digits_only and len(raw) == 13 and is_valid_ean(raw):
            return IdType.BARCODE  # no marketplace product id has 13 digits and an EAN check
        if digits_only:
            return IdType.SKU if 4 <= len(raw) <= 19 else None
        # «SKU BT-700» is a seller code; «в карточке … 3D-обзор» is not an identifier
        return IdType.VENDOR_CODE if _CODE_SHAPE.match(raw) else None
    if kind == IdType.BARCODE.value:
        return IdType.BARCODE if digits_only and 8 <= len(raw) <= 14 else None
    if kind in (IdType.SUPPLY_ID.value, IdType.ORDER_ID.value, IdType.TICKET_ID.value):
        if n_digits >= 4 and _ID_CHARS.match(raw):
            return IdType(kind)
        return None
    return None


def _shape_type(raw: str, marketplace: str | None) -> IdType | None:
    if _POSTING.match(raw):
        return IdType.ORDER_ID
    if _WB_FBS_SUPPLY.match(raw):
        return IdType.SUPPLY_ID
    if raw.isdigit() and len(raw) == 13 and is_valid_ean(raw):
        if marketplace == "ozon" and raw.startswith("2000"):
            return IdType.SUPPLY_ID
        return IdType.BARCODE
    if _CODE_SHAPE.match(raw) and not raw.startswith(("WB-", "RU-")) and len(raw) >= 4:
        return IdType.VENDOR_CODE
    return None


def extract_entities(
    text: str,
    analysis: Analysis,
    dates: list[DateMention],
    words: EntityWords,
    marketplace: str | None,
) -> list[Identifier]:
    """Entities in text order, each (type, value) once. ``text`` is the normalised text
    (case kept) whose folded form ``analysis`` was built on."""
    low = analysis.text
    masks = _masked(low, dates)
    amounts = find_amounts(low, text, words)
    money_at: dict[int, tuple[int, int, str]] = {}
    for start, stop, value, unit in amounts:
        if unit:
            for pos in range(start, stop):
                money_at[pos] = (start, stop, value)
    amount_at = {a[0]: a for a in amounts}
    masked = bytearray(len(low) + 1)
    for start, stop in masks:
        masked[start:stop] = b"\x01" * (stop - start)
    labels = _labels(analysis)
    label_ends = [lb.end for lb in labels]
    money_words = analysis.of_kinds("money")
    money_ends = sorted(analysis.tokens[m.last].stop for m in money_words)
    money_starts = frozenset(analysis.tokens[m.first].start for m in money_words)
    starts = [sent.start for sent in analysis.sentences]

    def sentence_of(pos: int) -> int:
        return bisect_right(starts, pos) - 1

    chunks = _chunks(text)
    result: list[Identifier] = []
    seen: set[tuple[IdType, str]] = set()

    def add(id_type: IdType, raw: str) -> bool:
        try:
            value = normalize_identifier(id_type, raw)
        except ValueError:
            return False
        if not value or len(value) > _MAX_VALUE_LEN:
            return False
        key = (id_type, value)
        if key not in seen:
            seen.add(key)
            result.append(Identifier(id_type, value))
        return True

    last_value_end = -1
    last_id_end = -1  # end of the last identifier-like value (quantities and dates excluded)
    carry: IdType | None = None  # type of the previous value, for lists
    i = 0
    n = len(chunks)
    while i < n:
        ch = chunks[i]
        money = money_at.get(ch.start) if money_at else None
        if money is not None:
            add(IdType.AMOUNT, money[2])
            carry = IdType.AMOUNT
            last_value_end = money[1]
            while i < n and chunks[i].start < money[1]:
                i += 1
            continue
        if not _is_value(ch.raw):
            if carry is not None:  # lists keep their type through «и», «,», «вместо» …
                word = low[ch.start : ch.stop]
                if word.isalnum() and word not in words.links and word not in words.glue:
                    carry = None
            i += 1
            continue
        if masked[ch.start]:
            last_value_end = ch.stop
            carry = None
            i += 1
            continue
        # the value, with digit groups joined when a label asks for an identifier
        raw, j = ch.raw, i + 1
        next_word = _next_word(low, chunks, j)
        if next_word in words.quantity_units or next_word in words.currency:
            last_value_end = ch.stop
            carry = None
            i += 1
            continue
        label = _label_for(
            labels, label_ends, low, ch, last_value_end, last_id_end, words, sentence_of
        )
        if label is not None and label.kind == "stop":
            last_value_end = ch.stop
            carry = None
            i += 1
            continue
        if raw.isdigit() and len(raw) <= 6 and label is not None:
            while (
                j < n
                and chunks[j].raw.isdigit()
                and len(chunks[j].raw) <= 6
                and low[chunks[j - 1].stop : chunks[j].start] == " "
                and _next_word(low, chunks, j + 1) not in words.quantity_units
            ):
                raw += chunks[j].raw
                j += 1
        id_type = (
            _shape_type(raw, marketplace)
            if _POSTING.match(raw) or _WB_FBS_SUPPLY.match(raw)
            else None
        )
        nearer_money = (  # «в карточке платье стоит 2 190»: the money word is the nearer label
            id_type is None
            and label is not None
            and (amount := amount_at.get(ch.start)) is not None
            and is_money_context(money_ends, low, amount, label.end, words, sentence_of)
        )
        if id_type is None and label is not None and not nearer_money:
            id_type = _value_type(label.kind, raw, marketplace)
        if id_type is None and carry is not None and carry is not IdType.AMOUNT:
            id_type = _value_type(carry.value, raw, marketplace)
        if id_type is None and carry is IdType.AMOUNT and raw.replace(" ", "").isdigit():
            amount = amount_at.get(ch.start)
            if amount is not None:
                digits = low[amount[0] : amount[1]].split(",")[0].replace(" ", "")
                if digits.isdigit() and add(IdType.AMOUNT, digits):
                    last_value_end = amount[1]
                    while i < n and chunks[i].start < amount[1]:
                        i += 1
                    continue
        if id_type is None:
            amount = amount_at.get(ch.start)
            floor = max(last_value_end, label.end if label is not None else -1)
            if amount is not None and (
                is_money_context(money_ends, low, amount, floor, words, sentence_of)
                or has_money_word_after(money_starts, low, amount)
            ):
                digits = plain_amount(low[amount[0] : amount[1]])
                if digits and add(IdType.AMOUNT, digits):
                    carry = IdType.AMOUNT
                    last_value_end = amount[1]
                    while i < n and chunks[i].start < amount[1]:
                        i += 1
                    continue
        if id_type is None:
            id_type = _shape_type(raw, marketplace)
        if id_type is not None and add(id_type, raw):
            carry = id_type
        else:
            carry = None
        last_value_end = last_id_end = chunks[j - 1].stop
        i = j
    return result


def _next_word(low: str, chunks: list[Chunk], j: int) -> str:
    if j >= len(chunks):
        return ""
    return low[chunks[j].start : chunks[j].stop]


def _label_for(
    labels: list[Label],
    label_ends: list[int],
    low: str,
    value: Chunk,
    last_value_end: int,
    last_id_end: int,
    words: EntityWords,
    sentence_of: Callable[[int], int],
) -> Label | None:
    """The nearest label before ``value`` with at most ``max_label_gap`` words between."""
    i = bisect_right(label_ends, value.start) - 1
    if i < 0 or label_ends[i] <= last_id_end:
        return None
    best = labels[i]  # sorted by (end, length): the longest label ending there
    between = low[best.end : value.start]
    if "\n" in between or len(between) > 200:
        return None
    if sentence_of(best.end - 1) != sentence_of(value.start):
        return None
    gap = [w for w in CHUNK.findall(between) if w.isalnum()]
    if best.end > last_value_end and (
        len([w for w in gap if w not in words.glue]) <= words.max_label_gap
    ):
        return best
    # «поставка на приёмке висит 5 дней, номер 43356789»: a bare «номер» refers back
    if gap and gap[-1] in words.number_words and not any(c in between for c in ".!?;"):
        return best
    return None
