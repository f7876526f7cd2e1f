"""JSON from outside — report files, journal imports, labelled data — parsed so that nothing in
the text can crash the code that reads it next.

``json.loads`` accepts things no marketplace or mpdesk file holds and that break later code:
nesting deep enough to exhaust the interpreter's recursion (``RecursionError``), integers of
thousands of digits (``ValueError`` past Python's digit limit, or an exception in the money
arithmetic), ``NaN`` and ``Infinity``, numbers that overflow a float (``1e400``), and lone
surrogate escapes (``"\\ud800"``) that no UTF-8 encoder accepts. ``parse_json`` refuses each of
them with a ``JsonInputError`` that names the line and column, before any value reaches the
caller. Nesting deeper than ``MAX_DEPTH`` is refused: the C parser itself stops at the
interpreter's recursion limit, and what it returns is measured by an iterative walk (about a
sixth of the parse time on a 100,000-row API answer).

Pure: bytes in, Python values or an error out. Imports only the standard library and
``mpdesk.domain``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from mpdesk.domain.errors import UserInputError

#: deeper than any API answer or export (a WB or Ozon answer nests about five levels)
MAX_DEPTH = 64
#: longer than any identifier in the reports (a WB order basket id has 20 digits)
MAX_DIGITS = 40

_STRING_PATTERN = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_STRING = re.compile(_STRING_PATTERN, re.DOTALL)
_TOKEN = re.compile(rf"{_STRING_PATTERN}|[\[\]{{}}]", re.DOTALL)
_CONTAINERS = (dict, list)
#: a surrogate escape; a high one must be followed by a low one
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_PAIR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")


class JsonInputError(UserInputError):
    """The text is not JSON mpdesk can use. ``code``: ``json_syntax``, ``json_too_deep``,
    ``json_long_number``, ``json_not_finite``, ``json_bad_char`` or ``json_encoding``;
    ``fields``: ``file``, ``line``, ``column`` and what the code's message needs."""

    code = "json_syntax"


_TOO_DEEP = object()


class _Refused(Exception):
    def __init__(self, reason: str, token: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.token = token


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused("json_long_number", text)
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("json_not_finite", text)
    return value


def _constant(text: str) -> Any:
    raise _Refused("json_not_finite", text)


def _decode(data: bytes, file: str, first_line: int) -> str:
    try:
        return data.decode(json.detect_encoding(data))
    except UnicodeDecodeError as exc:
        line, column = _position_in_bytes(data, exc.start)
        raise JsonInputError(
            "json_encoding", file=file, line=line + first_line - 1, column=column
        ) from exc


def _position_in_bytes(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def max_depth(value: Any) -> int:
    """The deepest nesting of arrays and objects in a parsed value (a scalar is 0), walked
    without recursion."""
    stack = [(value, 1)] if type(value) in _CONTAINERS else []
    deepest = 0
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        items = node.values() if type(node) is dict else node
        inner = [v for v in items if type(v) is dict or type(v) is list]
        stack.extend((v, depth + 1) for v in inner)
    return deepest


def _too_deep_at(text: str) -> int:
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif token in "]}":
            depth -= 1
    return 0


def _token_at(text: str, token: str) -> int:
    """Where a refused number or constant stands outside the strings (0 when not found)."""
    pattern = re.compile(rf"{_STRING_PATTERN}|(?<![\w.]){re.escape(token)}(?![\w.])", re.DOTALL)
    for match in pattern.finditer(text):
        if not match.group().startswith('"'):
            return match.start()
    return 0


def _lone_surrogate_at(text: str) -> int | None:
    if "\\u" not in text and "\\U" not in text:
        return None
    paired = {m.start() for m in _PAIR.finditer(text)}
    paired |= {p + 6 for p in paired}
    for match in _SURROGATE.finditer(text):
        if match.start() not in paired and _is_escape(text, match.start()):
            return match.start()
    return None


def _is_escape(text: str, at: int) -> bool:
    """The backslash at ``at`` starts an escape (it is not itself escaped)."""
    slashes = 0
    while at - slashes - 1 >= 0 and text[at - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 0


def parse_json(data: bytes, file: str, first_line: int = 1) -> Any:
    """Parse ``data`` (UTF-8 with or without BOM, or UTF-16/32 with a BOM). ``file`` names the
    source in errors; ``first_line`` is the line of ``data``'s first line in that file (for
    one line of a JSONL file)."""
    text = _decode(data, file, first_line)

    def where(offset: int) -> dict[str, int]:
        line, column = _position(text, offset)
        return {"line": line + first_line - 1, "column": column}

    surrogate = _lone_surrogate_at(text)
    if surrogate is not None:
        raise JsonInputError("json_bad_char", file=file, **where(surrogate))
    try:
        value = json.loads(
            text.removeprefix("\ufeff"),
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
        )
    except RecursionError:  # the C parser stops near the interpreter's recursion limit
        value = _TOO_DEEP
    except json.JSONDecodeError as exc:
        line, column = exc.lineno + first_line - 1, exc.colno
        raise JsonInputError("json_syntax", file=file, line=line, column=column) from exc
    except _Refused as exc:
        fields: dict[str, Any] = {"value": exc.token[:40]}
        if exc.reason == "json_long_number":
            fields = {"digits": len(exc.token.lstrip("-"))}
        at = where(_token_at(text, exc.token))
        raise JsonInputError(exc.reason, file=file, **at, **fields) from None
    if value is _TOO_DEEP or max_depth(value) > MAX_DEPTH:
        at = where(_too_deep_at(text))
        raise JsonInputError("json_too_deep", file=file, limit=MAX_DEPTH, **at)
    return value
