"""CSV: encoding, separator and header line found from the first 64 KiB, then one Polars read.

UTF-8 (with or without BOM) is read in place; Windows-1251 and UTF-16 (Excel's «Текст в
Юникоде», tab-separated) are re-encoded to a temporary UTF-8 file first (Polars reads UTF-8
only). The separator (``;``, tab or ``,``) is the one under which a known header row appears.
A file in another encoding (KOI8-R, CP866) is recognised so that the seller can be told what to
do, but not read.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

HEAD_BYTES = 64 * 1024
HEAD_ROWS = 30
SEPARATORS = (";", "\t", ",")
#: encodings we read; then those we only recognise to explain the problem
READ_ENCODINGS = ("utf-8", "cp1251")
FOREIGN_ENCODINGS = {"koi8_r": "KOI8-R", "cp866": "CP866 (DOS)"}


class CsvError(Exception):
    """``line`` is the 1-based line of the problem when known."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(problem)
        self.line = line


def utf16_codec(head: bytes) -> str | None:
    """``utf-16`` (with a BOM), or ``utf-16-le`` / ``utf-16-be`` without one when every other
    byte is the high byte of Latin or Cyrillic text (0x00 or 0x04); None for anything else."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[: min(len(head), 1024) // 2 * 2]
    if len(sample) < 8:
        return None
    for codec, high, low in (("utf-16-le", sample[1::2], sample[0::2]),
                             ("utf-16-be", sample[0::2], sample[1::2])):  # fmt: skip
        if high.count(0) + high.count(4) > len(high) * 0.9 and high.count(0) and not low.count(0):
            return codec
    return None


def decode_head(head: bytes, encoding: str) -> str:
    """The first bytes as text (a character cut at the end is dropped)."""
    return head.decode(encoding, errors="ignore").lstrip("\ufeff")


def detect_encoding(head: bytes) -> str | None:
    """``utf-8``, ``utf-8-sig``, ``cp1251`` or a UTF-16 codec; None when none of them decodes
    the head."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    utf16 = utf16_codec(head)
    if utf16 is not None:
        return utf16
    if b"\x00" in head[:1024]:
        return None
    sample = head[:-4] if len(head) >= HEAD_BYTES else head  # a character may be cut
    for encoding in READ_ENCODINGS:
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def head_rows(text: str, separator: str) -> list[tuple[int, dict[int, str]]]:
    """The first rows under one separator: (0-based line where the row starts, cells)."""
    lines = text.splitlines(keepends=True)
    if len(text) >= HEAD_BYTES - 8 and lines:
        lines = lines[:-1]  # the last line may be cut
    reader = csv.reader(io.StringIO("".join(lines)), delimiter=separator)
    rows = []
    start = 0
    try:
        for cells in reader:
            values = {i: v for i, v in enumerate(cells) if v.strip()}
            if values:
                rows.append((start, values))
            start = reader.line_num
            if len(rows) >= HEAD_ROWS:
                break
    except csv.Error:
        pass
    return rows


def field_count(text: str, separator: str, line: int) -> int:
    """Number of fields of the row that starts on ``line`` (0-based) of ``text``."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    start = 0
    for cells in reader:
        if start == line:
            return len(cells)
        start = reader.line_num
    return 0


def guess_foreign_encoding(head: bytes) -> list[tuple[str, str]]:
    """(codec, display name) of the other Cyrillic encodings that decode the head."""
    found = []
    for codec, label in FOREIGN_ENCODINGS.items():
        try:
            head.decode(codec)
        except UnicodeDecodeError:
            continue
        found.append((codec, label))
    return found


@contextmanager
def utf8_file(path: Path, encoding: str) -> Iterator[Path]:
    """The file itself when it is UTF-8, else a temporary UTF-8 copy (removed afterwards)."""
    if encoding.startswith("utf-8"):
        yield path
        return
    fd, tmp = tempfile.mkstemp(prefix="mpdesk-csv-", suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as out, path.open("rb") as src:
            reader = codecs.getreader(encoding)(src, "strict")
            writer = codecs.getwriter("utf-8")(out)
            shutil.copyfileobj(reader, writer, 1 << 20)
        yield Path(tmp)
    except UnicodeDecodeError as exc:
        raise CsvError(f"undecodable byte at offset {exc.start}") from exc
    finally:
        Path(tmp).unlink(missing_ok=True)


@dataclass(frozen=True)
class CsvLayout:
    encoding: str
    separator: str
    header_line: int  # 0-based physical line of the header


def load_columns(
    path: Path, layout: CsvLayout, columns: dict[int, str], width: int
) -> pl.DataFrame:
    """All data lines below the header, the given column positions only, as text.

    The read has one column more than the header (``width``): a line with extra fields (an
    unquoted separator shifts every column after it) fills it and is reported. A cut last
    line has fewer fields and is reported too."""
    positions = sorted(columns)
    schema = {f"c{i}": pl.String for i in range(width + 1)}
    with utf8_file(path, layout.encoding) as source:
        try:
            frame = pl.read_csv(
                source,
                separator=layout.separator,
                skip_lines=layout.header_line + 1,
                has_header=False,
                schema=schema,
                columns=[*positions, width],
                missing_columns="insert",
                truncate_ragged_lines=False,
                raise_if_empty=False,
                quote_char='"',
            )
        except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
            raise CsvError(str(exc).splitlines()[0], _first_ragged_line(source, layout)) from exc
        extra = frame.get_column(f"c{width}").is_not_null().arg_true()
        if extra.len():
            raise CsvError("more fields than the header", layout.header_line + 2 + extra[0])
        last = _last_line_fields(source, layout.separator)
        if frame.height and last is not None and last < width:
            raise CsvError("fewer fields than the header", layout.header_line + 1 + frame.height)
    frame = frame.drop(f"c{width}")
    return frame.rename({f"c{p}": columns[p] for p in positions})


def _last_line_fields(path: Path, separator: str) -> int | None:
    """Number of fields on the last non-empty line (a cut-off download has fewer)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 64 * 1024))
        tail = fh.read().decode("utf-8", errors="ignore")
    lines = [line for line in tail.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        return len(next(csv.reader([lines[-1]], delimiter=separator)))
    except (csv.Error, StopIteration):
        return None


def _first_ragged_line(path: Path, layout: CsvLayout) -> int | None:
    """Slow path, only after a failed read: the first line with more fields than the header
    or an unterminated quote."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        for _ in range(layout.header_line):
            fh.readline()
        reader = csv.reader(fh, delimiter=layout.separator, strict=True)
        width = None
        try:
            for cells in reader:
                if width is None:
                    width = len(cells)
                elif len(cells) > width:
                    return layout.header_line + reader.line_num
        except csv.Error:
            return layout.header_line + reader.line_num
    return None
