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
from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.dates import DateMention
from mpdesk.domain.triage.lexicon import EntityWords

_DIGIT = re.compile(r"\d")
_CHUNK = re.compile(r"[^\W_]+(?:[-_/.][^\W_]+)*|\S")
_POSTING = re.compile(r"^\d{8,10}-\d{4}(?:-\d{1,2})?$")
_WB_FBS_SUPPLY = re.compile(r"^WB[-_]GI[-_]\d+$", re.IGNORECASE)
_CODE_SHAPE = re.compile(r"^(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+$")
_ID_CHARS = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]*$")
_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[ .]\d{3})+|\d+)(?:[.,](\d{1,2}))?(?![\d])"
    r"(?:\s*(тыс\.?|тысяч[аи]?|тыщ[аи]?|к|млн\.?|миллион(?:а|ов)?|млрд\.?|миллиард(?:а|ов)?)"
    r"(?![^\W\d_]))?"
    r"(?:\s*(руб(?:лей|ля|ль)?\.?|р\.?|₽|rub)(?![^\W\d_]))?"
)
PHONE = re.compile(r"(?:\+7|(?<!\d)8)[\s(-]{0,2}\d{3}[\s)-]{1,2}\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)")
_RANGE_START = re.compile(r"(?<![\d.,])(\d{1,3}(?: \d{3})+|\d+)\s*(?:[-—]|\sдо)\s*$")
_MASKS = (
    re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)?\s?%"),
    re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)"),
    PHONE,
    re.compile(r"(?<![\d-])[78]9\d{9}(?![\d-])"),  # a mobile number without separators
    re.compile(r"https?://\S+"),
)
_MAX_VALUE_LEN = 64
_ADJECTIVE_ENDINGS = ("ый", "ой", "ая", "ое", "ые", "ых", "ого", "ому", "ую", "ым", "ыми")
_WORD_AFTER = re.compile(r"\s*(([^\W\d_])[^\W\d_]*)")


class Chunk(NamedTuple):  # a tuple: ~30 per text, far cheaper to build than a dataclass
    start: int
    stop: int
    raw: str

    @property
    def is_value(self) -> bool:
        raw = self.raw
        if raw.isalpha():  # a word: no digit, and a code needs a hyphen
            return False
        return _DIGIT.search(raw) is not None or _CODE_SHAPE.match(raw) is not None


class Label(NamedTuple):
    end: int  # char offset where the label ends
    kind: str  # IdType value, "article" or "stop"
    length: int


def _labels(analysis: Analysis) -> list[Label]:
    labels = []
    for m in analysis.matches:
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


def _masked(text: str, dates: list[DateMention]) -> list[tuple[int, int]]:
    spans = [(d.start, d.stop) for d in dates]
    for pattern in _MASKS:
        spans.extend((m.start(), m.end()) for m in pattern.finditer(text))
    return spans


def _amounts(text: str, cased: str, words: EntityWords) -> list[tuple[int, int, str, bool]]:
    """(start, stop, normalised value, has_unit) for numbers that are sums of money."""
    found = []
    for m in _AMOUNT.finditer(text):
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
    amounts = _amounts(low, text, words)
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
    money_ends = sorted(
        analysis.tokens[m.last].stop for m in analysis.matches if m.group == "money"
    )
    money_starts = frozenset(
        analysis.tokens[m.first].start for m in analysis.matches if m.group == "money"
    )
    starts = [sent.start for sent in analysis.sentences]

    def sentence_of(pos: int) -> int:
        return bisect_right(starts, pos) - 1

    chunks = [Chunk(m.start(), m.end(), m.group(0)) for m in _CHUNK.finditer(text)]
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
        money = money_at.get(ch.start)
        if money is not None:
            add(IdType.AMOUNT, money[2])
            carry = IdType.AMOUNT
            last_value_end = money[1]
            while i < n and chunks[i].start < money[1]:
                i += 1
            continue
        if not ch.is_value:
            word = low[ch.start : ch.stop]
            if carry is not None and (
                word in words.links or word in words.glue or not word.isalnum()
            ):
                pass  # lists keep their type through «и», «,», «вместо» …
            elif word.isalnum():
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
            and _money_context(money_ends, low, amount, label.end, words, sentence_of)
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
                _money_context(money_ends, low, amount, floor, words, sentence_of)
                or _money_word_after(money_starts, low, amount)
            ):
                digits = _plain_amount(low[amount[0] : amount[1]])
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


_PLAIN_NUMBER = re.compile(r"^(\d{1,3}(?:[ .]\d{3})+|\d{1,7})(?:,(\d{1,2}))?$")


def _plain_amount(raw: str) -> str:
    """«4300» → «4300.00», «43.654» (dot thousands) → «43654.00», «1 250,5» → «1250.50»;
    empty for anything else (long digit runs are identifiers, not sums)."""
    m = _PLAIN_NUMBER.match(raw.strip())
    if m is None:
        return ""
    whole = int(m.group(1).replace(" ", "").replace(".", ""))
    cents = (m.group(2) or "0").ljust(2, "0")
    return f"{whole}.{cents}" if whole or int(cents) else ""


def _money_context(
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
    between = [w for w in _CHUNK.findall(low[end : amount[0]]) if w.isalnum()]
    return len(between) <= words.money_gap


def _money_word_after(
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
    gap = [w for w in _CHUNK.findall(between) if w.isalnum()]
    if best.end > last_value_end and (
        len([w for w in gap if w not in words.glue]) <= words.max_label_gap
    ):
        return best
    # «поставка на приёмке висит 5 дней, номер 43356789»: a bare «номер» refers back
    if gap and gap[-1] in words.number_words and not any(c in between for c in ".!?;"):
        return best
    return None
