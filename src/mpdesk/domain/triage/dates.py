"""Dates in seller text: absolute («12.10.2026», «12.10», «12 октября», «2026-10-12») and
relative to ``received_at`` («вчера», «позавчера», «3 дня назад», «в понедельник», «в прошлую
пятницу», «на прошлой неделе во вторник»).

The event date is the «Дата:» field of a formal appeal when there is one, otherwise the first
date that is not a deadline and not after ``received_at``. Dates are calendar days in the
seller's time zone (Europe/Moscow): ``received_at`` is already such a day. A resolved date is
never after ``received_at``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta

from mpdesk.domain.triage.analysis import Analysis
from mpdesk.domain.triage.lexicon import DateWords, is_one_typo

#: number patterns put their look-behind after the first digit, so that the search jumps from digit
#: to digit (a pattern that starts with a look-behind is tried at every position of the text)
_DIGIT = re.compile(r"\d")
_ISO = re.compile(r"(\d(?<![\d.]\d)\d{3})-(\d{1,2})-(\d{1,2})(?![\d])")
_DASHED = re.compile(r"(\d(?<![\d.-]\d)\d?)-(\d{1,2})-(\d{4})(?![\d-])")
_NUMERIC = re.compile(r"(\d(?<![\d.,/:-]\d)\d?)([./])(\d{2})(?:\2(\d{4}|\d{2}))?(?![\d]|[.,/:]\d)")
_DAY_MONTH = re.compile(
    r"(\d(?<![\d.,]\d)\d?)(?:-?(?:го|е|ое|ого))?\s+([а-я]{2,12})(?:\s+(\d{4}))?"
)
_DAY_OF_MONTH = re.compile(r"(\d(?<![\d.,]\d)\d?)(?:-?(?:го|е|ое|ого))?\s+числ[аоу]")
_CLAUSE_BREAK = re.compile(r"[,;!?\n]|\.\s|\d[./]\d")
_RANGE_DASH = re.compile(r"\d\s*[-—]\s*$")
_MONTH_ENDINGS = frozenset({"", "ь", "я", "е", "й", "а", "т", "та", "те", "ом", "ем", "ю"})
_WEEKDAY_ENDINGS = frozenset({"", "у", "а", "е", "ам", "ы", "ой", "ую"})
_DOCUMENT_LINK = re.compile(r"(?<![^\W\d_])от\s*$")
_PERIOD_UNIT = re.compile(r"\s*(?:%|руб|р\b|₽|шт|кг|г\b|см|мм|мл|л\b)")
_DASH_BETWEEN = re.compile(r"\s*[-—]\s*")
#: words whose answers (month, relative day, weekday) are kept per ``DateWords``
_KIND_CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    stop: int
    value: date | None  # None: could not be resolved (e.g. a future day without a year)
    is_field: bool = False
    is_deadline: bool = False
    is_background: bool = False  # after «отгрузили», «создан» …: the event only when alone
    is_document: bool = False  # «письмо от 16.03.2023»: the date of a document, never the event


def _month(word: str, words: DateWords) -> int | None:
    """The month a word names («октября», one typo allowed in a long name), looked up once
    per word and kept with the date words."""
    months: dict[str, int | None] | None = words.__dict__.get("_month_words")
    if months is None:
        months = words.__dict__["_month_words"] = {}
    if word not in months:
        found = _read_month(word, words)
        if len(months) >= _KIND_CACHE_LIMIT:
            return found
        months[word] = found
    return months[word]


def _read_month(word: str, words: DateWords) -> int | None:
    best = None
    for stem, number in words.months.items():
        if word.startswith(stem) and word[len(stem) :] in _MONTH_ENDINGS:
            if best is None or len(stem) > best[0]:
                best = (len(stem), number)
    if best is None:  # one typo in a long month name: «октбря», «сентября»
        for stem, number in words.months.items():
            if len(stem) < 5:
                continue
            for cut in (len(stem) - 1, len(stem), len(stem) + 1):
                if word[cut:] in _MONTH_ENDINGS and is_one_typo(word[:cut], stem):
                    return number
    return best[1] if best else None


def _weekday(word: str, words: DateWords) -> int | None:
    if word[:1] not in words.weekday_initials:
        return None
    for stem, number in words.weekdays.items():
        if word.startswith(stem) and word[len(stem) :] in _WEEKDAY_ENDINGS:
            return number
    return None


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _without_year(month: int, day: int, received: date, words: DateWords) -> date | None:
    """A day without a year: this year, or last year when that is recent enough."""
    this_year = _make(received.year, month, day)
    if this_year is None:
        return None
    if this_year <= received:
        return this_year
    last_year = _make(received.year - 1, month, day)
    if last_year is not None and (received - last_year).days <= words.max_past_days_without_year:
        return last_year
    return None  # a future day of this year: a deadline, not the event


def _with_year(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    if not 1990 <= year <= 2100:
        return None
    return _make(year, month, day)


def find_absolute(text: str, received: date, words: DateWords) -> list[DateMention]:
    found: list[DateMention] = []
    digit = _DIGIT.search(text)  # every pattern starts with a digit: none is tried before it
    if digit is None:
        return found
    at = digit.start()  # (their look-behinds still see the text before it)
    dashed = "-" in text  # each pattern is tried only when the text has the signs it needs
    for m in _ISO.finditer(text, at) if dashed else ():
        found.append(DateMention(m.start(), m.end(), _with_year(*map(int, m.groups()))))
    for m in _DASHED.finditer(text, at) if dashed else ():  # 12-10-2026
        day, month, year = map(int, m.groups())
        found.append(DateMention(m.start(), m.end(), _with_year(year, month, day)))
    for m in _NUMERIC.finditer(text, at) if "." in text or "/" in text else ():
        if _PERIOD_UNIT.match(text, m.end()) and not m.group(4):
            continue
        day, month = int(m.group(1)), int(m.group(3))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        value = (
            _with_year(int(m.group(4)), month, day)
            if m.group(4)
            else _without_year(month, day, received, words)
        )
        found.append(DateMention(m.start(), m.end(), value))
    for m in _DAY_MONTH.finditer(text, at):
        month_no = _month(m.group(2), words)
        if month_no is None:
            continue
        day, month = int(m.group(1)), month_no
        value = (
            _with_year(int(m.group(3)), month, day)
            if m.group(3)
            else _without_year(month, day, received, words)
        )
        found.append(DateMention(m.start(), m.end(), value))
    for m in _DAY_OF_MONTH.finditer(text, at) if "числ" in text else ():
        day = int(m.group(1))
        value = _make(received.year, received.month, day) if 1 <= day <= 31 else None
        if value is None or value > received:
            prev_month = received.replace(day=1) - timedelta(days=1)
            value = _make(prev_month.year, prev_month.month, day) if 1 <= day <= 31 else None
        found.append(DateMention(m.start(), m.end(), value))
    return found


def _number(word: str, words: DateWords) -> int | None:
    if word.isdigit() and len(word) <= 3:
        return int(word)
    return words.number_words.get(word)


def _word_kinds(words: DateWords) -> dict[str, tuple[int | None, int | None]]:
    """Per-word answers of ``_word_kind``, kept with the date words they were computed from."""
    found: dict[str, tuple[int | None, int | None]] | None = words.__dict__.get("_word_kinds")
    if found is None:
        found = {}
        words.__dict__["_word_kinds"] = found
    return found


#: the kind of most words: neither a relative day nor a weekday
_NO_KIND: tuple[int | None, int | None] = (None, None)


def _word_kind(word: str, words: DateWords) -> tuple[int | None, int | None]:
    """(days back for «вчера»-like words, weekday number for weekday names) of one word."""
    exact, stems = words.relative_lookup
    back = exact.get(word)
    if back is None:
        back = next((days for stem, days in stems if word.startswith(stem)), None)
    weekday = None if back is not None else _weekday(word, words)
    return _NO_KIND if back is None and weekday is None else (back, weekday)


def find_relative(analysis: Analysis, received: date, words: DateWords) -> list[DateMention]:
    tokens = analysis.tokens
    found: list[DateMention] = []
    last_week_sents = {m.sentence for m in analysis.of_kinds("date") if m.group == "date:last_week"}
    kinds, ago = _word_kinds(words), words.ago
    for i, tok in enumerate(tokens):
        word = tok.text
        kind = kinds.get(word)
        if kind is None:
            kind = _word_kind(word, words)
            if len(kinds) < _KIND_CACHE_LIMIT:
                kinds[word] = kind
        if kind is _NO_KIND and word not in ago:
            continue
        back, weekday = kind
        if back is not None:
            found.append(DateMention(tok.start, tok.stop, received - timedelta(days=back)))
        else:
            if word in ago and i > 0:
                unit = tokens[i - 1].text
                days = 1 if unit in words.day_units else 7 if unit in words.week_units else 0
                if not days:
                    continue
                parsed = _number(tokens[i - 2].text, words) if i > 1 else None
                count = 1 if parsed is None else parsed
                if count > 400:
                    continue
                start = tokens[i - 2].start if i > 1 and count != 1 else tokens[i - 1].start
                found.append(DateMention(start, tok.stop, received - timedelta(days=days * count)))
                continue
            if weekday is None:
                continue
            before = [t.text for t in tokens[max(0, i - 2) : i]]
            days_back = (received.weekday() - weekday) % 7 or 7
            value = received - timedelta(days=days_back)
            if tok.sentence in last_week_sents:
                monday_this_week = received - timedelta(days=received.weekday())
                value = monday_this_week - timedelta(days=7 - weekday)
            elif not any(b.startswith(words.last) for b in before) and not (
                before and before[-1] in ("в", "во", "с", "со")
            ):
                continue  # a bare weekday name without «в»/«прошлый»: not a date mention
            found.append(DateMention(tok.start, tok.stop, value))
    return found


def find_dates(analysis: Analysis, received: date, words: DateWords) -> list[DateMention]:
    """Every date mention with its resolved day, flags set, in text order."""
    text = analysis.text
    raw = find_absolute(text, received, words) + find_relative(analysis, received, words)
    if not raw:
        return []
    raw.sort(key=lambda m: m.start)
    ends: dict[str, list[int]] = {
        group: [] for group in ("date:deadline", "date:background", "date:property",
                                "date:document", "date:field")
    }  # fmt: skip
    for match in analysis.of_kinds("date"):
        if match.group in ends:
            ends[match.group].append(analysis.tokens[match.last].stop)
    field_ends = ends["date:field"]

    def right_before(group: str, start: int, reach: int) -> bool:
        """A trigger word ends within ``reach`` characters before ``start``, in one clause."""
        return any(
            0 <= start - end <= reach and not _CLAUSE_BREAK.search(text, end, start)
            for end in ends[group]
        )

    token_starts = [t.start for t in analysis.tokens]

    def _before_a_time_limit(pos: int) -> bool:
        k = bisect_left(token_starts, pos)
        toks = analysis.tokens
        return (
            k + 1 < len(toks)
            and toks[k].text in words.deadline_after
            and toks[k + 1].text[:1].isdigit()
        )

    result = []
    for i, m in enumerate(raw):
        gap_before = text[max(0, m.start - 12) : m.start]
        is_deadline = any(
            0 <= m.start - end <= 3 and not text[end : m.start].strip()
            for end in ends["date:deadline"]
        ) or right_before("date:property", m.start, 24)
        is_field = any(
            0 <= m.start - end <= 6 and text[end : m.start].strip(" :—-") == ""
            for end in field_ends
        ) or (gap_before.rstrip().endswith(":") and "дата" in gap_before)
        # a range «25.05–31.05», «1–15 марта» is a period, not the day of the event
        in_range = bool(_RANGE_DASH.search(text, max(0, m.start - 5), m.start)) or (
            i + 1 < len(raw) and _DASH_BETWEEN.fullmatch(text, m.stop, raw[i + 1].start)
        )
        if in_range or _before_a_time_limit(m.stop):
            is_deadline = True  # «отгрузка сегодня до 18:00» is a deadline
        value = m.value if m.value is None or m.value <= received else None
        background = right_before("date:background", m.start, 30)
        document = _DOCUMENT_LINK.search(text, max(0, m.start - 4), m.start) is not None and (
            right_before("date:document", m.start, 48)
        )
        result.append(
            DateMention(m.start, m.stop, value, is_field, is_deadline, background, document)
        )
    return result


def event_date(mentions: list[DateMention]) -> date | None:
    usable = [
        m for m in mentions if m.value is not None and not m.is_deadline and not m.is_document
    ]
    fields = [m for m in usable if m.is_field]
    foreground = [m for m in usable if not m.is_background]
    ranked = fields or foreground or usable
    return ranked[0].value if ranked else None
