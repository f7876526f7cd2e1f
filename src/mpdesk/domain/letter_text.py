"""An appeal letter for the channel it goes to (pure functions, standard library only).

Templates write a small Markdown subset: paragraphs, ``- `` list lines, and pipe tables
(``| a | b |`` with a ``|---|`` rule under the header). Support portals and chat forms take plain
text, so ``plain_text`` turns each table into aligned lines under a header underlined with
``─`` (one run per column), tidies doubled dots («шт..») and blank lines. ``to_html`` reads that
plain text back for the HTML part of an e-mail: paragraphs, lists, the quoted seller's block
(a line ending with «:» followed by a paragraph in «ёлочки») and the aligned tables as real
tables; every text is escaped.
"""

from __future__ import annotations

import html
import re

RULE = "─"
COLUMN_GAP = "  "
_DOUBLE_DOT = re.compile(r"(?<!\.)\.\.(?!\.)")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_RULE_RUN = re.compile(f"{RULE}+")
_BLANKS = re.compile(r"[ \t]+")


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [_BLANKS.sub(" ", cell).strip() for cell in inner.split("|")]  # «₽» keeps its NBSP


def _is_table_line(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1


def aligned_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell, the header underlined one ``─`` run per column."""
    count = max([len(header), *(len(r) for r in rows)])
    grid = [[*r, *([""] * (count - len(r)))] for r in (header, *rows)]
    widths = [max(len(r[i]) for r in grid) or 1 for i in range(count)]
    lines = [COLUMN_GAP.join(c.ljust(w) for c, w in zip(grid[0], widths, strict=True))]
    lines.append(COLUMN_GAP.join(RULE * w for w in widths))
    lines += [COLUMN_GAP.join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in grid[1:]]
    return [line.rstrip() for line in lines]


def _tables_to_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        if (
            _is_table_line(lines[i])
            and i + 1 < len(lines)
            and _TABLE_RULE.match(lines[i + 1].strip())
        ):
            header = _cells(lines[i])
            j = i + 2
            rows = []
            while j < len(lines) and _is_table_line(lines[j]):
                rows.append(_cells(lines[j]))
                j += 1
            if out and out[-1].strip():
                out.append("")
            out += aligned_table(header, rows)
            if j < len(lines) and lines[j].strip():
                out.append("")
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out


def plain_text(source: str) -> str:
    """The letter as plain text: tables as aligned lines, no trailing spaces, no «..» (an
    ellipsis stays), at most one blank line in a row."""
    lines = _tables_to_lines(source.replace("\r\n", "\n").split("\n"))
    text = "\n".join(line.rstrip() for line in lines)
    text = _DOUBLE_DOT.sub(".", text)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def sentences(text: str) -> list[str]:
    """The sentences of a letter (for checks): lines split after «.», «!» or «?» where the next
    word starts with a capital letter or a digit («3 шт. на складе» stays one sentence); list
    marks and surrounding spaces removed."""
    found: list[str] = []
    for line in text.split("\n"):
        pieces = re.split(r"(?<=[.!?])\s+", line.strip().removeprefix("- "))
        for piece in pieces:
            head = piece.lstrip('«"(')
            if found and found[-1] and head and not (head[0].isupper() or head[0].isdigit()):
                found[-1] = f"{found[-1]} {piece}"
            else:
                found.append(piece)
        found.append("")  # a line break ends a sentence
    return [f.strip() for f in found if f.strip()]


# --- HTML ------------------------------------------------------------------------------


def _column_spans(rule: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _RULE_RUN.finditer(rule)]


def _split_columns(line: str, spans: list[tuple[int, int]]) -> list[str]:
    cells = []
    for k, (start, _) in enumerate(spans):
        end = spans[k + 1][0] if k + 1 < len(spans) else len(line)
        cells.append(line[start:end].strip())
    return cells


def _is_rule(line: str) -> bool:
    return bool(line.strip()) and set(line.strip()) <= {RULE, " "}


def _table_html(header: str, rule: str, rows: list[str]) -> str:
    spans = _column_spans(rule)
    cell = 'style="border:1px solid #999;padding:2px 6px;text-align:left"'
    head = "".join(f"<th {cell}>{html.escape(c)}</th>" for c in _split_columns(header, spans))
    body = "".join(
        "<tr>"
        + "".join(f"<td {cell}>{html.escape(c)}</td>" for c in _split_columns(r, spans))
        + "</tr>"
        for r in rows
    )
    return (
        f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _lines_html(lines: list[str]) -> str:
    return "<br>\n".join(html.escape(line) for line in lines)


def _paragraph_html(lines: list[str]) -> str:
    if len(lines) >= 2 and _is_rule(lines[1]):
        return _table_html(lines[0], lines[1], lines[2:])
    head, rest = ([lines[0]], lines[1:]) if lines[0].endswith(":") else ([], lines)
    parts = [f"<p>{_lines_html(head)}</p>"] if head and rest else []
    if rest and all(line.startswith("- ") for line in rest):
        items = "".join(f"<li>{html.escape(line[2:])}</li>" for line in rest)
        return "".join(parts) + f"<ul>{items}</ul>"
    if head and rest and rest[0].startswith("«") and rest[-1].endswith("»"):
        quote = '<blockquote style="margin:0 0 0 1em;padding-left:1em;border-left:3px solid #ccc">'
        return "".join(parts) + f"{quote}<p>{_lines_html(rest)}</p></blockquote>"
    return f"<p>{_lines_html(lines)}</p>"


def to_html(plain: str) -> str:
    """The plain letter as an HTML document for the HTML part of an e-mail."""
    blocks = [b.split("\n") for b in re.split(r"\n\s*\n", plain.strip()) if b.strip()]
    body = "\n".join(_paragraph_html(block) for block in blocks)
    return (
        '<!DOCTYPE html>\n<html lang="ru">\n<head><meta charset="utf-8"></head>\n'
        f'<body style="font-family:Arial,sans-serif;font-size:14px">\n{body}\n</body>\n</html>\n'
    )
